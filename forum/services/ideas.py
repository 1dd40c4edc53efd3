"""The ideas clinic: who sees which idea, the board, submitting an idea, and similar ideas.

**Visibility.** Every query about ideas goes through ``visible_clause(member)``: an idea is
national, or belongs to a region; ideas of a region whose forum is for that region's members
only (``forums.restricted_regions()``, the forums' own rule) are seen only by that region's
members, moderators and administrators. Everyone else gets 404. An idea hidden by a moderator
is seen only by its author and the moderators of its region (``scope.shown_clause``); its page
tells other members it was hidden.

**Trending.** Each idea stores ``trending_score = log2(1 + votes + comments / 2) + freshness``,
where ``freshness`` is the number of half-lives (``TRENDING_HALF_LIFE``, two weeks) between
``TRENDING_EPOCH`` and the idea's creation. Ordering by it is ordering by
``(1 + votes + comments / 2) / 2 ** (age / two weeks)``: an idea's support counts half as much
for every two weeks of its age, so new ideas with a few votes rise above old ones with many.
The age part is the same for all ideas at any moment, so the stored score never needs
refreshing as time passes: it changes only when votes or comments do, in the same UPDATE
statement (``counters_changed``), and the board sorts by it with an index.

**Live updates.** An idea's page follows ``idea:<id>`` (events ``idea-<id>-votes``,
``idea-<id>-comments``, ``idea-<id>-status`` and ``comment-<comment id>``); the board follows the
board topics (``card-<id>``: a card changed; ``ideas-new``: a new idea). Events name only ids, and
pages refetch through ``visible_clause``; but even an id, with its timing, says that an idea
exists and is active, so the board's events travel by audience: ideas every member may see on
``ideas``, ideas of a region kept to its members on ``ideas:<region id>`` (that region's members
and moderators) and ``ideas:all`` (national moderators). A member's stream never names an
idea hidden from them.

**Similar ideas.** A title is cut into terms: its words of three letters or more, without
common words, each cut to its first five letters (so "speaker", "speakers" and "speaking"
meet, and a half-typed word matches as soon as it has five letters). Terms are stored per idea
(``IdeaTitleTerm``); the ideas sharing the most terms come first, then the most supported.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from forum.extensions import db
from forum.models import (
    CHOOSABLE_STATUSES,
    Forum,
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaStatusChange,
    IdeaTag,
    IdeaTitleTerm,
    IdeaVote,
    Member,
    Region,
    utcnow,
)
from forum.models.idea import idea_tag_links
from forum.services import forums, live, posting, scope
from forum.services.errors import Conflict, NotFound, ValidationFailed

TITLE_MIN, TITLE_MAX = 5, 120
DESCRIPTION_MAX = 10_000
BOARD_PER_PAGE = 20
SIMILAR_LIMIT = 5
TRENDING_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
TRENDING_HALF_LIFE = timedelta(days=14)
NATIONAL = "national"


class DuplicatePost(Conflict):
    """The same member sent the same text moments ago; ``existing_id`` is what they sent."""

    def __init__(self, message: str, existing_id: int):
        self.existing_id = existing_id
        super().__init__(message)


# --- who sees what ----------------------------------------------------------------------------


def _hidden_regions(member: Member) -> sa.Select:
    """Ids of the restricted regions whose ideas ``member`` does not see (all but their own and,
    for a regional moderator, theirs to moderate; none for national moderators)."""
    hidden = forums.restricted_regions()
    regions = member.regions_seen
    if regions is None:
        return hidden.where(sa.false())
    if regions:
        hidden = hidden.where(Forum.region_id.not_in(sorted(regions)))
    return hidden


def visible_clause(member: Member) -> sa.ColumnElement[bool]:
    """SQL condition: the ideas ``member`` may see (ideas of another restricted region are not;
    hidden ones only for their author and the moderators of their region)."""
    shown = scope.shown_clause(member, Idea, Idea.region_id)
    if member.regions_seen is None:
        return shown
    region = sa.or_(Idea.region_id.is_(None), Idea.region_id.not_in(_hidden_regions(member)))
    return sa.and_(region, shown)


def hidden_idea(member: Member, idea_id: int) -> Idea | None:
    """An idea hidden by a moderator that ``member`` could otherwise see (to say so in its
    place), or None."""
    region = sa.or_(Idea.region_id.is_(None), Idea.region_id.not_in(_hidden_regions(member)))
    return db.session.scalar(
        sa.select(Idea).where(Idea.id == idea_id, Idea.hidden_at.is_not(None), region)
    )


def visible_idea(member: Member, idea_id: int, *, details: bool = True) -> Idea:
    """The idea (with its author, region and tags unless ``details`` is false); NotFound if
    it is missing or not for ``member``."""
    stmt = sa.select(Idea).where(Idea.id == idea_id, visible_clause(member))
    idea = db.session.scalar(with_card_details(stmt) if details else stmt)
    if idea is None:
        raise NotFound("That idea does not exist, or is not shared with you.")
    return idea


def region_visible(member: Member, region_id: int) -> bool:
    """Whether ``member`` may see the ideas of this region."""
    if member.regions_seen is None:
        return True
    hidden = _hidden_regions(member).where(Forum.region_id == region_id)
    return not db.session.scalar(sa.select(hidden.exists()))


def lock_idea(member: Member, idea_id: int, *, exclusive: bool = False) -> Idea:
    """The idea, locked until the transaction ends, so that votes, comments, status changes
    and merges of one idea happen one after another (PostgreSQL; SQLite writes one at a time).

    ``exclusive`` (merging) also holds back new votes until the transaction ends.
    """
    idea = db.session.scalar(
        sa.select(Idea)
        .where(Idea.id == idea_id, visible_clause(member))
        .with_for_update(key_share=not exclusive, of=Idea)
        .execution_options(populate_existing=True)
    )
    if idea is None:
        raise NotFound("That idea does not exist, or is not shared with you.")
    return idea


# --- live updates ---------------------------------------------------------------------------

BOARD = "ideas"
MODERATORS_BOARD = "all"


def board_topics(member: Member) -> list[str]:
    """The topics a member's board follows (no query): what every member may see, and the
    ideas of the regions they see (kept to their members or not); national moderators
    follow every idea."""
    regions = member.regions_seen
    if regions is None:
        return [BOARD, f"{BOARD}:{MODERATORS_BOARD}"]
    return [BOARD] + [f"{BOARD}:{region_id}" for region_id in sorted(regions)]


def _may_hear_board(member: Member, key: str | None) -> bool:
    if key is None:
        return True
    if key == MODERATORS_BOARD:
        return member.regions_seen is None
    return key.isdigit() and region_visible(member, int(key))


def _may_hear_idea(member: Member, key: str | None) -> bool:
    if not (key and key.isdigit()):
        return False
    try:
        visible_idea(member, int(key), details=False)
    except NotFound:
        return False
    return True


live.register_topic(BOARD, _may_hear_board)
live.register_topic("idea", _may_hear_idea)


def _audience(region_id: int | None) -> list[str]:
    """The board topics an idea's events travel on: everyone's, or only its region's and the
    moderators' when that region keeps its content to its members."""
    if region_id is None:
        return [BOARD]
    kept = forums.restricted_regions().where(Forum.region_id == region_id)
    if db.session.scalar(sa.select(kept.exists())):
        return [f"{BOARD}:{region_id}", f"{BOARD}:{MODERATORS_BOARD}"]
    return [BOARD]


def announce(idea: Idea, *changes: str, card: bool = False, new: bool = False) -> None:
    """Tell open pages about a change to ``idea`` once the transaction commits.

    ``changes`` name what changed on its page (``votes``, ``comments``, ``status``: events
    ``idea-<id>-<change>`` on ``idea:<id>``); ``card`` says its card on the board changed
    (``card-<id>``), ``new`` that it is new (``ideas-new``), both on the board topics of its
    audience. Call before committing.
    """
    for change in changes:
        live.publish_after_commit(f"idea:{idea.id}", f"idea-{idea.id}-{change}")
    if card or new:
        for topic in _audience(idea.region_id):
            if card:
                live.publish_after_commit(topic, f"card-{idea.id}")
            if new:
                live.publish_after_commit(topic, "ideas-new")


# --- counters and trending --------------------------------------------------------------------


def freshness(created_at: datetime) -> float:
    """Half-lives from the trending epoch to ``created_at``: the age part of the score."""
    return (created_at - TRENDING_EPOCH) / TRENDING_HALF_LIFE


def trending_score(votes: int, comments: int, created_at: datetime) -> float:
    return math.log2(1 + votes + comments / 2) + freshness(created_at)


def trending_sql(votes, comments) -> sa.ColumnElement[float]:
    """The trending score as SQL, from SQL expressions for the (new) counts."""
    support = sa.cast(votes, sa.Float) + sa.cast(comments, sa.Float) / 2 + 1
    return sa.func.ln(support) / math.log(2) + Idea.freshness


def counters_changed(idea_id: int, *, votes: int = 0, comments: int = 0) -> None:
    """Add to the stored counts, and refresh the trending score, in one UPDATE statement."""
    new_votes = Idea.vote_count + votes
    new_comments = Idea.comment_count + comments
    db.session.execute(
        sa.update(Idea)
        .where(Idea.id == idea_id)
        .values(
            vote_count=new_votes,
            comment_count=new_comments,
            trending_score=trending_sql(new_votes, new_comments),
        )
        .execution_options(synchronize_session=False)
    )


def recount(idea_ids: Iterable[int] | None = None) -> None:
    """Set the stored counts (and trending scores) from the rows they count. Does not commit.

    Used after merging, for demo data, and to repair counts by hand.
    """
    votes = (
        sa.select(sa.func.count())
        .select_from(IdeaVote)
        .where(IdeaVote.idea_id == Idea.id)
        .scalar_subquery()
    )
    comments = (
        sa.select(sa.func.count())
        .select_from(IdeaComment)
        .where(IdeaComment.idea_id == Idea.id, IdeaComment.deleted_at.is_(None))
        .scalar_subquery()
    )
    stmt = sa.update(Idea).values(
        vote_count=votes, comment_count=comments, trending_score=trending_sql(votes, comments)
    )
    if idea_ids is not None:
        stmt = stmt.where(Idea.id.in_(list(idea_ids)))
    db.session.execute(stmt.execution_options(synchronize_session=False))


# --- the board --------------------------------------------------------------------------------

SORTS = {
    "trending": ("Trending", (Idea.trending_score.desc(), Idea.id.desc())),
    "top": ("Most votes", (Idea.vote_count.desc(), Idea.id.desc())),
    "newest": ("Newest", (Idea.created_at.desc(), Idea.id.desc())),
    "discussed": ("Most discussed", (Idea.comment_count.desc(), Idea.id.desc())),
}
DEFAULT_SORT = "trending"


@dataclass(frozen=True)
class BoardView:
    """The sort and filters of the board, as read from the URL (unknown values: defaults)."""

    sort: str = DEFAULT_SORT
    status: IdeaStatus | None = None
    region: str = ""  # "", NATIONAL or a region's slug
    region_id: int | None = None
    tag: str = ""
    tag_id: int | None = None
    page: int = 1

    @classmethod
    def from_args(
        cls, args: Mapping[str, str], regions: list[Region], tags: list[IdeaTag]
    ) -> BoardView:
        sort = args.get("sort", "")
        status = args.get("status", "")
        region = args.get("region", "")
        region_ids = {r.slug: r.id for r in regions}
        tag_ids = {t.slug: t.id for t in tags}
        page = args.get("page", "")
        return cls(
            sort=sort if sort in SORTS else DEFAULT_SORT,
            status=IdeaStatus(status) if status in _BOARD_STATUSES else None,
            region=region if region == NATIONAL or region in region_ids else "",
            region_id=region_ids.get(region),
            tag=args.get("tag", "") if args.get("tag", "") in tag_ids else "",
            tag_id=tag_ids.get(args.get("tag", "")),
            page=int(page) if re.fullmatch(r"[1-9][0-9]{0,4}", page) else 1,
        )

    def args(self, **changes) -> dict[str, str | int]:
        """Query parameters for a link to this view (with ``changes``), defaults left out."""
        view = replace(self, **changes)
        values = {
            "sort": view.sort if view.sort != DEFAULT_SORT else "",
            "status": view.status.value if view.status else "",
            "region": view.region,
            "tag": view.tag,
            "page": view.page if view.page != 1 else "",
        }
        return {k: v for k, v in values.items() if v}

    @property
    def filtered(self) -> bool:
        return bool(self.status or self.region or self.tag)

    @property
    def sort_labels(self) -> dict[str, str]:
        return {key: label for key, (label, _order) in SORTS.items()}

    @property
    def statuses(self) -> tuple[IdeaStatus, ...]:
        return CHOOSABLE_STATUSES


_BOARD_STATUSES = {s.value for s in IdeaStatus if s != IdeaStatus.MERGED}


def board_query(member: Member, view: BoardView) -> sa.Select:
    """Ideas on the board for ``member``, filtered and sorted as ``view`` says."""
    stmt = sa.select(Idea).where(Idea.status != IdeaStatus.MERGED, visible_clause(member))
    if view.status:
        stmt = stmt.where(Idea.status == view.status)
    if view.region == NATIONAL:
        stmt = stmt.where(Idea.region_id.is_(None))
    elif view.region_id:
        stmt = stmt.where(Idea.region_id == view.region_id)
    if view.tag_id:
        tagged = sa.select(idea_tag_links.c.idea_id).where(idea_tag_links.c.tag_id == view.tag_id)
        stmt = stmt.where(Idea.id.in_(tagged))
    return stmt.order_by(*SORTS[view.sort][1])


def with_card_details(stmt: sa.Select) -> sa.Select:
    """Load what an idea's card shows (author, region, tags) in a fixed number of queries."""
    return stmt.options(
        so.joinedload(Idea.author), so.joinedload(Idea.region), so.selectinload(Idea.tags)
    )


def board(member: Member, view: BoardView) -> Pagination:
    return db.paginate(
        with_card_details(board_query(member, view)),
        page=view.page,
        per_page=BOARD_PER_PAGE,
        error_out=False,
    )


NEW_OVERLAP = timedelta(seconds=10)


def new_since(member: Member, view: BoardView, since: datetime) -> list[Idea]:
    """Live: ideas on ``member``'s board as ``view`` filters it, suggested since ``since`` (the
    moment the page was built), newest first, at most a page of them. A few seconds more are
    included, since an idea is stamped before it is saved; the page drops those it has."""
    stmt = board_query(member, replace(view, sort="newest")).where(
        Idea.created_at >= since - NEW_OVERLAP
    )
    return list(db.session.scalars(with_card_details(stmt).limit(BOARD_PER_PAGE)).unique())


def cards(member: Member, idea_ids: list[int]) -> dict[int, Idea]:
    """Live: these ideas as their cards show them, those ``member`` may see, by id."""
    if not idea_ids:
        return {}
    stmt = sa.select(Idea).where(Idea.id.in_(idea_ids), visible_clause(member))
    return {idea.id: idea for idea in db.session.scalars(with_card_details(stmt)).unique()}


def submitted_by(member: Member, page: int = 1) -> Pagination:
    """Ideas ``member`` suggested, newest first (merged ones too, to show where they went)."""
    stmt = (
        sa.select(Idea)
        .where(Idea.author_id == member.id, visible_clause(member))
        .order_by(Idea.created_at.desc(), Idea.id.desc())
    )
    return db.paginate(with_card_details(stmt), page=page, per_page=BOARD_PER_PAGE, error_out=False)


def voted_by(member: Member, page: int = 1) -> Pagination:
    """Ideas ``member`` voted for, most recent vote first."""
    stmt = (
        sa.select(Idea)
        .join(IdeaVote, IdeaVote.idea_id == Idea.id)
        .where(IdeaVote.member_id == member.id, visible_clause(member))
        .order_by(IdeaVote.created_at.desc(), Idea.id.desc())
    )
    return db.paginate(with_card_details(stmt), page=page, per_page=BOARD_PER_PAGE, error_out=False)


def tags() -> list[IdeaTag]:
    return list(db.session.scalars(sa.select(IdeaTag).order_by(IdeaTag.name)))


def history(idea_id: int) -> list[IdeaStatusChange]:
    """Every status change of the idea, oldest first, with who made it."""
    return list(
        db.session.scalars(
            sa.select(IdeaStatusChange)
            .where(IdeaStatusChange.idea_id == idea_id)
            .options(so.joinedload(IdeaStatusChange.changed_by))
            .order_by(IdeaStatusChange.id)
        )
    )


def merged_here(member: Member, idea_id: int) -> list[Idea]:
    """Ideas that were merged into this one."""
    return list(
        db.session.scalars(
            sa.select(Idea)
            .where(Idea.merged_into_id == idea_id, visible_clause(member))
            .options(so.joinedload(Idea.author))
            .order_by(Idea.id)
        )
    )


# --- submitting -------------------------------------------------------------------------------


def clean_title(title: str | None) -> str:
    """The title on one line, 5 to 120 characters; ValidationFailed otherwise."""
    title = " ".join((title or "").replace("\x00", "").split())
    if not title:
        raise ValidationFailed({"title": "Give your idea a title."})
    if len(title) < TITLE_MIN:
        raise ValidationFailed({"title": f"Use at least {TITLE_MIN} characters for the title."})
    if len(title) > TITLE_MAX:
        raise ValidationFailed(
            {"title": f"Keep the title to {TITLE_MAX} characters or fewer (it has {len(title)})."}
        )
    return title


def _choosable_region(member: Member, region_id: int | None) -> int | None:
    if region_id is None:
        return None
    region = db.session.get(Region, region_id)
    hidden = region is not None and not region_visible(member, region.id)
    if region is None or region.is_archived or hidden:
        raise ValidationFailed({"region_id": "Choose a region from the list, or national."})
    return region.id


def _known_tags(tag_ids: Iterable[int]) -> list[IdeaTag]:
    wanted = set(tag_ids)
    found = list(db.session.scalars(sa.select(IdeaTag).where(IdeaTag.id.in_(wanted))))
    if len(found) != len(wanted):
        raise ValidationFailed({"tag_ids": "Choose tags from the list."})
    return found


def _checked(member: Member, title, description, region_id, tag_ids) -> tuple:
    """Every field checked, and every problem reported at once."""
    errors: dict[str, list[str]] = {}
    results = []
    for check in (
        lambda: clean_title(title),
        lambda: posting.clean_body(description, field="description", max_length=DESCRIPTION_MAX),
        lambda: _choosable_region(member, region_id),
        lambda: _known_tags(tag_ids),
    ):
        try:
            results.append(check())
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
            results.append(None)
    if errors:
        raise ValidationFailed(errors)
    return tuple(results)


def _recent_duplicate(model, member: Member, digest: str):
    return db.session.scalar(
        sa.select(model.id).where(
            model.author_id == member.id,
            model.fingerprint == digest,
            model.created_at > utcnow() - posting.DUPLICATE_WINDOW,
        )
    )


def submit(
    member: Member,
    *,
    title: str,
    description: str,
    region_id: int | None = None,
    tag_ids: Iterable[int] = (),
) -> tuple[Idea, bool]:
    """Save a new idea with the author's vote; returns it and whether the vote was given
    (not when the author has no votes left under a vote budget).

    Raises ValidationFailed (every field at once), RateLimited, or DuplicatePost when the same
    member sent the same idea within ``posting.DUPLICATE_WINDOW``.
    """
    from forum.services import voting

    title, description, region_id, found_tags = _checked(
        member, title, description, region_id, tag_ids
    )
    digest = posting.fingerprint(f"{title}\n{description}")
    if existing := _recent_duplicate(Idea, member, digest):
        raise DuplicatePost("You sent this idea a moment ago; here it is.", existing)
    posting.check_rate(member)
    now = utcnow()
    idea = Idea(
        title=title,
        author_id=member.id,
        region_id=region_id,
        fingerprint=digest,
        created_at=now,
        freshness=freshness(now),
        trending_score=trending_score(0, 0, now),
        tags=found_tags,
    )
    idea.set_body(description)
    db.session.add(idea)
    db.session.flush()
    index_title(idea)
    voted = voting.first_vote(member, idea.id)
    announce(idea, new=True)
    db.session.commit()
    posting.record_post(member)
    return idea, voted


# --- similar ideas ----------------------------------------------------------------------------

# Common words, and words nearly every idea here uses ("peer support workers"), match nothing.
STOP_WORDS = frozenset(
    """about after again all also and any are because been being but can could did does each
    for from get going had has have her his how idea ideas into its just let like make more
    most much need network not our out over people peer peers please really should some such
    support supporter supporters than that the their them then there these they this those too
    use very want was way were what when where which who why will with work worker workers
    would you your""".split()  # noqa: SIM905
)
TERM_LENGTH = 5


def title_terms(title: str) -> set[str]:
    """The significant words of a title, each cut to its first five letters."""
    text = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text)
    return {w[:TERM_LENGTH] for w in words if len(w) >= 3 and w not in STOP_WORDS}


def index_title(idea: Idea) -> None:
    """Store the terms of the idea's title (the idea must have an id)."""
    db.session.execute(sa.delete(IdeaTitleTerm).where(IdeaTitleTerm.idea_id == idea.id))
    for term in sorted(title_terms(idea.title)):
        db.session.add(IdeaTitleTerm(term=term, idea_id=idea.id))


def similar(member: Member, title: str, *, exclude_id: int | None = None) -> list[sa.Row]:
    """Up to five ideas whose titles share the most terms with ``title`` (merged ones left out),
    the most supported first among equals."""
    terms = title_terms(title)
    if not terms:
        return []
    hits = sa.func.count(IdeaTitleTerm.term)
    stmt = (
        sa.select(Idea.id, Idea.title, Idea.vote_count, Idea.status)
        .join(IdeaTitleTerm, IdeaTitleTerm.idea_id == Idea.id)
        .where(
            IdeaTitleTerm.term.in_(sorted(terms)),
            Idea.status != IdeaStatus.MERGED,
            Idea.hidden_at.is_(None),
            visible_clause(member),
        )
        .group_by(Idea.id, Idea.title, Idea.vote_count, Idea.status)
        .order_by(hits.desc(), Idea.vote_count.desc(), Idea.id.desc())
        .limit(SIMILAR_LIMIT)
    )
    if exclude_id is not None:
        stmt = stmt.where(Idea.id != exclude_id)
    return list(db.session.execute(stmt))
