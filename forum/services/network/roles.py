"""Roles: the member directory, who is a moderator or an administrator, and moderators' regions.

Every change is recorded in the audit log.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import (
    Member,
    MemberStatus,
    ModeratorRegion,
    Region,
    Role,
)
from forum.services import audit
from forum.services.errors import Conflict, NotFound, ValidationFailed


def member_directory(query: str = "") -> sa.Select:
    """Active members, by name, optionally those whose name or email contains ``query``."""
    stmt = sa.select(Member).where(Member.status == MemberStatus.ACTIVE)
    if query:
        needle = query.lower()
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(Member.display_name).contains(needle, autoescape=True),
                Member.email.contains(needle, autoescape=True),
            )
        )
    return stmt.order_by(Member.display_name, Member.id).options(
        so.selectinload(Member.moderated_regions)
    )


def set_role(member_id: int, role: Role, actor: Member | None = None) -> Member:
    """Promote or demote an active member. The last administrator cannot step down; a
    member no longer a moderator keeps no regions."""
    member = db.session.get(Member, member_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        raise NotFound("Only active members can be given a role.")
    if member.role == Role.ADMIN and role != Role.ADMIN:
        admins = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Member)
            .where(Member.role == Role.ADMIN, Member.status == MemberStatus.ACTIVE)
        )
        if (admins or 0) <= 1:
            raise Conflict("The network needs at least one administrator.")
    before = {"role": member.role.value}
    member.role = role
    if role == Role.MEMBER:
        db.session.execute(
            sa.delete(ModeratorRegion).where(ModeratorRegion.moderator_id == member.id)
        )
    audit.record(
        actor,
        "role.change",
        "member",
        member.id,
        summary=f"the member {member.display_name}",
        before=before,
        after={"role": role.value},
    )
    db.session.commit()
    return member


def set_moderator_regions(
    member_id: int, region_ids: list[int], actor: Member | None = None
) -> Member:
    """The regions a moderator looks after; none makes them a national moderator."""
    member = db.session.get(Member, member_id)
    if member is None or member.status != MemberStatus.ACTIVE or member.role != Role.MODERATOR:
        raise NotFound("Only moderators can be given regions.")
    wanted = set(region_ids)
    known = set(db.session.scalars(sa.select(Region.id).where(Region.id.in_(wanted))))
    if known != wanted:
        raise ValidationFailed({"regions": "Choose regions from the list."})
    link = ModeratorRegion
    before = sorted(
        db.session.scalars(sa.select(link.region_id).where(link.moderator_id == member.id))
    )
    db.session.execute(sa.delete(link).where(link.moderator_id == member.id))
    for region_id in sorted(wanted):
        db.session.add(link(moderator_id=member.id, region_id=region_id))
    audit.record(
        actor,
        "moderator.regions",
        "member",
        member.id,
        summary=f"the moderator {member.display_name}",
        before={"regions": before},
        after={"regions": sorted(wanted)},
    )
    db.session.commit()
    db.session.expire(member)
    return member
