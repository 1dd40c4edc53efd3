"""Naughty strings and XSS payloads in what members and moderators write about each other:
report notes, reasons for hiding, messages from the moderators. Stored as typed, always shown
escaped (the page has no more elements or attributes than with harmless words)."""

import json

import pytest
import sqlalchemy as sa
from markupsafe import escape

from forum.extensions import db
from forum.models import ModeratorMessage, Post, Report
from forum.services import site_settings
from tests import factories
from tests.conftest import sign_in_as
from tests.test_corpus import _xss_core


def _payloads(corpora, limit=120) -> list[str]:
    blns = json.loads((corpora / "strings" / "blns.json").read_text())
    texts = [t for t in blns + _xss_core(corpora) if t.strip() and "\x00" not in t]
    return [t[:1000] for t in texts][:limit] + [t[:1000] for t in texts][-limit:]


@pytest.mark.slow
def test_report_notes_are_stored_as_typed_and_shown_escaped(app, corpora, moderator_client):
    payloads = _payloads(corpora)
    with app.test_request_context():
        site_settings.settings().auto_hide_reports = 0  # every reporter must still see it
        db.session.commit()
        author = factories.member(display_name="Author")
        thread = factories.thread(author, title="Corpus thread")
        people = [factories.member() for _ in payloads]
        baseline_reports = [(p, "x") for p in people]
        for person, note in baseline_reports:
            factories.report(person, "thread", thread.id, "other", note)
    baseline = moderator_client.get(f"/moderation/thread/{thread.id}").get_data(as_text=True)
    with app.app_context():
        for person, text in zip(people, payloads, strict=True):
            db.session.execute(
                sa.update(Report).where(Report.reporter_id == person.id).values(note=text.strip())
            )
        db.session.commit()
    page = moderator_client.get(f"/moderation/thread/{thread.id}").get_data(as_text=True)
    for text in payloads:
        assert str(escape(text.strip())) in page, text
    assert page.count("<") == baseline.count("<")


@pytest.mark.slow
def test_reports_through_the_form_never_break_it(app, corpora, new_client):
    payloads = _payloads(corpora, limit=40)
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        site_settings.settings().auto_hide_reports = 0
        db.session.commit()
        thread = factories.thread(factories.member(), title="Corpus thread")
    for n, text in enumerate(payloads):
        with app.app_context():
            person = factories.member(email=f"corpus{n}@example.org")
        client = sign_in_as(new_client(), person)
        response = client.submit(f"/report/thread/{thread.id}", {"reason": "other", "note": text})
        assert response.status_code in (302, 422), (n, text)
    with app.app_context():
        notes = set(db.session.scalars(sa.select(Report.note)))
        assert notes <= {t.strip() for t in payloads}


def test_reasons_and_messages_from_moderators_are_escaped(
    app, corpora, moderator_client, new_client
):
    payloads = [p.strip() for p in _xss_core(corpora) if p.strip()][:30]
    with app.test_request_context():
        author = factories.member(display_name="Callum")
        thread = factories.thread(author, title="Escapes")
        replies = [factories.reply(author, thread.id, f"Reply {n}").id for n in range(20)]
    for post_id in replies:
        moderator_client.submit(f"/moderation/post/{post_id}/hide", {"reason": "x"})
    for _ in payloads:
        moderator_client.submit(f"/moderation/member/{author.id}/warn", {"message": "x"})
    callum = sign_in_as(new_client(), author)
    urls = (f"/threads/{thread.id}?page=1", "/messages")
    for url in urls:
        callum.get(url)  # read once: "new" marks gone before comparing
    baseline = [callum.get(url).get_data(as_text=True) for url in urls]
    with app.app_context():
        for post_id, text in zip(replies, payloads, strict=False):
            db.session.execute(
                sa.update(Post).where(Post.id == post_id).values(hidden_reason=text[:500])
            )
        ids = db.session.scalars(sa.select(ModeratorMessage.id).order_by(ModeratorMessage.id))
        for message_id, text in zip(list(ids), payloads, strict=True):
            db.session.execute(
                sa.update(ModeratorMessage)
                .where(ModeratorMessage.id == message_id)
                .values(body=text)
            )
        db.session.commit()
    for url, before in zip(urls, baseline, strict=True):
        page = callum.get(url).get_data(as_text=True)
        assert page.count("<") == before.count("<"), url
        assert page.count('"') == before.count('"'), url
    messages = callum.get("/messages").get_data(as_text=True)
    for text in payloads:
        assert str(escape(text)) in messages, text
