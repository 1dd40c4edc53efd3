"""Appeals: a member asks the moderators to look again at a sanction, once.

- The sanction is the member's current suspension (its ``member.suspend`` audit entry) or,
  for a member who is not suspended, the newest message from the moderators (``member.warn``).
- One appeal per member per sanction: the unique key (member, audit entry) refuses a second
  one (``ON CONFLICT DO NOTHING``), whatever the timing.
- It waits in the review queue for the moderators of the member's region, but never for the
  moderator who acted (``open_for`` leaves them out; ``decide`` refuses them).
- A moderator upholds the sanction or lifts it (a suspension is lifted through
  ``sanctions.lift``), with an answer the member reads by email; one guarded UPDATE decides
  it, so a second moderator is told who was first. Recorded in the audit log.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for

from forum.extensions import db
from forum.models import (
    Appeal,
    AppealState,
    AuditEntry,
    Member,
    MemberStatus,
    utcnow,
)
from forum.services import audit, database, mail, scope
from forum.services.database import insert_for
from forum.services.errors import DomainError, NotAllowed, NotFound, ValidationFailed
from forum.services.live import events, topics
from forum.services.people import sanctions

BODY_MAX = 3000
RESPONSE_MAX = 2000
SANCTIONS = {"member.suspend": "suspension", "member.warn": "message from the moderators"}


class AlreadyAppealed(DomainError):
    """The member has appealed this sanction before; ``appeal`` is that appeal."""

    def __init__(self, appeal: Appeal | None):
        self.appeal = appeal
        super().__init__("You have already appealed this. A moderator will answer by email.")


def sanction_of(member: Member) -> AuditEntry | None:
    """The sanction ``member`` may appeal: their suspension while suspended, otherwise the
    newest message from the moderators; None when there is none."""
    action = "member.suspend" if member.status == MemberStatus.SUSPENDED else "member.warn"
    return audit.latest_for("member", member.id, (action,))


def appeal_of(member: Member, entry: AuditEntry | None) -> Appeal | None:
    """The member's appeal of that sanction, if they sent one."""
    if entry is None:
        return None
    return db.session.scalar(
        sa.select(Appeal).where(Appeal.member_id == member.id, Appeal.audit_entry_id == entry.id)
    )


def submit(member: Member, body: str | None) -> Appeal:
    """Send the member's one appeal of their sanction, and commit. Raises NotFound (nothing to
    appeal), ValidationFailed (field ``body``) or AlreadyAppealed."""
    entry = sanction_of(member)
    if entry is None:
        raise NotFound("There is nothing to appeal.")
    text = (body or "").replace("\x00", "").strip()
    if not text:
        raise ValidationFailed({"body": "Write a few words about why you are appealing."})
    if len(text) > BODY_MAX:
        raise ValidationFailed({"body": f"Keep it to {BODY_MAX:,} characters."})
    appeal_id = db.session.scalar(
        insert_for(Appeal)
        .values(
            member_id=member.id,
            audit_entry_id=entry.id,
            action=entry.action,
            acted_by_id=entry.actor_id,
            region_id=member.region_id,
            body=text,
            created_at=utcnow(),
            state=AppealState.OPEN,
            response="",
        )
        .on_conflict_do_nothing(index_elements=["member_id", "audit_entry_id"])
        .returning(Appeal.id)
    )
    if appeal_id is None:
        db.session.rollback()
        raise AlreadyAppealed(appeal_of(member, entry))
    events.publish_after_commit(topics.MODERATION)  # the queue and the moderators' badges
    db.session.commit()
    return db.session.get_one(Appeal, appeal_id)


def waiting_clause(moderator: Member) -> list[sa.ColumnElement[bool]]:
    """SQL: open appeals ``moderator`` may decide: in their regions, and not about their own
    action."""
    return [
        Appeal.state == AppealState.OPEN,
        scope.moderated_clause(moderator, Appeal.region_id),
        sa.or_(Appeal.acted_by_id.is_(None), Appeal.acted_by_id != moderator.id),
    ]


def open_for(moderator: Member, limit: int = 100) -> list[Appeal]:
    """The open appeals ``moderator`` may decide, the longest waiting first."""
    return list(
        db.session.scalars(
            sa.select(Appeal)
            .where(*waiting_clause(moderator))
            .options(so.joinedload(Appeal.member), so.joinedload(Appeal.acted_by))
            .order_by(Appeal.created_at, Appeal.id)
            .limit(limit)
        )
    )


def get_for(moderator: Member, appeal_id: int) -> Appeal:
    """One appeal ``moderator`` may read. Raises NotFound outside their regions."""
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None or not moderator.moderates(appeal.region_id):
        raise NotFound("That appeal does not exist.")
    return appeal


def decide(moderator: Member, appeal_id: int, outcome: str, response: str | None) -> Appeal:
    """Uphold the sanction or lift it (``outcome`` "uphold" or "overturn"), answer the member
    by email, record it and commit. Raises NotFound, NotAllowed (the moderator who acted),
    ValidationFailed, Conflict (another moderator decided first)."""
    appeal = get_for(moderator, appeal_id)
    if appeal.acted_by_id == moderator.id:
        raise NotAllowed("You took this decision, so another moderator answers the appeal.")
    if outcome not in ("uphold", "overturn"):
        raise ValidationFailed({"outcome": "Choose whether the sanction stands."})
    answer = (response or "").replace("\x00", "").strip()
    if not answer:
        raise ValidationFailed({"response": "Tell the member what you decided, and why."})
    if len(answer) > RESPONSE_MAX:
        raise ValidationFailed({"response": f"Keep it to {RESPONSE_MAX:,} characters."})
    state = AppealState.UPHELD if outcome == "uphold" else AppealState.OVERTURNED
    decided = database.changed_rows(
        sa.update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.state == AppealState.OPEN)
        .values(state=state, decided_by_id=moderator.id, decided_at=utcnow(), response=answer)
        .execution_options(synchronize_session=False)
    )
    if decided != 1:
        raise audit.conflict("appeal", appeal.id, ("appeal.uphold", "appeal.overturn"))
    member = appeal.member
    lifted = (
        state == AppealState.OVERTURNED
        and appeal.action == "member.suspend"
        and member.status == MemberStatus.SUSPENDED
    )
    if lifted:
        before, after = sanctions.lift(moderator, member)
        audit.record(
            moderator,
            "member.lift",
            "member",
            member.id,
            region_id=member.region_id,
            summary=f"the member {member.display_name}",
            reason="After an appeal",
            before=before,
            after=after,
        )
    audit.record(
        moderator,
        f"appeal.{outcome}",
        "appeal",
        appeal.id,
        region_id=appeal.region_id,
        summary=f"{member.display_name}'s appeal of a {SANCTIONS.get(appeal.action, 'sanction')}",
        reason=answer,
    )
    mail.queue(
        member.email,
        "appeal_decided",
        member=member,
        upheld=state == AppealState.UPHELD,
        response=answer,
        sanction=SANCTIONS.get(appeal.action, "sanction"),
        sign_in_url=url_for("auth.sign_in", _external=True),
    )
    events.publish_after_commit(topics.MODERATION)
    db.session.commit()
    db.session.refresh(appeal)
    return appeal
