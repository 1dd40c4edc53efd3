"""Who moderates what, as one rule for Python and for SQL.

Administrators and national moderators (moderators given no region) moderate everything. A
regional moderator moderates their regions' forums, ideas and comments, the applications and
members of those regions, and nothing national. Members moderate nothing. The rule is
``Member.moderates(region_id)``; ``moderated_clause`` is the same rule for a query, and every
moderation service calls ``require`` before it changes anything.
"""

from __future__ import annotations

import sqlalchemy as sa

from forum.models import Member
from forum.services.errors import OutOfScope


def require(member: Member, region_id: int | None) -> None:
    """Raise OutOfScope (a NotFound) unless ``member`` moderates ``region_id``."""
    if not member.moderates(region_id):
        raise OutOfScope()


def moderated_clause(member: Member, region_column) -> sa.ColumnElement[bool]:
    """SQL: the rows whose region (``region_column``) ``member`` moderates."""
    scope = member.moderation_scope
    if scope is None:
        return sa.true()
    if not scope:
        return sa.false()
    return region_column.in_(sorted(scope))


def shown_clause(member: Member, model, region_column) -> sa.ColumnElement[bool]:
    """SQL: rows of a ``Hideable`` model that ``member`` may read: not hidden, their own, or
    in the regions they moderate."""
    return sa.or_(
        model.hidden_at.is_(None),
        model.author_id == member.id,
        moderated_clause(member, region_column),
    )


def sees_hidden(member: Member, author_id: int | None, region_id: int | None) -> bool:
    """Whether ``member`` may read something hidden: its author, or a moderator of its region."""
    return author_id == member.id or member.moderates(region_id)
