"""Posts, thread rows and idea cards as HTML, rendered once for every reader who sees them the
same way (issue 16).

A thread page draws twenty posts, a forum twenty-five thread rows and the ideas board twenty
cards, and their templates were most of those pages' time. Here an item is first reduced to a
view (``PostView``, ``ThreadRowView``, ``IdeaCardView``): every value its HTML depends on,
the reader's part included (is it theirs, do they moderate it, how their content warning
choices show it, did they mute its author, is it new for them, may they message its author,
did they vote for it, have they read it). The HTML is then a pure
function of that view (its template reads nothing but ``v``, ``url_for`` and the live
``version`` computed from ``v``), so it is kept in a bounded in-process cache keyed by the
view itself. The one per-session value, a vote form's CSRF token, is a marker in the kept
HTML, put in for each request.

Nothing is ever invalidated, and nothing can be served stale: a post edited, hidden, held,
removed or restored, an author renamed or erased, a thread locked, a vote, a reader's new mute
or warning choice, all give another view, hence another key; the old entry is simply never
asked for again and falls out of the cache. A member sees a kept copy only when everything the
page would have drawn for them is the same, value for value.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

from flask import Flask, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf as csrf_token
from markupsafe import Markup

from forum.models import Idea, IdeaStatus, Member, Post, Thread
from forum.models.idea import excerpt_of as idea_excerpt
from forum.services import scope
from forum.services.forums import content_warnings, threads
from forum.services.forums.listing import ForumSummary, ThreadRow
from forum.services.live import events as live_events
from forum.services.messages import conversations

POST_TEMPLATE = "forums/_post_fragment.html"
CARD_TEMPLATE = "ideas/_card_fragment.html"
ROW_TEMPLATE = "forums/_row_fragment.html"
FORUM_TEMPLATE = "forums/_forum_fragment.html"
# Stands for the CSRF token in kept HTML: random, so no text a member writes can contain it.
CSRF_MARKER = f"csrf-{secrets.token_hex(16)}"


class PostView(NamedTuple):
    """What ``forums/_post_fragment.html`` draws, value for value (hashable: the cache key)."""

    id: int
    item: bool  # wrapped in its live item (a thread's list), not alone (htmx, oob)
    oob: bool
    arriving: bool  # a copy arriving in a live list: no hx-preserve on its report slot
    columns: tuple  # the post's stored values (live_events.columns): its live version's input
    mine: bool
    is_new: bool
    is_deleted: bool
    is_hidden: bool
    is_held: bool
    hidden_automatically: bool
    hidden_reason: str | None
    author_id: int
    author_name: str
    author_erased: bool
    author_region: str | None
    author_badge: str | None
    created_iso: str
    created_when: str
    edited_iso: str
    edited_when: str
    body: str  # "removed", "hidden", "cw-hide" or "shown": what stands in the post's place
    mode: str  # content warnings: plain, show, ask or hide
    warnings: str  # the warnings' sentence
    warning_note: str | None
    muted: bool
    body_html: str
    quote: bool
    message: bool
    report: bool
    report_kind: str
    report_id: int
    opening: bool
    revisions: bool
    moderating: bool
    script_root: str  # URLs are built under it

    def live_version(self) -> str:
        return live_events.version_of_values(self.columns)


class IdeaCardView(NamedTuple):
    """What ``ideas/_card_fragment.html`` draws, value for value (hashable: the cache key)."""

    id: int
    item: bool  # wrapped in its live list item (the board), not alone (htmx, oob, my ideas)
    oob: bool
    back: str | None  # where a vote returns to
    columns: tuple  # the idea's stored values: its live version's input, with has_voted
    has_voted: bool
    title: str
    status: IdeaStatus
    author_name: str
    where: str
    created_iso: str
    created_when: str
    comment_count: int
    is_hidden: bool
    hidden_automatically: bool
    body_html: str  # its excerpt is drawn from it (the ``excerpt`` filter)
    tags: tuple[tuple[str, str], ...]  # (slug, name)
    takes_votes: bool
    vote_count: int
    merged_into_id: int | None
    script_root: str

    def live_version(self) -> str:
        return live_events.version_of_values((*self.columns, self.has_voted))


class ThreadRowView(NamedTuple):
    """What ``forums/_row_fragment.html`` draws, value for value (hashable: the cache key)."""

    id: int
    oob: bool
    columns: tuple  # the thread's stored values: its row's live version's input, with state, mode
    state: str  # "new" (never opened), "updated" (new replies since), "read"
    mode: str  # content warnings: plain, show, ask or hide
    body: str  # "hidden", "cw-hide" or "shown": what the row says
    hidden_automatically: bool
    warnings: str  # the warnings' sentence
    title: str | None  # None: withheld from this reader ("Removed by its author")
    new_posts: int | None
    muted: bool
    pinned: bool
    locked: bool
    is_held: bool
    is_hidden: bool
    is_removed: bool
    author_name: str
    reply_count: int
    last_post_id: int
    last_post_author: str | None
    last_post_iso: str
    last_post_when: str
    script_root: str

    def live_version(self) -> str:
        return live_events.version_of_values((*self.columns, self.state, self.mode))


class ForumRowView(NamedTuple):
    """What ``forums/_forum_fragment.html`` draws (a forum on the index), value for value."""

    id: int
    columns: tuple  # the forum's stored values
    slug: str
    name: str
    description: str
    unread: int
    your_region: bool
    members_only: str | None  # "Lothian members only", or None for a forum open to everyone
    staff_only: bool
    thread_count: int
    post_count: int
    latest: str  # "none", "withheld", "hidden", "hidden-auto", "cw-hide" or "shown"
    latest_id: int
    latest_title: str
    latest_author: str | None
    latest_iso: str
    latest_when: str
    script_root: str

    def live_version(self) -> str:
        return live_events.version_of_values(self.columns)


def init_app(app: Flask) -> None:
    size = app.config["FRAGMENT_CACHE"]
    template = app.jinja_env.get_template  # looked up at render time: templates may reload

    def kept(name: str) -> Callable[[Any], Markup]:
        def render(view) -> Markup:
            # the live version the page sends back when it catches up: computed on a miss only
            html = template(name).render(v=view, version=view.live_version(), csrf=CSRF_MARKER)
            return Markup(html)  # noqa: S704 - a rendered template (autoescaped), not text

        return lru_cache(maxsize=size)(render) if size else render

    kinds = (POST_TEMPLATE, CARD_TEMPLATE, ROW_TEMPLATE, FORUM_TEMPLATE)
    app.extensions["fragments"] = {name: kept(name) for name in kinds}
    app.add_template_global(post_html, "post_html")
    app.add_template_global(thread_row_html, "thread_row_html")
    app.add_template_global(forum_row_html, "forum_row_html")
    app.add_template_global(idea_card, "idea_card")
    app.add_template_filter(excerpt, "excerpt")


def _kept(name: str, view) -> Markup:
    return current_app.extensions["fragments"][name](view)


def post_html(
    post: Post, thread: Thread, *, item: Any = False, oob: Any = False, arriving: Any = False
) -> Markup:
    """``post`` of ``thread`` as the signed-in member sees it (``item``: in its live item)."""
    member = current_user._get_current_object()  # type: ignore[attr-defined]
    view = post_view(member, post, thread, item=bool(item), oob=bool(oob), arriving=bool(arriving))
    return _kept(POST_TEMPLATE, view)


def post_view(
    member: Member, post: Post, thread: Thread, *, item: bool, oob: bool, arriving: bool
) -> PostView:
    """Every value the post's HTML depends on, for ``member``: the rules are the services'."""
    author = post.author
    region_id = thread.forum.region_id
    mine = post.author_id == member.id
    moderating = member.moderates(region_id)
    mode = content_warnings.mode(member, post.warnings, post.author_id)
    opening = thread.first_post_id == post.id
    read_up_to = thread.read_up_to
    shown = not post.is_hidden and not post.is_held
    deleted = post.is_deleted
    if deleted and not moderating:
        body = "removed"
    elif post.is_hidden and not scope.sees_hidden(member, post.author_id, region_id):
        body = "hidden"
    elif mode == "hide":
        body = "cw-hide"
    else:
        body = "shown"
    quote = (
        not deleted
        and shown
        and not thread.locked
        and not thread.forum.is_archived
        and not thread.is_hidden
    )
    return PostView(
        id=post.id,
        item=item,
        oob=oob,
        arriving=arriving,
        columns=live_events.columns(post),
        mine=mine,
        is_new=read_up_to is not None and post.id > read_up_to and not mine,
        is_deleted=deleted,
        is_hidden=post.is_hidden,
        is_held=post.is_held,
        hidden_automatically=bool(post.hidden_automatically),
        hidden_reason=post.hidden_reason,
        author_id=author.id,
        author_name=author.display_name,
        author_erased=author.is_erased,
        author_region=author.region.name if author.region else None,
        author_badge=_badge(author),
        created_iso=_iso(post.created_at),
        created_when=_when(post.created_at),
        edited_iso=_iso(post.edited_at),
        edited_when=_when(post.edited_at),
        body=body,
        mode=mode,
        warnings=content_warnings.sentence(post.warnings) if post.warnings else "",
        warning_note=post.warning_note,
        muted=bool(post.muted) and not mine,
        body_html=post.body_html,
        quote=quote,
        message=(
            not deleted
            and shown
            and not mine
            and not author.is_erased
            and may_message(member, author)
        ),
        report=not deleted and shown and not mine,
        report_kind="thread" if opening else "post",
        report_id=thread.id if opening else post.id,
        opening=opening,
        revisions=bool(post.edited_at) and threads.may_read_revisions(member, post, region_id),
        moderating=moderating,
        script_root=request.script_root,
    )


def thread_row_html(row: ThreadRow, *, oob: Any = False) -> Markup:
    """A thread's row in its forum's list as the signed-in member sees it."""
    member = current_user._get_current_object()  # type: ignore[attr-defined]
    return _kept(ROW_TEMPLATE, row_view(member, row, oob=bool(oob)))


def row_view(member: Member, row: ThreadRow, *, oob: bool) -> ThreadRowView:
    """Every value a thread's row depends on, for ``member``."""
    t = row.thread
    if t.is_hidden and not scope.sees_hidden(member, t.author_id, t.forum.region_id):
        body = "hidden"
    elif row.mode == "hide":
        body = "cw-hide"
    else:
        body = "shown"
    last_author = t.last_post_author
    return ThreadRowView(
        id=t.id,
        oob=oob,
        columns=live_events.columns(t),
        state=row.state,
        mode=row.mode,
        body=body,
        hidden_automatically=bool(t.hidden_automatically),
        warnings=content_warnings.sentence(t.warnings) if t.warnings else "",
        title=None if t.title_withheld_from(member) else t.title,
        new_posts=t.new_posts,
        muted=t.watch_level == "muted",
        pinned=t.pinned,
        locked=t.locked,
        is_held=t.is_held,
        is_hidden=t.is_hidden,
        is_removed=t.is_removed,
        author_name=t.author.display_name,
        reply_count=t.reply_count,
        last_post_id=t.last_post_id or 0,
        last_post_author=last_author.display_name if last_author else None,
        last_post_iso=_iso(t.last_post_at),
        last_post_when=_when(t.last_post_at),
        script_root=request.script_root,
    )


def forum_row_html(summary: ForumSummary) -> Markup:
    """A forum's row on the index as the signed-in member sees it."""
    member = current_user._get_current_object()  # type: ignore[attr-defined]
    return _kept(FORUM_TEMPLATE, forum_view(member, summary))


def forum_view(member: Member, summary: ForumSummary) -> ForumRowView:
    """Every value a forum's row on the index depends on, for ``member``."""
    f, t = summary.forum, summary.latest
    if t is None:
        latest = "none"
    elif t.title_withheld_from(member):
        latest = "withheld"
    elif t.is_hidden and not scope.sees_hidden(member, t.author_id, f.region_id):
        latest = "hidden-auto" if t.hidden_automatically else "hidden"
    elif content_warnings.mode(member, t.warnings, t.author_id) == "hide":
        latest = "cw-hide"
    else:
        latest = "shown"
    shown = latest == "shown"
    last_author = t.last_post_author if shown and t is not None else None
    region = f.region.name if f.region else "Region"
    return ForumRowView(
        id=f.id,
        columns=live_events.columns(f),
        slug=f.slug,
        name=f.name,
        description=f.description or "",
        unread=summary.unread,
        your_region=bool(f.region_id and f.region_id == member.region_id),
        members_only=f"{region} members only" if f.audience == "region" else None,
        staff_only=bool(f.staff_only),
        thread_count=f.thread_count,
        post_count=f.post_count,
        latest=latest,
        latest_id=t.id if shown and t is not None else 0,
        latest_title=t.title if shown and t is not None else "",
        latest_author=last_author.display_name if last_author else None,
        latest_iso=_iso(t.last_post_at) if t is not None else "",
        latest_when=_when(t.last_post_at) if t is not None else "",
        script_root=request.script_root,
    )


def idea_card(
    idea: Idea, voted: Any, *, back: Any = None, item: Any = False, oob: Any = False
) -> Markup:
    """``idea``'s card as the signed-in member sees it (``voted``: the ids they voted for)."""
    view = card_view(idea, idea.id in voted, back=back or None, item=bool(item), oob=bool(oob))
    html = _kept(CARD_TEMPLATE, view)
    return html.replace(CSRF_MARKER, csrf_token()) if view.takes_votes else html


def card_view(
    idea: Idea, has_voted: bool, *, back: str | None, item: bool, oob: bool
) -> IdeaCardView:
    """Every value an idea's card depends on, for a member who did (not) vote for it."""
    return IdeaCardView(
        id=idea.id,
        item=item,
        oob=oob,
        back=back,
        columns=live_events.columns(idea),
        has_voted=has_voted,
        title=idea.title,
        status=idea.status,
        author_name=idea.author.display_name,
        where=idea.region.name if idea.region else "National",
        created_iso=_iso(idea.created_at),
        created_when=_when(idea.created_at),
        comment_count=idea.comment_count,
        is_hidden=idea.is_hidden,
        hidden_automatically=bool(idea.hidden_automatically),
        body_html=idea.body_html,
        tags=tuple((tag.slug, tag.name) for tag in idea.tags),
        takes_votes=idea.takes_votes,
        vote_count=idea.vote_count,
        merged_into_id=idea.merged_into_id,
        script_root=request.script_root,
    )


@lru_cache(maxsize=1024)
def excerpt(body_html: str) -> str:
    """An idea's excerpt (``Idea.excerpt``), worked out once for a description."""
    return idea_excerpt(body_html)


def _badge(author: Member) -> str | None:
    if author.is_admin:
        return "Administrator"
    return "Moderator" if author.is_moderator else None


def _iso(value) -> str:
    return current_app.jinja_env.filters["iso"](value)


def _when(value) -> str:
    return current_app.jinja_env.filters["when"](value) if value else ""


# --- "Message" on a post: asked once for a page's authors ---------------------------------------


def messageable_authors(member: Member, posts) -> str:
    """Decide, in one go, which authors of ``posts`` ``member`` may message (kept for the
    request); renders nothing."""
    known = g.setdefault("messageable", {})
    authors = {p.author.id: p.author for p in posts if p is not None and p.author_id not in known}
    if authors:
        allowed = conversations.messageable(member, authors.values())
        known.update({author_id: author_id in allowed for author_id in authors})
    return ""


def may_message(member: Member, author: Member) -> bool:
    """Whether ``member`` may start a conversation with ``author`` (asked for one author when
    the page did not ask for all of them: a single post redrawn)."""
    known = g.setdefault("messageable", {})
    if author.id not in known:
        known[author.id] = author.id in conversations.messageable(member, [author])
    return known[author.id]
