"""Muting: a member can fold away another member's posts and comments, for themselves only.

The muted person is never told and sees no difference. Pages learn whether each author is
muted from a column of the query that loads the posts (``muted_expression``), so muting costs
no extra query on a thread page.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import Member, MemberStatus, Mute, utcnow
from forum.services.database import insert_for
from forum.services.errors import NotFound, ValidationFailed


def muted_expression(member: Member, author_column) -> sa.ColumnElement[bool]:
    """SQL: whether ``member`` has muted the author in ``author_column``."""
    return sa.exists().where(Mute.muter_id == member.id, Mute.muted_id == author_column)


def is_muted(member: Member, other_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.exists().where(Mute.muter_id == member.id, Mute.muted_id == other_id))
        )
    )


def mute(member: Member, other_id: int) -> Member:
    """Mute an active member (doing it twice changes nothing). Raises NotFound or
    ValidationFailed (muting oneself)."""
    other = db.session.get(Member, other_id)
    if other is None or other.status != MemberStatus.ACTIVE:
        raise NotFound("That member does not exist.")
    if other.id == member.id:
        raise ValidationFailed({"member": "You cannot mute yourself."})
    db.session.execute(
        insert_for(Mute)
        .values(muter_id=member.id, muted_id=other.id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["muter_id", "muted_id"])
    )
    db.session.commit()
    return other


def unmute(member: Member, other_id: int) -> None:
    db.session.execute(sa.delete(Mute).where(Mute.muter_id == member.id, Mute.muted_id == other_id))
    db.session.commit()


def muted_members(member: Member) -> list[Mute]:
    """Whom ``member`` has muted, by name."""
    return list(
        db.session.scalars(
            sa.select(Mute)
            .join(Member, Member.id == Mute.muted_id)
            .where(Mute.muter_id == member.id)
            .options(so.contains_eager(Mute.muted))
            .order_by(Member.display_name)
        )
    )
