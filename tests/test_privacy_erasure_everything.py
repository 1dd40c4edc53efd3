"""Erasure forgets everything: a former member leaves no notifications, choices, digests,
bookings, access answers, alerts, appeals or notes behind; search finds neither the words
they removed nor their old name; others' notifications and the audit log name nobody."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    ConversationMember,
    DigestSend,
    EmailMode,
    EmailPreference,
    Message,
    ModeratorNote,
    ModeratorRegion,
    Notification,
    NotificationSetting,
    SafetyAlert,
    utcnow,
)
from forum.services.events import booking, manage
from forum.services.messages import conversations
from forum.services.moderation import notes
from forum.services.notifications import inbox
from forum.services.privacy import erasure
from forum.services.safety import alerts
from forum.services.search import query
from tests import factories
from tests.test_events import event_form

PHRASE = "the marmalade lighthouse rota"


@pytest.fixture
def people(ctx):
    ahmed = factories.member(display_name="Ahmedov")
    fiona = factories.member(display_name="Fiona")
    own = factories.thread(ahmed, title="Night shifts", body=f"I keep {PHRASE} on Tuesdays")
    factories.reply(fiona, own.id, "> **Ahmedov** wrote:\n> I keep it\n\nThank you.")
    theirs = factories.thread(fiona, title="Supervision", body="How do you do it?")
    factories.reply(ahmed, theirs.id, "Once a month, in a group.")  # Fiona is told, by name
    return {"ahmed": ahmed, "fiona": fiona, "own": own, "theirs": theirs}


def _erase(person, *, remove: bool):
    erasure.request(person, factories.PASSWORD, remove_posts=remove)
    assert erasure.erase_due(utcnow() + timedelta(days=8)) == 1
    db.session.expire_all()


def _search(who, **args) -> list[tuple[str, int]]:
    outcome = query.search(who, args)
    assert outcome.page is not None, outcome.message
    return [(h.kind, h.target_id) for h in outcome.page.items]


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def test_their_notifications_choices_and_digests_are_deleted(people):
    ahmed = people["ahmed"]
    assert _count(Notification, Notification.member_id == ahmed.id)  # Fiona replied, quoting
    inbox.save_settings(ahmed, [])
    db.session.add(EmailPreference(member_id=ahmed.id, mode=EmailMode.DAILY))
    db.session.add(DigestSend(member_id=ahmed.id, period="daily:2026-12-01"))
    db.session.commit()
    _erase(ahmed, remove=False)
    for model in (Notification, NotificationSetting, EmailPreference, DigestSend):
        assert _count(model, model.member_id == ahmed.id) == 0, model.__name__


def test_others_notifications_they_caused_no_longer_name_them(people, app):
    fiona = people["fiona"]
    groups, _ = inbox.page(fiona, 1)
    assert "Ahmedov" in groups[0].kind.describe(groups[0])[0]
    _erase(people["ahmed"], remove=False)
    groups, _ = inbox.page(fiona, 1)
    line = groups[0].kind.describe(groups[0])[0]
    assert "Ahmedov" not in line
    assert line.startswith("A former member")


def test_search_finds_no_words_of_removed_posts(people):
    fiona = people["fiona"]
    assert ("post", people["own"].first_post_id) in _search(fiona, q=f'"{PHRASE}"')
    _erase(people["ahmed"], remove=True)
    assert _search(fiona, q=f'"{PHRASE}"') == []
    assert _search(fiona, q="Night shifts") == []  # the removed thread's title is forgotten


def test_search_finds_nothing_of_theirs_by_their_old_name_when_posts_stay(people):
    fiona = people["fiona"]
    assert _search(fiona, q="Ahmedov")  # Fiona's reply quotes him
    assert _search(fiona, q="Tuesdays", author="Ahmedov")
    _erase(people["ahmed"], remove=False)
    assert _search(fiona, q="Ahmedov") == []
    assert _search(fiona, q="Tuesdays", author="Ahmedov") == []
    assert _search(fiona, q=f'"{PHRASE}"')  # the words they chose to leave are still there


def test_upcoming_bookings_are_cancelled_and_every_access_answer_deleted(people):
    admin = factories.member(display_name="Morag", role="admin")
    ahmed = people["ahmed"]
    next_year = (utcnow() + timedelta(days=60)).date().isoformat()
    coming = manage.create_event(admin, event_form(date=next_year, capacity="1"))
    past = manage.create_event(admin, event_form(), now=utcnow() - timedelta(days=400))
    mine = booking.book(ahmed, coming.id, ticks=["Miro"], text="I use a screen reader")
    waiting = booking.book(people["fiona"], coming.id)
    earlier = db.session.merge(
        Booking(
            event_id=past.id,
            member_id=ahmed.id,
            status=BookingStatus.BOOKED,
            access_text="I need a quiet room",
            attended=True,
        )
    )
    db.session.commit()
    earlier_id = earlier.id
    _erase(ahmed, remove=False)
    cancelled, kept = db.session.get(Booking, mine.id), db.session.get(Booking, earlier_id)
    assert cancelled.status == BookingStatus.CANCELLED
    assert (cancelled.access_ticks, cancelled.access_text) == ([], "")
    assert db.session.get(Booking, waiting.id).status == BookingStatus.BOOKED  # their place
    assert kept.status == BookingStatus.BOOKED and kept.attended  # the attendance counts stay
    assert kept.access_text == ""


def test_they_leave_their_conversations_and_removed_messages_are_emptied(people, app):
    app.config["MESSAGES_NEWCOMER_DAYS"] = app.config["MESSAGES_NEWCOMER_POSTS"] = 0
    ahmed, fiona = people["ahmed"], people["fiona"]
    talk = conversations.start(ahmed, [fiona.id], body="I found the night shifts hard")
    with factories._without_rate_limits():
        conversations.send(fiona, talk.id, body="Me too")
    _erase(ahmed, remove=True)
    theirs = db.session.scalars(sa.select(Message).where(Message.author_id == ahmed.id)).all()
    assert theirs and all("night shifts" not in m.body_html for m in theirs)
    assert "removed when its author left" in theirs[0].body_html
    assert db.session.get(ConversationMember, (talk.id, ahmed.id)).left_at is not None
    assert [m.body_source for m in conversations.messages(fiona, talk)][-1] == "Me too"


def test_alerts_appeals_and_moderators_notes_about_them_are_deleted(people):
    ahmed = people["ahmed"]
    moderator = factories.member(display_name="Kenny", role="moderator")
    db.session.add(SafetyAlert(member_id=ahmed.id, target_kind="post", target_id=1))
    notes.add(moderator, ahmed.id, "Anxious about his mother's illness")
    db.session.commit()
    _erase(ahmed, remove=False)
    assert _count(SafetyAlert, SafetyAlert.member_id == ahmed.id) == 0
    assert _count(ModeratorNote, ModeratorNote.member_id == ahmed.id) == 0
    entries = db.session.scalars(sa.select(AuditEntry)).all()
    assert any(e.action == "member.note" for e in entries)  # that a note was written stays
    assert not any("Ahmedov" in e.summary or "illness" in e.reason for e in entries)


def test_a_moderator_erased_moderates_nothing_and_is_told_of_nothing(ctx):
    lorna = factories.member(display_name="Lorna", role="moderator", moderates=("Lothian",))
    _erase(lorna, remove=False)
    assert _count(ModeratorRegion, ModeratorRegion.moderator_id == lorna.id) == 0
    assert lorna.id not in {m.id for m in alerts.moderators_to_alert(factories.region().id)}
