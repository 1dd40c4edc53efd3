"""Gatherings: events and repeating meetings, their running order, bookings (with the waiting
list and access answers), the write-up, and who organises them.

Capacity is the database's rule: ``booked_count`` moves only by guarded ``UPDATE`` statements
(``services/events/booking.py``) and a CHECK keeps it within ``capacity``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models.base import RichBody, UTCDateTime, str_enum, utcnow
from forum.models.member import Member
from forum.models.region import Region


class EventFormat(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    BOTH = "both"

    @property
    def label(self) -> str:
        return {"online": "Online", "in_person": "In person", "both": "Online and in person"}[
            self.value
        ]


class BookingStatus(StrEnum):
    BOOKED = "booked"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class WriteUpColumn(StrEnum):
    WORKED_WELL = "worked_well"
    COULD_BE_BETTER = "could_be_better"
    ACTION = "action"

    @property
    def label(self) -> str:
        return {
            "worked_well": "Worked well",
            "could_be_better": "Could be better",
            "action": "Actions",
        }[self.value]


class EventOrganiser(db.Model):
    """A member an administrator marked as an organiser of a region's events."""

    __tablename__ = "event_organisers"

    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    region_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class EventHost(db.Model):
    """A co-host of one event: shown on its page beside the organiser, and running it with them
    (its bookings, access answers, messages and write-up), whatever their role."""

    __tablename__ = "event_hosts"

    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    member: so.Mapped[Member] = so.relationship()


class EventSeries(db.Model):
    """A repeating meeting: the rule its occurrences (``Event`` rows) were made from."""

    __tablename__ = "event_series"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    repeat: so.Mapped[str] = so.mapped_column(sa.String(20))  # "monthly" or "quarterly"
    rule: so.Mapped[str] = so.mapped_column(sa.String(300))  # the RRULE text
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Event(RichBody, db.Model):
    """One gathering (or one occurrence of a series); its description is ``body_source``."""

    __tablename__ = "events"
    __table_args__ = (
        sa.Index("ix_events_starts", "starts_at", "id"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("booked_count >= 0", name="booked_not_negative"),
        sa.CheckConstraint(
            "capacity IS NULL OR booked_count <= capacity", name="booked_within_capacity"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    series_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("event_series.id"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(150))
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    timezone: so.Mapped[str] = so.mapped_column(sa.String(60), default="Europe/London")
    region_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    format: so.Mapped[EventFormat] = so.mapped_column(
        str_enum(EventFormat, "event_format"), default=EventFormat.ONLINE
    )
    online_link: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    link_opens_minutes: so.Mapped[int] = so.mapped_column(default=30)
    venue: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    address: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    access_notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    capacity: so.Mapped[int | None] = so.mapped_column()
    booked_count: so.Mapped[int] = so.mapped_column(default=0)
    # Handed out one by one to people joining the waiting list: their place in the queue.
    queue_seq: so.Mapped[int] = so.mapped_column(default=0)
    booking_deadline: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The ticks offered at booking ("Miro", "captions needed"...); a free-text box is always there.
    access_options: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    members_write_up: so.Mapped[bool] = so.mapped_column(default=False)
    thread_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("threads.id"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    region: so.Mapped[Region | None] = so.relationship()
    series: so.Mapped[EventSeries | None] = so.relationship()
    agenda: so.Mapped[list[AgendaItem]] = so.relationship(
        cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    hosts: so.Mapped[list[EventHost]] = so.relationship(
        cascade="all, delete-orphan", order_by="EventHost.created_at"
    )
    created_by: so.Mapped[Member | None] = so.relationship(foreign_keys=[created_by_id])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.booked_count)

    @property
    def online(self) -> bool:
        return self.format in (EventFormat.ONLINE, EventFormat.BOTH)

    @property
    def in_person(self) -> bool:
        return self.format in (EventFormat.IN_PERSON, EventFormat.BOTH)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class AgendaItem(db.Model):
    """One line of the running order: a time (as typed, in the event's zone) and what happens."""

    __tablename__ = "event_agenda_items"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    at: so.Mapped[str] = so.mapped_column(sa.String(5), default="")  # "10:30"
    title: so.Mapped[str] = so.mapped_column(sa.String(200))


class Booking(db.Model):
    """A member's place (or place in the queue) at an event, one row per member and event."""

    __tablename__ = "event_bookings"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "member_id", name="uq_event_bookings_member"),
        sa.Index("ix_event_bookings_queue", "event_id", "status", "queue_position"),
        sa.Index("ix_event_bookings_member", "member_id", "status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    status: so.Mapped[BookingStatus] = so.mapped_column(str_enum(BookingStatus, "booking_status"))
    queue_position: so.Mapped[int | None] = so.mapped_column()  # on the waiting list
    # Access answers: seen only by the event's organisers, deleted after the event.
    access_ticks: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    access_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    answers_purged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    attended: so.Mapped[bool | None] = so.mapped_column()
    reminded_day_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reminded_hour_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    member: so.Mapped[Member] = so.relationship()
    event: so.Mapped[Event] = so.relationship()

    @property
    def has_answers(self) -> bool:
        return bool(self.access_ticks or self.access_text)


class WriteUpEntry(db.Model):
    """One line of an event's write-up: worked well, could be better, or an action."""

    __tablename__ = "event_write_up_entries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    column: so.Mapped[WriteUpColumn] = so.mapped_column(str_enum(WriteUpColumn, "write_up_column"))
    text: so.Mapped[str] = so.mapped_column(sa.String(1000))
    owner: so.Mapped[str] = so.mapped_column(sa.String(80), default="")  # an action's owner
    due_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    idea_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("ideas.id"), index=True, unique=True
    )
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    author: so.Mapped[Member] = so.relationship()
    idea = so.relationship("Idea")


class CalendarFeed(db.Model):
    """A member's private calendar address: a digest of its secret (reset by replacing it)."""

    __tablename__ = "event_calendar_feeds"

    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    secret_digest: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
