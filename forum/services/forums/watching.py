"""Watching threads and forums: how closely a member follows them (README, "Notifications").

Four levels, as Discourse has them (``WatchLevel``):

- **watching**: a notification for every new post (kind ``watched``);
- **tracking**: no notification, but its list shows how many posts are new;
- **normal** (no row): only mentions, quotes and replies to me;
- **muted**: no notifications at all from it, not even mentions or replies to me.

A thread's own level wins over its forum's. Starting a thread or replying tracks it, unless
the member chose a level for it already (or their forum's level is watching or muted), or
switched that off under Account → Notifications (``Member.track_on_post``).

The watchers of a new post are told by a job (``forums.watchers``, ``notify_watchers``), never
in the request: one INSERT … SELECT whatever their number, keyed ``watched:post:<id>`` so a
retried job adds nothing, and skipping whoever was already told of that post (a reply to
them, a mention, a quote: the more specific notification wins).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import (
    Forum,
    Member,
    MemberStatus,
    Mute,
    Notification,
    NotificationSetting,
    Post,
    Thread,
    Watch,
    WatchLevel,
    utcnow,
)
from forum.services import database, jobs
from forum.services.errors import ValidationFailed
from forum.services.forums import visibility
from forum.services.live import events, topics

WATCHED = "watched"
FAN_OUT_JOB = "forums.watchers"


@dataclass(frozen=True)
class LevelText:
    label: str
    explanation: str


LEVELS: dict[WatchLevel, LevelText] = {
    WatchLevel.WATCHING: LevelText("Watching", "A notification for every new post."),
    WatchLevel.TRACKING: LevelText(
        "Tracking", "No notifications; lists show how many posts are new."
    ),
    WatchLevel.NORMAL: LevelText(
        "Normal", "A notification only when someone mentions, quotes or replies to you."
    ),
    WatchLevel.MUTED: LevelText(
        "Muted", "No notifications at all from it, not even mentions or replies to you."
    ),
}


def level_from(value: str | None) -> WatchLevel:
    """The level a form asked for; ValidationFailed for anything else."""
    try:
        return WatchLevel(value or "")
    except ValueError:
        raise ValidationFailed({"level": "Choose watching, tracking, normal or muted."}) from None


# --- the rule, in SQL -------------------------------------------------------------------------


def at_level(level: WatchLevel, thread_id, forum_id, member_id=Member.id):
    """SQL: the member in ``member_id`` follows thread ``thread_id`` (of forum ``forum_id``) at
    ``level``: the thread's own row says so, or it has none and the forum's row says so. Each
    of the three is a value or a column (``Thread.id`` in a query over threads, say)."""
    own = sa.select(Watch.id).where(Watch.member_id == member_id, Watch.thread_id == thread_id)
    forum = sa.select(Watch.id).where(
        Watch.member_id == member_id, Watch.forum_id == forum_id, Watch.level == level
    )
    return sa.or_(own.where(Watch.level == level).exists(), sa.and_(~own.exists(), forum.exists()))


def muted_clause(thread_id: int, forum_id: int) -> sa.ColumnElement[bool]:
    """SQL on ``Member``: those who muted this thread, or its forum (without a level of their
    own for the thread). ``inbox.notify(..., unless=...)`` tells them nothing."""
    return at_level(WatchLevel.MUTED, thread_id, forum_id)


def unmuted(stmt: sa.Select, member_id) -> sa.Select:
    """``stmt`` on ``Thread``, keeping the threads the member in ``member_id`` (a value or a
    bound parameter) did not mute, nor their forum without a level of their own for the
    thread: ``at_level(MUTED, ...)`` as one join on the member's row for each thread and one
    look at their muted forums, for counting over many threads (``at_level`` asks per row)."""
    own = so.aliased(Watch)
    muted_forums = sa.select(Watch.forum_id).where(
        Watch.member_id == member_id, Watch.level == WatchLevel.MUTED, Watch.forum_id.is_not(None)
    )
    return stmt.outerjoin(
        own, sa.and_(own.thread_id == Thread.id, own.member_id == member_id)
    ).where(
        sa.or_(own.level.is_(None), own.level != WatchLevel.MUTED),
        sa.or_(own.id.is_not(None), Thread.forum_id.not_in(muted_forums)),
    )


def level_columns(member: Member) -> tuple[sa.ScalarSelect, sa.ScalarSelect]:
    """Two columns for a query on ``Thread``: ``member``'s level for the thread, and for its
    forum (each None without a row)."""
    own = (
        sa.select(Watch.level)
        .where(Watch.member_id == member.id, Watch.thread_id == Thread.id)
        .correlate(Thread)
        .scalar_subquery()
    )
    forum = (
        sa.select(Watch.level)
        .where(Watch.member_id == member.id, Watch.forum_id == Thread.forum_id)
        .correlate(Thread)
        .scalar_subquery()
    )
    return own, forum


# --- choosing -------------------------------------------------------------------------------


def choose(
    member: Member, level: WatchLevel, *, thread_id: int | None = None, forum_id: int | None = None
) -> None:
    """Set ``member``'s level for one thread or one forum (the caller checked they may see
    it); choosing again replaces it. Commits."""
    if (thread_id is None) == (forum_id is None):
        raise ValueError("choose a level for one thread or one forum")
    target = "thread_id" if thread_id is not None else "forum_id"
    stmt = database.insert_for(Watch).values(
        member_id=member.id, thread_id=thread_id, forum_id=forum_id, level=level, chosen_at=utcnow()
    )
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["member_id", target],
            set_={"level": stmt.excluded.level, "chosen_at": stmt.excluded.chosen_at},
        )
    )
    db.session.commit()


def choose_for_forum(member: Member, slug: str, value: str | None) -> tuple[Forum, WatchLevel]:
    """Set ``member``'s level for the forum at ``slug``. NotFound, ValidationFailed."""
    forum = visibility.get_forum(member, slug)
    level = level_from(value)
    choose(member, level, forum_id=forum.id)
    return forum, level


def forum_level(member: Member, forum_id: int) -> WatchLevel:
    """``member``'s level for a forum (``NORMAL`` without a row)."""
    level = db.session.scalar(
        sa.select(Watch.level).where(Watch.member_id == member.id, Watch.forum_id == forum_id)
    )
    return level or WatchLevel.NORMAL


def track_after_posting(member: Member, thread_id: int, forum_id: int) -> None:
    """Starting a thread or replying tracks it, unless ``member`` switched that off, chose a
    level for the thread already, or watches or muted its forum. One statement, no commit."""
    if not member.track_on_post:
        return
    forum_says = sa.select(Watch.id).where(
        Watch.member_id == member.id,
        Watch.forum_id == forum_id,
        Watch.level.in_([WatchLevel.WATCHING, WatchLevel.MUTED]),
    )
    values: dict[str, Any] = {
        "member_id": sa.literal(member.id, sa.Integer),
        "thread_id": sa.literal(thread_id, sa.Integer),
        "level": sa.literal(WatchLevel.TRACKING.value, sa.String),
        "chosen_at": sa.literal(utcnow(), Watch.__table__.c.chosen_at.type),
    }
    source = sa.select(*values.values()).where(~forum_says.exists())
    stmt = database.insert_for(Watch).from_select(list(values), source)
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["member_id", "thread_id"]))


def set_track_on_post(member: Member, on: bool) -> None:
    """ "When I start or reply to a thread: track it / do nothing". Commits."""
    db.session.execute(
        sa.update(Member)
        .where(Member.id == member.id)
        .values(track_on_post=on)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    member.track_on_post = on


@dataclass
class Followed:
    """One thread or forum ``member`` chose a level for, as Account → Notifications lists it."""

    watch: Watch
    title: str
    url_args: dict


def chosen(member: Member) -> list[Followed]:
    """The forums and threads ``member`` chose a level for and may still see, forums first
    (two queries)."""
    forums = db.session.scalars(
        sa.select(Watch)
        .join(Forum, Forum.id == Watch.forum_id)
        .where(Watch.member_id == member.id, visibility.visible_forums_clause(member))
        .options(so.contains_eager(Watch.forum))
        .order_by(Forum.name)
    )
    threads = db.session.scalars(
        sa.select(Watch)
        .join(Thread, Thread.id == Watch.thread_id)
        .join(Forum, Forum.id == Thread.forum_id)
        .where(
            Watch.member_id == member.id,
            visibility.visible_forums_clause(member),
            Thread.hidden_at.is_(None),
            sa.or_(Thread.held_at.is_(None), Thread.author_id == member.id),
            Thread.removed_at.is_(None),
        )
        .options(so.contains_eager(Watch.thread))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(200)
    )
    listed = [Followed(w, w.forum.name, {"slug": w.forum.slug}) for w in forums if w.forum]
    listed += [Followed(w, w.thread.title, {"thread_id": w.thread_id}) for w in threads if w.thread]
    return listed


# --- telling the watchers (the job) ---------------------------------------------------------


def after_new_post(post_id: int) -> None:
    """Ask for the watchers of a post now shown to be told, once this transaction commits."""
    jobs.enqueue_after_commit(FAN_OUT_JOB, post_id)


def notify_watchers(post_id: int) -> int:
    """The job: tell everyone watching the post's thread (or its forum) about it, in one
    INSERT … SELECT; commits, and rings each bell told. Returns how many were told.

    Nobody is told about a post no longer shown (hidden, held, removed, in a hidden thread),
    nor its author; nor anyone who is not an active member, is taking a break, switched the
    kind off, may not see the forum, muted the author, or was told about the post already.
    Run twice, it tells nobody twice (the unique key ``member_id, key``)."""
    found = db.session.execute(
        sa.select(Post, Thread, Forum)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Forum, Forum.id == Thread.forum_id)
        .where(Post.id == post_id)
    ).first()
    if found is None:
        return 0
    post, thread, forum = found
    gone = (post.held_at, post.hidden_at, post.deleted_at, thread.hidden_at, thread.held_at)
    if any(gone):
        return 0
    now = utcnow()
    # Each condition is one uncorrelated set (hashed once), so the cost grows with the number
    # of watchers, never with watchers times anything, whatever the planner's statistics say.
    own_level = sa.select(Watch.member_id).where(Watch.thread_id == thread.id)
    watchers = sa.union(
        sa.select(Watch.member_id).where(
            Watch.thread_id == thread.id, Watch.level == WatchLevel.WATCHING
        ),
        sa.select(Watch.member_id).where(
            Watch.forum_id == forum.id,
            Watch.level == WatchLevel.WATCHING,
            Watch.member_id.not_in(own_level),
        ),
    ).subquery()
    switched_off = sa.select(NotificationSetting.member_id).where(
        NotificationSetting.kind == WATCHED, NotificationSetting.on_site.is_(False)
    )
    muted_author = sa.select(Mute.muter_id).where(Mute.muted_id == post.author_id)
    told_already = sa.select(Notification.member_id).where(Notification.post_id == post.id)
    on_break = sa.and_(Member.break_until.is_not(None), Member.break_until > now)
    values = {
        "member_id": Member.id,
        "kind": sa.literal(WATCHED),
        "key": sa.literal(f"{WATCHED}:post:{post.id}"),
        "actor_id": sa.literal(post.author_id, sa.Integer),
        "thread_id": sa.literal(thread.id, sa.Integer),
        "post_id": sa.literal(post.id, sa.Integer),
        "created_at": sa.literal(now, Notification.__table__.c.created_at.type),
    }
    source = (
        sa.select(*values.values())
        .select_from(watchers)
        .join(Member, Member.id == watchers.c.member_id)
        .where(
            Member.id != post.author_id,
            Member.status == MemberStatus.ACTIVE,
            ~on_break,
            Member.id.not_in(switched_off),
            Member.id.not_in(muted_author),
            Member.id.not_in(told_already),
            visibility.sees_forum_clause(forum),
        )
    )
    stmt = (
        database.insert_for(Notification)
        .from_select(list(values), source)
        .on_conflict_do_nothing(index_elements=["member_id", "key"])
        .returning(Notification.member_id)
    )
    told = list(db.session.scalars(stmt))
    for member_id in told:
        events.publish_after_commit(topics.notifications(member_id))
    db.session.commit()
    return len(told)
