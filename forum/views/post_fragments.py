"""A post as HTML, rendered once for every reader who sees it the same way (issue 16).

A thread page draws twenty posts, and a post's template was most of the page's time. Here a
post is first reduced to a ``PostView``: every value its HTML depends on, the reader's part
included (is it theirs, do they moderate it, how their content warning choices show it, did
they mute its author, is it new for them, may they message its author). The HTML is then a
pure function of that view (``forums/_post_fragment.html`` reads nothing but ``v`` and
``url_for``), so it is kept in a bounded in-process cache keyed by the view itself.

Nothing is ever invalidated, and nothing can be served stale: a post edited, hidden, held,
removed or restored, an author renamed or erased, a thread locked, a reader's new mute or
warning choice, all give another view, hence another key; the old entry is simply never asked
for again and falls out of the cache. A member sees a cached post only when everything the
page would have drawn for them is the same, value for value.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from flask import Flask, current_app, g, request
from flask_login import current_user
from markupsafe import Markup

from forum.models import Member, Post, Thread
from forum.services import scope
from forum.services.forums import content_warnings, threads
from forum.services.live import events as live_events
from forum.services.messages import conversations

TEMPLATE = "forums/_post_fragment.html"


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


def init_app(app: Flask) -> None:
    size = app.config["POST_FRAGMENT_CACHE"]
    template = app.jinja_env.get_template  # looked up at render time: templates may reload

    def render(view: PostView) -> Markup:
        # the live version the page sends back when it catches up: computed only on a miss
        version = live_events.version_of_values(view.columns)
        html = template(TEMPLATE).render(v=view, version=version)  # autoescaped, as any page
        return Markup(html)  # noqa: S704 - a rendered template, not text

    app.extensions["post_fragments"] = lru_cache(maxsize=size)(render) if size else render
    app.add_template_global(post_html, "post_html")


def post_html(
    post: Post, thread: Thread, *, item: Any = False, oob: Any = False, arriving: Any = False
) -> Markup:
    """``post`` of ``thread`` as the signed-in member sees it (``item``: in its live item)."""
    member = current_user._get_current_object()  # type: ignore[attr-defined]
    view = post_view(member, post, thread, item=bool(item), oob=bool(oob), arriving=bool(arriving))
    return current_app.extensions["post_fragments"](view)


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
