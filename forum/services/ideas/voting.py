"""Votes on ideas. All voting goes through ``set_vote``, which is idempotent.

- One vote per member per idea is the primary key of ``idea_votes``. Voting is an
  ``INSERT ... ON CONFLICT DO NOTHING`` and taking a vote back a ``DELETE``; the idea's
  ``vote_count`` moves by one (in a single UPDATE, with the trending score) only when a row was
  really added or removed, in the same transaction. Repeated or simultaneous requests therefore
  leave one vote, and the count always equals the rows.
- The request says which state the member wants (vote or no vote), not "toggle", so sending it
  twice changes nothing.
- Votes are open until an idea is done, declined or merged; then they are kept as they are.
- The vote budget (off by default): administrators may give each member N active votes, that
  is, votes on ideas still open for votes. A vote beyond it is refused with a clear message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from forum.extensions import db
from forum.models import CLOSED_STATUSES, Idea, IdeaVote, Member, utcnow
from forum.services import audit, database, site_settings
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from forum.services.ideas import access

BUDGET_MAX = 1000


class VotingClosed(NotAllowed):
    """The idea is done, declined or merged: its votes no longer change."""


class BudgetSpent(NotAllowed):
    """The member has used every vote the budget gives them."""


@dataclass(frozen=True)
class VoteOutcome:
    idea: Idea
    voted: bool  # the member's vote is on the idea now
    changed: bool  # this request added or took back the vote


def set_vote(member: Member, idea_id: int, wanted: bool) -> VoteOutcome:
    """Make ``member``'s vote on the idea be there (``wanted``) or not, and commit.

    Raises NotFound (no such idea for this member), VotingClosed, or BudgetSpent.
    """
    idea = access.lock_idea(member, idea_id)
    if not idea.takes_votes:
        raise VotingClosed(_closed_message(idea))
    if wanted:
        _check_budget(member, idea_id)
        changed = _add_vote(member.id, idea_id)
    else:
        changed = _take_back_vote(member.id, idea_id)
    if changed:
        access.counters_changed(idea_id, votes=1 if wanted else -1)
        access.announce(idea, "votes", card=True)
    db.session.commit()
    return VoteOutcome(idea=idea, voted=wanted, changed=changed)


def first_vote(member: Member, idea_id: int) -> bool:
    """The author's vote on their new idea, unless their budget is spent. Does not commit."""
    try:
        _check_budget(member, idea_id)
    except BudgetSpent:
        return False
    if _add_vote(member.id, idea_id):
        access.counters_changed(idea_id, votes=1)
    return True


def _closed_message(idea: Idea) -> str:
    if idea.merged_into_id:
        return "This idea was merged into another one: its votes moved there."
    return f"This idea is {idea.status.label.lower()}, so its votes are closed."


def _add_vote(member_id: int, idea_id: int) -> bool:
    stmt = (
        database.insert_for(IdeaVote)
        .values(idea_id=idea_id, member_id=member_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["idea_id", "member_id"])
        .returning(IdeaVote.idea_id)
    )
    return db.session.execute(stmt).first() is not None


def _take_back_vote(member_id: int, idea_id: int) -> bool:
    stmt = (
        sa.delete(IdeaVote)
        .where(IdeaVote.idea_id == idea_id, IdeaVote.member_id == member_id)
        .returning(IdeaVote.idea_id)
    )
    return db.session.execute(stmt).first() is not None


# --- who voted for what -----------------------------------------------------------------------


def voted_ids(member: Member, idea_ids: Iterable[int]) -> set[int]:
    """Which of these ideas ``member`` voted for: one query for a whole page."""
    idea_ids = sorted(set(idea_ids))
    if not idea_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(IdeaVote.idea_id).where(
                IdeaVote.member_id == member.id, IdeaVote.idea_id.in_(idea_ids)
            )
        )
    )


# --- the vote budget --------------------------------------------------------------------------


def budget() -> int | None:
    """Active votes each member has, or None when there is no limit (the default)."""
    settings = site_settings.settings()
    return settings.idea_vote_budget if settings else None


def set_budget(value: int | None, actor: Member | None = None) -> None:
    """Administrators: give each member ``value`` active votes, or no limit (None)."""
    if value is not None and not 1 <= value <= BUDGET_MAX:
        raise ValidationFailed(
            {"budget": f"Choose a number from 1 to {BUDGET_MAX}, or leave it empty for no limit."}
        )
    settings = site_settings.settings()
    if settings is None:
        raise NotFound("The network has not been set up yet.")
    audit.record(
        actor,
        "vote_budget.set",
        "settings",
        settings.id,
        summary="the ideas clinic's vote budget",
        before={"budget": settings.idea_vote_budget},
        after={"budget": value},
    )
    settings.idea_vote_budget = value
    db.session.commit()


def active_votes(member: Member, *, except_idea: int | None = None) -> int:
    """Votes of ``member`` on ideas that still take votes (and that they can see)."""
    stmt = (
        sa.select(sa.func.count())
        .select_from(IdeaVote)
        .join(Idea, Idea.id == IdeaVote.idea_id)
        .where(
            IdeaVote.member_id == member.id,
            Idea.status.not_in(CLOSED_STATUSES),
            access.visible_clause(member),
        )
    )
    if except_idea is not None:
        stmt = stmt.where(IdeaVote.idea_id != except_idea)
    return db.session.scalar(stmt) or 0


def votes_left(member: Member) -> int | None:
    """How many more ideas ``member`` can vote for, or None without a budget."""
    limit = budget()
    if limit is None:
        return None
    return max(0, limit - active_votes(member))


def _check_budget(member: Member, idea_id: int) -> None:
    """Raise BudgetSpent if a vote on another idea would go beyond the budget.

    The member's row is locked first, so two votes sent at once cannot both take the last one.
    """
    limit = budget()
    if limit is None:
        return
    db.session.execute(
        sa.select(Member.id).where(Member.id == member.id).with_for_update(key_share=True)
    )
    if active_votes(member, except_idea=idea_id) >= limit:
        raise BudgetSpent(
            f"You have used all {limit} of your votes. Take a vote back from another idea "
            "to vote for this one."
        )
