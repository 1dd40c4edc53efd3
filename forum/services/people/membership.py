"""Joining the network: applications, moderators' decisions and invitations.

Every way in ends in approval: an application waits for a moderator, and an invitation is a
moderator's approval given in advance. Both go through the same consents. A regional moderator
sees and decides only applications from their regions; every decision and invitation is in the
audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for

from forum.extensions import db
from forum.models import (
    Consent,
    ConsentKind,
    Invitation,
    Member,
    MemberStatus,
    Region,
    utcnow,
)
from forum.models.member import new_session_token
from forum.services import (
    audit,
    database,
    jobs,
    mail,
    passwords,
    scope,
    sign_ins,
    site_settings,
    tokens,
)
from forum.services.errors import Conflict, NotFound, ValidationFailed
from forum.services.live import events, topics
from forum.services.notifications import inbox, kinds


@dataclass(frozen=True)
class Application:
    """What an applicant (or someone redeeming an invitation) tells us about themselves."""

    display_name: str
    email: str
    password: str
    region_id: int | None
    organisation: str
    reason: str
    accept_house_rules: bool
    accept_health_data: bool


def normalise_email(email: str) -> str:
    """The address as stored: checked for shape (not deliverability) and lower-cased."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationFailed({"email": f"Check the email address: {exc}"}) from exc
    return result.normalized.lower()


def check_new_account(*, display_name: str, email: str, password: str) -> str:
    """Check name, email and password for a new account; returns the normalised email."""
    errors: dict[str, str] = {}
    if not (display_name or "").strip():
        errors["display_name"] = "Tell us the name other members will see."
    try:
        email = normalise_email(email)
    except ValidationFailed as exc:
        errors.update({k: v[0] for k, v in exc.field_errors.items()})
    settings = site_settings.settings()
    network = settings.network_name if settings else ""
    if reason := passwords.weakness(password, [email, display_name, network]):
        errors["password"] = reason
    if errors:
        raise ValidationFailed(errors)
    return email


def _email_taken(email: str) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(Member.email == email))))


def _check_application(app: Application) -> tuple[str, Region]:
    errors: dict[str, str] = {}
    try:
        email = check_new_account(
            display_name=app.display_name, email=app.email, password=app.password
        )
    except ValidationFailed as exc:
        errors.update({k: v[0] for k, v in exc.field_errors.items()})
        email = ""
    region = db.session.get(Region, app.region_id) if app.region_id else None
    if region is None or region.is_archived:
        errors["region_id"] = "Choose the region you are in."
    if not app.accept_house_rules:
        errors["accept_house_rules"] = "To join, please agree to the house rules."
    if not app.accept_health_data:
        errors["accept_health_data"] = (
            "To join, please agree to how health information you share is handled."
        )
    if errors or region is None:
        raise ValidationFailed(errors)
    return email, region


def _new_member(app: Application, email: str, **fields) -> Member:
    member = Member(
        email=email,
        display_name=app.display_name.strip(),
        password_hash=passwords.hash_password(app.password),
        region_id=app.region_id,
        organisation=(app.organisation or "").strip(),
        reason=(app.reason or "").strip(),
        **fields,
    )
    settings = site_settings.required()
    member.consents = [
        Consent(kind=ConsentKind.HOUSE_RULES, document_version=settings.house_rules_version),
        Consent(kind=ConsentKind.HEALTH_DATA, document_version=settings.privacy_notice_version),
    ]
    db.session.add(member)
    return member


def apply(app: Application) -> Member | None:
    """Record an application and email the applicant.

    The answer is the same whether or not the email is already known (so nobody can learn who
    is a member by applying): for a known address, its owner is emailed instead and None is
    returned. Raises ValidationFailed with messages for each field.
    """
    email, _region = _check_application(app)
    if _email_taken(email):
        mail.queue(email, "already_member", sign_in_url=url_for("auth.sign_in", _external=True))
        db.session.commit()
        return None
    member = _new_member(app, email, status=MemberStatus.PENDING)
    mail.queue(email, "application_received", member=member)
    events.publish_after_commit(topics.MODERATION)
    db.session.flush()
    # The moderators who may decide it are told by ``safety.alerts`` (named, as it sits above).
    jobs.enqueue_after_commit("safety.application", member.id)
    db.session.commit()
    return member


def pending_applications(
    moderator: Member | None = None, *, after: int = 0, limit: int | None = None
) -> list[Member]:
    """Applications waiting, the longest waiting first, with their consents: only those from
    the moderator's regions, and with ``after`` only those newer than that id."""
    query = sa.select(Member).where(Member.status == MemberStatus.PENDING, Member.id > after)
    query = query.options(so.selectinload(Member.consents))  # shown with each application
    if moderator is not None:
        query = query.where(scope.moderated_clause(moderator, Member.region_id))
    return list(db.session.scalars(query.order_by(Member.created_at, Member.id).limit(limit)))


def no_longer_waiting(moderator: Member, member_ids: list[int]) -> list[Member]:
    """Of these applications (from the moderator's regions), those decided since, and by whom."""
    if not member_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Member)
            .where(
                Member.id.in_(member_ids[:500]),
                Member.status != MemberStatus.PENDING,
                scope.moderated_clause(moderator, Member.region_id),
            )
            .options(so.joinedload(Member.decided_by))
            .order_by(Member.id)
        )
    )


def decide(moderator: Member, member_id: int, *, approve: bool, message: str = "") -> Member:
    """Approve or reject a pending application, email the applicant and end their sessions.

    Raises NotFound for an unknown applicant (OutOfScope, a NotFound, for an application
    from outside a regional moderator's regions) and Conflict when another moderator decided
    first (the message says who and when).
    """
    message = (message or "").strip()
    if len(message) > 2000:
        raise ValidationFailed({"message": "Keep the message under 2,000 characters."})
    member = db.session.get(Member, member_id)
    if member is None:
        raise NotFound("That application no longer exists.")
    scope.require(moderator, member.region_id)
    status = MemberStatus.ACTIVE if approve else MemberStatus.REJECTED
    now = utcnow()
    # One UPDATE guarded on the pending status: two moderators cannot both decide.
    result = database.changed_rows(
        sa.update(Member)
        .where(Member.id == member_id, Member.status == MemberStatus.PENDING)
        .values(
            status=status,
            decided_at=now,
            decided_by_id=moderator.id,
            decision_message=message,
            session_token=new_session_token(),
        )
    )
    if result != 1:
        db.session.rollback()
        db.session.refresh(member)
        who = member.decided_by.display_name if member.decided_by else "another moderator"
        raise Conflict(f"{who} already decided on this application ({member.status.value}).")
    sign_ins.end_all(member.id)
    db.session.refresh(member)
    events.publish_after_commit(topics.MODERATION)
    audit.record(
        moderator,
        "application.approve" if approve else "application.reject",
        "application",
        member.id,
        region_id=member.region_id,
        summary=f"{member.display_name} ({member.region.name if member.region else 'no region'})",
        reason=message,
        before={"status": MemberStatus.PENDING.value},
        after={"status": status.value},
    )
    if approve:  # the bell shows it on their first sign-in
        inbox.notify(member.id, APPLICATION, f"{APPLICATION}:{member.id}", actor_id=moderator.id)
    template = "application_approved" if approve else "application_rejected"
    mail.queue(
        member.email,
        template,
        member=member,
        sign_in_url=url_for("auth.sign_in", _external=True),
    )
    db.session.commit()
    return member


# --- notifications ----------------------------------------------------------------------------

APPLICATION = "application"


def _describe_application(_group: kinds.Group) -> tuple[str, str]:
    return "Welcome: your application was approved", url_for("pages.home")


def register_notifications() -> None:
    """The kinds of notification this area sends (called by the app factory)."""
    kinds.register(
        kinds.Kind(
            APPLICATION,
            "My application's decision",
            lambda _member: sa.true(),
            _describe_application,
            about="kind",
        )
    )


# --- invitations ----------------------------------------------------------------------------


def create_invitation(
    moderator: Member,
    *,
    note: str = "",
    region_id: int | None = None,
    days: int | None = None,
    email: str = "",
) -> tuple[Invitation, str]:
    """A single-use link that lets one person join without waiting. Returns (invite, secret).

    With ``email``, the link is also emailed to that address from the moderator (the address
    itself is not kept)."""
    address = normalise_email(email) if (email or "").strip() else ""
    days = days or current_app.config["INVITATION_DAYS"]
    if not 1 <= days <= 60:
        raise ValidationFailed({"days": "Choose between 1 and 60 days."})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationFailed({"note": "Keep the note under 200 characters."})
    if region_id and db.session.get(Region, region_id) is None:
        raise ValidationFailed({"region_id": "Choose a region from the list."})
    if not moderator.moderates(region_id or None):
        raise ValidationFailed(
            {"region_id": "Choose one of the regions you moderate: the person joins there."}
        )
    secret, digest = tokens.new_secret()
    invitation = Invitation(
        token_hash=digest,
        created_by_id=moderator.id,
        note=note,
        region_id=region_id or None,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        moderator,
        "invitation.create",
        "invitation",
        invitation.id,
        region_id=invitation.region_id,
        summary=f"an invitation link ({note or 'no note'})",
        after={"region_id": invitation.region_id, "days": days, "emailed": bool(address)},
    )
    if address:
        link = url_for("membership.redeem_invitation", token=secret, _external=True)
        mail.queue(address, "invitation", inviter=moderator, link=link, invitation=invitation)
    db.session.commit()
    return invitation, secret


def invitation_regions(moderator: Member) -> list[Region] | None:
    """The regions a moderator may invite someone into: None for any region (national
    moderators and administrators), their own regions for a regional moderator."""
    if moderator.moderation_scope is None:
        return None
    return list(
        db.session.scalars(
            sa.select(Region)
            .where(Region.archived_at.is_(None), scope.moderated_clause(moderator, Region.id))
            .order_by(Region.position, Region.name)
        )
    )


def invited_region(invitation: Invitation) -> int | None:
    """The region an invitation's person must join: a regional moderator's invitation admits
    someone to the region it names; None when they choose their own."""
    inviter = invitation.created_by
    if inviter is None or inviter.moderation_scope is None:
        return None
    return invitation.region_id


def _invitations_of(moderator: Member) -> sa.ColumnElement[bool]:
    """SQL: the invitations a moderator sees and may revoke: their own, and those for the
    regions they moderate (every one for national moderators)."""
    return sa.or_(
        Invitation.created_by_id == moderator.id,
        scope.moderated_clause(moderator, Invitation.region_id),
    )


def invitations(moderator: Member, limit: int = 100) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(_invitations_of(moderator))
            .order_by(Invitation.created_at.desc())
            .limit(limit)
        )
    )


def revoke_invitation(invitation_id: int, actor: Member) -> Invitation:
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.id == invitation_id, _invitations_of(actor))
    )
    if invitation is None:
        raise NotFound("That invitation no longer exists.")
    if invitation.used_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit.record(
            actor,
            "invitation.revoke",
            "invitation",
            invitation.id,
            region_id=invitation.region_id,
            summary=f"an invitation link ({invitation.note or 'no note'})",
            before={"state": "open"},
            after={"state": "revoked"},
        )
        db.session.commit()
    return invitation


def open_invitation(secret: str, now: datetime | None = None) -> Invitation:
    """The invitation behind a link, if it can still be used; NotFound otherwise."""
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == tokens.digest(secret or ""))
    )
    if invitation is None or invitation.state(now or utcnow()) != "open":
        raise NotFound(
            "This invitation link has expired or has already been used. "
            "Ask the person who invited you for a new one, or apply to join."
        )
    return invitation


def redeem_invitation(secret: str, app: Application) -> Member:
    """Join through an invitation: the member is active at once, approved by the inviter."""
    invitation = open_invitation(secret)
    email, region = _check_application(app)
    fixed = invited_region(invitation)
    if fixed is not None and invitation.region is not None and region.id != fixed:
        raise ValidationFailed(
            {"region_id": f"This invitation is to join {invitation.region.name}."}
        )
    if _email_taken(email):
        raise ValidationFailed(
            {"email": "This email already has an account. Sign in, or reset your password."}
        )
    now = utcnow()
    member = _new_member(
        app,
        email,
        status=MemberStatus.ACTIVE,
        decided_at=now,
        decided_by_id=invitation.created_by_id,
    )
    db.session.flush()
    # Guarded UPDATE: of two people using one link at once, only one gets in.
    used = database.changed_rows(
        sa.update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now, used_by_id=member.id)
    )
    if used != 1:
        db.session.rollback()
        raise NotFound("This invitation link has just been used by someone else.")
    mail.queue(email, "welcome", member=member, sign_in_url=url_for("auth.sign_in", _external=True))
    db.session.commit()
    return member
