"""A member's profile: the display name, region, role or organisation, short bio and pronouns
other members see (Account → Your profile), and the time zone they read events' times in.

A move to a region whose forum is for that region's members only would open that forum, so it
waits for a moderator of that region (``region_moves``, ``decide_region_move``); a move to any
other region, and every other change, happens at once. Every change is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for

from forum.extensions import db
from forum.models import Forum, Member, MemberStatus, Region, utcnow
from forum.services import audit, database, mail, scope
from forum.services.errors import Conflict, NotFound, ValidationFailed
from forum.services.forums import visibility

NAME_MAX, ORGANISATION_MAX, BIO_MAX, PRONOUNS_MAX = 80, 200, 500, 40


@dataclass(frozen=True)
class Profile:
    display_name: str | None
    region_id: int | None
    organisation: str | None = ""
    bio: str | None = ""
    pronouns: str | None = ""
    time_zone: str | None = ""  # "" means each event's own zone


@cache
def zone_choices() -> list[str]:
    """The zones a member may read times in: every place-named IANA zone, and UTC."""
    places = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [*places, "UTC"]


def _state(member: Member) -> dict:
    return {
        "display_name": member.display_name,
        "region_id": member.region_id,
        "organisation": member.organisation,
        "bio": member.bio,
        "pronouns": member.pronouns,
        "time_zone": member.time_zone,
    }


def _one_line(value: str | None) -> str:
    return " ".join((value or "").replace("\x00", "").split())


def _clean(profile: Profile) -> tuple[dict, Region]:
    errors: dict[str, str] = {}
    fields = {
        "display_name": _one_line(profile.display_name),
        "organisation": _one_line(profile.organisation),
        "bio": (profile.bio or "").replace("\x00", "").strip(),
        "pronouns": _one_line(profile.pronouns),
        "time_zone": (profile.time_zone or "").strip(),
    }
    if not fields["display_name"]:
        errors["display_name"] = "Tell us the name other members will see."
    for key, limit in (
        ("display_name", NAME_MAX),
        ("organisation", ORGANISATION_MAX),
        ("bio", BIO_MAX),
        ("pronouns", PRONOUNS_MAX),
    ):
        if len(fields[key]) > limit:
            errors[key] = f"Use at most {limit:,} characters."
    if fields["time_zone"] and fields["time_zone"] not in zone_choices():
        errors["time_zone"] = "Choose a time zone from the list."
    region = db.session.get(Region, profile.region_id) if profile.region_id else None
    if region is None or region.is_archived:
        errors["region_id"] = "Choose the region you are in."
    if errors or region is None:
        raise ValidationFailed(errors)
    return fields, region


def opens_region_only_forum(region_id: int) -> bool:
    """Whether members of this region read a forum that is for its members only."""
    restricted = visibility.restricted_regions().where(
        Forum.region_id == region_id, Forum.archived_at.is_(None)
    )
    return bool(db.session.scalar(sa.select(sa.exists(restricted))))


def update_profile(member: Member, profile: Profile) -> Region | None:
    """Save the member's profile and commit. Returns the region whose moderators must first
    agree to the move (the member stays in their region until then), or None.

    Raises ValidationFailed with a message for each field."""
    fields, region = _clean(profile)
    before = _state(member)
    for key, value in fields.items():
        setattr(member, key, value)
    waiting = None
    if region.id == member.region_id:
        member.requested_region_id = member.region_requested_at = None
    elif member.moderates(region.id) or not opens_region_only_forum(region.id):
        member.region_id, member.region = region.id, region
        member.requested_region_id = member.region_requested_at = None
    else:
        member.requested_region_id, member.region_requested_at = region.id, utcnow()
        waiting = region
    after = _state(member)
    if after != before:
        audit.record(
            member, "profile.edit", "member", member.id, region_id=before["region_id"],
            summary=f"the member {member.display_name}", before=before, after=after,
        )  # fmt: skip
    if waiting is not None:
        audit.record(
            member, "profile.region_request", "member", member.id, region_id=waiting.id,
            summary=f"the member {member.display_name}", after={"region_id": waiting.id},
        )  # fmt: skip
    db.session.commit()
    return waiting


def region_moves(moderator: Member) -> list[Member]:
    """Members waiting to move into a region ``moderator`` moderates, the longest waiting first."""
    return list(
        db.session.scalars(
            sa.select(Member)
            .where(
                Member.requested_region_id.is_not(None),
                Member.status == MemberStatus.ACTIVE,
                scope.moderated_clause(moderator, Member.requested_region_id),
            )
            .options(so.joinedload(Member.requested_region))
            .order_by(Member.region_requested_at, Member.id)
        )
    )


def decide_region_move(moderator: Member, member_id: int, *, approve: bool) -> Member:
    """Let the member move into the region they asked for, or keep them where they are; they
    are emailed either way. Commits. Raises NotFound when there is no such request (OutOfScope
    for a region the moderator does not look after) and Conflict when another moderator was
    first."""
    person = db.session.get(Member, member_id)
    if person is None or person.requested_region_id is None:
        raise Conflict("This request was already decided, or withdrawn.")
    region_id = person.requested_region_id
    scope.require(moderator, region_id)
    region = db.session.get(Region, region_id)
    if region is None:
        raise NotFound("That region no longer exists.")
    values: dict = {"requested_region_id": None, "region_requested_at": None}
    if approve:
        values["region_id"] = region_id
    before = {"region_id": person.region_id}
    changed = database.changed_rows(
        sa.update(Member)
        .where(Member.id == person.id, Member.requested_region_id == region_id)
        .values(**values)
    )
    if changed != 1:
        db.session.rollback()
        raise Conflict("Another moderator has already decided this.")
    audit.record(
        moderator, "region_move.approve" if approve else "region_move.decline", "member",
        person.id, region_id=region_id, summary=f"the member {person.display_name}",
        before=before, after={"region_id": region_id if approve else before["region_id"]},
    )  # fmt: skip
    mail.queue(
        person.email, "region_move_decided", member=person, region=region, approved=approve,
        profile_url=url_for("account.profile", _external=True),
    )  # fmt: skip
    db.session.commit()
    db.session.refresh(person)
    return person
