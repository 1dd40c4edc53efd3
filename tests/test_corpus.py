"""Naughty strings and XSS payloads in people's answers: stored exactly, always shown escaped."""

import json

import pytest
import sqlalchemy as sa
from markupsafe import escape

from forum.extensions import db
from forum.models import Member
from tests import factories
from tests.test_membership import application


def _blns(corpora):
    return json.loads((corpora / "strings" / "blns.json").read_text())


def _xss_core(corpora):
    with (corpora / "xss" / "all_payloads.jsonl").open() as lines:
        rows = [json.loads(line) for line in lines]
    return [r["payload"] for r in rows if r["first_source"] != "payloadbox"]


def test_naughty_strings_through_the_application_form_never_break_it(app, client, corpora):
    """Every string as name, organisation and reason: a clear answer, never a 500."""
    for n, text in enumerate(_blns(corpora)):
        form = application(
            display_name=text, organisation=text, reason=text, email=f"blns{n}@example.org"
        )
        client.environ_base["REMOTE_ADDR"] = f"10.1.{n // 200}.{n % 200}"  # past the rate limit
        response = client.submit("/apply", form)
        assert response.status_code in (302, 422), (n, text, response.status_code)
        if response.status_code == 302:
            with app.app_context():
                stored = db.session.scalar(
                    sa.select(Member).where(Member.email == f"blns{n}@example.org")
                )
                assert stored.display_name == text.strip()
                assert stored.reason == text.strip()
        else:
            body = response.get_data(as_text=True)
            assert str(escape(text.replace("\x00", ""))) in body or not text.strip()


@pytest.mark.parametrize("source", ["blns", "xss"])
def test_answers_are_shown_escaped_in_the_moderation_queue(app, moderator_client, corpora, source):
    """Each payload appears escaped, and the page has no element or attribute more than it
    has with harmless answers (the same count of ``<`` and ``"``)."""
    payloads = _blns(corpora) if source == "blns" else _xss_core(corpora)
    payloads = [p for p in payloads if p.strip()]
    with app.app_context():
        people = [
            factories.member(status="pending", display_name="x", organisation="x", reason="x",
                             email=f"p{n}@example.org").id
            for n in range(len(payloads))
        ]  # fmt: skip
    baseline = moderator_client.get("/moderation/applications").get_data(as_text=True)
    with app.app_context():
        for person_id, text in zip(people, payloads, strict=True):
            db.session.execute(
                sa.update(Member)
                .where(Member.id == person_id)
                .values(display_name=text[:80].strip() or "x", organisation=text[:200],
                        reason=text)
            )  # fmt: skip
        db.session.commit()
    page = moderator_client.get("/moderation/applications").get_data(as_text=True)
    for text in payloads:
        assert str(escape(text)) in page, text
    assert page.count("<") == baseline.count("<")
    assert page.count('"') == baseline.count('"')
