"""Creating, changing and cancelling events, and repeating meetings.

Times are typed in the event's zone (the network's, ``TIMEZONE``, by default) and stored in
UTC; a repeating meeting's occurrences are made by ``dateutil.rrule`` on the local wall clock,
each then placed in its zone, so a 10:00 meeting stays at 10:00 across clock changes.

Every problem with what an organiser typed is reported at once (``ValidationFailed``), field by
field, so the form comes back with the rest kept. Each change is one transaction with its audit
row; a change or cancellation tells everyone booked (``booking.tell_booked``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from dateutil import rrule
from flask import current_app

from forum.extensions import db
from forum.models import (
    AgendaItem,
    Event,
    EventFormat,
    EventSeries,
    Forum,
    Member,
    Region,
    utcnow,
)
from forum.numbers import whole_or_none
from forum.services import audit
from forum.services.errors import NotFound, ValidationFailed
from forum.services.events import access, booking
from forum.services.forums import threads
from forum.services.live import events as live
from forum.services.live import topics

TITLE_MIN, TITLE_MAX = 3, 150
DESCRIPTION_MAX = 20_000
MAX_OCCURRENCES = 60  # a series makes at most this many meetings at once
MAX_AGENDA_ITEMS = 40
MAX_ACCESS_OPTIONS = 20
REPEATS = {"": "Does not repeat", "monthly": "Monthly", "quarterly": "Quarterly"}
SUGGESTED_ACCESS_OPTIONS = (
    "Miro",
    "Padlet",
    "Breakout rooms",
    "Captions needed",
    "BSL interpreter",
    "Step-free access",
    "Quiet room",
    "Dietary needs",
)
EVENTS_FORUM_SLUG = "events"
AGENDA_LINE = re.compile(r"^\s*(?:(\d{1,2})[:.](\d{2})\s*[-\u2013:]?\s*)?(.+?)\s*$")


@dataclass
class EventDetails:
    """What an organiser typed, checked: everything a service needs to save an event."""

    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    region_id: int | None
    format: EventFormat
    online_link: str = ""
    link_opens_minutes: int = 30
    venue: str = ""
    address: str = ""
    access_notes: str = ""
    capacity: int | None = None
    booking_deadline: datetime | None = None
    access_options: list[str] = field(default_factory=list)
    agenda: list[tuple[str, str]] = field(default_factory=list)
    members_write_up: bool = False
    repeat: str = ""
    repeat_until: date | None = None


def default_timezone() -> str:
    return current_app.config.get("TIMEZONE", "Europe/London")


def zone_choices() -> list[str]:
    """Zones an organiser may pick: the network's first, then the usual ones."""
    first = default_timezone()
    usual = ["Europe/London", "Europe/Dublin", "Europe/Paris", "UTC"]
    return list(dict.fromkeys([first, *usual]))


def _zone(name: str | None, errors: dict) -> ZoneInfo:
    name = (name or "").strip() or default_timezone()
    try:
        if name not in available_timezones() and name != "UTC":
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = ["Choose a time zone from the list."]
        return ZoneInfo(default_timezone())


def _day(value, field_name: str, errors: dict, *, required: bool = True) -> date | None:
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        if required:
            errors[field_name] = ["Give a date."]
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        errors[field_name] = ["Give a date as year-month-day, for example 2026-03-18."]
        return None


def _clock(value, field_name: str, errors: dict) -> time | None:
    if isinstance(value, time):
        return value
    text = (value or "").strip()
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        errors[field_name] = ["Give a time as hours and minutes, for example 10:30."]
        return None
    return time(int(match[1]), int(match[2]))


def local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time in ``zone``, in UTC (a time skipped by a clock change moves on)."""
    moment = datetime.combine(day, clock, tzinfo=zone)
    return moment.astimezone(UTC).astimezone(zone).astimezone(UTC)


def _text(value, field_name: str, limit: int, errors: dict, *, required=False) -> str:
    text = " ".join((value or "").split()) if limit <= 500 else (value or "").strip()
    if required and not text:
        errors[field_name] = ["This cannot be empty."]
    elif len(text) > limit:
        errors[field_name] = [f"Use at most {limit:,} characters."]
    return text


def _agenda(value, errors: dict) -> list[tuple[str, str]]:
    """The running order, one item a line: "10:00 Welcome" (the time is optional)."""
    items = []
    for line in (value or "").splitlines():
        if not line.strip():
            continue
        match = AGENDA_LINE.match(line)
        assert match  # the pattern matches any non-empty line
        hours, minutes, title = match.groups()
        at = ""
        if hours is not None:
            if int(hours) > 23 or int(minutes) > 59:
                errors["agenda"] = [f"“{line.strip()[:40]}” has a time that does not exist."]
                continue
            at = f"{int(hours):02d}:{minutes}"
        items.append((at, title[:200]))
    if len(items) > MAX_AGENDA_ITEMS:
        errors["agenda"] = [f"Keep the running order to {MAX_AGENDA_ITEMS} items."]
    return items


def _options(value) -> list[str]:
    lines = value if isinstance(value, list | tuple) else (value or "").splitlines()
    options = [" ".join(line.split())[:60] for line in lines if line.strip()]
    return list(dict.fromkeys(options))[:MAX_ACCESS_OPTIONS]


def _link(value, errors: dict) -> str:
    link = (value or "").strip()
    if link and not re.fullmatch(r"https://[^\s<>\"']{4,490}", link):
        errors["online_link"] = ["Give the joining link as a full https:// address."]
    return link


def _region(member: Member, value, errors: dict) -> int | None:
    region_id = whole_or_none(str(value)) if value not in (None, "", "None") else None
    if value not in (None, "", "None") and (
        region_id is None or db.session.get(Region, region_id) is None
    ):
        errors["region_id"] = ["Choose a region from the list."]
        return None
    if not access.may_organise(member, region_id):
        errors["region_id"] = [
            "You organise events only for your own regions; choose one of them."
            if region_id is not None or not member.is_moderator
            else "Only administrators and national moderators organise national events."
        ]
    return region_id


def _whole(value, field_name: str, errors: dict, message: str) -> int | None:
    if value in (None, ""):
        return None
    number = value if isinstance(value, int) else whole_or_none(str(value).strip())
    if number is None or number <= 0:
        errors[field_name] = [message]
        return None
    return number


def checked(member: Member, form: dict, *, now: datetime | None = None) -> EventDetails:
    """Every field of an event checked at once. :raise ValidationFailed: naming each problem."""
    now = now or utcnow()
    errors: dict[str, list[str]] = {}
    title = _text(form.get("title"), "title", TITLE_MAX, errors, required=True)
    if title and len(title) < TITLE_MIN:
        errors["title"] = [f"Use at least {TITLE_MIN} characters."]
    description = _text(form.get("description"), "description", DESCRIPTION_MAX, errors)
    zone = _zone(form.get("timezone"), errors)
    day = _day(form.get("date"), "date", errors)
    end_day = _day(form.get("end_date"), "end_date", errors, required=False) or day
    start = _clock(form.get("start_time"), "start_time", errors)
    end = _clock(form.get("end_time"), "end_time", errors)
    starts_at = ends_at = now
    if day and start and end and end_day:
        starts_at, ends_at = local(day, start, zone), local(end_day, end, zone)
        if ends_at <= starts_at:
            errors["end_time"] = ["The end must be after the start."]
        if starts_at <= now:
            errors["date"] = ["This date and time have passed; choose one in the future."]
    try:
        kind = EventFormat(form.get("format") or "online")
    except ValueError:
        errors["format"] = ["Choose online, in person, or both."]
        kind = EventFormat.ONLINE
    link = _link(form.get("online_link"), errors)
    if kind != EventFormat.IN_PERSON and not link and "online_link" not in errors:
        errors["online_link"] = [
            "An online event needs its joining link (it is shown only to people booked)."
        ]
    venue = _text(form.get("venue"), "venue", 200, errors)
    if kind != EventFormat.ONLINE and not venue:
        errors["venue"] = ["An event in person needs its venue."]
    opens = whole_or_none(str(form.get("link_opens_minutes") or "30").strip())
    if opens is None or opens > 7 * 24 * 60:
        errors["link_opens_minutes"] = ["Give a number of minutes, up to a week (10080)."]
        opens = 30
    capacity = _whole(
        form.get("capacity"),
        "capacity",
        errors,
        "Give a number of places of 1 or more, or leave it empty for no limit.",
    )
    deadline = None
    deadline_text = (form.get("booking_deadline") or "").strip()
    if deadline_text:
        try:
            deadline = datetime.fromisoformat(deadline_text).replace(tzinfo=zone).astimezone(UTC)
        except ValueError:
            errors["booking_deadline"] = ["Give the deadline as a date and time."]
        else:
            if deadline > starts_at:
                errors["booking_deadline"] = ["Booking must close before the event starts."]
    repeat = form.get("repeat") or ""
    if repeat not in REPEATS:
        errors["repeat"] = ["Choose how the meeting repeats."]
        repeat = ""
    until = _day(form.get("repeat_until"), "repeat_until", errors, required=bool(repeat))
    region_id = _region(member, form.get("region_id"), errors)
    address = _text(form.get("address"), "address", 500, errors)
    access_notes = _text(form.get("access_notes"), "access_notes", 2000, errors)
    agenda = _agenda(form.get("agenda"), errors)
    if errors:
        raise ValidationFailed(errors)
    return EventDetails(
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=zone.key,
        region_id=region_id,
        format=kind,
        online_link=link if kind != EventFormat.IN_PERSON else "",
        link_opens_minutes=opens,
        venue=venue,
        address=address,
        access_notes=access_notes,
        capacity=capacity,
        booking_deadline=deadline,
        access_options=_options(form.get("access_options")),
        agenda=agenda,
        members_write_up=bool(form.get("members_write_up")),
        repeat=repeat,
        repeat_until=until,
    )


# --- repeating meetings -----------------------------------------------------------------------


def occurrence_rule(repeat: str, first: datetime) -> rrule.rrule:
    """The rule of a series starting at ``first`` (a local, naive time): "quarterly" is the same
    weekday of the same week of March, June, September and December (the third Wednesday, say),
    "monthly" that weekday of that week every month."""
    nth = (first.day - 1) // 7 + 1
    weekday = rrule.weekdays[first.weekday()](nth if nth < 5 else -1)
    months = (3, 6, 9, 12) if repeat == "quarterly" else None
    return rrule.rrule(rrule.MONTHLY, dtstart=first, byweekday=weekday, bymonth=months)


def occurrences(details: EventDetails) -> list[tuple[datetime, datetime]]:
    """The (start, end) of each meeting of a series, in UTC. :raise ValidationFailed: when the
    rule gives none before its end date, or more than ``MAX_OCCURRENCES``."""
    zone = ZoneInfo(details.timezone)
    first = details.starts_at.astimezone(zone).replace(tzinfo=None)
    length = details.ends_at - details.starts_at
    assert details.repeat_until is not None
    until = datetime.combine(details.repeat_until, time(23, 59))
    rule = occurrence_rule(details.repeat, first).replace(until=until)
    found = list(rule.xafter(first - timedelta(seconds=1), count=MAX_OCCURRENCES + 1, inc=True))
    if not found:
        raise ValidationFailed(
            {
                "repeat_until": "These dates give no meetings: the series ends before its "
                "first one. Choose a later end date."
            }
        )
    if len(found) > MAX_OCCURRENCES:
        total = rule.count()
        raise ValidationFailed(
            {
                "repeat_until": f"This would make {total:,} meetings; a series makes at most "
                f"{MAX_OCCURRENCES} at once. Choose an earlier end date."
            }
        )
    out = []
    for moment in found:
        start = moment.replace(tzinfo=zone).astimezone(UTC)
        out.append((start, (moment.replace(tzinfo=zone) + length).astimezone(UTC)))
    return out


# --- saving -----------------------------------------------------------------------------------


def _apply(event: Event, details: EventDetails) -> None:
    event.title = details.title
    event.set_body(details.description)
    event.starts_at, event.ends_at, event.timezone = (
        details.starts_at,
        details.ends_at,
        details.timezone,
    )
    event.region_id = details.region_id
    event.format = details.format
    event.online_link = details.online_link
    event.link_opens_minutes = details.link_opens_minutes
    event.venue, event.address, event.access_notes = (
        details.venue,
        details.address,
        details.access_notes,
    )
    event.capacity = details.capacity
    event.booking_deadline = details.booking_deadline
    event.access_options = details.access_options
    event.members_write_up = details.members_write_up
    event.agenda = [
        AgendaItem(position=n, at=at, title=title) for n, (at, title) in enumerate(details.agenda)
    ]


def _state(event: Event) -> dict:
    return {
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "timezone": event.timezone,
        "region_id": event.region_id,
        "format": event.format,
        "capacity": event.capacity,
        "venue": event.venue,
    }


def _events_forum() -> Forum | None:
    return db.session.scalar(sa.select(Forum).where(Forum.slug == EVENTS_FORUM_SLUG))


def _open_discussion(member: Member, event: Event) -> None:
    """The event's discussion thread in the Events forum (if the network has one)."""
    forum = _events_forum()
    if forum is None or forum.is_archived:
        return
    when = event.starts_at.astimezone(ZoneInfo(event.timezone)).strftime("%-d %B %Y")
    title = threads.markdown_escape(event.title)
    body = f"Talk about **{title}** ({when}) here: questions before, and thoughts after."
    thread = threads.open_thread_for(
        member, forum, title=f"{event.title[: threads.TITLE_MAX - 14]} ({when})"[:150], body=body
    )
    event.thread_id = thread.id


def create_event(member: Member, form: dict, *, now: datetime | None = None) -> Event:
    """A new event (or, with ``repeat``, a series: its first meeting is returned), its
    discussion thread, and the audit row. :raise ValidationFailed:"""
    details = checked(member, form, now=now)
    series = None
    times = [(details.starts_at, details.ends_at)]
    if details.repeat:
        times = occurrences(details)
        series = EventSeries(
            repeat=details.repeat,
            rule=str(occurrence_rule(details.repeat, details.starts_at.replace(tzinfo=None))),
            created_by_id=member.id,
        )
        db.session.add(series)
    made = []
    for start, end in times:
        event = Event(created_by_id=member.id, series=series)
        _apply(event, details)
        event.starts_at, event.ends_at = start, end
        if details.booking_deadline is not None:
            event.booking_deadline = start - (details.starts_at - details.booking_deadline)
        db.session.add(event)
        made.append(event)
    db.session.flush()
    first = made[0]
    _open_discussion(member, first)
    audit.record(
        member,
        "event_series.create" if series else "event.create",
        "event",
        first.id,
        region_id=first.region_id,
        summary=f"the event “{first.title}”"
        + (f" and {len(made) - 1} more meetings of its series" if series else ""),
        after=_state(first),
    )
    db.session.commit()
    return first


def edit_event(member: Member, event_id: int, form: dict, *, now: datetime | None = None) -> Event:
    """Change one event (one meeting of a series alone). Everyone booked is told; a capacity
    raised fills places from the waiting list. :raise NotFound, ValidationFailed:"""
    event = access.organised_event(member, event_id)
    if event.is_cancelled:
        raise ValidationFailed({"title": "This event was cancelled, so it cannot be changed."})
    form = {**form, "repeat": ""}
    details = checked(member, form, now=now)
    if details.capacity is not None and details.capacity < event.booked_count:
        raise ValidationFailed(
            {
                "capacity": f"{event.booked_count} people have booked already: keep at least "
                f"{event.booked_count} places, or cancel some bookings first."
            }
        )
    before = _state(event)
    _apply(event, details)
    db.session.flush()
    booking.fill_places(event)
    audit.record(
        member,
        "event.edit",
        "event",
        event.id,
        region_id=event.region_id,
        summary=f"the event “{event.title}”",
        before=before,
        after=_state(event),
    )
    booking.tell_booked(event, "event_changed")
    live.publish_after_commit(topics.event(event.id), topics.event_places_event(event.id))
    db.session.commit()
    return event


def cancel_event(member: Member, event_id: int, reason: str = "") -> Event:
    """Cancel one event (one meeting of a series alone); everyone booked or waiting is told.
    :raise NotFound:"""
    event = access.organised_event(member, event_id)
    if event.is_cancelled:
        return event
    event.cancelled_at = utcnow()
    audit.record(
        member,
        "event.cancel",
        "event",
        event.id,
        region_id=event.region_id,
        summary=f"the event “{event.title}”",
        reason=" ".join((reason or "").split())[:500],
    )
    booking.tell_booked(event, "event_cancelled", waiting_too=True, reason=reason)
    live.publish_after_commit(topics.event(event.id), topics.event_places_event(event.id))
    db.session.commit()
    return event


def form_values(event: Event) -> dict:
    """An event as the edit form shows it (times in its own zone)."""
    zone = ZoneInfo(event.timezone)
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    deadline = event.booking_deadline.astimezone(zone) if event.booking_deadline else None
    return {
        "title": event.title,
        "description": event.body_source,
        "date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_date": end.date().isoformat() if end.date() != start.date() else "",
        "end_time": end.strftime("%H:%M"),
        "timezone": event.timezone,
        "region_id": event.region_id,
        "format": event.format.value,
        "online_link": event.online_link,
        "link_opens_minutes": event.link_opens_minutes,
        "venue": event.venue,
        "address": event.address,
        "access_notes": event.access_notes,
        "capacity": event.capacity,
        "booking_deadline": deadline.strftime("%Y-%m-%dT%H:%M") if deadline else "",
        "access_options": "\n".join(event.access_options or []),
        "agenda": "\n".join(f"{i.at} {i.title}".strip() for i in event.agenda),
        "members_write_up": event.members_write_up,
    }


def get_for_edit(member: Member, event_id: int) -> Event:
    event = access.organised_event(member, event_id)
    if event is None:
        raise NotFound(access.NOT_FOUND)
    return event
