"""The ideas board, submitting an idea, and similar ideas (who sees which idea, its live
topics and its counters are in ``access``).

**Similar ideas.** A title is cut into terms: its words of three letters or more, without
common words, each cut to its first five letters (so "speaker", "speakers" and "speaking"
meet, and a half-typed word matches as soon as it has five letters). Terms are stored per idea
(``IdeaTitleTerm``); the ideas sharing the most terms come first, then the most supported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from forum.extensions import db
from forum.models import (
    CHOOSABLE_STATUSES,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
    IdeaTag,
    IdeaTitleTerm,
    IdeaVote,
    Member,
    Region,
    TargetKind,
    utcnow,
)
from forum.models.idea import idea_tag_links
from forum.services import posting
from forum.services.errors import ValidationFailed
from forum.services.ideas import access, voting
from forum.services.safety import watched_words
from forum.services.search_index import documents as search_index

TITLE_MIN, TITLE_MAX = 5, 120
DESCRIPTION_MAX = 10_000
BOARD_PER_PAGE = 20
SIMILAR_LIMIT = 5
NATIONAL = "national"


# --- the board --------------------------------------------------------------------------------

SORTS: dict[str, tuple[str, tuple[sa.UnaryExpression, ...]]] = {
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
    stmt = sa.select(Idea).where(Idea.status != IdeaStatus.MERGED, access.visible_clause(member))
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


def board(member: Member, view: BoardView) -> Pagination:
    return db.paginate(
        access.with_card_details(board_query(member, view)),
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
    return list(db.session.scalars(access.with_card_details(stmt).limit(BOARD_PER_PAGE)).unique())


def cards(member: Member, idea_ids: list[int]) -> dict[int, Idea]:
    """Live: these ideas as their cards show them, those ``member`` may see, by id."""
    if not idea_ids:
        return {}
    stmt = sa.select(Idea).where(Idea.id.in_(idea_ids), access.visible_clause(member))
    return {idea.id: idea for idea in db.session.scalars(access.with_card_details(stmt)).unique()}


def submitted_by(member: Member, page: int = 1) -> Pagination:
    """Ideas ``member`` suggested, newest first (merged ones too, to show where they went)."""
    stmt = (
        sa.select(Idea)
        .where(Idea.author_id == member.id, access.visible_clause(member))
        .order_by(Idea.created_at.desc(), Idea.id.desc())
    )
    return db.paginate(
        access.with_card_details(stmt), page=page, per_page=BOARD_PER_PAGE, error_out=False
    )


def voted_by(member: Member, page: int = 1) -> Pagination:
    """Ideas ``member`` voted for, most recent vote first."""
    stmt = (
        sa.select(Idea)
        .join(IdeaVote, IdeaVote.idea_id == Idea.id)
        .where(IdeaVote.member_id == member.id, access.visible_clause(member))
        .order_by(IdeaVote.created_at.desc(), Idea.id.desc())
    )
    return db.paginate(
        access.with_card_details(stmt), page=page, per_page=BOARD_PER_PAGE, error_out=False
    )


def tags() -> list[IdeaTag]:
    return list(db.session.scalars(sa.select(IdeaTag).order_by(IdeaTag.name)))


def history_and_merges(
    member: Member, idea_id: int
) -> tuple[list[IdeaStatusChange], list[IdeaStatusChange]]:
    """In one query: the idea's own status changes, and the merges of other ideas into it
    (each duplicate's change to merged, with the duplicate) that ``member`` may see; both
    oldest first, with who made them."""
    merged_in = sa.and_(
        Idea.merged_into_id == idea_id,
        IdeaStatusChange.to_status == IdeaStatus.MERGED,
        access.visible_clause(member),
    )
    changes = db.session.scalars(
        sa.select(IdeaStatusChange)
        .join(Idea, Idea.id == IdeaStatusChange.idea_id)
        .where(sa.or_(IdeaStatusChange.idea_id == idea_id, merged_in))
        .options(
            so.joinedload(IdeaStatusChange.changed_by),
            so.joinedload(IdeaStatusChange.idea).joinedload(Idea.author),
        )
        .order_by(IdeaStatusChange.id)
    ).all()
    own = [c for c in changes if c.idea_id == idea_id]
    return own, [c for c in changes if c.idea_id != idea_id]


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
    hidden = region is not None and not access.region_visible(member, region.id)
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

    Raises ValidationFailed (every field at once), RateLimited, or RepeatedPost when the same
    member sent the same idea within ``posting.DUPLICATE_WINDOW``.
    """

    idea, voted = add_idea(
        member, title=title, description=description, region_id=region_id, tag_ids=tag_ids
    )
    db.session.commit()
    posting.record_post(member)
    return idea, voted


def add_idea(
    member: Member,
    *,
    title: str,
    description: str,
    region_id: int | None = None,
    tag_ids: Iterable[int] = (),
) -> tuple[Idea, bool]:
    """``submit`` in the caller's transaction (an event's action becoming an idea): the same
    checks, no commit."""
    title, description, region_id, found_tags = _checked(
        member, title, description, region_id, tag_ids
    )
    verdict = watched_words.screen(title=title, description=description)
    digest = posting.fingerprint(f"{title}\n{description}")
    posting.refuse_repeat(
        member, Idea, digest, message="You sent this idea a moment ago; here it is."
    )
    posting.check_rate(member)
    now = utcnow()
    idea = Idea(
        title=title,
        author_id=member.id,
        region_id=region_id,
        fingerprint=digest,
        created_at=now,
        freshness=access.freshness(now),
        trending_score=access.trending_score(0, 0, now),
        tags=found_tags,
    )
    idea.set_body(description)
    db.session.add(idea)
    db.session.flush()
    index_title(idea)
    search_index.index(idea)
    # Ideas cannot wait for approval: a *hold* word flags them for the moderators.
    watched_words.after_saving(
        verdict, member, TargetKind.IDEA, idea.id, region_id, hold_as_flag=True
    )
    voted = voting.first_vote(member, idea.id)
    access.announce(idea, new=True)
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
            access.visible_clause(member),
        )
        .group_by(Idea.id, Idea.title, Idea.vote_count, Idea.status)
        .order_by(hits.desc(), Idea.vote_count.desc(), Idea.id.desc())
        .limit(SIMILAR_LIMIT)
    )
    if exclude_id is not None:
        stmt = stmt.where(Idea.id != exclude_id)
    return list(db.session.execute(stmt))
