"""The kinds of notification, each registered by the area it belongs to (``forum/__init__.py``,
``register_notifications``), with the rule that says which of its rows a member may still see.

The rule is a SQL clause over ``Notification``, applied whenever notifications are counted or
listed: something hidden, removed or moved out of the member's reach since it was written is
no longer shown, without anyone having to go back and delete it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from forum.models import Member, Notification


@dataclass
class Group:
    """Notifications of one kind about one thing, shown as one line ("3 new replies in …")."""

    kind: Kind
    items: list[Notification] = field(default_factory=list)

    @property
    def first(self) -> Notification:
        return self.items[-1]  # items run newest first

    @property
    def latest(self) -> Notification:
        return self.items[0]

    @property
    def unread(self) -> bool:
        return any(n.read_at is None for n in self.items)

    @property
    def ids(self) -> list[int]:
        return [n.id for n in self.items]


@dataclass(frozen=True)
class Kind:
    """``name`` as stored; ``label`` as *Account → Notifications* lists it; ``shown(member)``
    the rows of this kind ``member`` may still see; ``about`` the column it groups by;
    ``describe(group)`` the line and the link the page shows for a group; ``by_email``
    whether members who asked for mail right away get one (things addressed to them);
    ``offered(member)`` whether *Account → Notifications* offers it to ``member`` at all;
    ``own_email`` the label of the kind's own email switch, for a kind its area mails right
    away whatever the member's email choice (on unless switched off: ``email_setting``)."""

    name: str
    label: str
    shown: Callable[[Member], sa.ColumnElement[bool]]
    describe: Callable[[Group], tuple[str, str]]
    about: str = "thread_id"
    by_email: bool = False  # mailed right away to members who chose that (``mailing``)
    offered: Callable[[Member], bool] = lambda _member: True
    own_email: str = ""

    @property
    def email_setting(self) -> str:
        """The ``NotificationSetting.kind`` that, switched off, stops this kind's own mail."""
        return f"{self.name}.email"


_KINDS: dict[str, Kind] = {}
_changes = [0]  # how many times a kind was registered: statements kept per kind of member
# (``scope.ByShape``) include it in their key, so a kind registered again is never missed


def register(kind: Kind) -> None:
    """Declare a kind (registering again replaces it, so every app a process builds may)."""
    _KINDS[kind.name] = kind
    _changes[0] += 1


def generation() -> int:
    """Changes whenever the kinds do (a key for statements built from ``shown_clause``)."""
    return _changes[0]


def get(name: str) -> Kind | None:
    return _KINDS.get(name)


def every() -> list[Kind]:
    return list(_KINDS.values())


def offered_to(member: Member) -> list[Kind]:
    """The kinds *Account → Notifications* offers ``member``."""
    return [k for k in _KINDS.values() if k.offered(member)]


def shown_clause(member: Member) -> sa.ColumnElement[bool]:
    """The notifications ``member`` may see now: their own, of a known kind, its rule agreeing."""
    rules = [sa.and_(Notification.kind == k.name, k.shown(member)) for k in _KINDS.values()]
    return sa.and_(Notification.member_id == member.id, sa.or_(sa.false(), *rules))
