"""The write-up of an event: *Worked well*, *Could be better*, *Actions* (with an owner and a
due date). Organisers write in it, and members too when the organiser allows it. An action
becomes an idea in the ideas clinic in one step, linked both ways (the entry keeps the idea's
id; the idea's description opens with a link to the gathering it came from, and
``origin_of`` finds it)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for

from forum.extensions import db
from forum.models import Booking, BookingStatus, Event, Member, WriteUpColumn, WriteUpEntry
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from forum.services.events import access
from forum.services.forums.threads import markdown_escape
from forum.services.ideas import board
from forum.services.live import events as live
from forum.services.live import topics

TEXT_MAX = 1000


def may_write(member: Member, event: Event) -> bool:
    """Organisers always; members who booked when the organiser allows it."""
    if access.runs_event(member, event):
        return True
    if not event.members_write_up:
        return False
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    Booking.event_id == event.id,
                    Booking.member_id == member.id,
                    Booking.status == BookingStatus.BOOKED,
                )
            )
        )
    )


def entries(member: Member, event_id: int) -> tuple[Event, dict[WriteUpColumn, list[WriteUpEntry]]]:
    """The write-up's three columns. :raise NotFound: when the event is not visible."""
    event = access.get_event(member, event_id)
    rows = db.session.scalars(
        sa.select(WriteUpEntry)
        .where(WriteUpEntry.event_id == event.id)
        .options(so.joinedload(WriteUpEntry.author), so.joinedload(WriteUpEntry.idea))
        .order_by(WriteUpEntry.id)
    )
    columns: dict[WriteUpColumn, list[WriteUpEntry]] = {c: [] for c in WriteUpColumn}
    for row in rows:
        columns[row.column].append(row)
    return event, columns


def add_entry(
    member: Member,
    event_id: int,
    *,
    column: str,
    text: str,
    owner: str = "",
    due_on: str | date | None = None,
) -> WriteUpEntry:
    """Add a line to the write-up. :raise NotFound, NotAllowed, ValidationFailed:"""
    event = access.get_event(member, event_id)
    if not may_write(member, event):
        raise NotAllowed("Only the organisers write this write-up.")
    errors: dict[str, str] = {}
    try:
        kind = WriteUpColumn(column)
    except ValueError:
        errors["column"] = "Choose a column."
        kind = WriteUpColumn.WORKED_WELL
    text = (text or "").strip()
    if not text:
        errors["text"] = "This cannot be empty."
    elif len(text) > TEXT_MAX:
        errors["text"] = f"Use at most {TEXT_MAX:,} characters."
    due = None
    if isinstance(due_on, date):
        due = due_on
    elif due_on:
        try:
            due = date.fromisoformat(due_on.strip())
        except ValueError:
            errors["due_on"] = "Give a date as year-month-day."
    owner = " ".join((owner or "").split())
    if len(owner) > 80:
        errors["owner"] = "Use at most 80 characters."
    if errors:
        raise ValidationFailed(errors)
    is_action = kind == WriteUpColumn.ACTION
    entry = WriteUpEntry(
        event_id=event.id,
        column=kind,
        text=text,
        owner=owner if is_action else "",
        due_on=due if is_action else None,
        author_id=member.id,
    )
    db.session.add(entry)
    live.publish_after_commit(topics.event(event.id), topics.event_write_up_event(event.id))
    db.session.commit()
    return entry


def gathering_name(event: Event) -> str:
    """ "the Perth gathering, March 2026": how an idea names where it came from."""
    month = event.starts_at.astimezone(ZoneInfo(event.timezone)).strftime("%B %Y")
    return f"{event.title}, {month}"


def make_idea(member: Member, entry_id: int) -> WriteUpEntry:
    """Turn an action into an idea in the ideas clinic (the event's region, the author's vote),
    in one transaction. :raise NotFound, NotAllowed, ValidationFailed:"""
    entry = db.session.get(WriteUpEntry, entry_id)
    if entry is None:
        raise NotFound("This entry does not exist.")
    event = access.get_event(member, entry.event_id)
    if not access.runs_event(member, event):
        raise NotFound("This entry does not exist.")
    if entry.column != WriteUpColumn.ACTION:
        raise NotAllowed("Only an action can become an idea.")
    if entry.idea_id is not None:
        return entry
    title = (
        entry.text
        if len(entry.text) <= board.TITLE_MAX
        else entry.text[: board.TITLE_MAX - 1] + "…"
    )
    if len(title) < board.TITLE_MIN:
        title = f"Action: {title}"
    where = url_for("events.show", event_id=event.id)
    name = markdown_escape(gathering_name(event))
    description = f"An action from [{name}]({where}).\n\n{entry.text}"
    if entry.owner:
        description += f"\n\nOwner: {entry.owner}"
    if entry.due_on:
        description += f"\n\nDue: {entry.due_on:%-d %B %Y}"
    idea, _ = board.add_idea(
        member, title=title, description=description, region_id=event.region_id
    )
    entry.idea_id = idea.id
    live.publish_after_commit(topics.event(event.id), topics.event_write_up_event(event.id))
    db.session.commit()
    return entry


def origin_of(idea_id: int) -> tuple[Event, str] | None:
    """The event an idea came from, and its name, if any (the idea page's "from ...")."""
    entry = db.session.scalar(sa.select(WriteUpEntry).where(WriteUpEntry.idea_id == idea_id))
    if entry is None:
        return None
    event = db.session.get_one(Event, entry.event_id)
    return event, gathering_name(event)
