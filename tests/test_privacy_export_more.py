"""Your data holds everything about you: bookings and the access answers you gave, the
messages you wrote to other members (never theirs), your appeals, and your choices about
notifications, email and messages."""

import io
import json
import zipfile
from datetime import timedelta

import pytest

from forum.extensions import db
from forum.models import EmailMode, Member, utcnow
from forum.services.events import booking, manage
from forum.services.messages import conversations
from forum.services.moderation import appeals
from forum.services.notifications import inbox, mailing
from forum.services.privacy import export
from tests import factories
from tests.test_events import event_form


@pytest.fixture
def everything(app, ctx, member, moderator):
    app.config["MESSAGES_NEWCOMER_DAYS"] = app.config["MESSAGES_NEWCOMER_POSTS"] = 0
    fiona = factories.member(display_name="Fiona", email="fiona@example.org")
    admin = factories.member(display_name="Morag", role="admin")
    soon = (utcnow() + timedelta(days=30)).date().isoformat()
    event = manage.create_event(admin, event_form(date=soon, title="Spring gathering"))
    booking.book(member, event.id, ticks=["Captions needed"], text="I lip-read")
    talk = conversations.start(member, [fiona.id], subject="Night shifts", body="Ahmed writes")
    with factories._without_rate_limits():
        conversations.send(fiona, talk.id, body="Fiona's private reply about her sister")
    inbox.save_settings(member, [])
    mailing.set_mode(member, EmailMode.DAILY.value)
    factories.act(moderator, "member", member.id, "suspend", period="week", reason="Unkind.")
    appeals.submit(db.session.get(Member, member.id), "Please look again at my suspension.")
    data = export.build_export(member.id)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("your-data.json")), archive.read("your-data.html").decode()


def test_bookings_and_access_answers_are_in_it(everything):
    data, html = everything
    [mine] = data["bookings"]
    assert mine["event_title"] == "Spring gathering" and mine["status"] == "booked"
    assert (mine["access_needs"], mine["access_note"]) == (["Captions needed"], "I lip-read")
    assert "I lip-read" in html


def test_their_messages_are_in_it_and_nobody_elses(everything):
    data, html = everything
    [mine] = data["messages_in_conversations"]
    assert (mine["text"], mine["subject"]) == ("Ahmed writes", "Night shifts")
    assert mine["conversation"].startswith("/conversations/")
    text = json.dumps(data) + html
    for theirs in ("Fiona", "fiona@example.org", "private reply"):
        assert theirs not in text, theirs


def test_notification_email_and_message_choices_are_in_it(everything):
    choices = everything[0]["choices"]
    assert choices["email"] == "daily"
    assert "reply" in choices["notifications_switched_off"]
    assert choices["messages_off"] is False


def test_their_appeals_are_in_it(everything):
    data, html = everything
    [appeal] = data["appeals"]
    assert appeal["text"] == "Please look again at my suspension."
    assert appeal["state"] == "open"
    assert "Please look again" in html
