"""The events page: upcoming first, then past ones with their write-ups; filtered by region and
by online or in person. Two queries whatever the number of events (the events, then which of
them the member booked)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import Booking, BookingStatus, Event, EventFormat, Member, Region, utcnow
from forum.services.events import access, booking

UPCOMING_LIMIT, PAST_LIMIT = 50, 20
NATIONAL = "national"
FORMATS = {"": "Online or in person", "online": "Online", "in_person": "In person"}


@dataclass(frozen=True)
class EventFilter:
    region: str = ""  # "", NATIONAL or a region's slug
    region_id: int | None = None
    format: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str], regions: list[Region]) -> EventFilter:
        region = args.get("region", "")
        ids = {r.slug: r.id for r in regions}
        fmt = args.get("format", "")
        return cls(
            region=region if region == NATIONAL or region in ids else "",
            region_id=ids.get(region),
            format=fmt if fmt in FORMATS else "",
        )


def _filtered(member: Member, view: EventFilter) -> sa.Select:
    stmt = (
        sa.select(Event).where(access.visible_clause(member)).options(so.joinedload(Event.region))
    )
    if view.region == NATIONAL:
        stmt = stmt.where(Event.region_id.is_(None))
    elif view.region_id is not None:
        stmt = stmt.where(Event.region_id == view.region_id)
    if view.format == "online":
        stmt = stmt.where(Event.format != EventFormat.IN_PERSON)
    elif view.format == "in_person":
        stmt = stmt.where(Event.format != EventFormat.ONLINE)
    return stmt


def events(
    member: Member, view: EventFilter, now: datetime | None = None
) -> tuple[list[Event], list[Event], dict[int, Booking]]:
    """Upcoming events (soonest first), past ones (latest first), and the member's bookings
    of them by event id."""
    now = now or utcnow()
    stmt = _filtered(member, view)
    upcoming = list(
        db.session.scalars(
            stmt.where(Event.ends_at >= now)
            .order_by(Event.starts_at, Event.id)
            .limit(UPCOMING_LIMIT)
        )
    )
    past = list(
        db.session.scalars(
            stmt.where(Event.ends_at < now)
            .order_by(Event.starts_at.desc(), Event.id.desc())
            .limit(PAST_LIMIT)
        )
    )
    ids = [e.id for e in upcoming + past]
    mine = (
        {
            b.event_id: b
            for b in db.session.scalars(
                sa.select(Booking).where(
                    Booking.member_id == member.id,
                    Booking.event_id.in_(ids),
                    Booking.status.in_(booking.LIVE_STATUSES),
                )
            )
        }
        if ids
        else {}
    )
    return upcoming, past, mine


def series_events(member: Member, event: Event) -> list[Event]:
    """The other meetings of the event's series that the member may see."""
    if event.series_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(
                Event.series_id == event.series_id,
                Event.id != event.id,
                access.visible_clause(member),
            )
            .order_by(Event.starts_at)
            .limit(12)
        )
    )


__all__ = ["BookingStatus", "EventFilter", "events", "series_events"]
