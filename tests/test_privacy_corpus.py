"""Bad input on the privacy pages (naughty strings, SQL injection, XSS): a clear answer and
the form kept, never a 500, never markup of the attacker's in the page or the export."""

import io
import json
import zipfile
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from forum.extensions import db
from forum.models import AuditEntry
from forum.services.privacy import breaks, export
from tests import factories
from tests.test_corpus import _xss_core


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def _markup(html: str) -> tuple[set[str], set[str]]:
    """The elements and attribute names a page really has (text that looks like markup is
    not counted)."""
    parser = _Markup()
    parser.feed(html)
    return parser.tags, parser.attributes


def _sqli(corpora, limit=60) -> list[str]:
    with (corpora / "sqli" / "all_sqli_payloads.jsonl").open() as lines:
        return [json.loads(line)["payload"] for line in lines][:limit]


def _naughty(corpora, limit=60) -> list[str]:
    blns = json.loads((corpora / "strings" / "blns.json").read_text())
    texts = [t for t in blns if t.strip() and "\x00" not in t]
    return texts[:limit] + texts[-limit:]


@pytest.mark.slow
def test_bad_input_on_every_privacy_form_is_refused_clearly(corpora, member_client, admin_client):
    lengths = {str(days) for days in breaks.DAYS}
    for text in [t for t in _sqli(corpora) + _naughty(corpora) if t.strip() not in lengths]:
        assert (
            member_client.submit("/account/your-data/export", {"ex-password": text}).status_code
            == 422
        )
        assert (
            member_client.submit("/account/your-data/break", {"br-days": text}).status_code == 422
        )
        erase = member_client.submit(
            "/account/your-data/erase",
            {"er-password": text, "er-posts": text, "er-understood": "y"},
        )
        assert erase.status_code == 422, text
        settings = admin_client.submit(
            "/admin/privacy",
            {"rejected_answers_days": text, "mail_files_days": "30", "erasure_cooling_days": "7"},
        )
        assert settings.status_code in (302, 422), text
    assert member_client.get("/").status_code == 200  # still signed in, nothing erased


def test_attack_strings_in_what_a_member_wrote_stay_harmless_in_the_export(app, corpora, member):
    payloads = [p for p in _xss_core(corpora) if "\x00" not in p][:150]
    with app.test_request_context():
        thread = factories.thread(member, title="Corpus", body="Start")
        for payload in payloads:
            factories.reply(member, thread.id, payload[:5000] or "x")
        raw = export.build_export(member.id)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        html = archive.read("your-data.html").decode()
        data = json.loads(archive.read("your-data.json"))
    tags, attributes = _markup(html)
    assert tags <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "main",
        "h1",
        "h2",
        "p",
        "code",
        "dl",
        "dt",
        "dd",
        "pre",
        "ul",
        "li",
        "div",
        "strong",
        "span",
    }, tags
    assert not any(name.startswith("on") or name == "href" for name in attributes), attributes
    assert len(data["posts"]) == len(payloads) + 1
    assert str(escape(payloads[0][:5000])) in html


def test_a_moderators_reason_with_markup_is_stored_as_typed_and_shown_escaped(
    app, member, moderator_client
):
    reason = '<img src=x onerror="alert(1)"> asked by email'
    moderator_client.submit(
        f"/moderation/members/{member.id}/erase", {"posts": "keep", "reason": reason}
    )
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="member.erase").one()
        assert entry.reason == reason
    page = moderator_client.get("/moderation/audit").get_data(as_text=True)
    assert '<img src=x onerror="alert(1)">' not in page
