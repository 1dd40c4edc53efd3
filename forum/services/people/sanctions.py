"""Sanctions on members, step by step: a private message from the moderators (a warning),
then a suspension for a day, a week, a month or until lifted.

- A suspension ends every session of the member at once (a new session token), and emails
  them. They can still sign in, but only to read why and until when (the status page).
- A suspension that has run out lifts itself the next time the member signs in or opens a
  page (``lift_if_expired``: one guarded UPDATE, then they are a member again).
- Moderators cannot suspend themselves, administrators, or (unless they are administrators)
  other moderators. Scope (the member's region) is checked by ``moderation.actions.act``.

Callers record the audit entry and commit; ``lift_if_expired`` commits itself (it runs on a
request, outside any action).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for

from forum.extensions import db
from forum.models import Member, MemberStatus, ModeratorMessage, Role, utcnow
from forum.models.member import new_session_token
from forum.services import audit, database, mail, sign_ins
from forum.services.errors import Conflict, DomainError, NotAllowed, ValidationFailed
from forum.services.notifications import inbox, kinds

MESSAGE_MAX = 2000
REASON_MAX = 1000
PERIODS = {
    "day": ("1 day", timedelta(days=1)),
    "week": ("1 week", timedelta(days=7)),
    "month": ("1 month", timedelta(days=30)),
    "lifted": ("Until a moderator lifts it", None),
}


def _state(member: Member) -> dict:
    return {
        "status": member.status.value,
        "suspended_until": member.suspended_until,
        "suspension_reason": member.suspension_reason,
    }


def refusal(moderator: Member, member: Member) -> DomainError | None:
    """Why ``moderator`` may not warn or suspend ``member``, or None when they may: nobody acts on
    themselves or on an administrator, and only administrators act on moderators."""
    if member.id == moderator.id:
        return ValidationFailed({"member": "You cannot do this to yourself."})
    if member.role == Role.ADMIN:
        return NotAllowed("Administrators cannot be suspended or warned here.")
    if member.role == Role.MODERATOR and not moderator.is_admin:
        return NotAllowed("Only an administrator can do this to a moderator.")
    return None


def may_sanction(moderator: Member, member: Member) -> bool:
    """Whether ``moderator`` may message, suspend or lift ``member`` (the member's page shows
    those actions only then): the rule above, within the regions they moderate."""
    return refusal(moderator, member) is None and moderator.moderates(member.region_id)


def _may_sanction(moderator: Member, member: Member) -> None:
    if (refused := refusal(moderator, member)) is not None:
        raise refused


def warn(moderator: Member, member: Member, body: str) -> ModeratorMessage:
    """A private message from the moderators: shown in the member's menu and emailed."""
    _may_sanction(moderator, member)
    if member.status not in (MemberStatus.ACTIVE, MemberStatus.SUSPENDED):
        raise ValidationFailed({"message": "Only members can receive messages."})
    message = ModeratorMessage(
        member_id=member.id, sent_by_id=moderator.id, body=body, created_at=utcnow()
    )
    db.session.add(message)
    db.session.flush()
    inbox.notify(member.id, MODERATOR_MESSAGE, f"moderator_message:{message.id}")
    db.session.execute(
        sa.update(Member)
        .where(Member.id == member.id)
        .values(unread_messages=Member.unread_messages + 1)
        .execution_options(synchronize_session=False)
    )
    mail.queue(
        member.email,
        "moderator_message",
        member=member,
        messages_url=url_for("members.messages", _external=True),
    )
    return message


def suspend(moderator: Member, member: Member, period: str, reason: str) -> tuple[dict, dict]:
    """Suspend an active member for ``period`` (a key of PERIODS) and end their sessions.
    Returns the state before and after. Raises ValidationFailed, NotAllowed, Conflict."""
    _may_sanction(moderator, member)
    if period not in PERIODS:
        raise ValidationFailed({"period": "Choose how long the suspension lasts."})
    length = PERIODS[period][1]
    until = utcnow() + length if length else None
    before = _state(member)
    suspended = database.changed_rows(
        sa.update(Member)
        .where(Member.id == member.id, Member.status == MemberStatus.ACTIVE)
        .values(
            status=MemberStatus.SUSPENDED,
            suspended_until=until,
            suspension_reason=reason,
            session_token=new_session_token(),
        )
        .execution_options(synchronize_session=False)
    )
    if suspended != 1:
        if member.status == MemberStatus.SUSPENDED:
            raise audit.conflict("member", member.id, ("member.suspend",))
        raise Conflict("Only active members can be suspended.")
    sign_ins.end_all(member.id)
    db.session.refresh(member)
    mail.queue(
        member.email,
        "suspended",
        member=member,
        status_url=url_for("membership.status", _external=True),
    )
    return before, _state(member)


def lift(moderator: Member, member: Member) -> tuple[dict, dict]:
    """End a suspension now. Raises Conflict when the member is not suspended."""
    before = _state(member)
    if not _lift(member):
        raise audit.conflict("member", member.id, ("member.lift", "member.suspension_ended"))
    mail.queue(
        member.email,
        "suspension_lifted",
        member=member,
        sign_in_url=url_for("auth.sign_in", _external=True),
    )
    return before, _state(member)


def _lift(member: Member, *, expired_only: bool = False) -> bool:
    conditions = [Member.id == member.id, Member.status == MemberStatus.SUSPENDED]
    if expired_only:
        conditions.append(Member.suspended_until <= utcnow())
    lifted = database.changed_rows(
        sa.update(Member)
        .where(*conditions)
        .values(status=MemberStatus.ACTIVE, suspended_until=None, suspension_reason="")
        .execution_options(synchronize_session=False)
    )
    if lifted == 1:
        db.session.refresh(member)
    return lifted == 1


def lift_if_expired(member: Member) -> bool:
    """A suspension whose time is up ends now (one small write); True when it did."""
    until = member.suspended_until
    if member.status != MemberStatus.SUSPENDED or until is None or until > utcnow():
        return False
    before = _state(member)
    db.session.commit()  # on SQLite, a fresh transaction may write where a reading one may not
    if not _lift(member, expired_only=True):
        db.session.rollback()
        return False
    audit.record(
        None,
        "member.suspension_ended",
        "member",
        member.id,
        region_id=member.region_id,
        summary=f"the member {member.display_name}",
        before=before,
        after=_state(member),
    )
    db.session.commit()
    return True


# --- messages from the moderators -------------------------------------------------------------


def messages(member: Member) -> list[ModeratorMessage]:
    """Every message the moderators sent ``member``, newest first."""
    return list(
        db.session.scalars(
            sa.select(ModeratorMessage)
            .where(ModeratorMessage.member_id == member.id)
            .options(so.joinedload(ModeratorMessage.sent_by))
            .order_by(ModeratorMessage.id.desc())
        )
    )


def mark_read(member: Member) -> None:
    """The member has seen their messages (called once the page is built): the request's only
    commit, after its reading transaction is ended without one (``database.end_reading``)."""
    if not member.unread_messages:
        return
    member_id = member.id
    database.end_reading()
    db.session.execute(
        sa.update(ModeratorMessage)
        .where(ModeratorMessage.member_id == member_id, ModeratorMessage.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.execute(
        sa.update(Member)
        .where(Member.id == member_id)
        .values(unread_messages=0)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


# --- notifications ----------------------------------------------------------------------------

MODERATOR_MESSAGE = "moderator_message"


def _describe_messages(group: kinds.Group) -> tuple[str, str]:
    count = len(group.items)
    text = "The moderators sent you a message" if count == 1 else (
        f"{count} messages from the moderators")  # fmt: skip
    return text, url_for("members.messages")


def register_notifications() -> None:
    """The kinds of notification this area sends (called by the app factory)."""
    kinds.register(
        kinds.Kind(
            MODERATOR_MESSAGE,
            "Messages from the moderators",
            lambda _member: sa.true(),
            _describe_messages,
            about="kind",
        )
    )
