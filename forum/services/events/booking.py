"""Booking a place, the waiting list, and access answers.

**Places are the database's rule.** A booking takes a place with one guarded statement,
``UPDATE events SET booked_count = booked_count + 1 WHERE id = … AND (capacity IS NULL OR
booked_count < capacity)``: when it changes no row, the event is full and the member joins the
waiting list, with a queue number handed out by another single ``UPDATE`` of the event's
``queue_seq``. Concurrent bookings wait for each other on the event's row, so 30 members
booking the last 5 places leave exactly 5 booked and 25 waiting, numbered 1 to 25; a CHECK
constraint (``booked_within_capacity``) refuses anything else.

**Promotion.** A place freed (a cancellation, a capacity raised) goes to the first on the
waiting list (``fill_places``), in the same transaction, and they are told on the bell and
by mail (``notices``).

**Access answers** (the organiser's ticks and a free-text box) are seen only by the event's
organisers and deleted ``EVENTS_ACCESS_ANSWERS_DAYS`` (30) days after the event ends
(``purge_access_answers``, run by ``flask events purge-access-answers`` or a periodic job).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from forum.extensions import db
from forum.models import Booking, BookingStatus, Event, Member, utcnow
from forum.services import audit, database
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from forum.services.events import access, notices
from forum.services.live import events as live
from forum.services.live import topics

ACCESS_TEXT_MAX = 2000
LIVE_STATUSES = (BookingStatus.BOOKED, BookingStatus.WAITING)


def answers_kept_days() -> int:
    return int(current_app.config.get("EVENTS_ACCESS_ANSWERS_DAYS", 30))


def my_booking(member: Member, event_id: int) -> Booking | None:
    """The member's booking or place on the waiting list (not a cancelled one)."""
    return db.session.scalar(
        sa.select(Booking).where(
            Booking.event_id == event_id,
            Booking.member_id == member.id,
            Booking.status.in_(LIVE_STATUSES),
        )
    )


def waiting_ahead(booking: Booking) -> int:
    """How many are before this member on the waiting list."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Booking)
            .where(
                Booking.event_id == booking.event_id,
                Booking.status == BookingStatus.WAITING,
                Booking.queue_position < (booking.queue_position or 0),
            )
        )
        or 0
    )


def waiting_count(event_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Booking)
            .where(Booking.event_id == event_id, Booking.status == BookingStatus.WAITING)
        )
        or 0
    )


def link_visible(member: Member, event: Event, booking: Booking | None, now: datetime) -> bool:
    """The joining link: only for members booked, only from ``link_opens_minutes`` before the
    start, never for a cancelled event."""
    return bool(
        event.online_link
        and booking is not None
        and booking.status == BookingStatus.BOOKED
        and booking.member_id == member.id
        and not event.is_cancelled
        and now >= event.starts_at - timedelta(minutes=event.link_opens_minutes)
    )


def _clean_answers(event: Event, ticks, text) -> tuple[list[str], str]:
    offered = list(event.access_options or [])
    chosen = [t for t in (ticks or []) if t in offered]
    text = (text or "").strip()
    if len(text) > ACCESS_TEXT_MAX:
        raise ValidationFailed({"access_text": f"Use at most {ACCESS_TEXT_MAX:,} characters."})
    return chosen, text


def _take_place(event_id: int) -> bool:
    """One guarded UPDATE: a place if there is one. The database decides, not Python."""
    return (
        database.changed_rows(
            sa.update(Event)
            .where(
                Event.id == event_id,
                sa.or_(Event.capacity.is_(None), Event.booked_count < Event.capacity),
            )
            .values(booked_count=Event.booked_count + 1)
        )
        == 1
    )


def _next_in_queue(event_id: int) -> int:
    """The next number on the event's waiting list (a single UPDATE ... RETURNING)."""
    return db.session.execute(
        sa.update(Event)
        .where(Event.id == event_id)
        .values(queue_seq=Event.queue_seq + 1)
        .returning(Event.queue_seq)
    ).scalar_one()


def book(
    member: Member,
    event_id: int,
    *,
    ticks: list[str] | None = None,
    text: str = "",
    now: datetime | None = None,
) -> Booking:
    """Book a place, or join the waiting list when it is full; booking again only updates the
    access answers. :raise NotFound: (not visible), NotAllowed (cancelled, closed, started),
    ValidationFailed (answers too long)."""
    now = now or utcnow()
    event = access.get_event(member, event_id)
    if event.is_cancelled:
        raise NotAllowed("This event was cancelled.")
    if now >= event.starts_at:
        raise NotAllowed("This event has started, so it takes no more bookings.")
    if event.booking_deadline is not None and now > event.booking_deadline:
        raise NotAllowed("Booking for this event has closed.")
    chosen, text = _clean_answers(event, ticks, text)
    booking = db.session.scalar(
        sa.select(Booking).where(Booking.event_id == event.id, Booking.member_id == member.id)
    )
    if booking is None or booking.status == BookingStatus.CANCELLED:
        placed = _take_place(event.id)
        if booking is None:
            booking = Booking(event_id=event.id, member_id=member.id, created_at=now)
            db.session.add(booking)
        booking.status = BookingStatus.BOOKED if placed else BookingStatus.WAITING
        booking.queue_position = None if placed else _next_in_queue(event.id)
        live.publish_after_commit(topics.event(event.id), topics.event_places_event(event.id))
    booking.access_ticks, booking.access_text = chosen, text
    booking.answers_purged_at = None
    booking.changed_at = now
    db.session.commit()
    return booking


def _release(booking: Booking, now: datetime) -> None:
    """Cancel ``booking`` in the caller's transaction, giving its place to the waiting list."""
    was_booked = booking.status == BookingStatus.BOOKED
    booking.status = BookingStatus.CANCELLED
    booking.queue_position = None
    booking.access_ticks, booking.access_text = [], ""
    booking.changed_at = now
    db.session.flush()
    if was_booked:
        database.changed_rows(
            sa.update(Event)
            .where(Event.id == booking.event_id)
            .values(booked_count=Event.booked_count - 1)
        )
        fill_places(db.session.get_one(Event, booking.event_id))
    live.publish_after_commit(
        topics.event(booking.event_id), topics.event_places_event(booking.event_id)
    )


def release_all_of(member_id: int, now: datetime) -> None:
    """A member leaving (erasure), in the caller's transaction: their bookings and waiting
    places at events still to come are cancelled (the places go to the waiting list), and
    every access answer of theirs is deleted, past events' too. Past bookings stay, for the
    attendance counts."""
    upcoming = db.session.scalars(
        sa.select(Booking)
        .join(Event, Event.id == Booking.event_id)
        .where(
            Booking.member_id == member_id,
            Booking.status != BookingStatus.CANCELLED,
            Event.ends_at > now,
        )
    ).all()
    for booking in upcoming:
        _release(booking, now)
    db.session.execute(
        sa.update(Booking)
        .where(Booking.member_id == member_id)
        .values(access_ticks=[], access_text="", answers_purged_at=now)
        .execution_options(synchronize_session=False)
    )


def cancel(member: Member, event_id: int, *, now: datetime | None = None) -> None:
    """Cancel the member's own booking or place on the waiting list (nothing if none)."""
    event = access.get_event(member, event_id)
    booking = my_booking(member, event.id)
    if booking is None:
        return
    _release(booking, now or utcnow())
    db.session.commit()


def cancel_for(organiser: Member, event_id: int, booking_id: int) -> None:
    """An organiser cancels someone's booking (audited). :raise NotFound:"""
    event = access.organised_event(organiser, event_id)
    booking = db.session.scalar(
        sa.select(Booking)
        .where(Booking.id == booking_id, Booking.event_id == event.id)
        .options(so.joinedload(Booking.member))
    )
    if booking is None or booking.status == BookingStatus.CANCELLED:
        raise NotFound("This booking does not exist or was cancelled already.")
    before = {"status": booking.status}
    _release(booking, utcnow())
    audit.record(
        organiser,
        "booking.cancel_other",
        "event",
        event.id,
        region_id=event.region_id,
        summary=f"{booking.member.display_name}'s booking at “{event.title}”",
        before=before,
        after={"status": booking.status},
    )
    db.session.commit()


def fill_places(event: Event) -> list[Booking]:
    """Give free places to the waiting list, first come first served, in the caller's
    transaction; each promoted member is told. Returns the promoted bookings."""
    promoted = []
    while True:
        first = db.session.scalar(
            sa.select(Booking)
            .where(Booking.event_id == event.id, Booking.status == BookingStatus.WAITING)
            .order_by(Booking.queue_position, Booking.id)
            .limit(1)
        )
        if first is None or not _take_place(event.id):
            break
        changed = database.changed_rows(
            sa.update(Booking)
            .where(Booking.id == first.id, Booking.status == BookingStatus.WAITING)
            .values(status=BookingStatus.BOOKED, queue_position=None, changed_at=utcnow())
        )
        if not changed:  # someone else moved them first: give the place back and look again
            database.changed_rows(
                sa.update(Event)
                .where(Event.id == event.id)
                .values(booked_count=Event.booked_count - 1)
            )
            continue
        db.session.refresh(first)
        promoted.append(first)
        notices.tell(
            first.member, event, "event_promoted", f"{event.id}:{first.id}:{utcnow().timestamp()}"
        )
    if promoted:
        live.publish_after_commit(topics.event(event.id), topics.event_places_event(event.id))
    return promoted


# --- telling people ---------------------------------------------------------------------------


def booked_members(event: Event, *, waiting_too: bool = False) -> list[Member]:
    statuses = LIVE_STATUSES if waiting_too else (BookingStatus.BOOKED,)
    return list(
        db.session.scalars(
            sa.select(Member)
            .join(Booking, Booking.member_id == Member.id)
            .where(Booking.event_id == event.id, Booking.status.in_(statuses))
            .order_by(Booking.id)
        )
    )


def tell_booked(event: Event, template: str, *, waiting_too: bool = False, **context) -> int:
    """Tell everyone booked (and waiting) about a change or cancellation, on the bell and by
    mail, one each (no one sees another's address). Returns how many were told. The caller
    commits."""
    people = booked_members(event, waiting_too=waiting_too)
    key = f"{event.id}:{utcnow().timestamp()}"
    for person in people:
        notices.tell(person, event, template, key, **context)
    return len(people)


def mail_booked(event: Event, template: str, **context) -> int:
    """One mail to each person booked (an organiser's message), no one seeing another's
    address. Returns how many. The caller commits."""
    people = booked_members(event)
    for person in people:
        notices.mail(person, event, template, **context)
    return len(people)


# --- access answers ---------------------------------------------------------------------------


def purge_access_answers(now: datetime | None = None) -> int:
    """Delete the access answers of events that ended more than ``EVENTS_ACCESS_ANSWERS_DAYS``
    ago; returns how many bookings lost theirs. Its own transaction (a periodic job)."""
    now = now or utcnow()
    ended = sa.select(Event.id).where(Event.ends_at < now - timedelta(days=answers_kept_days()))
    count = database.changed_rows(
        sa.update(Booking)
        .where(
            Booking.event_id.in_(ended),
            Booking.answers_purged_at.is_(None),
        )
        .values(access_ticks=[], access_text="", answers_purged_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return count
