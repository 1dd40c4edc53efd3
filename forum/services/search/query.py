"""What a member finds: one query over every kind of document, each kind joined to the thing
it names and filtered by that area's own rule, so a count never includes what they cannot see.

- posts and threads: ``visibility.visible_forums_clause`` (region-only forums),
  ``threads.thread_shown_clause`` / ``post_shown_clause``, and, for everyone, nothing hidden,
  held or removed (search shows what a thread page shows its readers, never a moderator's
  view);
- ideas and their comments: ``access.visible_clause``, and nothing hidden or removed;
- content warnings the member chose to hide: the result stays (the count is honest) but shows
  as "a post with a content warning", with no excerpt.

A results page costs a fixed number of statements whatever the query: the count, the page, and
the page's excerpts (plus the member's warning choices).

Adding a kind: register its document in ``search_index.documents`` and add a ``_branch``
function here to ``BRANCHES``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup

from forum.extensions import db
from forum.models import (
    ContentWarning,
    Forum,
    Idea,
    IdeaComment,
    Member,
    Post,
    Region,
    Thread,
    WarningChoice,
    post_warnings,
)
from forum.numbers import whole_or_none
from forum.services.forums import content_warnings, threads, visibility
from forum.services.ideas import access
from forum.services.search_index import engines
from forum.services.search_index import terms as parsing

PER_PAGE = 20
MAX_PAGE = 50  # 1,000 results: enough to browse; narrower words or filters beyond that
KIND_LABELS = {"post": "Posts", "thread": "Thread titles", "idea": "Ideas", "comment": "Comments"}
ORDERS = {"newest": "Newest first", "best": "Best match first"}
AUTHOR_MAX = 80
# Without filters, only the newest (or best) matches this many go on to be checked for who may
# see them: every page up to MAX_PAGE stays reachable, and a word in a fifth of all posts
# costs what a rare one does. Filters search every match.
CANDIDATES = 2 * MAX_PAGE * PER_PAGE


@dataclass
class Filters:
    forum: str = ""  # a forum's slug
    region: str = ""  # a region's slug
    author: str = ""  # a display name, matched whole, any case
    kind: str = ""
    since: date | None = None
    until: date | None = None
    mine: bool = False  # only threads (and ideas) I took part in
    order: str = "newest"

    @property
    def narrows(self) -> bool:
        return bool(set(self.as_args()) - {"order"})

    def as_args(self) -> dict[str, str]:
        values = {
            "forum": self.forum, "region": self.region, "author": self.author,
            "kind": self.kind, "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "", "mine": "1" if self.mine else "",
            "order": self.order if self.order != "newest" else "",
        }  # fmt: skip
        return {k: v for k, v in values.items() if v}


@dataclass
class Hit:
    doc_id: int
    rank: float
    kind: str
    target_id: int
    link_id: int  # the thread (posts, threads) or idea (ideas, comments)
    created_at: datetime
    author_id: int
    author_name: str
    context: str  # the thread's or idea's title
    place: str  # the forum's name, or "Ideas"
    warned: bool  # hidden by the reader's content warning choices: no excerpt
    warn_post_id: int | None  # the post whose warnings stand for this hit
    title: Markup = field(default_factory=Markup)
    excerpt: Markup = field(default_factory=Markup)
    # Warnings the reader asked to be asked about: the excerpt waits behind "Show excerpt".
    asks: list[ContentWarning] = field(default_factory=list)


class ResultsPage(Pagination):
    """One page of hits (``flask_sqlalchemy`` pagination, so ``_pagination.html`` draws it).

    The page and the total come from one statement (``count(*) OVER ()``, computed before the
    LIMIT), and authors' names are joined to the page's rows only. An empty page after the
    first (a page number past the end) asks for the count on its own.
    """

    _found: int | None = None
    more = False  # more results than the pages show (MAX_PAGE pages)

    def _query_items(self) -> list[Any]:
        hits, order = self._query_args["hits"], self._query_args["order"]
        page = (
            sa.select(hits, sa.func.count().over().label("total"))
            .order_by(*order(hits))
            .limit(self.per_page)
            .offset((self.page - 1) * self.per_page)
            .subquery("page")
        )
        stmt = (
            sa.select(page, Member.display_name.label("author_name"))
            .join(Member, Member.id == page.c.author_id)
            .order_by(*order(page))
        )
        items = []
        for row in db.session.execute(stmt):
            values = row._asdict()
            self._found = values.pop("total")
            items.append(Hit(**values))
        return items

    def _query_count(self) -> int:
        found = self._found
        if found is None:
            hits = self._query_args["hits"]
            found = 0 if self.page == 1 else db.session.scalar(
                sa.select(sa.func.count()).select_from(hits)
            ) or 0  # fmt: skip
        shown = MAX_PAGE * PER_PAGE
        self.more = found > shown
        return min(found, shown)


@dataclass
class Outcome:
    text: str
    filters: Filters
    message: str = ""  # why nothing was searched (empty query, too long...)
    errors: dict[str, str] = field(default_factory=dict)
    page: ResultsPage | None = None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def read_filters(args: Mapping[str, str]) -> tuple[Filters, dict[str, str]]:
    """The filters in a results page's URL, and a message for each that cannot be used."""
    errors = {}
    since, until = _day(args.get("from")), _day(args.get("to"))
    for name, value, parsed in (("from", args.get("from"), since), ("to", args.get("to"), until)):
        if value and parsed is None:
            errors[name] = "Use a date like 2026-03-31."
    if since and until and since > until:
        errors["to"] = "The end date comes before the start date."
    filters = Filters(
        forum=(args.get("forum") or "")[:80],
        region=(args.get("region") or "")[:80],
        author=" ".join((args.get("author") or "").split())[:AUTHOR_MAX],
        kind=_one_of(args.get("kind"), KIND_LABELS, ""),
        since=since,
        until=until,
        mine=args.get("mine") == "1",
        order=_one_of(args.get("order"), ORDERS, "newest"),
    )
    return filters, errors


def _one_of(value: str | None, allowed: Mapping[str, str], default: str) -> str:
    return value if value is not None and value in allowed else default


# --- one branch per kind ----------------------------------------------------------------------


def _columns(matches, kind, link_id, created_at, author_id, context, place, warned, post_id):
    return [
        post_id.label("warn_post_id"),
        matches.c.doc_id, matches.c.rank, sa.literal(kind).label("kind"),
        matches.c.target_id, link_id.label("link_id"), created_at.label("created_at"),
        author_id.label("author_id"), context.label("context"), place.label("place"),
        warned.label("warned"),
    ]  # fmt: skip


def _common(stmt, filters: Filters, created_at, author_id):
    if filters.author:
        stmt = stmt.join(Member, Member.id == author_id).where(
            sa.func.lower(Member.display_name) == filters.author.lower()
        )
    if filters.since:
        stmt = stmt.where(created_at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        stmt = stmt.where(created_at < end)
    return stmt


_NO_POST = sa.cast(sa.null(), sa.Integer)


def _region_id(slug: str):
    return sa.select(Region.id).where(Region.slug == slug).scalar_subquery()


def _forum_rules(stmt, member: Member, filters: Filters):
    stmt = stmt.join(Forum, Forum.id == Thread.forum_id).where(
        visibility.visible_forums_clause(member),
        threads.thread_shown_clause(member),
        Thread.hidden_at.is_(None),
        Thread.held_at.is_(None),
        Thread.removed_at.is_(None),
    )
    if filters.forum:
        stmt = stmt.where(Forum.slug == filters.forum)
    if filters.region:
        stmt = stmt.where(Forum.region_id == _region_id(filters.region))
    if filters.mine:
        theirs = so.aliased(Post)  # the branch's own Post stays the result
        took_part = sa.exists().where(theirs.thread_id == Thread.id, theirs.author_id == member.id)
        stmt = stmt.where(sa.or_(Thread.author_id == member.id, took_part))
    return stmt


def _posts(member: Member, matches, filters: Filters, hidden: list[int]):
    warned: sa.ColumnElement[bool] = sa.false()
    if hidden:
        warned = sa.and_(
            Post.author_id != member.id,
            sa.exists().where(
                post_warnings.c.post_id == Post.id, post_warnings.c.warning_id.in_(hidden)
            ),
        )
    stmt = (
        sa.select(*_columns(matches, "post", Post.thread_id, Post.created_at, Post.author_id,
                            Thread.title, Forum.name, warned, Post.id))
        .select_from(matches)
        .join(Post, sa.and_(matches.c.kind == "post", Post.id == matches.c.target_id))
        .join(Thread, Thread.id == Post.thread_id)
    )  # fmt: skip
    stmt = _forum_rules(stmt, member, filters).where(
        threads.post_shown_clause(member),
        Post.hidden_at.is_(None),
        Post.held_at.is_(None),
        Post.deleted_at.is_(None),
    )
    return _common(stmt, filters, Post.created_at, Post.author_id)


def _threads(member: Member, matches, filters: Filters, hidden: list[int]):
    warned = sa.and_(
        Thread.author_id != member.id, visibility.hidden_by_warnings_clause(member)
    ) if hidden else sa.false()  # fmt: skip
    stmt = (
        sa.select(*_columns(matches, "thread", Thread.id, Thread.created_at, Thread.author_id,
                            Thread.title, Forum.name, warned, Thread.first_post_id))
        .select_from(matches)
        .join(Thread, sa.and_(matches.c.kind == "thread", Thread.id == matches.c.target_id))
    )  # fmt: skip
    return _common(
        _forum_rules(stmt, member, filters), filters, Thread.created_at, Thread.author_id
    )


def _idea_rules(stmt, member: Member, filters: Filters, *, comment_author=None):
    stmt = stmt.where(access.visible_clause(member), Idea.hidden_at.is_(None))
    if filters.region:
        stmt = stmt.where(Idea.region_id == _region_id(filters.region))
    if filters.mine:
        theirs = so.aliased(IdeaComment)
        commented = sa.exists().where(theirs.idea_id == Idea.id, theirs.author_id == member.id)
        stmt = stmt.where(sa.or_(Idea.author_id == member.id, commented))
    return stmt


def _ideas(member: Member, matches, filters: Filters, hidden: list[int]):
    stmt = (
        sa.select(*_columns(matches, "idea", Idea.id, Idea.created_at, Idea.author_id,
                            Idea.title, sa.literal("Ideas"), sa.false(), _NO_POST))
        .select_from(matches)
        .join(Idea, sa.and_(matches.c.kind == "idea", Idea.id == matches.c.target_id))
    )  # fmt: skip
    return _common(_idea_rules(stmt, member, filters), filters, Idea.created_at, Idea.author_id)


def _comments(member: Member, matches, filters: Filters, hidden: list[int]):
    stmt = (
        sa.select(*_columns(matches, "comment", Idea.id, IdeaComment.created_at,
                            IdeaComment.author_id, Idea.title, sa.literal("Ideas"), sa.false(),
                            _NO_POST))
        .select_from(matches)
        .join(IdeaComment, sa.and_(matches.c.kind == "comment",
                                   IdeaComment.id == matches.c.target_id))
        .join(Idea, Idea.id == IdeaComment.idea_id)
        .where(IdeaComment.hidden_at.is_(None), IdeaComment.deleted_at.is_(None))
    )  # fmt: skip
    stmt = _idea_rules(stmt, member, filters)
    return _common(stmt, filters, IdeaComment.created_at, IdeaComment.author_id)


Branch = Callable[[Member, Any, Filters, list[int]], sa.Select]
BRANCHES: dict[str, Branch] = {
    "post": _posts,
    "thread": _threads,
    "idea": _ideas,
    "comment": _comments,
}
FORUM_KINDS = frozenset({"post", "thread"})  # the kinds a forum filter keeps


def _hits(member: Member, terms: parsing.Terms, filters: Filters):
    limit = None if filters.narrows else CANDIDATES
    matches = engines.matches(terms, ranked=filters.order == "best", limit=limit)
    hidden = content_warnings.hidden_ids(member)
    kinds = [filters.kind] if filters.kind else list(BRANCHES)
    if filters.forum:
        kinds = [k for k in kinds if k in FORUM_KINDS]
    if not kinds:
        return None
    branches = [BRANCHES[k](member, matches, filters, hidden) for k in kinds]
    return sa.union_all(*branches).subquery("hits")


def search(member: Member, args: Mapping[str, str], page: int | None = 1) -> Outcome:
    """The results page for ``args`` (``q``, the filters, the order): a message instead when
    the query cannot be searched, never an error."""
    text = (args.get("q") or "").strip()
    filters, errors = read_filters(args)
    outcome = Outcome(text=text, filters=filters, errors=errors)
    try:
        terms = parsing.parse(text)
    except parsing.Unsearchable as exc:
        outcome.message = str(exc) if text or filters.as_args() else ""
        return outcome
    if errors:
        outcome.message = "Check the dates below."
        return outcome
    hits = _hits(member, terms, filters)
    if hits is None:
        outcome.message = "Ideas and their comments are not in a forum: choose another kind."
        return outcome
    number = min(max(page or 1, 1), MAX_PAGE)
    order = _best_first if filters.order == "best" else _newest_first
    outcome.page = ResultsPage(
        page=number, per_page=PER_PAGE, error_out=False, hits=hits, order=order
    )
    _add_headlines(outcome.page.items, hits, terms)
    _add_warnings(member, outcome.page.items)
    return outcome


def _newest_first(rows) -> list:
    return [rows.c.created_at.desc(), rows.c.doc_id.desc()]


def _best_first(rows) -> list:
    return [rows.c.rank, rows.c.created_at.desc(), rows.c.doc_id.desc()]


def _add_warnings(member: Member, items: list[Hit]) -> None:
    """The warnings of the page's posts that the reader wants to be asked about (one query,
    only when the page has posts or threads of others)."""
    by_post = {
        h.warn_post_id: h
        for h in items
        if h.warn_post_id is not None and not h.warned and h.author_id != member.id
    }
    if not by_post:
        return
    shown = {wid for wid, choice in content_warnings.preferences(member).items()
             if choice == WarningChoice.SHOW}  # fmt: skip
    rows = db.session.execute(
        sa.select(post_warnings.c.post_id, ContentWarning)
        .join(ContentWarning, ContentWarning.id == post_warnings.c.warning_id)
        .where(post_warnings.c.post_id.in_(sorted(by_post)))
        .order_by(ContentWarning.position)
    ).all()
    for post_id, warning in rows:
        if warning.id not in shown:
            by_post[post_id].asks.append(warning)


def _add_headlines(items: list[Hit], hits, terms: parsing.Terms) -> None:
    wanted = {(h.kind, h.target_id): h for h in items if not h.warned}
    if not wanted:
        return
    found = engines.headlines([h.doc_id for h in wanted.values()], terms)
    for hit in wanted.values():
        title, excerpt = found.get(hit.doc_id, (Markup(), Markup()))
        hit.title, hit.excerpt = title, excerpt


def choices(member: Member) -> dict[str, list[tuple[str, str]]]:
    """The forums and regions a member may filter by (two small queries)."""
    forums = db.session.execute(
        sa.select(Forum.slug, Forum.name)
        .where(visibility.visible_forums_clause(member))
        .order_by(Forum.region_id.is_not(None), Forum.position, Forum.name)
    ).all()
    regions = db.session.execute(
        sa.select(Region.slug, Region.name).order_by(Region.position, Region.name)
    ).all()
    return {
        "forums": [(slug, name) for slug, name in forums],
        "regions": [(slug, name) for slug, name in regions],
    }


def page_number(value: Any) -> int:
    return min(whole_or_none(value) or 1, MAX_PAGE)
