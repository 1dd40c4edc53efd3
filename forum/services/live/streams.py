"""Streams: each open page's one server-sent-event stream of the topics its member may hear.

A page opens ``GET /live?topic=...`` (read by htmx's SSE extension). A stream carries only the
topics its member may hear (``events.may_subscribe``): checked when it opens, again every
``LIVE_RECHECK_SECONDS``, and at once when the member's status, role or session changes. It
sends ``live-heartbeat`` every ``LIVE_HEARTBEAT_SECONDS``; a reconnecting page sends the id of the
last event it saw, and the stream replays what it missed or sends ``live-refresh``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Generator, Iterable, Iterator

import sqlalchemy as sa
from flask import Flask, current_app, g, request, url_for
from flask_login import current_user

from forum.extensions import db, htmx
from forum.models import Member
from forum.services import sign_ins
from forum.services.errors import ValidationFailed
from forum.services.live import events
from forum.services.live.brokers import (
    BrokerUnavailable,
    Event,
    parse_id,
)

log = logging.getLogger(__name__)

HEARTBEAT, REFRESH, CLOSED = "live-heartbeat", "live-refresh", "live-closed"
MAX_TOPICS = 20


def cursor() -> str | None:
    """The newest event id now: a stream opened with it misses nothing that happens after."""
    try:
        return events.broker().cursor()
    except BrokerUnavailable:
        return None


def open_stream(member: Member, topics: list[str], last_event_id: str | None = None) -> Stream:
    """Open ``member``'s stream of the topics a page asks for, leaving out those they may not hear.

    With ``last_event_id`` the stream first replays what was missed since that event (or asks
    the page to refresh when it cannot). Raises ValidationFailed when no topic is asked for,
    too many are, or one is malformed, and BrokerUnavailable when the broker cannot be reached.
    """
    if not topics or len(topics) > MAX_TOPICS or not all(events.TOPIC.fullmatch(t) for t in topics):
        raise ValidationFailed({"topic": "Ask for between 1 and 20 well-formed topics."})
    allowed = frozenset(t for t in topics if events.may_subscribe(member, t))
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return Stream(app, member, allowed, last_event_id)


class Stream:
    """One member's open stream: an iterable of server-sent-event text for a WSGI response.

    It holds no database connection while it waits; it borrows one for each access check.
    Close it when the response ends (the view registers that), which ends the subscription.
    """

    def __init__(
        self, app: Flask, member: Member, topics: frozenset[str], last_event_id: str | None
    ):
        cfg = app.config
        self._app = app
        self._sign_in_id = member.sign_in.id if member.sign_in else None
        self._control = f"{events.CONTROL}:{member.id}"
        self._allowed = topics
        self._session_ended = False
        self._heartbeat = float(cfg["LIVE_HEARTBEAT_SECONDS"])
        self._recheck_every = float(cfg["LIVE_RECHECK_SECONDS"])
        self._max_age = float(cfg["LIVE_STREAM_MAX_SECONDS"])
        self._seen = parse_id(last_event_id)
        self._subscription, self._replay = events.broker(app).subscribe(
            topics | {self._control}, after=last_event_id
        )
        self._chunks = self._run()

    def __iter__(self) -> Iterator[str]:
        return self._chunks

    def close(self) -> None:
        self._chunks.close()
        self._subscription.close()

    def _run(self) -> Generator[str, None, None]:
        subscription = self._subscription
        started = last_write = time.monotonic()
        next_check = started + self._recheck_every
        # Reconnect after 2 to 5 seconds: spread out, so a restart is not met by every page at once.
        yield f"retry: {random.randint(2000, 5000)}\n" + _sse(HEARTBEAT, "hello")
        if not self._allowed:
            yield _sse(CLOSED, "nothing to follow")
            return
        for missed in self._replay.events:
            if self._is_new(missed):
                yield _sse(missed.name, missed.topic, missed.id)
        if not self._replay.complete:
            yield _sse(REFRESH, "missed", self._replay.head)
        while time.monotonic() - started < self._max_age:
            wait = min(last_write + self._heartbeat, next_check) - time.monotonic()
            event = subscription.get(max(0.01, wait))
            now = time.monotonic()
            chunk = _sse(REFRESH, "lost") if subscription.take_lost() else ""
            if (event is not None and event.topic == self._control) or now >= next_check:
                allowed = self._check_access()
                if allowed is None:
                    return  # could not check (the database is away): the page reconnects
                if not allowed:
                    reason = "session ended" if self._session_ended else "access ended"
                    yield chunk + _sse(CLOSED, reason)
                    return
                self._allowed, next_check = allowed, time.monotonic() + self._recheck_every
            if event is not None and event.topic in self._allowed and self._is_new(event):
                chunk += _sse(event.name, event.topic, event.id)
            if not chunk and now - last_write >= self._heartbeat:
                chunk = _sse(HEARTBEAT, "ok")
            if chunk:
                yield chunk
                last_write = time.monotonic()
        # Old enough: end quietly. The browser reconnects with Last-Event-ID and misses nothing.

    def _is_new(self, event: Event) -> bool:
        """Skip events already sent (a replay and the live subscription can overlap)."""
        if self._seen and self._seen[0] == event.epoch and event.seq <= self._seen[1]:
            return False
        self._seen = (event.epoch, event.seq)
        return True

    def _check_access(self) -> frozenset[str] | None:
        """The topics the member may still hear (empty once their sign-in or access ended).

        None when the database could not answer.
        """
        with self._app.app_context():
            try:
                member = sign_ins.member_of(self._sign_in_id)
                if member is None or not member.is_member:
                    self._session_ended = True  # the page forgets its drafts (forum.js)
                    return frozenset()
                return frozenset(t for t in self._allowed if events.may_subscribe(member, t))
            except sa.exc.SQLAlchemyError as exc:
                log.warning("live updates: could not check a stream's access: %s", exc)
                return None
            finally:
                db.session.remove()


def _sse(name: str, data: str, event_id: str | None = None) -> str:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {name}\ndata: {data}\n\n"


def stream_url(topics: Iterable[str] = ()) -> str | None:
    """The stream a page following ``topics`` opens, or None when it needs none (templates)."""
    if not (current_user.is_authenticated and current_user.is_member):
        return None
    wanted = events.page_topics(current_user, topics)
    if not wanted:
        return None
    return url_for("live.stream", topic=wanted, last_event_id=g.get("live_cursor"))


_NOT_PAGES = frozenset({"static", "live.stream"})


def _remember_cursor() -> None:
    """Before a member's page is built, note the newest event: its stream starts from there."""
    page = request.method == "GET" and not htmx and request.endpoint not in _NOT_PAGES
    if page and getattr(current_user, "is_member", False):
        g.live_cursor = cursor()


def init_app(app: Flask) -> None:
    """Pages note where their stream starts, and templates get ``live_stream_url``."""
    app.before_request(_remember_cursor)
    app.add_template_global(stream_url, "live_stream_url")
