"""Signing in, and looking after one's own account: passwords and email address."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for

from forum.extensions import db
from forum.models import Member, MemberStatus, OneTimeToken, TokenPurpose, utcnow
from forum.services import database, mail, passwords, sign_ins, site_settings, tokens
from forum.services.errors import NotFound, ValidationFailed
from forum.services.people import sanctions
from forum.services.people.membership import normalise_email

# Who may sign in: members, and suspended people (only to read why, on their status page).
CAN_SIGN_IN = (MemberStatus.ACTIVE, MemberStatus.SUSPENDED)


def authenticate(email: str, password: str) -> Member | None:
    """The person with this email and password, if they may sign in; otherwise None.

    Unknown email, wrong password and an application still waiting (or rejected) all give
    None, in about the same time, so the answer never tells whether someone applied.
    """
    try:
        email = normalise_email(email)
    except ValidationFailed:
        email = ""
    member = db.session.scalar(sa.select(Member).where(Member.email == email)) if email else None
    if member is None:
        passwords.burn_time(password)
        return None
    if not passwords.verify_password(member.password_hash, password):
        return None
    if member.status not in CAN_SIGN_IN:
        return None
    sanctions.lift_if_expired(member)
    if passwords.needs_rehash(member.password_hash):
        member.password_hash = passwords.hash_password(password)
        db.session.commit()
    return member


def load_session_member(sign_in_key: str) -> Member | None:
    """The member a session or remember cookie belongs to, if its sign-in has not ended
    (``sign_ins.load``: the same query brings the regions they moderate). A suspension whose
    time is up ends here."""
    member = sign_ins.load(sign_in_key)
    if member is not None:
        sanctions.lift_if_expired(member)
    return member


def _user_inputs(member: Member) -> list[str]:
    settings = site_settings.settings()
    return [member.email, member.display_name, settings.network_name if settings else ""]


def _set_password(member: Member, new_password: str) -> None:
    if reason := passwords.weakness(new_password, _user_inputs(member)):
        raise ValidationFailed({"password": reason})
    member.password_hash = passwords.hash_password(new_password)
    member.end_sessions()
    sign_ins.end_all(member.id)


# --- forgotten password ---------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Email a single-use reset link if the address belongs to someone who may sign in.

    Says nothing either way; earlier unused links for the same person stop working.
    """
    try:
        email = normalise_email(email)
    except ValidationFailed:
        return
    member = db.session.scalar(sa.select(Member).where(Member.email == email))
    if member is None or member.status not in CAN_SIGN_IN:
        return
    secret = _issue(member, TokenPurpose.PASSWORD_RESET, current_app.config["PASSWORD_RESET_HOURS"])
    mail.queue(
        member.email,
        "password_reset",
        member=member,
        hours=current_app.config["PASSWORD_RESET_HOURS"],
        reset_url=url_for("auth.reset_password", token=secret, _external=True),
    )
    db.session.commit()


def _issue(member: Member, purpose: TokenPurpose, hours: int, payload: str = "") -> str:
    now = utcnow()
    db.session.execute(
        sa.update(OneTimeToken)
        .where(
            OneTimeToken.member_id == member.id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    secret, digest = tokens.new_secret()
    db.session.add(
        OneTimeToken(
            token_hash=digest,
            member_id=member.id,
            purpose=purpose,
            payload=payload,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return secret


def _redeemable(secret: str, purpose: TokenPurpose) -> OneTimeToken:
    token = db.session.scalar(
        sa.select(OneTimeToken).where(
            OneTimeToken.token_hash == tokens.digest(secret or ""),
            OneTimeToken.purpose == purpose,
        )
    )
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        raise NotFound("This link has expired or has already been used.")
    return token


def check_reset_token(secret: str) -> Member:
    """The person a reset link is for; NotFound when it expired or was used."""
    return _redeemable(secret, TokenPurpose.PASSWORD_RESET).member


def reset_password(secret: str, new_password: str) -> Member:
    """Set a new password from a reset link; the link is spent and every session ends."""
    token = _redeemable(secret, TokenPurpose.PASSWORD_RESET)
    _set_password(token.member, new_password)
    _spend(token)
    db.session.commit()
    return token.member


def _spend(token: OneTimeToken) -> None:
    spent = database.changed_rows(
        sa.update(OneTimeToken)
        .where(OneTimeToken.id == token.id, OneTimeToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent != 1:
        db.session.rollback()
        raise NotFound("This link has expired or has already been used.")


# --- changing one's own details -------------------------------------------------------------


def _check_current(member: Member, current_password: str) -> None:
    if not passwords.verify_password(member.password_hash, current_password or ""):
        raise ValidationFailed({"current_password": "That is not your current password."})


def change_password(member: Member, current_password: str, new_password: str) -> None:
    """Change the password; every sign-in of this member ends (the view signs this browser in
    again)."""
    _check_current(member, current_password)
    if current_password == new_password:
        raise ValidationFailed({"password": "Choose a password different from the current one."})
    _set_password(member, new_password)
    mail.queue(member.email, "password_changed", member=member)
    db.session.commit()


def request_email_change(member: Member, current_password: str, new_email: str) -> str:
    """Send a confirmation link to the new address; the change happens when it is opened."""
    _check_current(member, current_password)
    new_email = normalise_email(new_email)
    if new_email == member.email:
        raise ValidationFailed({"email": "This is already your email address."})
    hours = current_app.config["EMAIL_CHANGE_HOURS"]
    secret = _issue(member, TokenPurpose.EMAIL_CHANGE, hours, payload=new_email)
    mail.queue(
        new_email,
        "confirm_email",
        member=member,
        hours=hours,
        confirm_url=url_for("account.confirm_email", token=secret, _external=True),
    )
    db.session.commit()
    return new_email


def confirm_email_change(member: Member, secret: str) -> str:
    """Apply an email change from its link (only for the member who asked for it)."""
    token = _redeemable(secret, TokenPurpose.EMAIL_CHANGE)
    if token.member_id != member.id:
        raise NotFound("This link has expired or has already been used.")
    new_email = token.payload
    taken = db.session.scalar(
        sa.select(sa.exists().where(Member.email == new_email, Member.id != member.id))
    )
    if taken:
        raise ValidationFailed({"email": "That address now belongs to another account."})
    old_email = member.email
    _spend(token)
    member.email = new_email
    mail.queue(old_email, "email_changed", member=member, new_email=new_email)
    db.session.commit()
    return new_email
