"""Conversations between members, one to one or a few together.

The rules, each enforced here:

- A member starts a conversation only with active members who share a forum they can both see
  (``forums.visibility``), never with someone who muted them or whom they muted, nor with
  someone who turned messages off (moderators still reach them). A newcomer (joined fewer than
  ``MESSAGES_NEWCOMER_DAYS`` days ago, or with fewer than ``MESSAGES_NEWCOMER_POSTS`` posts)
  messages the moderators only. At most ``MAX_OTHERS`` others in one conversation.
- Only a conversation's current members read it or write in it; anyone else, moderators too,
  gets NotFound. Moderators read a message only when it is reported (``moderation.targets``),
  with the few messages before it for context.
- Messages are Markdown through ``richtext`` (``RichBody``), with content warnings as posts,
  checked against the watched words (``safety.watched_words``), limited by
  ``posting.check_rate`` like posts, and the same text twice within minutes is refused.
- A member may leave a conversation (they no longer read it) or mute it (no notifications).
- Live: ``conversation:<id>`` (event ``conversation-<id>``) for its current members.
- Notifications (issue 13) hook: ``to_notify(message)`` says who should hear of a new message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from forum.extensions import db
from forum.models import (
    Conversation,
    ConversationMember,
    Forum,
    Member,
    MemberStatus,
    Message,
    MessageSetting,
    Mute,
    Post,
    TargetKind,
    utcnow,
)
from forum.numbers import whole_or_none
from forum.services import database, posting, scope
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from forum.services.forums import content_warnings, visibility
from forum.services.live import events, topics
from forum.services.safety import watched_words

MAX_OTHERS = 5
SUBJECT_MAX = 150
BODY_MAX = 10_000
REPEATED = "You sent this same message {ago}, so we have not sent it twice."


def may_hear(member: Member, key: str | None) -> bool:
    """Live: a conversation's topic is for its current members only."""
    conversation_id = whole_or_none(key)
    return conversation_id is not None and _membership(member, conversation_id) is not None


# --- who may message whom -----------------------------------------------------------------------


def messages_off(member_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(MessageSetting.messages_off).where(MessageSetting.member_id == member_id)
        )
    )


def set_messages_off(member: Member, off: bool) -> None:
    """Turn messages off (nobody but the moderators can start one) or on again; commits."""
    setting = db.session.get(MessageSetting, member.id)
    if setting is None:
        setting = MessageSetting(member_id=member.id)
        db.session.add(setting)
    setting.messages_off, setting.updated_at = off, utcnow()
    db.session.commit()


def is_newcomer(member: Member) -> bool:
    """Whether ``member`` is new enough to message the moderators only (moderators never are)."""
    if member.is_moderator:
        return False
    days = int(current_app.config["MESSAGES_NEWCOMER_DAYS"] or 0)
    joined = member.decided_at or member.created_at
    if days and joined is not None and utcnow() - joined < timedelta(days=days):
        return True
    posts = int(current_app.config["MESSAGES_NEWCOMER_POSTS"] or 0)
    if not posts:
        return False
    written = db.session.scalar(
        sa.select(sa.func.count(Post.id)).where(
            Post.author_id == member.id, Post.held_at.is_(None), Post.deleted_at.is_(None)
        )
    )
    return (written or 0) < posts


def _mutes_between(member_id: int, other_id: int) -> bool:
    either = sa.or_(
        sa.and_(Mute.muter_id == member_id, Mute.muted_id == other_id),
        sa.and_(Mute.muter_id == other_id, Mute.muted_id == member_id),
    )
    return db.session.scalar(sa.select(sa.exists().where(either))) or False


def _share_a_forum(member: Member, other: Member) -> bool:
    both = sa.select(Forum.id).where(
        Forum.archived_at.is_(None),
        visibility.visible_forums_clause(member),
        visibility.visible_forums_clause(other),
    )
    return db.session.scalar(sa.select(sa.exists(both))) or False


def refusal(sender: Member, other: Member) -> str | None:
    """Why ``sender`` may not start a conversation with ``other``, or None when they may."""
    name = other.display_name
    if other.id == sender.id:
        return "You cannot start a conversation with yourself."
    if other.status != MemberStatus.ACTIVE:
        return f"You cannot message {name} at the moment."
    if is_newcomer(sender) and not other.is_moderator:
        return (
            "While you are new here you can message the moderators only. Once you have been "
            "part of the network a little longer you can message other members too."
        )
    if _mutes_between(sender.id, other.id):
        return f"You cannot start a conversation with {name}."  # says not who muted whom
    if messages_off(other.id) and not sender.is_moderator:
        return f"{name} has turned messages off."
    if not _share_a_forum(sender, other):
        return f"You cannot message {name}: you do not share a forum."
    return None


def may_message(sender: Member, other: Member) -> bool:
    """Whether a member's page shows "Send a message" (the same rule as ``start``)."""
    return refusal(sender, other) is None


def messageable(sender: Member, others: Iterable[Member]) -> set[int]:
    """The ids of ``others`` that ``sender`` may start a conversation with: the rule of
    ``refusal`` for many members at once (a thread page's authors, for "Message"), in one
    statement (two for a member who may be a newcomer), whatever their number."""
    wanted = {o.id: o for o in others if o.id != sender.id and o.status == MemberStatus.ACTIVE}
    if wanted and is_newcomer(sender):
        wanted = {i: o for i, o in wanted.items() if o.is_moderator}
    if not wanted:
        return set()
    statement = _messageable_statements(sender)
    values = {scope.VIEWER_ID: sender.id, "others": sorted(wanted)}
    return set(db.session.scalars(statement, values))


def _messageable_statement(me: Member) -> sa.Select:
    """``messageable``'s statement for senders of ``me``'s shape (a ``Viewer``): the others'
    ids bound as ``others``, the sender's as ``scope.VIEWER_ID``. What the others may see is
    read in SQL (``member_sees_forum_clause``), so the statement is one per kind of sender,
    not one per mix of authors on a page (up to 256 large statements kept, with their cache
    keys: a process grew by 49 MB over 400 thread pages)."""
    muted = sa.or_(
        sa.and_(Mute.muter_id == me.id, Mute.muted_id == Member.id),
        sa.and_(Mute.muter_id == Member.id, Mute.muted_id == me.id),
    )
    shared = sa.exists().where(
        Forum.archived_at.is_(None),
        visibility.visible_forums_clause(me),
        visibility.member_sees_forum_clause(),
    )
    rules = [
        Member.id.in_(sa.bindparam("others", expanding=True)),
        ~sa.exists().where(muted),
        shared,
    ]
    if not me.is_moderator:
        rules.append(
            ~sa.exists().where(
                MessageSetting.member_id == Member.id, MessageSetting.messages_off.is_(True)
            )
        )
    return sa.select(Member.id).where(*rules)


_messageable_statements: scope.ByShape[sa.Select] = scope.ByShape(_messageable_statement)


# --- writing ------------------------------------------------------------------------------------


def _checked_body(body, warning_ids, warning_note):
    errors: dict[str, list[str]] = {}
    text, note = "", ""
    warnings: list = []
    try:
        text = posting.clean_body(body, max_length=BODY_MAX)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    try:
        warnings, note = content_warnings.chosen(warning_ids or [], warning_note)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(errors)
    return text, warnings, note if warnings else ""


def _others(sender: Member, member_ids: Iterable[int]) -> list[Member]:
    ids = sorted({i for i in member_ids if i is not None and i != sender.id})
    if not ids:
        raise ValidationFailed({"to": "Choose who to write to."})
    if len(ids) > MAX_OTHERS:
        raise ValidationFailed({"to": f"A conversation can have up to {MAX_OTHERS} others."})
    found = list(db.session.scalars(sa.select(Member).where(Member.id.in_(ids))))
    if len(found) != len(ids):
        raise NotFound("That member does not exist.")
    return found


def start(
    sender: Member,
    member_ids: Iterable[int],
    *,
    body: str,
    subject: str = "",
    warning_ids: list[int] | None = None,
    warning_note: str = "",
) -> Conversation:
    """Start a conversation with its first message, and commit. Raises NotFound,
    NotAllowed (one of the rules above), ValidationFailed or RateLimited."""
    others = _others(sender, member_ids)
    for other in others:
        if (why := refusal(sender, other)) is not None:
            raise NotAllowed(why)
    subject = " ".join((subject or "").replace("\x00", "").split())
    if len(subject) > SUBJECT_MAX:
        raise ValidationFailed({"subject": f"Keep the subject to {SUBJECT_MAX} characters."})
    text, warnings, note = _checked_body(body, warning_ids, warning_note)
    verdict = watched_words.screen(subject=subject, body=text)
    posting.check_rate(sender)
    now = utcnow()
    conversation = Conversation(subject=subject, started_by_id=sender.id, created_at=now)
    db.session.add(conversation)
    db.session.flush()
    for who in (sender, *others):
        db.session.add(
            ConversationMember(conversation_id=conversation.id, member_id=who.id, joined_at=now)
        )
    _add_message(sender, conversation, text, warnings, note, verdict)
    db.session.commit()
    posting.record_post(sender)
    return conversation


def send(
    member: Member,
    conversation_id: int,
    *,
    body: str,
    warning_ids: list[int] | None = None,
    warning_note: str = "",
) -> Message:
    """Add a message to a conversation the member is in, and commit. Raises NotFound,
    NotAllowed (nobody left to read it, or a mute between them), ValidationFailed
    (RepeatedPost for the same text twice) or RateLimited."""
    conversation = get(member, conversation_id)
    others = [m for m in conversation.members if m.member_id != member.id and not m.has_left]
    if not others:
        raise NotAllowed("Everyone else has left this conversation, so nobody would read this.")
    if any(_mutes_between(member.id, m.member_id) for m in others):
        raise NotAllowed("You can no longer write in this conversation.")
    text, warnings, note = _checked_body(body, warning_ids, warning_note)
    verdict = watched_words.screen(body=text)
    posting.check_rate(member)
    posting.refuse_repeat(
        member,
        Message,
        posting.fingerprint(text),
        Message.conversation_id == conversation.id,
        message=REPEATED,
    )
    message = _add_message(member, conversation, text, warnings, note, verdict)
    db.session.commit()
    posting.record_post(member)
    return message


def _add_message(member, conversation, text, warnings, note, verdict) -> Message:
    now = utcnow()
    message = Message(
        conversation_id=conversation.id,
        author_id=member.id,
        created_at=now,
        fingerprint=posting.fingerprint(text),
        warnings=warnings,
        warning_note=note,
    )
    message.set_body(text)
    db.session.add(message)
    db.session.flush()
    db.session.execute(
        sa.update(Conversation)
        .where(Conversation.id == conversation.id)
        .values(last_message_at=now, last_message_id=message.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(ConversationMember)
        .where(
            ConversationMember.conversation_id == conversation.id,
            ConversationMember.member_id == member.id,
        )
        .values(last_read_id=message.id)
        .execution_options(synchronize_session=False)
    )
    # A message is nobody's region: its author's region's moderators see what it leaves behind.
    watched_words.after_saving(
        verdict, member, TargetKind.MESSAGE, message.id, member.region_id, hold_as_flag=True
    )
    events.publish_after_commit(
        topics.conversation(conversation.id), topics.conversation_event(conversation.id)
    )
    return message


# --- reading ------------------------------------------------------------------------------------


def _membership(member: Member, conversation_id: int) -> ConversationMember | None:
    return db.session.scalar(
        sa.select(ConversationMember).where(
            ConversationMember.conversation_id == conversation_id,
            ConversationMember.member_id == member.id,
            ConversationMember.left_at.is_(None),
        )
    )


def get(member: Member, conversation_id: int) -> Conversation:
    """A conversation ``member`` is in (not left). NotFound for anyone else, moderators too:
    :raise NotFound:"""
    if _membership(member, conversation_id) is None:
        raise NotFound("That conversation does not exist.")
    conversation = db.session.scalar(
        sa.select(Conversation)
        .where(Conversation.id == conversation_id)
        .options(so.selectinload(Conversation.members).joinedload(ConversationMember.member))
    )
    if conversation is None:
        raise NotFound("That conversation does not exist.")
    return conversation


def own_membership(member: Member, conversation: Conversation) -> ConversationMember:
    return next(m for m in conversation.members if m.member_id == member.id)


def messages(member: Member, conversation: Conversation, after: int = 0) -> list[Message]:
    """The conversation's messages (after a message id), oldest first."""
    return list(
        db.session.scalars(
            sa.select(Message)
            .where(Message.conversation_id == conversation.id, Message.id > after)
            .options(so.joinedload(Message.author), so.selectinload(Message.warnings))
            .order_by(Message.id)
        )
    )


def get_message(member: Member, message_id: int) -> Message:
    """One message of a conversation ``member`` is in (for reporting it). :raise NotFound:"""
    message = db.session.get(Message, message_id)
    if message is None or _membership(member, message.conversation_id) is None:
        raise NotFound("That message does not exist.")
    return message


def inbox(member: Member) -> list[tuple[Conversation, ConversationMember]]:
    """The conversations ``member`` is in, the latest message first, with their own row
    (unread: ``last_read_id`` below the conversation's ``last_message_id``)."""
    rows = db.session.execute(
        sa.select(Conversation, ConversationMember)
        .join(ConversationMember, ConversationMember.conversation_id == Conversation.id)
        .where(ConversationMember.member_id == member.id, ConversationMember.left_at.is_(None))
        .options(so.selectinload(Conversation.members).joinedload(ConversationMember.member))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(200)
    )
    return [(c, m) for c, m in rows]


def mark_read(member: Member, conversation: Conversation) -> None:
    """Record that ``member`` read the conversation up to its latest message. Called last, once
    the page is built, and only when the position moves: the request's only commit (its
    reading transaction is ended without one, ``database.end_reading``). Reading never fails
    because of it: a busy database is logged and let go."""
    mine = own_membership(member, conversation)
    if mine.last_read_id >= conversation.last_message_id:
        return
    member_id, conversation_id = member.id, conversation.id
    up_to = conversation.last_message_id
    database.end_reading()
    try:
        db.session.execute(
            sa.update(ConversationMember)
            .where(
                ConversationMember.conversation_id == conversation_id,
                ConversationMember.member_id == member_id,
                ConversationMember.last_read_id < up_to,
            )
            .values(last_read_id=up_to)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except sa.exc.OperationalError:
        db.session.rollback()
        current_app.logger.warning("Read position of conversation %s not saved", conversation_id)


# --- leaving and muting --------------------------------------------------------------------------


def leave(member: Member, conversation_id: int) -> None:
    """Leave a conversation: it disappears for them and they receive nothing more; commits."""
    membership = _membership(member, conversation_id)
    if membership is None:
        raise NotFound("That conversation does not exist.")
    membership.left_at = utcnow()
    events.publish_after_commit(
        topics.conversation(conversation_id), topics.conversation_event(conversation_id)
    )
    db.session.commit()


def set_muted(member: Member, conversation_id: int, muted: bool) -> None:
    """Mute a conversation (no notifications of it) or unmute it; commits."""
    membership = _membership(member, conversation_id)
    if membership is None:
        raise NotFound("That conversation does not exist.")
    membership.muted = muted
    db.session.commit()


def to_notify(message: Message) -> list[Member]:
    """Who should hear of a new message (the notifications' hook, issue 13): the
    conversation's current members but its author, who have not muted it."""
    return list(
        db.session.scalars(
            sa.select(Member)
            .join(ConversationMember, ConversationMember.member_id == Member.id)
            .where(
                ConversationMember.conversation_id == message.conversation_id,
                ConversationMember.left_at.is_(None),
                ConversationMember.muted.is_(False),
                Member.id != message.author_id,
                Member.status == MemberStatus.ACTIVE,
            )
        )
    )


def context_of(message: Message, before: int = 2) -> list[Message]:
    """The reported ``message`` and the ``before`` messages just before it, oldest first:
    all a moderator reads of a conversation, and only once a message in it is reported."""
    earlier = list(
        db.session.scalars(
            sa.select(Message)
            .where(Message.conversation_id == message.conversation_id, Message.id < message.id)
            .options(so.joinedload(Message.author))
            .order_by(Message.id.desc())
            .limit(before)
        )
    )
    return [*reversed(earlier), message]
