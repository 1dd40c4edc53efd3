"""Live updates: open pages change by themselves when something happens, without a reload.

How an update travels:

1. A service that changes something calls ``publish_after_commit(topic, event)`` before it
   commits. Nothing is sent unless that transaction commits; a rollback drops it.
2. The broker (``brokers.py``: in-process by default, Redis pub/sub when ``REDIS_URL`` is set)
   hands the event to every open stream subscribed to the topic, in this process or any other.
3. Each open page holds one stream (``streams.py``): ``GET /live?topic=...`` (server-sent
   events, read by htmx's SSE extension). A stream carries only the topics its member may
   hear: checked when it opens, again every ``LIVE_RECHECK_SECONDS``, and at once when the
   member's status or role changes or their sign-in ends (signing out, a suspension or a
   password change ends the stream).
4. Events say only *what changed*: a name such as ``moderation`` or ``post-7``, never content.
   The page's live parts answer with an ordinary htmx GET (``hx-trigger="sse:post-7"``), which
   checks access like any other request, and swap in the fresh fragment.

A stream sends ``live-heartbeat`` every ``LIVE_HEARTBEAT_SECONDS`` so that dead connections are
noticed (by the server when the write fails, by the page when heartbeats stop). A reconnecting
page sends the id of the last event it saw (``Last-Event-ID``): the stream replays what it
missed from the broker's short buffer, or sends ``live-refresh`` when it cannot, and the page
refetches every live part.

Adding a live area takes three small steps (README, "Live updates"): name its topic in
``topics.py`` and register it with the rule of who may hear it in ``forum.register_live_topics``
(the app factory), ``publish_after_commit`` in the service that changes it, and in the
template ``{% set live_topics = [...] %}`` plus ``hx-trigger="sse:<event>, live:refresh"`` on
the parts to refetch.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app

from forum.extensions import db
from forum.models import Member, SignIn
from forum.numbers import whole_or_none
from forum.services.live.brokers import (
    Broker,
    BrokerUnavailable,
    InProcessBroker,
    RedisBroker,
)

log = logging.getLogger(__name__)

TOPIC = re.compile(r"[a-z]+(?::[A-Za-z0-9_-]{1,40})?")
EVENT_NAME = re.compile(r"[a-z][a-z0-9-]{0,79}")  # usable in htmx's hx-trigger="sse:<name>"
CONTROL = "member"  # member:<id> tells that member's streams to check their access again
_PENDING = "forum.live.pending"

MaySubscribe = Callable[[Member, str | None], bool]


@dataclass(frozen=True)
class TopicKind:
    may_subscribe: MaySubscribe
    every_page: bool = False
    per_member: bool = False


_KINDS: dict[str, TopicKind] = {}


def register_topic(
    kind: str, may_subscribe: MaySubscribe, *, every_page: bool = False, per_member: bool = False
) -> None:
    """Declare a kind of topic (``thread`` for ``thread:5``) and who may hear it.

    ``may_subscribe(member, key)`` is given an active member and the part after the colon
    (``"5"``, a string; None for a topic without one) and answers whether that member may see
    what the topic is about. It runs in an app context and may query the database; it must
    answer False, not raise, for keys that do not exist. Topics of an ``every_page`` kind join
    the stream of every page of the members who may hear them (the moderators' badge); with
    ``per_member`` too, each member's own ``<kind>:<their id>`` does (the notifications bell).
    Raises ValueError for a malformed or reserved kind.
    """
    if not re.fullmatch(r"[a-z]+", kind) or kind == CONTROL:
        raise ValueError(f"{kind!r} cannot be a topic kind")
    _KINDS[kind] = TopicKind(may_subscribe, every_page, per_member)


def may_subscribe(member: Member, topic: str) -> bool:
    """Whether ``member`` may hear ``topic``: an active member, a known kind, its rule agrees."""
    kind, _, key = topic.partition(":")
    rule = _KINDS.get(kind)
    if rule is None or not member.is_member or not TOPIC.fullmatch(topic):
        return False
    return bool(rule.may_subscribe(member, key or None))


def page_topics(member: Member, topics: Iterable[str] = ()) -> list[str]:
    """What a page's stream follows: its own topics and the every-page ones ``member`` may hear.

    The page's own topics are not checked here: the view that built the page has just loaded
    what they are about through the same rule (so a page costs no extra query), and the stream
    checks every topic again when it opens. Malformed topics and unknown kinds are left out.
    """
    own = {t for t in topics if TOPIC.fullmatch(t) and t.partition(":")[0] in _KINDS}
    every = {
        f"{kind}:{member.id}" if rule.per_member else kind
        for kind, rule in _KINDS.items()
        if rule.every_page
    }
    return sorted(own | {t for t in every if may_subscribe(member, t)})


# --- publishing ------------------------------------------------------------------------------


def publish_after_commit(topic: str, event: str | None = None) -> None:
    """Announce ``event`` on ``topic`` once the current transaction commits.

    ``event`` is the name pages listen for (``hx-trigger="sse:<event>"``); by default the
    topic with ``-`` for ``:`` (``thread:5`` gives ``thread-5``). Call it in the service, before
    ``db.session.commit()``. A rollback drops it, so nothing is announced that did not happen;
    the same event twice in one transaction is sent once. If the broker cannot be reached after
    the commit, the failure is logged and the change stands (pages catch up on their next
    refresh). Raises ValueError for a malformed topic or event name.
    """
    _queue(db.session(), topic, event or topic.replace(":", "-"))


def _queue(session: sa.orm.Session, topic: str, name: str) -> None:
    if not TOPIC.fullmatch(topic) or not EVENT_NAME.fullmatch(name) or name.startswith("live-"):
        raise ValueError(f"cannot publish {name!r} on {topic!r}")
    session.info.setdefault(_PENDING, {})[(topic, name)] = broker()


def _publish_pending(session: sa.orm.Session) -> None:
    for (topic, name), target in session.info.pop(_PENDING, {}).items():
        try:
            target.publish(topic, name)
        except BrokerUnavailable as exc:
            log.error("live updates: %s on %s was not sent: %s", name, topic, exc)


def _drop_pending(session: sa.orm.Session, transaction: sa.orm.SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(_PENDING, None)


def _watch_access(session: sa.orm.Session, _flush_context, _instances) -> None:
    """A member whose status, role or session token changes, or one of whose sign-ins ends:
    their open streams check again."""
    for obj in session.dirty:
        if isinstance(obj, Member):
            state: so.InstanceState[Member] = sa.inspect(obj)
            attrs = state.attrs
            if any(attrs[a].history.has_changes() for a in ("status", "role", "session_token")):
                _queue(session, f"{CONTROL}:{obj.id}", "access")
    for obj in session.deleted:
        if isinstance(obj, SignIn):
            _queue(session, f"{CONTROL}:{obj.member_id}", "access")


_SESSION_EVENTS = (
    ("before_flush", _watch_access),
    ("after_commit", _publish_pending),
    ("after_transaction_end", _drop_pending),
)


# --- catching up ----------------------------------------------------------------------------


def version(obj: object, *extra: object) -> str:
    """A short digest of what is stored about ``obj`` (its loaded columns) and of ``extra``.

    A page sends back the versions of the items it shows (``shown=<id>:<version>``) when it
    catches up; an item whose version differs is sent again. Every column counts, so anything
    added to a model later (a moderator's "hidden") is covered without changes here. Nothing is
    loaded from the database to compute it.
    """
    return version_of_values((*columns(obj), *extra))


def columns(obj: object) -> tuple:
    """The values of ``obj``'s loaded columns, in the mapper's order: what its version is of."""
    state = sa.inspect(obj)
    loaded = state.dict
    return tuple(loaded.get(attr.key) for attr in state.mapper.column_attrs)


def version_of_values(values: Iterable[object]) -> str:
    """``version`` of values already read (``columns(obj)`` and the extras)."""
    digest = hashlib.blake2b(digest_size=6)
    for value in values:
        # texts (a post's body) are hashed as they are: repr() of a long text costs more
        digest.update(b"s" + value.encode() if isinstance(value, str) else repr(value).encode())
        digest.update(b"\x1f")
    return digest.hexdigest()


MAX_SHOWN = 100
T = TypeVar("T")


def shown(values: Iterable[str]) -> dict[int, str]:
    """The ``<id>:<version>`` pairs a page sent (at most MAX_SHOWN; malformed ones skipped)."""
    pairs = {}
    for value in list(values)[:MAX_SHOWN]:
        key, _, ver = value.partition(":")
        item_id = whole_or_none(key)
        if item_id is not None and re.fullmatch(r"[0-9a-f]{12}", ver):
            pairs[item_id] = ver
    return pairs


def changed(
    sent: dict[int, str], current: dict[int, T], version_of: Callable[[T], str]
) -> tuple[list[T], list[int]]:
    """What a catching-up page must swap: the items of ``current`` (loaded through the access
    rule) whose version differs from what the page ``sent``, and the ids it sent that are no
    longer there (gone, or no longer for this member: the page removes them)."""
    stale = [item for key, item in current.items() if sent.get(key) != version_of(item)]
    gone = [key for key in sent if key not in current]
    return stale, gone


# --- the broker -------------------------------------------------------------------------------


def broker(app: Flask | None = None) -> Broker:
    """The app's broker (set by ``init_app``)."""
    return (app or current_app).extensions["live"]


def init_app(app: Flask) -> None:
    """The app's broker (Redis pub/sub when ``REDIS_URL`` is set, else in-process), and the
    session hooks that send what a transaction published once it commits."""
    cfg = app.config
    sizes = {"replay_size": cfg["LIVE_REPLAY_SIZE"], "queue_size": cfg["LIVE_QUEUE_SIZE"]}
    if cfg.get("REDIS_URL"):
        app.extensions["live"] = RedisBroker(
            cfg["REDIS_URL"], prefix=cfg["LIVE_REDIS_PREFIX"], **sizes
        )
    else:
        app.extensions["live"] = InProcessBroker(**sizes)
    app.add_template_global(version, "live_version")
    for name, listener in _SESSION_EVENTS:
        if not sa.event.contains(db.session, name, listener):
            sa.event.listen(db.session, name, listener)
