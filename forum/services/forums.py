"""Forums: who may see which, the forum index, a forum's threads, and keeping the list.

Every query that touches forums, threads or posts goes through ``visible_forums_clause``, so a
member who may not see a forum never learns it exists: lists, counts, pages and partials all
answer as if it were not there (views turn ``NotFound`` into 404).

- National forums (no region) are open to every member.
- A region's sub-forum is created with the region. Administrators choose whether every member
  or only that region's members may see and post in it.
- Moderators and administrators see every forum.
- Archived forums stay readable but take no new threads and no replies.

Moderation folds into the same queries: threads waiting for approval are listed only for their
author and the moderators of their region, and are not counted; a thread hidden by a moderator
keeps its row, which says so (``_thread_row.html``), and leaves the unread counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from forum.extensions import db
from forum.models import (
    Forum,
    ForumAudience,
    Member,
    Post,
    Region,
    Thread,
    ThreadRead,
    post_warnings,
    utcnow,
)
from forum.services import audit, content_warnings, live, scope, site
from forum.services.errors import NotFound, ValidationFailed

THREADS_PER_PAGE = 25
NAME_MAX = 80
DESCRIPTION_MAX = 300


def region_description(region_name: str) -> str:
    return f"Peer supporters in {region_name}: local news, meet-ups and chat."


# --- who may see what -----------------------------------------------------------------------


def visible_forums_clause(member: Member) -> sa.ColumnElement[bool]:
    """SQL condition on ``Forum`` that is true for the forums ``member`` may see: every forum
    for everyone, and the forums of the regions they see (``Member.regions_seen``)."""
    regions = member.regions_seen
    if regions is None:
        return sa.true()
    everyone = Forum.audience == ForumAudience.EVERYONE
    if not regions:
        return everyone
    return sa.or_(everyone, Forum.region_id.in_(sorted(regions)))


def restricted_regions() -> sa.Select:
    """Ids of the regions whose forum is for that region's members only. Other regional content
    (ideas) follows the same rule, through this one query."""
    return sa.select(Forum.region_id).where(
        Forum.audience == ForumAudience.REGION, Forum.region_id.is_not(None)
    )


def get_forum(member: Member, slug: str) -> Forum:
    """The forum at ``slug``, if ``member`` may see it; NotFound otherwise (never "forbidden")."""
    forum = db.session.scalar(
        sa.select(Forum)
        .where(Forum.slug == slug, visible_forums_clause(member))
        .options(so.joinedload(Forum.region))
    )
    if forum is None:
        raise NotFound("This forum does not exist, or you do not have access to it.")
    return forum


def forum_visible(member: Member, forum_id: int) -> bool:
    """Whether ``member`` may see the forum with this id (one small query)."""
    return bool(
        db.session.scalar(
            sa.select(sa.exists().where(Forum.id == forum_id, visible_forums_clause(member)))
        )
    )


def _may_hear_forum(member: Member, key: str | None) -> bool:
    return bool(key and key.isdigit()) and forum_visible(member, int(key))


# Live updates: ``forum:<id>`` carries "new thread or new post here" (``forum-<id>``) and "this
# thread's row changed" (``row-<thread id>``) to members who may see the forum.
live.register_topic("forum", _may_hear_forum)


def unread_clause(member: Member, read_post_id) -> sa.ColumnElement[bool]:
    """Threads with something ``member`` has not read (activity since they joined)."""
    horizon = member.decided_at or member.created_at
    return sa.and_(
        Thread.last_post_at > horizon, Thread.last_post_id > sa.func.coalesce(read_post_id, 0)
    )


def hidden_by_warnings_clause(member: Member) -> sa.ColumnElement[bool]:
    """Threads whose opening post carries a warning ``member`` chose to hide."""
    hidden = content_warnings.hidden_ids(member)
    if not hidden:
        return sa.false()
    return sa.exists().where(
        post_warnings.c.post_id == Thread.first_post_id,
        post_warnings.c.warning_id.in_(hidden),
    )


# --- the forum index ------------------------------------------------------------------------


@dataclass
class ForumSummary:
    forum: Forum
    latest: Thread | None
    unread: int


def forum_index(member: Member) -> list[ForumSummary]:
    """Every forum ``member`` may see, in order, with its latest thread and unread count.

    Five queries (forums, latest threads, their warnings, the member's warning choices,
    unread counts) whatever the size of the network.
    """
    forums = list(
        db.session.scalars(
            sa.select(Forum)
            .where(visible_forums_clause(member))
            .options(so.joinedload(Forum.region))
            .order_by(Forum.archived_at.is_not(None), Forum.region_id.is_not(None))
            .order_by(Forum.position, Forum.name)
        )
    )
    if not forums:
        return []
    ids = [f.id for f in forums]
    latest_id = (
        sa.select(Thread.id)
        .where(Thread.forum_id == Forum.id, Thread.held_at.is_(None))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(1)
        .correlate(Forum)
        .scalar_subquery()
    )
    latest = {
        t.forum_id: t
        for t in db.session.scalars(
            sa.select(Thread)
            .join(Forum, Thread.id == latest_id)
            .where(Forum.id.in_(ids))
            .options(so.joinedload(Thread.last_post_author), so.selectinload(Thread.warnings))
        )
    }
    return [ForumSummary(f, latest.get(f.id), n) for f, n in _unread_counts(member, forums)]


def _unread_counts(member: Member, forums: list[Forum]) -> list[tuple[Forum, int]]:
    """How many threads in each forum have something new for ``member``."""
    read = so.aliased(ThreadRead)
    rows = db.session.execute(
        sa.select(Thread.forum_id, sa.func.count())
        .outerjoin(read, sa.and_(read.thread_id == Thread.id, read.member_id == member.id))
        .where(
            Thread.forum_id.in_([f.id for f in forums]),
            unread_clause(member, read.last_read_post_id),
            sa.not_(hidden_by_warnings_clause(member)),
            Thread.held_at.is_(None),
            Thread.hidden_at.is_(None),
        )
        .group_by(Thread.forum_id)
    )
    counts = dict(rows.all())
    return [(f, counts.get(f.id, 0)) for f in forums]


# --- a forum's threads ----------------------------------------------------------------------


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
    """``query`` on threads, with ``member``'s read position as a second column."""
    read = so.aliased(ThreadRead)
    return query.add_columns(read.last_read_post_id).outerjoin(
        read, sa.and_(read.thread_id == Thread.id, read.member_id == member.id)
    )


def threads_read(rows) -> list[Thread]:
    """The threads of ``with_read_state`` rows, each with ``read_up_to`` set."""
    threads = []
    for thread, read_up_to in rows:
        thread.read_up_to = read_up_to
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
            visible_forums_clause(member),
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
    wanted = [Thread.id.in_(shown_ids)] if shown_ids else []
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


# --- keeping the list (administrators) ------------------------------------------------------


def all_forums() -> list[Forum]:
    """Every forum, for administrators: national ones first, then regions, in their order."""
    return list(
        db.session.scalars(
            sa.select(Forum)
            .options(so.joinedload(Forum.region))
            .order_by(Forum.region_id.is_not(None), Forum.position, Forum.name)
        )
    )


def _forum(forum_id: int) -> Forum:
    forum = db.session.get(Forum, forum_id)
    if forum is None:
        raise NotFound("That forum no longer exists.")
    return forum


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed({"name": "Give the forum a name."})
    if len(name) > NAME_MAX:
        raise ValidationFailed({"name": f"Use at most {NAME_MAX} characters."})
    return name


def _unique_slug(base: str, forum_id: int | None = None) -> str:
    slug, n = base, 2
    while db.session.scalar(sa.select(sa.exists().where(Forum.slug == slug, Forum.id != forum_id))):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _forum_state(forum: Forum) -> dict:
    return {
        "name": forum.name,
        "description": forum.description,
        "audience": forum.audience.value if forum.audience else None,
        "hold_first_posts": forum.hold_first_posts,
    }


def save_forum(
    *,
    name: str,
    description: str = "",
    audience: str = ForumAudience.EVERYONE,
    forum_id: int | None = None,
    hold_first_posts: bool | None = None,
    actor: Member | None = None,
) -> Forum:
    """Add a national forum (at the end of its list) or change one's name, description,
    audience and whether members' first posts there wait for approval. Only a region's forum
    can be kept to that region's members."""
    name = _clean_name(name)
    description = " ".join((description or "").split())
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed({"description": f"Use at most {DESCRIPTION_MAX} characters."})
    if audience not in set(ForumAudience):
        raise ValidationFailed({"audience": "Choose who may see this forum."})
    forum = _forum(forum_id) if forum_id is not None else None
    if audience == ForumAudience.REGION and (forum is None or forum.region_id is None):
        raise ValidationFailed({"audience": "Only a region's forum can be kept to its members."})
    before = _forum_state(forum) if forum is not None else None
    if forum is None:
        last = db.session.scalar(
            sa.select(sa.func.max(Forum.position)).where(Forum.region_id.is_(None))
        )
        forum = Forum(slug=_unique_slug(site.slugify(name)), position=(last or 0) + 1)
        db.session.add(forum)
    forum.name, forum.description, forum.audience = name, description, ForumAudience(audience)
    if hold_first_posts is not None:
        forum.hold_first_posts = hold_first_posts
    db.session.flush()
    audit.record(
        actor,
        "forum.add" if before is None else "forum.edit",
        "forum",
        forum.id,
        summary=f"the forum {forum.name}",
        before=before,
        after=_forum_state(forum),
    )
    db.session.commit()
    return forum


def set_forum_archived(forum_id: int, archived: bool, actor: Member | None = None) -> Forum:
    """An archived forum stays readable but takes no new threads and no replies."""
    forum = _forum(forum_id)
    before = {"archived": forum.is_archived}
    forum.archived_at = utcnow() if archived else None
    audit.record(
        actor,
        "forum.archive" if archived else "forum.restore",
        "forum",
        forum.id,
        summary=f"the forum {forum.name}",
        before=before,
        after={"archived": archived},
    )
    db.session.commit()
    return forum


def move_forum(forum_id: int, step: int, actor: Member | None = None) -> None:
    """One place up (-1) or down (+1), among the national forums or among the regional ones."""
    forum = _forum(forum_id)
    audit.record(
        actor, "forum.move", "forum", forum.id, summary=f"the forum {forum.name}",
        before={"position": forum.position}, after={"step": step},
    )  # fmt: skip
    siblings = [f for f in all_forums() if f.is_regional == forum.is_regional]
    site._move(siblings, forum, step)


# --- regions and their forums ---------------------------------------------------------------


def create_region_forum(region: Region) -> Forum:
    """The sub-forum of a new region (no commit: part of the caller's transaction)."""
    if region.id is None:
        db.session.flush()
    forum = Forum(
        name=region.name,
        slug=_unique_slug(region.slug),
        description=region_description(region.name),
        region_id=region.id,
        position=region.position,
    )
    db.session.add(forum)
    return forum


def region_renamed(region: Region, old_name: str) -> None:
    """Follow a region's new name, unless an administrator has named its forum otherwise."""
    forum = db.session.scalar(sa.select(Forum).where(Forum.region_id == region.id))
    if forum is None:
        create_region_forum(region)
        return
    if forum.name == old_name:
        forum.name = region.name
    if forum.description == region_description(old_name):
        forum.description = region_description(region.name)


def ensure_region_forums() -> None:
    """A sub-forum for every region that has none (no commit)."""
    has_forum = sa.select(Forum.region_id).where(Forum.region_id.is_not(None))
    for region in db.session.scalars(sa.select(Region).where(Region.id.not_in(has_forum))):
        create_region_forum(region)


# --- counters -------------------------------------------------------------------------------


def recount() -> None:
    """Rebuild every counter from the posts themselves (``flask forums recount``; the caller
    commits). Posts and threads waiting for approval are not counted."""
    post = so.aliased(Post)
    in_thread = post.thread_id == Thread.id
    shown = sa.and_(in_thread, post.held_at.is_(None))
    first = sa.select(sa.func.min(post.id)).where(in_thread).scalar_subquery()
    last = sa.select(sa.func.max(post.id)).where(shown).scalar_subquery()
    replies = sa.select(sa.func.count(post.id)).where(shown, post.id != Thread.first_post_id)
    held = sa.select(sa.func.count(post.id)).where(in_thread, post.held_at.is_not(None))
    db.session.execute(sa.update(Thread).values(first_post_id=first))
    db.session.execute(
        sa.update(Thread).values(
            reply_count=replies.scalar_subquery(),
            last_post_id=sa.func.coalesce(last, Thread.first_post_id),
            held_count=held.scalar_subquery(),
        )
    )
    last_post = so.aliased(Post)
    db.session.execute(
        sa.update(Thread)
        .where(Thread.last_post_id.is_not(None))
        .values(
            last_post_at=sa.select(last_post.created_at)
            .where(last_post.id == Thread.last_post_id)
            .scalar_subquery(),
            last_post_author_id=sa.select(last_post.author_id)
            .where(last_post.id == Thread.last_post_id)
            .scalar_subquery(),
        )
    )
    thread = so.aliased(Thread)
    in_forum = sa.and_(thread.forum_id == Forum.id, thread.held_at.is_(None))
    db.session.execute(
        sa.update(Forum).values(
            thread_count=sa.select(sa.func.count(thread.id)).where(in_forum).scalar_subquery(),
            post_count=sa.select(sa.func.coalesce(sa.func.sum(thread.reply_count + 1), 0))
            .where(in_forum)
            .scalar_subquery(),
            last_post_at=sa.select(sa.func.max(thread.last_post_at))
            .where(in_forum)
            .scalar_subquery(),
        )
    )
