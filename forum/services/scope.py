"""Who moderates what, as one rule for Python and for SQL.

Administrators and national moderators (moderators given no region) moderate everything. A
regional moderator moderates their regions' forums, ideas and comments, the applications and
members of those regions, and nothing national. Members moderate nothing. The rule is
``Member.moderates(region_id)``; ``moderated_clause`` is the same rule for a query, and every
moderation service calls ``require`` before it changes anything.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, cast

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


# --- statements built once per kind of member -------------------------------------------------

VIEWER_ID = "viewer_id"  # the bound parameter a ``Viewer``'s statement takes the member's id as


class Viewer:
    """What the visibility rules read of a member (role, status, the regions they moderate and
    see, their region), with their ``id`` a bound parameter (``VIEWER_ID``) instead of a value.

    A rule given a ``Viewer`` builds a clause that holds for every member of the same
    ``shape``, so a statement built from it once can be kept and run for any of them with
    ``{VIEWER_ID: member.id}``: SQLAlchemy then finds its compiled form without building the
    statement again. Anything else a rule might read of a member is not here (AttributeError),
    so a rule that came to depend on more fails loudly rather than being kept wrongly."""

    __slots__ = (
        "id",
        "is_admin",
        "is_member",
        "is_moderator",
        "moderation_scope",
        "region_id",
        "regions_seen",
        "role",
        "status",
    )

    def __init__(self, member: Member) -> None:
        self.id = sa.bindparam(VIEWER_ID, type_=sa.Integer)
        self.role, self.status, self.region_id = member.role, member.status, member.region_id
        self.is_member, self.is_moderator = member.is_member, member.is_moderator
        self.is_admin = member.is_admin
        self.moderation_scope, self.regions_seen = member.moderation_scope, member.regions_seen

    # The member's own rules, read off the same fields (one definition of each).
    is_regional_moderator = Member.is_regional_moderator
    moderates = Member.moderates


def shape(member: Member) -> tuple:
    """What a ``Viewer`` of ``member`` holds, but the id: members of one shape see the same."""
    return (member.role, member.status, member.region_id, member.moderation_scope)


def viewer(member: Member) -> Member:
    """``member`` as a ``Viewer``, typed as the ``Member`` the rules take."""
    return cast(Member, Viewer(member))


T = TypeVar("T")


class Kept(Generic[T]):
    """Things (statements) built once per key and kept in this process: ``kept.get(key,
    build)`` calls ``build()`` the first time and hands back the same object after. At most
    ``size`` are kept (then it starts again), so unusual keys cannot make it grow without end."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._kept: dict[Hashable, T] = {}

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        found = self._kept.get(key)
        if found is None:
            if len(self._kept) >= self._size:
                self._kept.clear()
            found = self._kept[key] = build()
        return found


class ByShape(Generic[T]):
    """Things built once per ``shape`` of member (and any further key) from a ``Viewer`` and
    kept (``Kept``): ``statements(member, *more)`` builds ``build(viewer)`` the first time
    and hands back the same object after, for every member of that shape."""

    def __init__(self, build: Callable[[Member], T], size: int = 256) -> None:
        self._build = build
        self._kept: Kept[T] = Kept(size)

    def __call__(self, member: Member, *more: Hashable) -> T:
        return self._kept.get((shape(member), *more), lambda: self._build(viewer(member)))
