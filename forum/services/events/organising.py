"""The organisers' view of an event: who booked (with their access needs), the waiting list,
a CSV register, attendance, a message to everyone booked (one mail each, so nobody sees
anyone else's address), and the event's co-hosts."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import Booking, BookingStatus, Event, EventHost, Member, MemberStatus
from forum.numbers import MAX_ID
from forum.services import audit
from forum.services.errors import NotAllowed, ValidationFailed, required_text
from forum.services.events import access, booking

SUBJECT_MAX, BODY_MAX = 150, 5000


def bookings(organiser: Member, event_id: int) -> tuple[Event, list[Booking], list[Booking]]:
    """The event, its bookings (oldest first) and its waiting list (in order).
    :raise NotFound: for anyone but its organisers."""
    event = access.organised_event(organiser, event_id)
    rows = list(
        db.session.scalars(
            sa.select(Booking)
            .where(Booking.event_id == event.id, Booking.status.in_(booking.LIVE_STATUSES))
            .options(so.joinedload(Booking.member))
            .order_by(Booking.queue_position.nulls_first(), Booking.id)
        )
    )
    booked = [b for b in rows if b.status == BookingStatus.BOOKED]
    waiting = [b for b in rows if b.status == BookingStatus.WAITING]
    return event, booked, waiting


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def register_csv(organiser: Member, event_id: int) -> tuple[Event, str]:
    """The register as CSV: name, status, place on the waiting list, access needs, attended."""
    event, booked, waiting = bookings(organiser, event_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name", "Status", "Waiting list place", "Access needs", "Notes", "Attended"])
    for n, row in enumerate([*booked, *waiting]):
        writer.writerow(
            [
                _safe_cell(row.member.display_name),
                row.status.value,
                n - len(booked) + 1 if row.status == BookingStatus.WAITING else "",
                _safe_cell("; ".join(row.access_ticks or [])),
                _safe_cell(row.access_text),
                {True: "yes", False: "no", None: ""}[row.attended],
            ]
        )
    return event, out.getvalue()


def set_attendance(organiser: Member, event_id: int, attended_ids: Iterable[int]) -> int:
    """Mark who came (the others booked did not). Returns how many came."""
    event, booked, _ = bookings(organiser, event_id)
    came = set(attended_ids)
    for row in booked:
        row.attended = row.id in came
    audit.record(
        organiser,
        "booking.attendance",
        "event",
        event.id,
        region_id=event.region_id,
        summary=f"“{event.title}”",
        after={"attended": sum(1 for b in booked if b.attended), "booked": len(booked)},
    )
    db.session.commit()
    return sum(1 for b in booked if b.attended)


def message_booked(organiser: Member, event_id: int, subject: str, body: str) -> int:
    """Mail everyone booked, one mail each. Returns how many were sent.
    :raise ValidationFailed: (empty or too long)."""
    event = access.organised_event(organiser, event_id)
    errors = {}
    try:
        subject = required_text(subject, "subject", SUBJECT_MAX)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    try:
        body = required_text(body, "body", BODY_MAX)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(errors)
    sent = booking.mail_booked(
        event, "event_message", subject=" ".join(subject.split()), body=body, sender=organiser
    )
    audit.record(
        organiser,
        "event.message",
        "event",
        event.id,
        region_id=event.region_id,
        summary=f"“{event.title}”: {subject}",
        after={"recipients": sent},
    )
    db.session.commit()
    return sent


# --- co-hosts ---------------------------------------------------------------------------------

HOSTS_MAX = 10


def _hosted_event(organiser: Member, event_id: int) -> Event:
    """The event, for one of its region's organisers (co-hosts do not add co-hosts).
    :raise NotFound: for people who do not run it; NotAllowed: for its co-hosts."""
    event = access.organised_event(organiser, event_id)
    if not access.may_organise(organiser, event.region_id):
        raise NotAllowed("Only the event's organisers add and remove its co-hosts.")
    return event


def add_host(organiser: Member, event_id: int, member_id: int | None) -> Member:
    """Make a member a co-host of the event. :raise ValidationFailed: someone who is not an
    active member, cannot see the event, or co-hosts it already; NotFound, NotAllowed:"""
    event = _hosted_event(organiser, event_id)
    known = member_id is not None and 0 < member_id <= MAX_ID  # never past an id column
    person = db.session.get(Member, member_id) if known else None
    if person is None or person.status != MemberStatus.ACTIVE:
        raise ValidationFailed({"member_id": "Choose a member of the network."})
    if not access.may_hear_event(person, str(event.id)):
        raise ValidationFailed(
            {"member_id": f"{person.display_name} cannot see this event, so cannot host it."}
        )
    if any(h.member_id == person.id for h in event.hosts) or person.id == event.created_by_id:
        raise ValidationFailed({"member_id": f"{person.display_name} hosts this event already."})
    if len(event.hosts) >= HOSTS_MAX:
        raise ValidationFailed({"member_id": f"An event can have up to {HOSTS_MAX} co-hosts."})
    event.hosts.append(EventHost(member_id=person.id, member=person))
    audit.record(
        organiser,
        "event.host.add",
        "event",
        event.id,
        region_id=event.region_id,
        summary=f"“{event.title}” ({person.display_name})",
    )
    db.session.commit()
    return person


def remove_host(organiser: Member, event_id: int, member_id: int | None) -> None:
    """Stop a member co-hosting the event (nothing if they did not). :raise NotFound, NotAllowed:"""
    event = _hosted_event(organiser, event_id)
    host = next((h for h in event.hosts if h.member_id == member_id), None)
    if host is None:
        return
    event.hosts.remove(host)
    audit.record(
        organiser,
        "event.host.remove",
        "event",
        event.id,
        region_id=event.region_id,
        summary=f"“{event.title}” ({host.member.display_name})",
    )
    db.session.commit()
