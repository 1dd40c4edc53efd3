"""Who sees which idea, its live topics, and its counters (votes, comments, trending score).

**Visibility.** Every query about ideas goes through ``visible_clause(member)``: an idea is
national, or belongs to a region; ideas of a region whose forum is for that region's members
only (``visibility.restricted_regions()``, the forums' own rule) are seen only by that region's
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
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import (
    Forum,
    Idea,
    IdeaComment,
    IdeaVote,
    Member,
)
from forum.numbers import whole_or_none
from forum.services import scope
from forum.services.errors import NotFound
from forum.services.forums import visibility
from forum.services.live import events, topics

TRENDING_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


TRENDING_HALF_LIFE = timedelta(days=14)


def _hidden_regions(member: Member) -> sa.Select:
    """Ids of the restricted regions whose ideas ``member`` does not see (all but their own and,
    for a regional moderator, theirs to moderate; none for national moderators)."""
    hidden = visibility.restricted_regions()
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


def board_topics(member: Member) -> list[str]:
    """The topics a member's board follows (no query): what every member may see, and the
    ideas of the regions they see (kept to their members or not); national moderators
    follow every idea."""
    regions = member.regions_seen
    if regions is None:
        return [topics.board(), topics.board(topics.MODERATORS_BOARD)]
    return [topics.board()] + [topics.board(region_id) for region_id in sorted(regions)]


def may_hear_board(member: Member, key: str | None) -> bool:
    if key is None:
        return True
    if key == topics.MODERATORS_BOARD:
        return member.regions_seen is None
    region_id = whole_or_none(key)
    return region_id is not None and region_visible(member, region_id)


def may_hear_idea(member: Member, key: str | None) -> bool:
    idea_id = whole_or_none(key)
    if idea_id is None:
        return False
    try:
        visible_idea(member, idea_id, details=False)
    except NotFound:
        return False
    return True


def _audience(region_id: int | None) -> list[str]:
    """The board topics an idea's events travel on: everyone's, or only its region's and the
    moderators' when that region keeps its content to its members."""
    if region_id is None:
        return [topics.board()]
    kept = visibility.restricted_regions().where(Forum.region_id == region_id)
    if db.session.scalar(sa.select(kept.exists())):
        return [topics.board(region_id), topics.board(topics.MODERATORS_BOARD)]
    return [topics.board()]


def announce(idea: Idea, *changes: str, card: bool = False, new: bool = False) -> None:
    """Tell open pages about a change to ``idea`` once the transaction commits.

    ``changes`` name what changed on its page (``votes``, ``comments``, ``status``: events
    ``idea-<id>-<change>`` on ``idea:<id>``); ``card`` says its card on the board changed
    (``card-<id>``), ``new`` that it is new (``ideas-new``), both on the board topics of its
    audience. Call before committing.
    """
    for change in changes:
        events.publish_after_commit(topics.idea(idea.id), topics.idea_event(idea.id, change))
    if card or new:
        for topic in _audience(idea.region_id):
            if card:
                events.publish_after_commit(topic, topics.card_event(idea.id))
            if new:
                events.publish_after_commit(topic, topics.NEW_IDEA)


def freshness(created_at: datetime) -> float:
    """Half-lives from the trending epoch to ``created_at``: the age part of the score."""
    return (created_at - TRENDING_EPOCH) / TRENDING_HALF_LIFE


def trending_score(votes: int, comments: int, created_at: datetime) -> float:
    return math.log2(1 + votes + comments / 2) + freshness(created_at)


def trending_sql(votes, comments) -> sa.ColumnElement[Any]:
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


def with_card_details(stmt: sa.Select) -> sa.Select:
    """Load what an idea's card shows (author, region, tags) in a fixed number of queries."""
    return stmt.options(
        so.joinedload(Idea.author), so.joinedload(Idea.region), so.selectinload(Idea.tags)
    )
