"""Reminders: a day before and an hour before an event, to everyone booked.

``reminders_due(now)`` says what to send; ``mark_sent`` records it, so each reminder goes once.
The periodic job ``events.reminders`` sends them (``forum/tasks.py``), on the bell and by mail
as the member chose (``notices``); ``flask events reminders`` runs it by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import Booking, BookingStatus, Event, utcnow
from forum.services import database
from forum.services.events import notices

DAY, HOUR = "day", "hour"
WINDOWS = {DAY: timedelta(hours=24), HOUR: timedelta(hours=1)}


@dataclass(frozen=True)
class Reminder:
    booking: Booking
    kind: str  # DAY or HOUR


def reminders_due(now: datetime | None = None) -> list[Reminder]:
    """Bookings whose event starts within a day (or an hour) and that were not reminded yet;
    cancelled events are skipped."""
    now = now or utcnow()
    due: list[Reminder] = []
    for kind, window in WINDOWS.items():
        sent = Booking.reminded_day_at if kind == DAY else Booking.reminded_hour_at
        rows = db.session.scalars(
            sa.select(Booking)
            .join(Event, Event.id == Booking.event_id)
            .where(
                Booking.status == BookingStatus.BOOKED,
                sent.is_(None),
                Event.cancelled_at.is_(None),
                Event.starts_at > now,
                Event.starts_at <= now + window,
            )
            .options(so.joinedload(Booking.member), so.joinedload(Booking.event))
            .order_by(Booking.id)
        )
        due.extend(Reminder(row, kind) for row in rows)
    return due


def mark_sent(reminder: Reminder, now: datetime | None = None) -> bool:
    """Record that a reminder went (guarded: False if another worker sent it first)."""
    column = "reminded_day_at" if reminder.kind == DAY else "reminded_hour_at"
    return (
        database.changed_rows(
            sa.update(Booking)
            .where(Booking.id == reminder.booking.id, getattr(Booking, column).is_(None))
            .values({column: now or utcnow()})
        )
        == 1
    )


def send_due(now: datetime | None = None) -> int:
    """Send the due reminders (bell and mail, ``notices``). Returns how many."""
    sent = 0
    for reminder in reminders_due(now):
        if mark_sent(reminder, now):
            notices.tell(
                reminder.booking.member,
                reminder.booking.event,
                "event_reminder",
                f"{reminder.kind}:{reminder.booking.id}",
                kind=reminder.kind,
            )
            sent += 1
    db.session.commit()
    return sent
