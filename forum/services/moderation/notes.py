"""Moderator notes on a member: what a moderator wants colleagues to know ("spoke to them on
the phone, doing better"), as Discourse's user notes.

Only the moderators of the member's region read and write them, never the member, and not a
moderator about themselves. Writing one is recorded in the audit log (its text as the reason).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import Member, ModeratorNote, utcnow
from forum.services import audit
from forum.services.errors import NotFound, ValidationFailed

NOTE_MAX = 2000


def may_read(moderator: Member, member: Member) -> bool:
    """Whether ``moderator`` reads and writes notes on ``member``."""
    return (
        moderator.is_moderator
        and moderator.id != member.id
        and moderator.moderates(member.region_id)
    )


def notes_on(moderator: Member, member: Member) -> list[ModeratorNote]:
    """The notes on ``member``, newest first; none for anyone who may not read them."""
    if not may_read(moderator, member):
        return []
    return list(
        db.session.scalars(
            sa.select(ModeratorNote)
            .where(ModeratorNote.member_id == member.id)
            .options(so.joinedload(ModeratorNote.author))
            .order_by(ModeratorNote.id.desc())
        )
    )


def add(moderator: Member, member_id: int, body: str | None) -> ModeratorNote:
    """Write a note on a member, record it and commit. Raises NotFound (no such member, or not
    theirs to note) or ValidationFailed (field ``body``)."""
    member = db.session.get(Member, member_id)
    if member is None or not may_read(moderator, member):
        raise NotFound("That member does not exist.")
    text = (body or "").replace("\x00", "").strip()
    if not text:
        raise ValidationFailed({"body": "Write the note first."})
    if len(text) > NOTE_MAX:
        raise ValidationFailed({"body": f"Keep it to {NOTE_MAX:,} characters."})
    note = ModeratorNote(
        member_id=member.id, author_id=moderator.id, body=text, created_at=utcnow()
    )
    db.session.add(note)
    db.session.flush()
    audit.record(
        moderator,
        "member.note",
        "member",
        member.id,
        region_id=member.region_id,
        summary=f"the member {member.display_name}",
        reason=text,
    )
    db.session.commit()
    return note
