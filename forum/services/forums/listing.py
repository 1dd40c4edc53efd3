"""What a member sees of the forums: the forum index, and a forum's threads page by page.

Every query goes through ``visibility.visible_forums_clause``; threads waiting for approval are
listed only for their author and the moderators of their region, and are not counted; a thread
hidden by a moderator keeps its row, which says so (``_thread_row.html``), and leaves the unread
counts, as does a thread the member muted.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from forum.extensions import db
from forum.models import (
    Forum,
    Member,
    Post,
    Thread,
    ThreadRead,
    WatchLevel,
)
from forum.services import scope
from forum.services.errors import NotFound
from forum.services.forums import content_warnings, visibility, watching

THREADS_PER_PAGE = 25


@dataclass
class ForumSummary:
    forum: Forum
    latest: Thread | None
    unread: int


def _forums_statement(viewer: Member) -> sa.Select:
    return (
        sa.select(Forum)
        .where(visibility.visible_forums_clause(viewer))
        .options(so.joinedload(Forum.region))
        .order_by(Forum.archived_at.is_not(None), Forum.region_id.is_not(None))
        .order_by(Forum.position, Forum.name)
    )


def _latest_statement() -> sa.Select:
    latest_id = (
        sa.select(Thread.id)
        .where(Thread.forum_id == Forum.id, Thread.held_at.is_(None))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(1)
        .correlate(Forum)
        .scalar_subquery()
    )
    return (
        sa.select(Thread)
        .join(Forum, Thread.id == latest_id)
        .where(Forum.id.in_(sa.bindparam("forum_ids", expanding=True)))
        .options(so.joinedload(Thread.last_post_author), so.selectinload(Thread.warnings))
    )


def _unread_counts_statement(hiding: bool) -> sa.Select:
    read = so.aliased(ThreadRead)
    hidden = visibility.warned_clause(sa.bindparam("hidden", expanding=True)) if hiding else (
        sa.false())  # fmt: skip
    viewer: sa.BindParameter[int] = sa.bindparam(scope.VIEWER_ID)
    counted = (
        sa.select(Thread.forum_id, sa.func.count())
        .outerjoin(read, sa.and_(read.thread_id == Thread.id, read.member_id == viewer))
        .where(
            Thread.forum_id.in_(sa.bindparam("forum_ids", expanding=True)),
            visibility.unread_since_clause(sa.bindparam("horizon"), read.last_read_post_id),
            sa.not_(hidden),
            Thread.held_at.is_(None),
            Thread.hidden_at.is_(None),
        )
        .group_by(Thread.forum_id)
    )
    # a thread the member muted (or whose forum they muted) is never "new" for them
    return watching.unmuted(counted, viewer)


# The index's statements are built once (per kind of member for the forums it lists), with
# the member's own values bound when it runs: SQLAlchemy then neither builds them again nor
# works out their cache key on every visit.
_forums_statements = scope.ByShape(_forums_statement)
_LATEST = _latest_statement()
_UNREAD_COUNTS = {hiding: _unread_counts_statement(hiding) for hiding in (False, True)}


def forum_index(member: Member) -> list[ForumSummary]:
    """Every forum ``member`` may see, in order, with its latest thread and unread count.

    Five queries (forums, latest threads, their warnings, the member's warning choices,
    unread counts) whatever the size of the network.
    """
    forums = list(db.session.scalars(_forums_statements(member)))
    if not forums:
        return []
    ids = [f.id for f in forums]
    latest = {t.forum_id: t for t in db.session.scalars(_LATEST, {"forum_ids": ids})}
    return [ForumSummary(f, latest.get(f.id), n) for f, n in _unread_counts(member, forums)]


def _unread_counts(member: Member, forums: list[Forum]) -> list[tuple[Forum, int]]:
    """How many threads in each forum have something new for ``member``."""
    hidden = content_warnings.hidden_ids(member)
    values = {
        scope.VIEWER_ID: member.id,
        "forum_ids": [f.id for f in forums],
        "horizon": visibility.unread_horizon(member),
    }
    if hidden:
        values["hidden"] = hidden
    counts = dict(db.session.execute(_UNREAD_COUNTS[bool(hidden)], values).all())
    return [(f, counts.get(f.id, 0)) for f in forums]


class KnownTotalPage(Pagination):
    """Flask-SQLAlchemy's pagination, for a list whose total is a stored counter: no count
    query. ``fetch(offset, limit)`` returns the items of the page."""

    def _query_items(self) -> list:
        return self._query_args["fetch"](self._query_offset, self.per_page)

    def _query_count(self) -> int:
        return self._query_args["total"]


@dataclass
class ThreadRow:
    thread: Thread
    state: str  # "new" (never opened), "updated" (new replies since), "read"
    mode: str  # how its content warnings apply to this member: plain, show, ask, hide


def with_read_state(query: sa.Select, member: Member) -> sa.Select:
    """``query`` on threads, with ``member``'s read position, their watch levels for the
    thread and its forum, and (tracked or watched, opened before) how many posts are new."""
    read = so.aliased(ThreadRead)
    own, forum = watching.level_columns(member)
    level = sa.func.coalesce(own, forum)
    new_posts = (
        sa.select(sa.func.count(Post.id))
        .where(
            Post.thread_id == Thread.id,
            Post.held_at.is_(None),
            Post.id > read.last_read_post_id,
        )
        .correlate(Thread, read)
        .scalar_subquery()
    )
    counted = sa.and_(
        level.in_([WatchLevel.WATCHING.value, WatchLevel.TRACKING.value]),
        read.last_read_post_id.is_not(None),
    )
    return query.add_columns(
        read.last_read_post_id, own, forum, sa.case((counted, new_posts), else_=None)
    ).outerjoin(read, sa.and_(read.thread_id == Thread.id, read.member_id == member.id))


def threads_read(rows) -> list[Thread]:
    """The threads of ``with_read_state`` rows, each with ``read_up_to``, ``watch_level``
    (its own, else its forum's, else normal), ``watch_inherited`` and ``new_posts`` set."""
    threads = []
    for thread, read_up_to, own, forum, new_posts in rows:
        thread.read_up_to = read_up_to
        thread.watch_level = WatchLevel(own or forum or WatchLevel.NORMAL)
        thread.watch_inherited = own is None and forum is not None
        thread.new_posts = new_posts
        threads.append(thread)
    return threads


def read_state(member: Member, thread: Thread) -> str:
    """ "new" (never opened), "updated" (new posts since), or "read"."""
    horizon = member.decided_at or member.created_at
    if thread.last_post_at <= horizon or (thread.last_post_id or 0) <= (thread.read_up_to or 0):
        return "read"
    return "new" if thread.read_up_to is None else "updated"


def thread_rows_select(member: Member) -> sa.Select:
    """Visible threads with this member's read state, authors and warnings, in forum order."""
    query = (
        sa.select(Thread)
        .join(Forum, Forum.id == Thread.forum_id)
        .where(
            visibility.visible_forums_clause(member),
            sa.or_(
                Thread.held_at.is_(None),
                Thread.author_id == member.id,
                scope.moderated_clause(member, Forum.region_id),
            ),
        )
        .options(
            so.joinedload(Thread.author),
            so.joinedload(Thread.last_post_author),
            so.selectinload(Thread.warnings),
        )
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    )
    return with_read_state(query, member)


def _rows(member: Member, threads) -> list[ThreadRow]:
    return [
        ThreadRow(t, read_state(member, t), content_warnings.mode(member, t.warnings, t.author_id))
        for t in threads
    ]


def threads_page(member: Member, forum: Forum, page: int) -> KnownTotalPage:
    """One page of ``forum``'s threads, pinned first, then by latest activity."""
    query = thread_rows_select(member).where(Thread.forum_id == forum.id)
    content_warnings.preferences(member)

    def fetch(offset: int, limit: int) -> list[ThreadRow]:
        return _rows(member, threads_read(db.session.execute(query.offset(offset).limit(limit))))

    return KnownTotalPage(
        page=page, per_page=THREADS_PER_PAGE, fetch=fetch, total=forum.thread_count
    )


def thread_row(member: Member, thread_id: int) -> ThreadRow:
    """One thread's row in its forum's list (for live updates); NotFound when not visible."""
    threads = threads_read(
        db.session.execute(thread_rows_select(member).where(Thread.id == thread_id))
    )
    if not threads:
        raise NotFound("This thread does not exist, or you do not have access to it.")
    return _rows(member, threads)[0]


def rows_for_page(
    member: Member, forum: Forum, after_post_id: int | None, shown_ids: list[int]
) -> tuple[list[ThreadRow], dict[int, ThreadRow]]:
    """Live: ``forum``'s threads with a post newer than ``after_post_id`` (new threads, new
    replies; newest activity first, at most a page; none when it is None), and the rows of
    ``shown_ids`` still there for ``member``, by thread id. One query (two with warnings)."""
    wanted: list[sa.ColumnElement[bool]] = [Thread.id.in_(shown_ids)] if shown_ids else []
    if after_post_id is not None:
        wanted.append(Thread.last_post_id > after_post_id)
    if not wanted:
        return [], {}
    query = thread_rows_select(member).where(Thread.forum_id == forum.id, sa.or_(*wanted))
    content_warnings.preferences(member)
    result = db.session.execute(query.limit(THREADS_PER_PAGE + len(shown_ids)))
    rows = _rows(member, threads_read(result))
    active = [
        r
        for r in rows
        if after_post_id is not None and (r.thread.last_post_id or 0) > after_post_id
    ]
    shown = {r.thread.id: r for r in rows if r.thread.id in set(shown_ids)}
    return active[:THREADS_PER_PAGE], shown
