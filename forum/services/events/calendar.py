"""Calendars: the ``.ics`` of one event, and each member's private feed of the events they
booked, at a secret address they can reset (only its digest is stored).

Times are written in the event's own zone with its ``VTIMEZONE`` (``icalendar`` adds it), so
a calendar shows 10:00 Europe/London as 10:00 on either side of a clock change. The joining
link is never in a calendar: it is on the event page, for members booked, near the start.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, url_for

from forum.extensions import db
from forum.models import Booking, BookingStatus, CalendarFeed, Event, Member, MemberStatus
from forum.services import tokens
from forum.services.events import access

if TYPE_CHECKING:
    import icalendar

PRODID = "-//peer-forum//events//EN"


def _uid(event: Event) -> str:
    host = current_app.config.get("SERVER_NAME") or "peer-forum"
    return f"event-{event.id}@{host}"


def _component(event: Event) -> icalendar.Event:
    import icalendar  # here, not at the top: 3 MB a worker loads only when a calendar is asked for

    zone = ZoneInfo(event.timezone)
    item = icalendar.Event()
    item.add("uid", _uid(event))
    item.add("summary", event.title)
    item.add("dtstamp", event.created_at)
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    url = url_for("events.show", event_id=event.id, _external=True)
    item.add("url", url)
    where = ", ".join(p for p in (event.venue, event.address) if p) or (
        "Online (the joining link is on the event page)" if event.online else ""
    )
    if where:
        item.add("location", where)
    item.add("description", f"{event.format.label}. Details and your booking: {url}")
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def _calendar(events: list[Event], name: str) -> bytes:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_component(event))
    cal.add_missing_timezones()
    return cal.to_ical()


def event_ics(member: Member, event_id: int) -> tuple[Event, bytes]:
    """The ``.ics`` of one event. :raise NotFound: when ``member`` may not see it."""
    event = access.get_event(member, event_id)
    return event, _calendar([event], event.title)


# --- the private feed -------------------------------------------------------------------------


def reset_feed(member: Member) -> str:
    """A new secret address for the member's feed (the old one stops working); returns the
    secret, shown once."""
    secret, digest = tokens.new_secret()
    feed = db.session.get(CalendarFeed, member.id)
    if feed is None:
        db.session.add(CalendarFeed(member_id=member.id, secret_digest=digest))
    else:
        feed.secret_digest = digest
    db.session.commit()
    return secret


def has_feed(member: Member) -> bool:
    return db.session.get(CalendarFeed, member.id) is not None


def feed_member(secret: str) -> Member | None:
    """The active member whose feed this secret opens, or None."""
    if not secret or len(secret) > 100:
        return None
    digest = tokens.digest(secret)
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.secret_digest == digest))
    if feed is None or not hmac.compare_digest(feed.secret_digest, digest):
        return None
    member = db.session.get(Member, feed.member_id)
    return member if member is not None and member.status == MemberStatus.ACTIVE else None


def feed_ics(secret: str) -> bytes | None:
    """The feed of the events its member booked and may still see; None for an unknown secret."""
    member = feed_member(secret)
    if member is None:
        return None
    events = list(
        db.session.scalars(
            sa.select(Event)
            .join(Booking, Booking.event_id == Event.id)
            .where(
                Booking.member_id == member.id,
                Booking.status == BookingStatus.BOOKED,
                access.visible_clause(member),
            )
            .order_by(Event.starts_at)
        )
    )
    return _calendar(events, "My gatherings")
