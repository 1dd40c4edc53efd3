"""Threads and posts: reading, starting a thread, replying, quoting, editing and removing.

The rules, each enforced here and nowhere else:

- Only members who may see a forum see its threads and posts: ``get_thread`` and ``get_post``
  filter with ``visibility.visible_forums_clause`` and raise NotFound otherwise.
- A locked thread takes no replies; an archived forum takes no new threads and no replies.
  There, authors may still remove their own posts (their words, their choice) but not edit them.
- Only the author edits or removes a post (moderators' tools are in ``moderation``). Editing
  keeps the previous version as a ``PostRevision``; removing keeps the post for moderators and
  shows members "removed by its author" in its place (counts and pages do not shift).
- Hidden by a moderator: a post stays in its place as "hidden by a moderator" for members
  (its author and the moderators of its region still read it, with the reason); a hidden
  thread is not found for members at all (``thread_shown_clause``), its row in lists says it
  was hidden.
- Held for approval (a member's first posts, when the network or the forum asks for it): a
  held post or thread is seen only by its author and the moderators of its region, and is
  not counted until a moderator approves it (``approve_post``), when the counters move as if
  it had just been posted.
- Titles are 3 to 150 characters; bodies follow ``posting.clean_body``; ``posting.check_rate``
  limits how fast a member posts; the watched words (``safety.watched_words``) may refuse a
  post (*block*), hold it for approval, report it (*flag*) or signpost help; the same text
  from the same member in the same thread (or as a new thread in the same forum)
  within ``posting.DUPLICATE_WINDOW`` is refused.
- Counters change in the same transaction as the post, with ``x = x + 1`` statements, so
  concurrent replies leave them exact.

Live updates (``live/events.py``), announced only when the change commits: a reply on
``thread:<id>`` (event ``thread-<id>``) and ``forum:<id>`` (``forum-<id>``); a new thread on
``forum:<id>``; an edit or a removal on ``thread:<id>`` (``post-<id>``), and for an opening post
also on ``forum:<id>`` (``row-<thread id>``: its title in lists). Only members who may read the
thread (``get_thread``) or see the forum hear them; pages refetch through the same loaders.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, url_for

from forum import richtext
from forum.extensions import db
from forum.models import (
    ContentWarning,
    Forum,
    Member,
    MemberStatus,
    Mute,
    Notification,
    Post,
    PostRevision,
    TargetKind,
    Thread,
    ThreadRead,
    utcnow,
)
from forum.numbers import whole_or_none
from forum.services import database, posting, scope, site_settings
from forum.services.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forum.services.forums import content_warnings, listing, visibility, watching
from forum.services.live import events, topics
from forum.services.notifications import inbox, kinds
from forum.services.people import mutes
from forum.services.safety import alerts, cover_hours, watched_words
from forum.services.search_index import documents as search_index

POSTS_PER_PAGE = 25
AFTER_LIMIT = 50  # "posts after N": more than this and the reader is sent to the page instead
TITLE_MIN, TITLE_MAX = 3, 150


class Closed(NotAllowed):
    """The thread is locked or its forum archived: it takes no replies or edits for now."""


# --- loading, with the visibility rule ------------------------------------------------------


def thread_shown_clause(member: Member) -> sa.ColumnElement[bool]:
    """SQL (with ``Forum`` joined): threads ``member`` may open. Hidden and held threads only
    for their author and the moderators of their region."""
    return sa.or_(
        sa.and_(Thread.hidden_at.is_(None), Thread.held_at.is_(None)),
        Thread.author_id == member.id,
        scope.moderated_clause(member, Forum.region_id),
    )


def post_shown_clause(member: Member) -> sa.ColumnElement[bool]:
    """SQL (with ``Forum`` joined): posts ``member`` may load. Held posts only for their author
    and the moderators of their region (hidden ones load, and show as hidden)."""
    return sa.or_(
        Post.held_at.is_(None),
        Post.author_id == member.id,
        scope.moderated_clause(member, Forum.region_id),
    )


def _thread_statement(viewer: Member) -> sa.Select:
    query = (
        sa.select(Thread)
        .join(Forum, Forum.id == Thread.forum_id)
        .where(
            Thread.id == sa.bindparam("thread_id", type_=sa.Integer),
            visibility.visible_forums_clause(viewer),
            thread_shown_clause(viewer),
        )
        .options(so.contains_eager(Thread.forum))
    )
    return listing.with_read_state(query, viewer)


# Built once per kind of member (every thread page and live stream asks), the ids bound.
_thread_statements = scope.ByShape(_thread_statement)


def get_thread(member: Member, thread_id: int) -> Thread:
    """The thread with its forum and ``member``'s read position; NotFound unless visible."""
    values = {scope.VIEWER_ID: member.id, "thread_id": thread_id}
    threads = listing.threads_read(db.session.execute(_thread_statements(member), values))
    if not threads:
        raise NotFound("This thread does not exist, or you do not have access to it.")
    return threads[0]


def hidden_thread(member: Member, thread_id: int) -> Thread | None:
    """A thread hidden by a moderator in a forum ``member`` may see (to say so in its place),
    or None."""
    return db.session.scalar(
        sa.select(Thread)
        .join(Forum, Forum.id == Thread.forum_id)
        .where(
            Thread.id == thread_id,
            Thread.hidden_at.is_not(None),
            Thread.held_at.is_(None),
            visibility.visible_forums_clause(member),
        )
        .options(so.contains_eager(Thread.forum))
    )


def get_post(member: Member, post_id: int, check_author: bool = False) -> Post:
    """The post with its thread and forum; NotFound unless visible, NotAllowed when
    ``check_author`` and ``member`` did not write it."""
    post = db.session.scalar(
        sa.select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Forum, Forum.id == Thread.forum_id)
        .where(
            Post.id == post_id,
            visibility.visible_forums_clause(member),
            thread_shown_clause(member),
            post_shown_clause(member),
        )
        .options(
            so.contains_eager(Post.thread).contains_eager(Thread.forum),
            so.with_expression(Post.muted, mutes.muted_expression(member, Post.author_id)),
        )
    )
    if post is None:
        raise NotFound("This post does not exist, or you do not have access to it.")
    if check_author and post.author_id != member.id:
        raise NotAllowed("Only the person who wrote a post can change it.")
    return post


def may_hear_thread(member: Member, key: str | None) -> bool:
    """Live: ``thread:<id>`` is for members who may read the thread."""
    thread_id = whole_or_none(key)
    if thread_id is None:
        return False
    try:
        get_thread(member, thread_id)
    except NotFound:
        return False
    return True


def _announce_post(post: Post, *, forum_id: int) -> None:
    """An edit or a removal: the post refetches itself; an opening post's row too (its title)."""
    events.publish_after_commit(topics.thread(post.thread_id), topics.post_event(post.id))
    if post.is_opening:
        events.publish_after_commit(topics.forum(forum_id), topics.row_event(post.thread_id))


def _announce_new(thread: Thread, *, held: bool) -> None:
    """A new thread or reply: its readers hear of it, or (while it waits for approval) only
    the moderators' queue does."""
    if held:
        events.publish_after_commit(topics.MODERATION)
    else:
        events.publish_after_commit(topics.thread(thread.id))
        events.publish_after_commit(topics.forum(thread.forum_id))


def check_open(thread: Thread) -> None:
    """Raise Closed when the thread takes no replies or edits."""
    if thread.is_hidden:
        raise Closed("A moderator has hidden this thread, so it takes no replies for now.")
    if thread.forum.is_archived:
        raise Closed("This forum is archived, so it takes no new posts. You can still read it.")
    if thread.locked:
        raise Closed("This thread is locked, so it takes no new replies for now.")


# --- reading --------------------------------------------------------------------------------


def posts_page(member: Member, thread: Thread, page: int) -> listing.KnownTotalPage:
    """One page of the thread's posts, oldest first, with authors and warnings (two queries,
    and one for the member's warning choices)."""
    content_warnings.preferences(member)
    statement = _posts_statements(member)

    def fetch(offset: int, limit: int) -> list[Post]:
        values = {scope.VIEWER_ID: member.id, "thread_id": thread.id}
        values |= {"offset": offset, "limit": limit}
        return list(db.session.scalars(statement, values).unique())

    return listing.KnownTotalPage(
        page=page, per_page=POSTS_PER_PAGE, fetch=fetch, total=thread.post_count
    )


def _posts_statement(viewer: Member) -> sa.Select:
    # The page's ids first, from the (thread_id, held_at, id) index alone, then those posts
    # with their authors: the last page of a thread of thousands costs what the first does.
    ids = (
        sa.select(Post.id)
        .where(Post.thread_id == sa.bindparam("thread_id", type_=sa.Integer))
        .where(Post.held_at.is_(None))
        .order_by(Post.id)
        .offset(sa.bindparam("offset", type_=sa.Integer))
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .scalar_subquery()
    )
    return sa.select(Post).where(Post.id.in_(ids)).order_by(Post.id).options(*_post_options(viewer))


# A thread's page of posts, built once per kind of member, the ids and the page bound.
_posts_statements = scope.ByShape(_posts_statement)


def _post_options(member: Member) -> tuple:
    """What showing a post needs: its author, its warnings, and whether ``member`` muted the
    author (a column of the same query)."""
    return (
        so.joinedload(Post.author),
        so.selectinload(Post.warnings),
        so.with_expression(Post.muted, mutes.muted_expression(member, Post.author_id)),
    )


def held_posts(member: Member, thread: Thread) -> list[Post]:
    """Posts of the thread waiting for approval (or turned down) that ``member`` may see: their
    own, or all of them for its moderators. No query when the thread has none."""
    if not thread.held_count:
        return []
    query = (
        sa.select(Post)
        .where(Post.thread_id == thread.id, Post.held_at.is_not(None))
        .order_by(Post.id)
        .options(*_post_options(member))
    )
    if not member.moderates(thread.forum.region_id):
        query = query.where(Post.author_id == member.id)
    if thread.is_held:  # its opening post is the thread itself, shown at the top
        query = query.where(Post.id != thread.first_post_id)
    return list(db.session.scalars(query).unique())


def opening_post(member: Member, thread: Thread) -> Post | None:
    """The opening post of a thread waiting for approval (the page shows it first)."""
    if not thread.is_held:
        return None
    return db.session.scalar(
        sa.select(Post).where(Post.id == thread.first_post_id).options(*_post_options(member))
    )


def last_page(thread: Thread) -> int:
    return max(1, math.ceil(thread.post_count / POSTS_PER_PAGE))


def resume_at(thread: Thread) -> tuple[int, int | None] | None:
    """Where to open a thread read before: (page, post id) of the first unread post, or of the
    last post when everything is read. None for a thread never opened (it opens at the top)."""
    if thread.read_up_to is None:
        return None
    read_up_to = thread.read_up_to
    read_count, first_unread = db.session.execute(
        sa.select(
            sa.func.count(sa.case((Post.id <= read_up_to, 1))),
            sa.func.min(sa.case((Post.id > read_up_to, Post.id))),
        ).where(Post.thread_id == thread.id, Post.held_at.is_(None))
    ).one()
    if first_unread is None:
        return last_page(thread), thread.last_post_id
    return read_count // POSTS_PER_PAGE + 1, first_unread


def page_of(post: Post) -> int:
    """The page of its thread that ``post`` is on."""
    before = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Post)
        .where(Post.thread_id == post.thread_id, Post.id < post.id, Post.held_at.is_(None))
    )
    return (before or 0) // POSTS_PER_PAGE + 1


def posts_after(member: Member, thread: Thread, after_id: int) -> tuple[list[Post], bool]:
    """Posts newer than ``after_id`` (at most AFTER_LIMIT), and whether there are more.

    Posts waiting for approval are left out, except the member's own (their reply appears in
    place, marked as waiting) and, for the thread's moderators, all of them."""
    content_warnings.preferences(member)
    query = (
        sa.select(Post)
        .where(Post.thread_id == thread.id, Post.id > after_id, *_held_shown(member, thread))
        .order_by(Post.id)
        .limit(AFTER_LIMIT + 1)
        .options(*_post_options(member))
    )
    posts = list(db.session.scalars(query).unique())
    return posts[:AFTER_LIMIT], len(posts) > AFTER_LIMIT


def _held_shown(member: Member, thread: Thread) -> list[sa.ColumnElement[bool]]:
    """Conditions on a thread's posts: held ones only for their author and its moderators."""
    if member.moderates(thread.forum.region_id):
        return []
    return [sa.or_(Post.held_at.is_(None), Post.author_id == member.id)]


@dataclass
class LiveAnswer:
    """What a live thread page asked for: the posts after its newest, whether there are more
    than AFTER_LIMIT of them, and the posts it shows (those still there for this member)."""

    new: list[Post]
    more: bool
    shown: dict[int, Post]


def posts_for_page(
    member: Member, thread: Thread, after_id: int | None, shown_ids: list[int]
) -> LiveAnswer:
    """Live: the posts of ``thread`` (loaded through ``get_thread``) newer than ``after_id``
    (none when it is None) and those of ``shown_ids``, in one query (two with warnings). A
    shown post missing from the answer is gone for this member."""
    content_warnings.preferences(member)
    wanted: list[sa.ColumnElement[bool]] = [Post.id.in_(shown_ids)] if shown_ids else []
    if after_id is not None:
        wanted.append(Post.id > after_id)
    if not wanted:
        return LiveAnswer([], False, {})
    posts = list(
        db.session.scalars(
            sa.select(Post)
            .where(Post.thread_id == thread.id, sa.or_(*wanted), *_held_shown(member, thread))
            .order_by(Post.id)
            .limit(AFTER_LIMIT + 1 + len(shown_ids))
            .options(*_post_options(member))
        ).unique()
    )
    new = [p for p in posts if after_id is not None and p.id > after_id]
    shown = {p.id: p for p in posts if p.id in set(shown_ids)}
    return LiveAnswer(new[:AFTER_LIMIT], len(new) > AFTER_LIMIT, shown)


def mark_read(member: Member, thread: Thread, post_id: int | None) -> None:
    """Move ``member``'s read position in ``thread`` forward to ``post_id`` (never back).

    Called last by pages that show posts, once the page is built, and only when the position
    moves: one small upsert, the request's only commit (the page's reading transaction is ended
    without one, ``database.end_reading``). Reading must never fail because of it, so a busy
    database is logged and let go.
    """
    if not post_id or post_id <= (thread.read_up_to or 0):
        return
    member_id, thread_id = member.id, thread.id
    database.end_reading()
    try:
        _advance_read(member_id, thread_id, post_id)
        inbox.read_in_thread(member_id, thread_id, post_id)
        db.session.commit()
    except sa.exc.OperationalError:
        db.session.rollback()
        current_app.logger.warning("Read position of thread %s not saved (busy)", thread_id)
    else:
        thread.read_up_to = post_id


def _advance_read(member_id: int, thread_id: int, post_id: int) -> None:
    stmt = database.insert_for(ThreadRead).values(
        member_id=member_id, thread_id=thread_id, last_read_post_id=post_id
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[ThreadRead.member_id, ThreadRead.thread_id],
        set_={"last_read_post_id": stmt.excluded.last_read_post_id},
        where=ThreadRead.last_read_post_id < stmt.excluded.last_read_post_id,
    )
    db.session.execute(stmt)


def may_read_revisions(member: Member, post: Post, region_id: int | None) -> bool:
    """Whether ``member`` may read the earlier versions of ``post`` (in a forum of
    ``region_id``): its author and its moderators always; other members when the network
    allows it, and never of a post removed or hidden."""
    if post.author_id == member.id or member.moderates(region_id):
        return True
    site = site_settings.settings()
    shown = not (post.is_deleted or post.is_hidden or post.is_held)
    return bool(site and site.earlier_versions_public) and shown


def revisions(member: Member, post_id: int) -> tuple[Post, list[PostRevision]]:
    """Earlier versions of a post, newest first: for those ``may_read_revisions`` lets
    (NotFound for others, as if there were no such page)."""
    post = get_post(member, post_id)
    if not may_read_revisions(member, post, post.thread.forum.region_id):
        raise NotFound("This page does not exist.")
    history = db.session.scalars(
        sa.select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.id.desc())
    )
    return post, list(history)


# --- writing --------------------------------------------------------------------------------


def clean_title(title: str | None) -> str:
    title = " ".join((title or "").replace("\x00", "").split())
    if len(title) < TITLE_MIN:
        raise ValidationFailed(
            {"title": f"Give your thread a title of at least {TITLE_MIN} characters."}
        )
    if len(title) > TITLE_MAX:
        raise ValidationFailed(
            {"title": f"This title is {len(title)} characters; keep it to {TITLE_MAX}."}
        )
    return title


def start_thread(
    member: Member,
    forum_slug: str,
    *,
    title: str,
    body: str,
    warning_ids: list[int] | None = None,
    warning_note: str = "",
) -> Thread:
    """Open a thread with its first post. Raises NotFound, Closed (archived forum),
    ValidationFailed (with field errors; RepeatedPost for the same thread twice) or RateLimited."""
    forum = visibility.get_forum(member, forum_slug)
    if forum.is_archived:
        raise Closed("This forum is archived, so it takes no new threads. You can still read it.")
    text = _checked(body, warning_ids, warning_note, title=title, needs_title=True)
    verdict = watched_words.screen(title=text.title, body=text.body)
    _may_post(member, text.body, forum_id=forum.id)
    mentioned = mentions_in(text.body, forum, member)
    now = utcnow()
    held = verdict.hold or needs_approval(member, forum)
    thread = Thread(
        forum_id=forum.id,
        author_id=member.id,
        title=text.title,
        created_at=now,
        last_post_at=now,
        held_at=now if held else None,
        held_count=1 if held else 0,
    )
    db.session.add(thread)
    db.session.flush()
    search_index.index(thread)
    post = _add_post(
        thread.id, forum.id, member, text, now=now, opening=True, held=held, mentioned=mentioned
    )
    watched_words.after_saving(verdict, member, TargetKind.THREAD, thread.id, forum.region_id)
    watching.track_after_posting(member, thread.id, forum.id)
    if held:
        alerts.after_held(post.id)  # the moderators of its region are told
    else:
        _notify_addressed(post, thread.id, forum.id, mentioned)
        watching.after_new_post(post.id)
    thread.unreached_mentions = post.unreached_mentions
    _announce_new(thread, held=held)
    db.session.commit()
    posting.record_post(member)
    return thread


def open_thread_for(member: Member, forum: Forum, *, title: str, body: str) -> Thread:
    """A thread the app opens for something else (an event's discussion), in the caller's
    transaction: the title and body are checked, never held, no rate limit; no commit."""
    text = _checked(body, [], "", title=title, needs_title=True)
    now = utcnow()
    thread = Thread(
        forum_id=forum.id, author_id=member.id, title=text.title, created_at=now, last_post_at=now
    )
    db.session.add(thread)
    db.session.flush()
    _add_post(thread.id, forum.id, member, text, now=now, opening=True)
    _announce_new(thread, held=False)
    return thread


def reply(
    member: Member,
    thread_id: int,
    *,
    body: str,
    warning_ids: list[int] | None = None,
    warning_note: str = "",
) -> Post:
    """Add a reply at the end of a thread. Raises NotFound, Closed, ValidationFailed
    (RepeatedPost for the same reply twice) or RateLimited."""
    thread = get_thread(member, thread_id)
    check_open(thread)
    text = _checked(body, warning_ids, warning_note)
    verdict = watched_words.screen(body=text.body)
    _may_post(member, text.body, thread_id=thread.id)
    mentioned = mentions_in(text.body, thread.forum, member)
    held = verdict.hold or needs_approval(member, thread.forum)
    post = _add_post(
        thread.id, thread.forum_id, member, text, now=utcnow(), held=held, mentioned=mentioned
    )
    watched_words.after_saving(verdict, member, TargetKind.POST, post.id, thread.forum.region_id)
    if held:
        _update(
            sa.update(Thread).where(Thread.id == thread.id).values(held_count=Thread.held_count + 1)
        )
        alerts.after_held(post.id)  # the moderators of its region are told
    watching.track_after_posting(member, thread.id, thread.forum_id)
    if not held:
        _notify_reply(post, thread)
        _notify_addressed(post, thread.id, thread.forum_id, mentioned)
        watching.after_new_post(post.id)
    _announce_new(thread, held=held)
    db.session.commit()
    posting.record_post(member)
    return post


# --- notifications ----------------------------------------------------------------------------

REPLY, MENTION, QUOTE = "reply", "mention", "quote"
MENTIONS_MAX = 10
QUOTED = re.compile(r"^> \*\*(.+?)\*\* wrote:", re.MULTILINE)


@dataclass
class Mentions:
    """The ``@names`` of a text: the members to tell, the links for the text (name casefolded
    → their page), and the names nobody will hear of (the writer is told)."""

    members: list[Member]
    links: dict[str, str]
    unreachable: list[str]


def mentions_in(body: str, forum: Forum, writer: Member) -> Mentions:
    """Resolve the ``@names`` of ``body`` (``_`` for a space in a name): only active members
    who may see ``forum`` are linked and told. ValidationFailed beyond MENTIONS_MAX names."""
    handles = richtext.mentions(body)
    if len(handles) > MENTIONS_MAX:
        raise ValidationFailed(
            {
                "body": f"A post can mention up to {MENTIONS_MAX} members; this one mentions "
                f"{len(handles)}. Mention fewer, and the rest can read it in the thread."
            }
        )
    if not handles:
        return Mentions([], {}, [])
    wanted = {h.replace("_", " ").casefold(): h for h in handles}
    found: dict[str, list[Member]] = {}
    for person in db.session.scalars(
        sa.select(Member).where(
            sa.func.lower(Member.display_name).in_(sorted(wanted)),
            Member.status == MemberStatus.ACTIVE,
        )
    ):
        found.setdefault(person.display_name.casefold(), []).append(person)
    told, links, unreachable = [], {}, []
    for name, handle in wanted.items():
        people = found.get(name, [])
        if len(people) == 1 and visibility.forum_visible(people[0], forum.id):
            if people[0].id != writer.id:
                told.append(people[0])
            links[handle.casefold()] = url_for("members.show", member_id=people[0].id)
        else:
            unreachable.append(f"@{handle}")
    return Mentions(told, links, unreachable)


MENTIONABLE_MAX = 8


def mentionable(writer: Member, thread_id: int, typed: str | None) -> list[Member]:
    """Autocomplete for ``@name`` in a reply: up to MENTIONABLE_MAX active members whose display
    name starts with ``typed`` (any case; a ``_`` stands for a space, as in a mention) and who
    can see the thread's forum, by name; never the writer nor members they muted. Nothing for
    an empty or over-long text. NotFound unless ``writer`` may read the thread."""
    thread = get_thread(writer, thread_id)
    typed = (typed or "").lstrip("@").replace("_", " ").strip()
    if not typed or len(typed) > 80:
        return []
    muted = sa.select(Mute.muted_id).where(Mute.muter_id == writer.id)
    return list(
        db.session.scalars(
            sa.select(Member)
            .where(
                sa.func.lower(Member.display_name).startswith(typed.casefold(), autoescape=True),
                Member.status == MemberStatus.ACTIVE,
                Member.id != writer.id,
                Member.id.not_in(muted),
                visibility.sees_forum_clause(thread.forum),
            )
            .order_by(Member.display_name, Member.id)
            .limit(MENTIONABLE_MAX)
        )
    )


def _notify_addressed(post: Post, thread_id: int, forum_id: int, mentioned: Mentions) -> None:
    """Tell the members a post mentions, and those whose posts in the thread it quotes
    (except those who muted the thread or its forum)."""
    muted = watching.muted_clause(thread_id, forum_id)
    for person in mentioned.members:
        inbox.notify(
            person.id,
            MENTION,
            f"mention:post:{post.id}",
            actor_id=post.author_id,
            thread_id=thread_id,
            post_id=post.id,
            unless=muted,
        )
    names = {re.sub(r"\\(.)", r"\1", n) for n in QUOTED.findall(post.body_source)}
    if not names:
        return
    quoted_authors = db.session.scalars(
        sa.select(Member.id)
        .join(Post, Post.author_id == Member.id)
        .where(Post.thread_id == thread_id, Member.display_name.in_(sorted(names)))
        .distinct()
    )
    for member_id in quoted_authors:
        inbox.notify(
            member_id,
            QUOTE,
            f"quote:post:{post.id}",
            actor_id=post.author_id,
            thread_id=thread_id,
            post_id=post.id,
            unless=muted,
        )


def _notify_reply(post: Post, thread: Thread) -> None:
    """Tell the thread's author about a reply that members can see (in its transaction),
    unless they muted the thread or its forum."""
    inbox.notify(
        thread.author_id,
        REPLY,
        f"reply:post:{post.id}",
        actor_id=post.author_id,
        thread_id=thread.id,
        post_id=post.id,
        unless=watching.muted_clause(thread.id, thread.forum_id),
    )


def _reply_shown(member: Member) -> sa.ColumnElement[bool]:
    """A reply notification stays while its post is one ``member`` may read as it was written:
    in a forum they see, in a thread they may open, neither hidden, held nor removed. Asked of
    each notification's own post (EXISTS on its id), not as a list of every readable post:
    PostgreSQL would build that list from all of them for every count of the bell."""
    readable = (
        sa.select(Post.id)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Forum, Forum.id == Thread.forum_id)
        .where(
            Post.id == Notification.post_id,
            visibility.visible_forums_clause(member),
            thread_shown_clause(member),
            Post.hidden_at.is_(None),
            Post.held_at.is_(None),
            Post.deleted_at.is_(None),
        )
    )
    return readable.exists()


def _describe_replies(group: kinds.Group) -> tuple[str, str]:
    first, count = group.first, len(group.items)
    title = first.thread.title if first.thread else "a thread"
    if count == 1:
        who = first.actor.display_name if first.actor else "A former member"
        text = f"{who} replied to your thread “{title}”"
    else:
        text = f"{count} new replies to your thread “{title}”"
    return text, url_for("forums.post", post_id=first.post_id)


def _describing(verb: str, many: str) -> Callable[[kinds.Group], tuple[str, str]]:
    def describe(group: kinds.Group) -> tuple[str, str]:
        first, count = group.first, len(group.items)
        title = first.thread.title if first.thread else "a thread"
        who = first.actor.display_name if first.actor else "A former member"
        text = f"{who} {verb} “{title}”" if count == 1 else f"{count} {many} “{title}”"
        return text, url_for("forums.post", post_id=first.post_id)

    return describe


def _describe_watched(group: kinds.Group) -> tuple[str, str]:
    first, count = group.first, len(group.items)
    thread = first.thread
    title = thread.title if thread else "a thread"
    who = first.actor.display_name if first.actor else "A former member"
    if count > 1:
        text = f"{count} new posts in “{title}”"
    elif thread is not None and thread.first_post_id == first.post_id:
        text = f"{who} started “{title}” in {thread.forum.name}"
    else:
        text = f"{who} posted in “{title}”"
    return text, url_for("forums.post", post_id=first.post_id)


def watch_thread(member: Member, thread_id: int, value: str | None) -> tuple[Thread, str]:
    """Set ``member``'s level for a thread they may read (``watching.LEVELS``); commits.
    Raises NotFound, ValidationFailed."""
    thread = get_thread(member, thread_id)
    level = watching.level_from(value)
    watching.choose(member, level, thread_id=thread.id)
    thread.watch_level, thread.watch_inherited = level, False
    return thread, level


def register_notifications() -> None:
    """The kinds of notification this area sends (called by the app factory)."""
    kinds.register(
        kinds.Kind(
            REPLY, "Replies to threads I started", _reply_shown, _describe_replies, by_email=True
        )
    )
    kinds.register(
        kinds.Kind(
            MENTION,
            "Mentions of me (@name)",
            _reply_shown,
            _describing("mentioned you in", "mentions of you in"),
            by_email=True,
        )
    )
    kinds.register(
        kinds.Kind(
            QUOTE,
            "Replies that quote me",
            _reply_shown,
            _describing("quoted you in", "replies quoting you in"),
            by_email=True,
        )
    )
    kinds.register(
        kinds.Kind(
            watching.WATCHED,
            "New posts in threads and forums I watch",
            _reply_shown,
            _describe_watched,
        )
    )


def needs_approval(member: Member, forum: Forum) -> bool:
    """Whether a new post by ``member`` in ``forum`` waits for a moderator: one of the member's
    first N posts (the network's setting), their first post in a forum that asks for it, or
    (``hold_outside_hours``) a new member's post while no moderator covers the forum's region
    (``cover_hours``). Moderators' posts never wait."""
    settings = site_settings.settings()
    first_posts = settings.hold_first_posts if settings else 0
    after_hours = bool(settings and settings.hold_outside_hours)
    if member.is_moderator or not (first_posts or forum.hold_first_posts or after_hours):
        return False
    published = sa.select(sa.func.count(Post.id)).where(
        Post.author_id == member.id, Post.held_at.is_(None)
    )
    count = None
    if first_posts or after_hours:
        count = db.session.scalar(published) or 0
        if first_posts and count < first_posts:
            return True
    if forum.hold_first_posts:
        here = published.join(Thread, Thread.id == Post.thread_id).where(
            Thread.forum_id == forum.id
        )
        if db.session.scalar(here) == 0:
            return True
    return bool(after_hours and _is_new(member, count or 0)) and not cover_hours.covered_now(
        forum.region_id
    )


def _is_new(member: Member, approved_posts: int) -> bool:
    """Joined in the last ``NEW_MEMBER_DAYS`` days, or fewer than ``NEW_MEMBER_POSTS`` posts."""
    days = int(current_app.config.get("NEW_MEMBER_DAYS") or 0)
    posts = int(current_app.config.get("NEW_MEMBER_POSTS") or 0)
    joined = member.created_at
    if joined is not None and joined.tzinfo is None:
        joined = joined.replace(tzinfo=UTC)
    recent = bool(days and joined is not None and joined > utcnow() - timedelta(days=days))
    return recent or approved_posts < posts


@dataclass
class Writing:
    """What a member wrote, checked and tidied."""

    title: str | None
    body: str
    warnings: list[ContentWarning]
    note: str


def _checked(body, warning_ids, warning_note, *, title=None, needs_title=False) -> Writing:
    """The tidied text, or ValidationFailed naming every field's problem at once."""
    errors: dict[str, list[str]] = {}
    title = _collect(errors, clean_title, title) if needs_title else None
    body = _collect(errors, posting.clean_body, body)
    warnings, note = _collect(
        errors, content_warnings.chosen, warning_ids or [], warning_note, default=([], "")
    )
    if errors:
        raise ValidationFailed(errors)
    return Writing(title, body, warnings, note if warnings else "")


def _collect(errors: dict, check, *args, default=None):
    try:
        return check(*args)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
        return default


REPEATED = "You sent this same text {ago}, so we have not posted it twice."


def _may_post(
    member: Member, body: str, *, thread_id: int | None = None, forum_id: int | None = None
) -> None:
    """Refuse a post that comes too fast, or repeats one just sent in the same thread (or, for
    a new thread, as the opening of another in the same forum): RateLimited, RepeatedPost."""
    posting.check_rate(member)
    if thread_id is not None:
        where = Post.thread_id == thread_id
    else:
        openings = sa.select(Thread.first_post_id).where(Thread.forum_id == forum_id)
        where = Post.id.in_(openings)
    posting.refuse_repeat(
        member, Post, posting.fingerprint(body), where, Post.deleted_at.is_(None), message=REPEATED
    )


def _add_post(
    thread_id: int,
    forum_id: int,
    member: Member,
    text: Writing,
    *,
    now: datetime,
    opening: bool = False,
    held: bool = False,
    mentioned: Mentions | None = None,
) -> Post:
    """Insert the post (its ``@names`` linked) and, unless it waits for approval, count it."""
    post = Post(
        thread_id=thread_id,
        author_id=member.id,
        created_at=now,
        fingerprint=posting.fingerprint(text.body),
        warning_note=text.note,
        warnings=text.warnings,
        held_at=now if held else None,
    )
    post.set_body(text.body, mentions=mentioned.links if mentioned else None)
    db.session.add(post)
    db.session.flush()
    search_index.index(post)
    if mentioned:
        post.unreached_mentions = tuple(mentioned.unreachable)
    if opening:
        _update(sa.update(Thread).where(Thread.id == thread_id).values(first_post_id=post.id))
    if not held:
        _count_post(post.id, thread_id, forum_id, member.id, now, opening=opening)
    _advance_read(member.id, thread_id, post.id)  # what you wrote, you have read
    return post


def _count_post(
    post_id: int, thread_id: int, forum_id: int, author_id: int, now: datetime, *, opening: bool
) -> None:
    """Move the counters for a post now shown, with single UPDATE statements (exact under
    concurrent replies: each adds one to whatever the row holds when it gets there)."""
    newer = sa.or_(Thread.last_post_id.is_(None), Thread.last_post_id < post_id)
    values = {
        "reply_count": Thread.reply_count + (0 if opening else 1),
        "last_post_id": sa.case((newer, post_id), else_=Thread.last_post_id),
        "last_post_at": sa.case((newer, now), else_=Thread.last_post_at),
        "last_post_author_id": sa.case((newer, author_id), else_=Thread.last_post_author_id),
    }
    _update(sa.update(Thread).where(Thread.id == thread_id).values(**values))
    later = sa.or_(Forum.last_post_at.is_(None), Forum.last_post_at < now)
    _update(
        sa.update(Forum)
        .where(Forum.id == forum_id)
        .values(
            post_count=Forum.post_count + 1,
            thread_count=Forum.thread_count + (1 if opening else 0),
            last_post_at=sa.case((later, now), else_=Forum.last_post_at),
        )
    )


def approve_held(post: Post) -> None:
    """Show a post that waited for approval and count it (the caller checked who may, and
    commits). Approving a thread's opening post approves the thread. Raises Conflict when it
    no longer waits (another moderator decided)."""
    approved = database.changed_rows(
        sa.update(Post)
        .where(Post.id == post.id, Post.held_at.is_not(None), Post.hidden_at.is_(None))
        .values(held_at=None)
        .execution_options(synchronize_session=False)
    )
    if approved != 1:
        raise Conflict("This post no longer waits for approval.")
    thread = post.thread
    opening = thread.first_post_id == post.id
    if opening:
        _update(sa.update(Thread).where(Thread.id == thread.id).values(held_at=None))
    _update(
        sa.update(Thread).where(Thread.id == thread.id).values(held_count=Thread.held_count - 1)
    )
    _count_post(
        post.id, thread.id, thread.forum_id, post.author_id, post.created_at, opening=opening
    )
    if not opening:
        _notify_reply(post, thread)
    mentioned = mentions_in(post.body_source, thread.forum, post.author)
    _notify_addressed(post, thread.id, thread.forum_id, mentioned)
    watching.after_new_post(post.id)
    db.session.expire(post)
    db.session.expire(thread)


def _update(statement) -> None:
    db.session.execute(statement, execution_options={"synchronize_session": False})


def edit_post(
    member: Member,
    post_id: int,
    *,
    body: str,
    title: str | None = None,
    warning_ids: list[int] | None = None,
    warning_note: str = "",
) -> Post:
    """Change one's own post (and the thread's title, for the opening post), keeping the
    previous version. Raises NotFound, NotAllowed (not the author), Closed, ValidationFailed."""
    post = get_post(member, post_id, check_author=True)
    if post.is_deleted:
        raise NotAllowed("This post was removed, so it can no longer be edited.")
    if post.is_hidden:
        raise Closed("A moderator has hidden this post, so it can no longer be edited.")
    check_open(post.thread)
    opening = post.is_opening
    text = _checked(body, warning_ids, warning_note, title=title, needs_title=opening)
    unchanged = (
        text.body == post.body_source
        and text.warnings == list(post.warnings)
        and text.note == post.warning_note
        and (not opening or text.title == post.thread.title)
    )
    if unchanged:
        return post
    verdict = watched_words.screen(title=text.title, body=text.body)
    _keep_revision(post)
    post.set_body(text.body)
    post.fingerprint = posting.fingerprint(text.body)
    post.warnings, post.warning_note = text.warnings, text.note
    post.edited_at = utcnow()
    if opening and text.title is not None:  # an opening post's edit always has its title
        post.thread.title = text.title
        search_index.index(post.thread)
    search_index.index(post)
    # A post already shown cannot wait for approval again: a *hold* word flags it instead.
    kind, target_id = (TargetKind.THREAD, post.thread_id) if opening else (TargetKind.POST, post.id)
    region_id = post.thread.forum.region_id
    watched_words.after_saving(verdict, member, kind, target_id, region_id, hold_as_flag=True)
    _announce_post(post, forum_id=post.thread.forum_id)
    db.session.commit()
    return post


def _keep_revision(post: Post) -> None:
    revision = PostRevision(
        post_id=post.id,
        title=post.thread.title if post.is_opening else None,
        warning_names=", ".join(w.name for w in post.warnings),
        warning_note=post.warning_note,
        written_at=post.edited_at or post.created_at,
        body_source=post.body_source,
        body_html=post.body_html,
        body_rules=post.body_rules,
    )
    db.session.add(revision)


def delete_post(member: Member, post_id: int) -> Post:
    """Remove one's own post: members see "removed by its author"; moderators can still read
    it. Removing the opening post also hides the thread's title from members."""
    post = get_post(member, post_id, check_author=True)
    if post.is_deleted:
        return post
    now = utcnow()
    post.deleted_at = now
    if post.is_opening:
        post.thread.removed_at = now
    _announce_post(post, forum_id=post.thread.forum_id)
    db.session.commit()
    return post


def quote(member: Member, post_id: int) -> tuple[str, list[int]]:
    """Markdown quoting a post ("> **Isla** wrote: ...") and its warning ids, to carry over."""
    post = get_post(member, post_id)
    if post.is_deleted:
        raise NotFound("This post was removed by its author.")
    if post.is_hidden or post.is_held:
        raise NotFound("This post cannot be quoted.")
    lines = [f"> {line}".rstrip() for line in post.body_source.splitlines()]
    text = f"> **{markdown_escape(post.author.display_name)}** wrote:\n>\n" + "\n".join(lines)
    return text + "\n\n", [w.id for w in post.warnings]


def markdown_escape(text: str) -> str:
    """Plain text that Markdown will show as typed (names inside quotes)."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~])", r"\\\1", text)
