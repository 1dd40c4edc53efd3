"""Who may see an event, and who organises it.

**Seeing.** A national event is for every member. A region's event follows that region's forum
(``forums/visibility``): when the forum is kept to the region's members, so is the event, in
lists, pages, ``.ics`` files, calendar feeds, live streams and mails; anyone else gets 404.

**Organising.** Administrators and national moderators organise every event; a regional
moderator the events of their regions; and a member an administrator marked as an organiser
for a region (``EventOrganiser``) that region's events. National events are organised only by
administrators and national moderators. An event's **co-hosts** (``EventHost``, added by one
of its organisers) run that one event with them: its bookings and access answers, attendance,
messages, changes and write-up; adding or removing co-hosts stays with the organisers.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import Event, EventHost, EventOrganiser, Member, MemberStatus, Region
from forum.numbers import whole_or_none
from forum.services import audit
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from forum.services.forums import visibility

NOT_FOUND = "This event does not exist, or you do not have access to it."


def visible_clause(member: Member) -> sa.ColumnElement[bool]:
    """SQL on ``Event``: the events ``member`` may see (the forums' rule for the region)."""
    regions = member.regions_seen
    if regions is None:
        return sa.true()
    open_to_all = sa.or_(
        Event.region_id.is_(None), Event.region_id.not_in(visibility.restricted_regions())
    )
    if not regions:
        return open_to_all
    return sa.or_(open_to_all, Event.region_id.in_(sorted(regions)))


def get_event(member: Member, event_id: int) -> Event:
    """The event, if ``member`` may see it. :raise NotFound: otherwise (never "forbidden")."""
    event = db.session.scalar(
        sa.select(Event)
        .where(Event.id == event_id, visible_clause(member))
        .options(
            so.selectinload(Event.agenda),
            so.joinedload(Event.region),
            so.joinedload(Event.created_by),
            so.selectinload(Event.hosts).joinedload(EventHost.member),
        )
    )
    if event is None:
        raise NotFound(NOT_FOUND)
    return event


def organised_regions(member: Member) -> frozenset[int]:
    """The regions ``member`` was marked as an organiser for (one small query)."""
    return frozenset(
        db.session.scalars(
            sa.select(EventOrganiser.region_id).where(EventOrganiser.member_id == member.id)
        )
    )


def may_organise(member: Member, region_id: int | None) -> bool:
    """Whether ``member`` may create and run events of ``region_id`` (None: national)."""
    if not member.is_member:
        return False
    if member.is_moderator and member.moderates(region_id):
        return True
    return region_id is not None and region_id in organised_regions(member)


def may_organise_any(member: Member) -> bool:
    return member.is_moderator or bool(organised_regions(member))


def organiser_regions(member: Member) -> list[Region] | None:
    """The regions ``member`` may organise events for (None: every region and national)."""
    if member.is_moderator and member.moderation_scope is None:
        return None
    ids = set(member.moderation_scope or ()) | organised_regions(member)
    return list(
        db.session.scalars(sa.select(Region).where(Region.id.in_(ids)).order_by(Region.position))
    )


def runs_event(member: Member, event: Event) -> bool:
    """Whether ``member`` runs ``event``: one of its region's organisers, or a co-host of it
    (``event.hosts``, loaded with the event)."""
    if not member.is_member:
        return False
    return may_organise(member, event.region_id) or any(
        host.member_id == member.id for host in event.hosts
    )


def organised_event(member: Member, event_id: int) -> Event:
    """The event, for one of the people who run it. :raise NotFound: for anyone else."""
    event = get_event(member, event_id)
    if not runs_event(member, event):
        raise NotFound(NOT_FOUND)
    return event


def may_hear_event(member: Member, key: str | None) -> bool:
    event_id = whole_or_none(key)
    if event_id is None:
        return False
    return bool(
        db.session.scalar(
            sa.select(sa.exists().where(Event.id == event_id, visible_clause(member)))
        )
    )


# --- organisers of a region, kept by administrators -------------------------------------------


def organisers() -> list[tuple[Member, Region]]:
    rows = db.session.execute(
        sa.select(Member, Region)
        .join(EventOrganiser, EventOrganiser.member_id == Member.id)
        .join(Region, Region.id == EventOrganiser.region_id)
        .order_by(Region.position, Member.display_name)
    )
    return [(m, r) for m, r in rows]


def candidates(limit: int = 1000) -> list[Member]:
    """Active members an administrator may mark as organisers (by name)."""
    return list(
        db.session.scalars(
            sa.select(Member)
            .where(Member.status == MemberStatus.ACTIVE)
            .order_by(Member.display_name, Member.id)
            .limit(limit)
        )
    )


def set_organiser(actor: Member, member_id: int, region_id: int, on: bool) -> None:
    """Mark (or unmark) a member as an organiser of a region's events. Administrators only."""
    if not actor.is_admin:
        raise NotAllowed("Only administrators choose organisers.")
    member = db.session.get(Member, member_id)
    region = db.session.get(Region, region_id)
    if member is None or region is None or not member.is_member:
        raise ValidationFailed({"member_id": "Choose an active member and a region."})
    link = db.session.get(EventOrganiser, (member_id, region_id))
    if on and link is None:
        db.session.add(EventOrganiser(member_id=member_id, region_id=region_id))
    elif not on and link is not None:
        db.session.delete(link)
    else:
        return
    audit.record(
        actor,
        "event_organiser.add" if on else "event_organiser.remove",
        "member",
        member_id,
        summary=f"{member.display_name} as an organiser of events in {region.name}",
    )
    db.session.commit()
