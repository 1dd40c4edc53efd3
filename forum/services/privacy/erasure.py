"""Leaving and being forgotten: a member's account erased.

A member asks on *Account → Your data*, confirming their password and choosing what happens to
their posts (removed, or kept as "a former member", when the network allows removal). Every
sign-in ends at once, and the erasure is due after the cooling-off (``erasure_cooling_days``,
7 by default): signing in before then cancels it. ``erase_due(now)``, run periodically
(``flask --app forum privacy erase-due``), erases what is due. Moderators can erase a member
at once, on request (``erase_on_request``); the audit log records that they did, without
anything that was erased.

Erasing: sign-ins end and signing in fails (the email and password are gone); the email,
name, application answers and other personal fields are erased, and the account is shown as
"A former member N". Consents, settings, mutes, reads, links, messages from the moderators and
mail to them are deleted, and so are their notifications, notification and email choices,
digests sent, calendar feed, organiser and moderator regions, safety alerts, appeals and the
moderators' notes about them; others' notifications they caused name nobody. Bookings of
events still to come are cancelled (their places go to the waiting list) and every access
answer of theirs is deleted; past bookings stay, for the attendance counts, attributed to the
former member. They leave their
conversations. The audit log keeps what was done, naming the former member instead of them.

Their posts, ideas, comments and messages either stay (attributed to the former member) or
are removed (text emptied, "removed"; a thread they started keeps its replies, under a neutral
title), and search forgets what was removed. Quotes of them in others' replies name the former
member instead, or, their posts removed, are replaced by a short note; links to their profile
in others' posts become plain text; those posts are indexed again, so search no longer finds
their old name there. Their name links to nothing any more (README, "Privacy": what is
deleted and what is kept).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    Appeal,
    AuditEntry,
    CalendarFeed,
    ConversationMember,
    DigestSend,
    EmailPreference,
    EventHost,
    EventOrganiser,
    Idea,
    IdeaComment,
    IdeaTitleTerm,
    Member,
    MemberStatus,
    Message,
    MessageSetting,
    ModeratorMessage,
    ModeratorNote,
    ModeratorRegion,
    Mute,
    Notification,
    NotificationSetting,
    OneTimeToken,
    OutboxMail,
    Post,
    PostRevision,
    Report,
    Role,
    SafetyAlert,
    Thread,
    ThreadRead,
    WarningPreference,
    utcnow,
)
from forum.services import (
    audit,
    database,
    mail,
    passwords,
    sign_ins,
    site_settings,
)
from forum.services.errors import NotAllowed, NotFound, OutOfScope, ValidationFailed
from forum.services.events import booking
from forum.services.forums.threads import markdown_escape
from forum.services.privacy import export_files
from forum.services.search_index import documents as search_index

REMOVED_QUOTE = "> *A quote of a post that was removed when its author left.*"
REMOVED_THREAD_TITLE = "A thread started by a former member"
REMOVED_IDEA_TITLE = "An idea from a former member"
REMOVED_MESSAGE = "*This message was removed when its author left.*"
ERASED_PASSWORD = "!erased"  # noqa: S105 - not an argon2 hash: no password matches it


def former_name(member_id: int) -> str:
    return f"A former member {member_id}"


# --- asking, and changing one's mind ----------------------------------------------------------


def request(member: Member, password: str, *, remove_posts: bool) -> Member:
    """Ask for the member's account to be erased after the cooling-off, and sign them out
    everywhere. ValidationFailed on ``password`` when it is wrong, on ``posts`` when the
    network keeps posts."""
    person = db.session.get(Member, member.id) or member
    if not passwords.verify_password(person.password_hash, password or ""):
        raise ValidationFailed({"password": "That is not your password."})
    site = site_settings.required()
    if remove_posts and not site.erasure_may_remove_posts:
        raise ValidationFailed({"posts": "This network keeps posts when members leave."})
    now = utcnow()
    person.erasure_requested_at = now
    person.erasure_due_at = now + timedelta(days=site.erasure_cooling_days)
    person.erasure_removes_posts = remove_posts
    person.end_sessions()
    sign_ins.end_all(person.id)
    mail.queue(person.email, "erasure_requested", member=person, due=person.erasure_due_at)
    db.session.commit()
    return person


def cancel_on_sign_in(member: Member) -> bool:
    """Signing in during the cooling-off cancels the erasure; whether there was one."""
    if not member.erasure_pending:
        return False
    member.erasure_requested_at = member.erasure_due_at = None
    member.erasure_removes_posts = False
    db.session.commit()
    return True


def pending() -> list[Member]:
    """Erasures asked for and not done yet, the soonest due first (Admin → Privacy)."""
    return list(
        db.session.scalars(
            sa.select(Member)
            .where(Member.erasure_due_at.is_not(None), Member.erased_at.is_(None))
            .order_by(Member.erasure_due_at)
        )
    )


# --- erasing ----------------------------------------------------------------------------------


def erase_due(now: datetime | None = None) -> int:
    """Erase every account whose cooling-off has passed by ``now``; how many were erased."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Member.id).where(Member.erasure_due_at <= now, Member.erased_at.is_(None))
    ).all()
    erased = 0
    for member_id in due:
        if not _claim(member_id, now, Member.erasure_due_at <= now):
            db.session.rollback()  # signed in meanwhile, or another run got there first
            continue
        person = db.session.get(Member, member_id)
        if person is not None:
            _erase(person, remove_posts=person.erasure_removes_posts, now=now, actor=None)
            db.session.commit()
            erased += 1
    return erased


def _claim(member_id: int, now: datetime, *conditions: sa.ColumnElement[bool]) -> bool:
    """Mark the member erased in one guarded UPDATE, so two runs (or a run and a moderator)
    never erase the same person twice, and a cancelled erasure is not done."""
    return (
        database.changed_rows(
            sa.update(Member)
            .where(Member.id == member_id, Member.erased_at.is_(None), *conditions)
            .values(erased_at=now)
            .execution_options(synchronize_session=False)
        )
        == 1
    )


def erasable(moderator: Member, member_id: int) -> Member:
    """The member ``moderator`` may erase on request: a member (not a moderator or an
    administrator, unless an administrator asks) of a region they moderate."""
    person = db.session.get(Member, member_id)
    if person is None or person.is_erased or person.status == MemberStatus.PENDING:
        raise NotFound("There is no such member.")
    if not moderator.moderates(person.region_id):
        raise OutOfScope()
    if person.id == moderator.id:
        raise NotAllowed("To erase your own account, use Account → Your data.")
    if person.role != Role.MEMBER and not moderator.is_admin:
        raise NotAllowed("Only an administrator can erase a moderator's account.")
    return person


def erase_on_request(moderator: Member, member_id: int, *, remove_posts: bool, reason: str) -> int:
    """Erase a member now, as they asked a moderator to; the audit log says so, with
    ``reason`` (how they asked) and nothing that was erased. Returns the former member's
    number."""
    person = erasable(moderator, member_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Say how the member asked (without their details)."})
    if remove_posts and not site_settings.required().erasure_may_remove_posts:
        raise ValidationFailed({"posts": "This network keeps posts when members leave."})
    now = utcnow()
    if not _claim(person.id, now):
        db.session.rollback()
        raise NotFound("This account has already been erased.")
    db.session.refresh(person)
    _erase(person, remove_posts=remove_posts, now=now, actor=moderator, reason=reason[:500])
    db.session.commit()
    return person.id


def _erase(
    person: Member, *, remove_posts: bool, now: datetime, actor: Member | None, reason: str = ""
) -> None:
    """Everything of the erasure, in the caller's transaction."""
    old_name, region_id = person.display_name, person.region_id
    thread_ids = set(
        db.session.scalars(sa.select(Post.thread_id).where(Post.author_id == person.id))
    )
    _forget_person(person, now)
    booking.release_all_of(person.id, now)
    if remove_posts:
        _remove_writing(person.id, now)
    _scrub_others(person.id, old_name, thread_ids, removed=remove_posts)
    _scrub_audit(person.id, old_name, former_name(person.id))
    audit.record(
        actor,
        "member.erase",
        "member",
        person.id,
        region_id=region_id,
        summary=former_name(person.id),
        reason=reason,
        after={"posts": "removed" if remove_posts else "kept"},
    )


def _forget_person(person: Member, now: datetime) -> None:
    old_email = person.email
    person.end_sessions()
    sign_ins.end_all(person.id)
    person.display_name = former_name(person.id)
    person.email = f"former-member-{person.id}@erased.invalid"
    person.password_hash = ERASED_PASSWORD
    person.organisation = person.reason = person.decision_message = ""
    person.suspension_reason = ""
    person.suspended_until = person.break_until = person.health_consent_withdrawn_at = None
    person.region_id = None
    person.status, person.role = MemberStatus.REJECTED, Role.MEMBER
    person.unread_messages = 0
    person.consents = []
    person.erased_at = now
    for model, column in (
        (WarningPreference, WarningPreference.member_id),
        (ThreadRead, ThreadRead.member_id),
        (OneTimeToken, OneTimeToken.member_id),
        (ModeratorMessage, ModeratorMessage.member_id),
        (Mute, Mute.muter_id),
        (Mute, Mute.muted_id),
        (Notification, Notification.member_id),
        (NotificationSetting, NotificationSetting.member_id),
        (EmailPreference, EmailPreference.member_id),
        (DigestSend, DigestSend.member_id),
        (MessageSetting, MessageSetting.member_id),
        (CalendarFeed, CalendarFeed.member_id),
        (EventOrganiser, EventOrganiser.member_id),
        (EventHost, EventHost.member_id),
        (ModeratorRegion, ModeratorRegion.moderator_id),
        (SafetyAlert, SafetyAlert.member_id),
        (Appeal, Appeal.member_id),
        (ModeratorNote, ModeratorNote.member_id),
    ):
        db.session.execute(sa.delete(model).where(column == person.id))
    # Others' notifications they caused ("Ahmed replied …") name nobody now.
    db.session.execute(
        sa.update(Notification)
        .where(Notification.actor_id == person.id)
        .values(actor_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(ConversationMember)
        .where(ConversationMember.member_id == person.id, ConversationMember.left_at.is_(None))
        .values(left_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(sa.delete(OutboxMail).where(OutboxMail.recipient == old_email))
    export_files.forget(person.id)  # files of a large export waiting for its link


def _remove_writing(member_id: int, now: datetime) -> None:
    """Their posts, ideas and comments emptied and marked removed; their threads kept for the
    replies of others, under a neutral title."""
    posts = db.session.scalars(sa.select(Post).where(Post.author_id == member_id)).all()
    for post in posts:
        post.set_body("")
        post.deleted_at = post.deleted_at or now
        post.fingerprint = post.warning_note = ""
        search_index.forget(Post, post.id)
    post_ids = [p.id for p in posts]
    if post_ids:
        db.session.execute(sa.delete(PostRevision).where(PostRevision.post_id.in_(post_ids)))
    for thread in db.session.scalars(sa.select(Thread).where(Thread.author_id == member_id)):
        thread.title = REMOVED_THREAD_TITLE
        thread.removed_at = thread.removed_at or now
        search_index.forget(Thread, thread.id)
    for idea in db.session.scalars(sa.select(Idea).where(Idea.author_id == member_id)):
        idea.title = REMOVED_IDEA_TITLE
        idea.set_body("")
        idea.fingerprint = ""
        db.session.execute(sa.delete(IdeaTitleTerm).where(IdeaTitleTerm.idea_id == idea.id))
        search_index.forget(Idea, idea.id)
    for comment in db.session.scalars(
        sa.select(IdeaComment).where(IdeaComment.author_id == member_id)
    ):
        comment.set_body("")
        comment.deleted_at = comment.deleted_at or now
        comment.fingerprint = ""
        search_index.forget(IdeaComment, comment.id)
    for message in db.session.scalars(sa.select(Message).where(Message.author_id == member_id)):
        message.set_body(REMOVED_MESSAGE)
        message.fingerprint = message.warning_note = ""
    for report in db.session.scalars(sa.select(Report).where(Report.reporter_id == member_id)):
        report.note = ""


def _scrub_others(member_id: int, old_name: str, thread_ids: set[int], *, removed: bool) -> None:
    """Quotes of the member in others' posts (in threads where they posted), and links to their
    profile anywhere."""
    header = f"> **{markdown_escape(old_name)}** wrote:"
    link = re.compile(
        r"\[([^\]]*)\]\(\s*(?:https?://[^)\s]*)?/members/" + str(member_id) + r"/?\s*\)"
    )
    bare = re.compile(r"https?://\S*/members/" + str(member_id) + r"\b/?")
    quoting = sa.and_(Post.thread_id.in_(thread_ids), Post.body_source.contains(header))
    linking = Post.body_source.contains(f"/members/{member_id}")
    candidates = db.session.scalars(
        sa.select(Post).where(Post.author_id != member_id, sa.or_(quoting, linking))
    )
    for post in candidates:
        text = post.body_source
        if post.thread_id in thread_ids and header in text:
            text = _scrub_quotes(text, header, former_name(member_id), removed=removed)
        text = bare.sub("", link.sub(r"\1", text))
        if text != post.body_source:
            post.set_body(text)
            search_index.index(post)  # the old name, quoted, is no longer found


def _scrub_audit(member_id: int, old_name: str, new_name: str) -> None:
    """The audit log keeps what was done, but names the former member instead of them, and
    keeps no moderator's note about them (the entry says a note was written, not what)."""
    db.session.execute(
        sa.update(AuditEntry)
        .where(
            AuditEntry.action == "member.note",
            AuditEntry.target_kind == "member",
            AuditEntry.target_id == member_id,
        )
        .values(reason="")
        .execution_options(synchronize_session=False)
    )
    if not old_name:
        return
    for column in (AuditEntry.summary, AuditEntry.reason):
        db.session.execute(
            sa.update(AuditEntry)
            .where(column.contains(old_name, autoescape=True))
            .values({column.key: sa.func.replace(column, old_name, new_name)})
            .execution_options(synchronize_session=False)
        )


def _scrub_quotes(text: str, header: str, new_name: str, *, removed: bool) -> str:
    if not removed:
        return text.replace(header, f"> **{new_name}** wrote:")
    out: list[str] = []
    skipping = False
    for line in text.splitlines():
        if line.startswith(header):
            out.append(REMOVED_QUOTE)
            skipping = True
        elif skipping and line.startswith(">"):
            continue
        else:
            skipping = False
            out.append(line)
    return "\n".join(out)
