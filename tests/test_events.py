"""Gatherings (issue 14): organisers create events and series, members book, the waiting list
moves in order, the joining link and access answers stay with who may see them, and every
problem with what an organiser typed is a clear message."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Booking, BookingStatus, Event, EventOrganiser, Thread
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from forum.services.events import access, booking, manage, organising, reminders, write_up
from tests import factories

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def event_form(**changes) -> dict:
    form = {
        "title": "Perth gathering",
        "description": "We meet to **share** what works.",
        "date": "2026-03-18",
        "start_time": "10:00",
        "end_time": "15:30",
        "timezone": "Europe/London",
        "region_id": "",
        "format": "online",
        "online_link": "https://zoom.example/j/123",
        "link_opens_minutes": "30",
        "capacity": "",
        "access_options": "Miro\nBreakout rooms\nCaptions needed",
        "agenda": "10:00 Welcome\n10:30 Breakout rooms\n14:45 Worked well, could be better",
    }
    form.update(changes)
    return form


def new_event(who, **changes) -> Event:
    event = manage.create_event(who, event_form(**changes), now=NOW)
    db.session.expire_all()
    return db.session.get(Event, event.id)


@pytest.fixture
def people(ctx):
    return {
        "admin": factories.member(display_name="Morag", role="admin"),
        "ahmed": factories.member(display_name="Ahmed"),
        "bea": factories.member(display_name="Bea"),
        "hamish": factories.member(display_name="Hamish", region_name="Highland"),
    }


# --- creating ---------------------------------------------------------------------------------


def test_an_administrator_creates_an_event_with_its_running_order_and_audit_row(ctx, people):
    event = new_event(people["admin"])
    assert event.starts_at == datetime(2026, 3, 18, 10, 0, tzinfo=UTC)  # GMT in March
    assert [(i.at, i.title) for i in event.agenda][:2] == [
        ("10:00", "Welcome"),
        ("10:30", "Breakout rooms"),
    ]
    assert "<strong>share</strong>" in event.body_html
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event.create"))
    assert entry.target_id == event.id


def test_a_member_may_not_organise_unless_marked_for_a_region(ctx, people):
    with pytest.raises(ValidationFailed) as refused:
        manage.create_event(people["ahmed"], event_form(), now=NOW)
    assert "region_id" in refused.value.field_errors
    lothian = factories.region("Lothian")
    access.set_organiser(people["admin"], people["ahmed"].id, lothian.id, True)
    assert db.session.get(EventOrganiser, (people["ahmed"].id, lothian.id))
    event = new_event(people["ahmed"], region_id=str(lothian.id))
    assert event.region_id == lothian.id
    with pytest.raises(ValidationFailed):  # still not a national one
        manage.create_event(people["ahmed"], event_form(), now=NOW)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"end_time": "09:00"}, "end_time", "after the start"),
        ({"capacity": "0"}, "capacity", "1 or more"),
        ({"capacity": "-4"}, "capacity", "1 or more"),
        ({"date": "2026-02-01"}, "date", "passed"),
        ({"online_link": ""}, "online_link", "joining link"),
        ({"online_link": "javascript:alert(1)"}, "online_link", "https://"),
        ({"format": "in_person", "venue": ""}, "venue", "venue"),
        ({"title": ""}, "title", "cannot be empty"),
        ({"start_time": "25:00"}, "start_time", "hours and minutes"),
        ({"repeat": "quarterly", "repeat_until": "2026-03-01"}, "repeat_until", "no meetings"),
        ({"repeat": "monthly", "repeat_until": "2900-01-01"}, "repeat_until", "at most"),
    ],
)
def test_bad_input_is_a_clear_message_on_its_field(ctx, people, changes, field, words):
    with pytest.raises(ValidationFailed) as refused:
        manage.create_event(people["admin"], event_form(**changes), now=NOW)
    assert words in " ".join(refused.value.field_errors[field])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_ten_thousand_occurrences_are_capped_with_the_number_said(ctx, people):
    with pytest.raises(ValidationFailed) as refused:
        manage.create_event(
            people["admin"], event_form(repeat="monthly", repeat_until="2899-12-31"), now=NOW
        )
    message = refused.value.field_errors["repeat_until"][0]
    assert "10,4" in message or "," in message  # the count, written out
    assert str(manage.MAX_OCCURRENCES) in message


def test_a_quarterly_series_meets_on_the_third_wednesday_of_mar_jun_sep_dec(ctx, people):
    first = new_event(
        people["admin"], date="2026-03-18", repeat="quarterly", repeat_until="2027-03-31"
    )
    meetings = list(
        db.session.scalars(
            sa.select(Event).where(Event.series_id == first.series_id).order_by(Event.starts_at)
        )
    )
    days = [m.starts_at.date().isoformat() for m in meetings]
    assert days == ["2026-03-18", "2026-06-17", "2026-09-16", "2026-12-16", "2027-03-17"]
    # 10:00 London on the clock, whether GMT or BST
    assert [m.starts_at.hour for m in meetings] == [10, 9, 9, 10, 10]


def test_one_meeting_of_a_series_is_changed_or_cancelled_alone(ctx, people):
    first = new_event(
        people["admin"], date="2026-03-18", repeat="monthly", repeat_until="2026-06-30"
    )
    others = list(
        db.session.scalars(
            sa.select(Event).where(Event.series_id == first.series_id, Event.id != first.id)
        )
    )
    assert len(others) == 3
    values = manage.form_values(others[0]) | {"title": "April: a longer meeting"}
    manage.edit_event(people["admin"], others[0].id, values, now=NOW)
    manage.cancel_event(people["admin"], others[1].id)
    db.session.expire_all()
    titles = {e.title for e in db.session.scalars(sa.select(Event))}
    assert titles == {"Perth gathering", "April: a longer meeting"}
    cancelled = [e.id for e in db.session.scalars(sa.select(Event)) if e.is_cancelled]
    assert cancelled == [others[1].id]


def test_an_event_opens_its_discussion_thread_in_the_events_forum(ctx, people):
    factories.forum("Events")
    event = new_event(people["admin"])
    thread = db.session.get(Thread, event.thread_id)
    assert thread.title.startswith("Perth gathering")


# --- seeing -----------------------------------------------------------------------------------


def test_a_region_only_event_is_not_found_by_another_region(ctx, people):
    factories.forum(region_name="Lothian", audience="region")
    lothian = factories.region("Lothian")
    event = new_event(people["admin"], region_id=str(lothian.id))
    assert access.get_event(people["ahmed"], event.id).id == event.id
    with pytest.raises(NotFound):
        access.get_event(people["hamish"], event.id)
    with pytest.raises(NotFound):
        booking.book(people["hamish"], event.id, now=NOW)


def test_an_open_region_event_is_seen_by_everyone(ctx, people):
    highland = factories.region("Highland")
    event = new_event(people["admin"], region_id=str(highland.id))
    assert access.get_event(people["ahmed"], event.id)


# --- booking ----------------------------------------------------------------------------------


def test_a_full_event_puts_members_on_the_waiting_list_and_promotes_in_order(ctx, people, outbox):
    event = new_event(people["admin"], capacity="1")
    others = [factories.member(display_name=f"Waiting {n}") for n in range(3)]
    assert booking.book(people["ahmed"], event.id, now=NOW).status == BookingStatus.BOOKED
    waiting = [booking.book(p, event.id, now=NOW) for p in others]
    assert [b.status for b in waiting] == [BookingStatus.WAITING] * 3
    assert [b.queue_position for b in waiting] == [1, 2, 3]
    booking.cancel(people["ahmed"], event.id, now=NOW)
    db.session.expire_all()
    statuses = [db.session.get(Booking, b.id).status for b in waiting]
    assert statuses == [BookingStatus.BOOKED, BookingStatus.WAITING, BookingStatus.WAITING]
    assert db.session.get(Event, event.id).booked_count == 1
    assert any("place" in m.subject.lower() for m in outbox())


def test_booking_twice_keeps_one_place(ctx, people):
    event = new_event(people["admin"], capacity="5")
    booking.book(people["ahmed"], event.id, now=NOW)
    booking.book(people["ahmed"], event.id, ticks=["Miro"], now=NOW)
    db.session.expire_all()
    assert db.session.get(Event, event.id).booked_count == 1


def test_raising_the_capacity_promotes_the_waiting_list(ctx, people):
    event = new_event(people["admin"], capacity="1")
    booking.book(people["ahmed"], event.id, now=NOW)
    second = booking.book(people["bea"], event.id, now=NOW)
    manage.edit_event(
        people["admin"], event.id, manage.form_values(event) | {"capacity": "2"}, now=NOW
    )
    db.session.expire_all()
    assert db.session.get(Booking, second.id).status == BookingStatus.BOOKED


def test_no_booking_after_the_deadline_or_for_a_cancelled_event(ctx, people):
    event = new_event(people["admin"], booking_deadline="2026-03-10T17:00")
    with pytest.raises(NotAllowed, match="closed"):
        booking.book(people["ahmed"], event.id, now=datetime(2026, 3, 11, tzinfo=UTC))
    manage.cancel_event(people["admin"], event.id)
    with pytest.raises(NotAllowed, match="cancelled"):
        booking.book(people["ahmed"], event.id, now=NOW)


def test_the_joining_link_shows_only_to_the_booked_and_only_near_the_start(ctx, people):
    event = new_event(people["admin"])
    mine = booking.book(people["ahmed"], event.id, now=NOW)
    early = event.starts_at - timedelta(minutes=31)
    near = event.starts_at - timedelta(minutes=29)
    assert not booking.link_visible(people["ahmed"], event, mine, early)
    assert booking.link_visible(people["ahmed"], event, mine, near)
    assert not booking.link_visible(people["bea"], event, None, near)


def test_access_answers_are_kept_only_from_the_offered_ticks_and_deleted_after_30_days(ctx, people):
    event = new_event(people["admin"])
    mine = booking.book(
        people["ahmed"],
        event.id,
        ticks=["Miro", "Not offered"],
        text="I use a screen reader",
        now=NOW,
    )
    assert mine.access_ticks == ["Miro"]
    assert booking.purge_access_answers(event.ends_at + timedelta(days=29)) == 0
    assert booking.purge_access_answers(event.ends_at + timedelta(days=31)) == 1
    db.session.expire_all()
    kept = db.session.get(Booking, mine.id)
    assert (kept.access_ticks, kept.access_text) == ([], "")


def test_only_organisers_see_the_bookings_and_access_answers(ctx, people):
    event = new_event(people["admin"])
    booking.book(people["ahmed"], event.id, text="Captions please", now=NOW)
    with pytest.raises(NotFound):
        organising.bookings(people["bea"], event.id)
    _, booked, _ = organising.bookings(people["admin"], event.id)
    assert booked[0].access_text == "Captions please"


def test_the_register_csv_cannot_run_formulas(ctx, people):
    event = new_event(people["admin"])
    booking.book(people["ahmed"], event.id, text='=HYPERLINK("x")', now=NOW)
    _, text = organising.register_csv(people["admin"], event.id)
    assert "'=HYPERLINK" in text


def test_an_organiser_cancelling_someones_booking_is_audited(ctx, people):
    event = new_event(people["admin"])
    mine = booking.book(people["ahmed"], event.id, now=NOW)
    booking.cancel_for(people["admin"], event.id, mine.id)
    assert db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "booking.cancel_other")
    )


def test_a_message_to_everyone_booked_is_one_mail_each(ctx, people, outbox):
    event = new_event(people["admin"])
    booking.book(people["ahmed"], event.id, now=NOW)
    booking.book(people["bea"], event.id, now=NOW)
    before = len(outbox())
    assert organising.message_booked(people["admin"], event.id, "Slides", "Here they are.") == 2
    mails = outbox()[before:]
    assert sorted(m.recipient for m in mails) == sorted(
        [people["ahmed"].email, people["bea"].email]
    )
    assert all(people["bea"].email not in m.body for m in mails)


# --- reminders --------------------------------------------------------------------------------


def test_reminders_are_due_a_day_and_an_hour_before_and_sent_once(ctx, people):
    event = new_event(people["admin"])
    booking.book(people["ahmed"], event.id, now=NOW)
    assert reminders.reminders_due(event.starts_at - timedelta(days=2)) == []
    day = reminders.reminders_due(event.starts_at - timedelta(hours=20))
    assert [r.kind for r in day] == ["day"]
    assert reminders.mark_sent(day[0], NOW)
    db.session.commit()
    assert reminders.reminders_due(event.starts_at - timedelta(hours=20)) == []
    assert [r.kind for r in reminders.reminders_due(event.starts_at - timedelta(minutes=30))] == [
        "hour"
    ]


# --- the write-up ------------------------------------------------------------------------------


def test_an_action_becomes_an_idea_linked_both_ways(ctx, people):
    event = new_event(people["admin"])
    entry = write_up.add_entry(
        people["admin"],
        event.id,
        column="action",
        text="Run a session on peer support at discharge",
        owner="Morag",
        due_on="2026-05-01",
    )
    linked = write_up.make_idea(people["admin"], entry.id)
    assert linked.idea_id
    origin, name = write_up.origin_of(linked.idea_id)
    assert origin.id == event.id and name == "Perth gathering, March 2026"


def test_members_write_in_the_write_up_only_when_allowed(ctx, people):
    event = new_event(people["admin"])
    booking.book(people["ahmed"], event.id, now=NOW)
    with pytest.raises(NotAllowed):
        write_up.add_entry(people["ahmed"], event.id, column="worked_well", text="Breakouts")
    allowed = new_event(people["admin"], members_write_up="y", title="Another")
    booking.book(people["ahmed"], allowed.id, now=NOW)
    assert write_up.add_entry(people["ahmed"], allowed.id, column="worked_well", text="Breakouts")
