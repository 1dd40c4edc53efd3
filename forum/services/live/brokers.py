"""Message brokers for live updates: one small interface, two implementations.

``InProcessBroker`` is the embedded default: events travel between the threads (or greenlets) of
one process, with nothing else to run. ``RedisBroker`` is chosen when a Redis URL is configured:
events go through Redis pub/sub, so an event raised by one app process reaches streams held open
by every other process, on this machine or another.

Both give every event an id, ``<epoch>-<seq>``: ``seq`` counts up by one per event, and ``epoch``
changes when the sequence starts again (a restart of the process, or of a Redis that lost its
data). Both keep the last few hundred events, so a stream that reconnects with the id it saw last
gets what it missed (``Replay``); when that is not possible (too long ago, or another epoch) the
replay says so and the page refreshes its live parts instead.

Events say only *what changed* (a topic and an event name, never content), so a broker never
carries anything a member could not fetch for themselves.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from abc import ABC, abstractmethod
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)


def _redis_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.RedisError,)


class BrokerUnavailable(RuntimeError):
    """The broker cannot be reached (Redis is down): no live updates for now."""


@dataclass(frozen=True)
class Event:
    """Something changed: ``name`` (the SSE event name) on ``topic`` (who may hear it)."""

    id: str
    topic: str
    name: str

    @property
    def epoch(self) -> str:
        return self.id.rpartition("-")[0]

    @property
    def seq(self) -> int:
        return int(self.id.rpartition("-")[2])

    def encode(self) -> str:
        return f"{self.id} {self.topic} {self.name}"

    @classmethod
    def decode(cls, text: str | bytes) -> Event:
        if isinstance(text, bytes):
            text = text.decode()
        event_id, topic, name = text.split(" ")
        return cls(event_id, topic, name)


def parse_id(event_id: str | None) -> tuple[str, int] | None:
    """``(epoch, seq)`` of an event id, or None when it is missing or malformed."""
    text = (event_id or "").strip()
    epoch, _, seq = text.rpartition("-")
    if not epoch or not seq.isdigit() or len(text) > 80:
        return None
    return epoch, int(seq)


@dataclass(frozen=True)
class Replay:
    """What a reconnecting stream missed.

    ``complete`` is False when some events can no longer be replayed (they are older than the
    buffer, or from another epoch): the page must then refresh its live parts. ``head`` is the
    newest event id, to send with that refresh so the next reconnect starts from there.
    """

    events: tuple[Event, ...] = ()
    complete: bool = True
    head: str | None = None


def replay(
    after: str | None, epoch: str, head_seq: int, buffered: Iterable[Event], topics: frozenset
) -> Replay:
    """The events after ``after`` on ``topics``, from a buffer of the latest events (any topic)."""
    head = f"{epoch}-{head_seq}"
    if after is None:
        return Replay(head=head)
    parsed = parse_id(after)
    if parsed is None or parsed[0] != epoch or parsed[1] > head_seq:
        return Replay(complete=False, head=head)
    missed = [e for e in buffered if e.epoch == epoch and e.seq > parsed[1]]
    if parsed[1] < head_seq and (not missed or missed[0].seq != parsed[1] + 1):
        return Replay(complete=False, head=head)
    return Replay(tuple(e for e in missed if e.topic in topics), True, head)


class Subscription:
    """One open stream's mailbox: the broker puts events in, the stream takes them out.

    Safe between threads and between greenlets (gevent patches ``threading``). A stream that
    stops reading does not make the broker wait: past ``limit`` waiting events the mailbox is
    emptied and marked as having lost events, and the page refreshes its live parts.
    """

    def __init__(self, topics: frozenset[str], limit: int, release: Callable[[Subscription], None]):
        self.topics = topics
        self._limit = limit
        self._release = release
        self._events: deque[Event] = deque()
        self._lost = False
        self._closed = False
        self._cond = threading.Condition()

    def put(self, event: Event) -> None:
        with self._cond:
            if len(self._events) >= self._limit:
                self._events.clear()
                self._lost = True
            else:
                self._events.append(event)
            self._cond.notify()

    def lose(self) -> None:
        """Some events never reached this mailbox (the broker lost its connection)."""
        with self._cond:
            self._events.clear()
            self._lost = True
            self._cond.notify()

    def get(self, timeout: float) -> Event | None:
        """The next event, or None after ``timeout`` seconds (or when events were lost)."""
        with self._cond:
            if not self._events and not self._lost:
                self._cond.wait(timeout)
            return self._events.popleft() if self._events else None

    def take_lost(self) -> bool:
        """True once after events were lost: the stream must tell the page to refresh."""
        with self._cond:
            lost, self._lost = self._lost, False
            return lost

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._release(self)


class _Hub:
    """The subscriptions of this process, by topic."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_topic: dict[str, set[Subscription]] = defaultdict(set)

    def add(self, subscription: Subscription) -> None:
        with self._lock:
            for topic in subscription.topics:
                self._by_topic[topic].add(subscription)

    def remove(self, subscription: Subscription) -> None:
        with self._lock:
            for topic in subscription.topics:
                subscribers = self._by_topic.get(topic)
                if subscribers is not None:
                    subscribers.discard(subscription)
                    if not subscribers:
                        del self._by_topic[topic]

    def dispatch(self, event: Event) -> None:
        with self._lock:
            subscribers = list(self._by_topic.get(event.topic, ()))
        for subscription in subscribers:
            subscription.put(event)

    def lose_all(self) -> None:
        with self._lock:
            subscribers = {s for group in self._by_topic.values() for s in group}
        for subscription in subscribers:
            subscription.lose()

    def count(self) -> int:
        with self._lock:
            return len({s for group in self._by_topic.values() for s in group})


class Broker(ABC):
    """Publish events to topics; subscribe to topics and receive them, with a short replay."""

    def __init__(self, *, queue_size: int = 500) -> None:
        self._hub = _Hub()
        self._queue_size = queue_size

    @abstractmethod
    def publish(self, topic: str, name: str) -> Event:
        """Send ``name`` to everyone subscribed to ``topic``. Raises BrokerUnavailable."""

    @abstractmethod
    def subscribe(
        self, topics: Iterable[str], after: str | None = None
    ) -> tuple[Subscription, Replay]:
        """Start receiving ``topics``; with ``after`` (an event id), also what was missed since.

        Close the subscription when done. Raises BrokerUnavailable.
        """

    @abstractmethod
    def cursor(self) -> str | None:
        """The id of the newest event: a page rendered now has seen everything up to it."""

    @abstractmethod
    def close(self) -> None:
        """Stop background work; open subscriptions get nothing more."""

    def subscriber_count(self) -> int:
        return self._hub.count()

    def _new_subscription(self, topics: Iterable[str]) -> Subscription:
        return Subscription(frozenset(topics), self._queue_size, self._hub.remove)


class InProcessBroker(Broker):
    """Events between the threads or greenlets of one process: the embedded default."""

    def __init__(self, *, replay_size: int = 1000, queue_size: int = 500) -> None:
        super().__init__(queue_size=queue_size)
        self._lock = threading.Lock()
        self._epoch = secrets.token_hex(4)
        self._seq = 0
        self._buffer: deque[Event] = deque(maxlen=replay_size)

    def publish(self, topic: str, name: str) -> Event:
        with self._lock:
            self._seq += 1
            event = Event(f"{self._epoch}-{self._seq}", topic, name)
            self._buffer.append(event)
            # Under the lock, so events reach every mailbox in the order of their ids.
            self._hub.dispatch(event)
        return event

    def subscribe(
        self, topics: Iterable[str], after: str | None = None
    ) -> tuple[Subscription, Replay]:
        subscription = self._new_subscription(topics)
        with self._lock:
            self._hub.add(subscription)
            missed = replay(after, self._epoch, self._seq, self._buffer, subscription.topics)
        return subscription, missed

    def cursor(self) -> str:
        with self._lock:
            return f"{self._epoch}-{self._seq}"

    def close(self) -> None:
        """Nothing runs in the background."""


# Publishing is one atomic step in Redis: number the event, keep it in the replay buffer, and
# publish it, so ids and delivery order agree on every process.
_PUBLISH = """
redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1])
local epoch = redis.call('HGET', KEYS[1], 'epoch')
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local message = epoch .. '-' .. seq .. ' ' .. ARGV[2]
redis.call('RPUSH', KEYS[2], message)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], message)
return message
"""
_CURSOR = """
redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1])
return redis.call('HMGET', KEYS[1], 'epoch', 'seq')
"""
_KEEP_SECONDS = 7 * 24 * 3600  # a quiet network's state expires; reconnecting pages refresh


class RedisBroker(Broker):
    """Events through Redis pub/sub, so that every app process (and machine) hears them.

    Each process holds one Redis subscription, in a background thread (a greenlet under
    gevent), and hands events to its own streams; a dropped Redis connection is retried, and
    the streams are told they lost events so their pages refresh.
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "forum:live",
        replay_size: int = 1000,
        queue_size: int = 500,
        ready_timeout: float = 5.0,
    ) -> None:
        super().__init__(queue_size=queue_size)
        import redis  # only where Redis is configured: it costs memory in every worker

        self._redis = redis.Redis.from_url(
            url, health_check_interval=30, socket_connect_timeout=5, socket_keepalive=True
        )
        self._channel = f"{prefix}:events"
        self._keys = [f"{prefix}:state", f"{prefix}:buffer"]
        self._replay_size = replay_size
        self._ready_timeout = ready_timeout
        self._publish = self._redis.register_script(_PUBLISH)
        self._cursor = self._redis.register_script(_CURSOR)
        self._lock = threading.Lock()
        self._listener: threading.Thread | None = None
        self._ready = threading.Event()
        self._stopping = threading.Event()

    def publish(self, topic: str, name: str) -> Event:
        args: list[str | int | float] = [
            secrets.token_hex(4),
            f"{topic} {name}",
            self._replay_size,
            _KEEP_SECONDS,
        ]
        try:
            message = self._publish(keys=self._keys, args=[*args, self._channel])
        except _redis_errors() as exc:
            raise BrokerUnavailable(f"could not publish to Redis: {exc}") from exc
        return Event.decode(message)

    def subscribe(
        self, topics: Iterable[str], after: str | None = None
    ) -> tuple[Subscription, Replay]:
        self._start_listener()
        if not self._ready.wait(self._ready_timeout):
            raise BrokerUnavailable("the Redis subscription is not ready")
        subscription = self._new_subscription(topics)
        self._hub.add(subscription)
        try:
            epoch, seq = self._head()
            buffered = [Event.decode(m) for m in self._redis.lrange(self._keys[1], 0, -1)]
        except _redis_errors() as exc:
            subscription.close()
            raise BrokerUnavailable(f"could not read from Redis: {exc}") from exc
        # Events published meanwhile may arrive twice (here and live): streams skip repeats.
        return subscription, replay(after, epoch, seq, buffered, subscription.topics)

    def cursor(self) -> str | None:
        try:
            epoch, seq = self._head()
        except _redis_errors() as exc:
            log.warning("live updates: could not read the cursor from Redis: %s", exc)
            return None
        return f"{epoch}-{seq}"

    def _head(self) -> tuple[str, int]:
        epoch, seq = self._cursor(keys=self._keys[:1], args=[secrets.token_hex(4)])
        return epoch.decode(), int(seq or 0)

    def close(self) -> None:
        self._stopping.set()
        if self._listener is not None:
            self._listener.join(timeout=5)
        self._redis.close()

    def _start_listener(self) -> None:
        with self._lock:
            if self._listener is None or not self._listener.is_alive():
                self._stopping.clear()
                self._listener = threading.Thread(
                    target=self._listen, name="forum-live-redis", daemon=True
                )
                self._listener.start()

    def _listen(self) -> None:
        """Hold the Redis subscription, hand events to this process's streams, reconnect."""
        delay = 0.5
        connected_before = False
        while not self._stopping.is_set():
            pubsub = self._redis.pubsub()
            try:
                pubsub.subscribe(self._channel)
                while not self._stopping.is_set():
                    message = pubsub.get_message(timeout=0.25)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        if connected_before:
                            self._hub.lose_all()  # events may have passed while we were away
                        connected_before = True
                        delay = 0.5
                        self._ready.set()
                    elif message["type"] == "message":
                        self._dispatch(message["data"])
            except (*_redis_errors(), OSError) as exc:  # type: ignore[misc]
                self._ready.clear()
                log.warning("live updates: Redis subscription lost (%s); retrying", exc)
                time.sleep(delay)
                delay = min(delay * 2, 10)
            finally:
                pubsub.close()
        self._ready.clear()

    def _dispatch(self, data: bytes) -> None:
        try:
            event = Event.decode(data)
        except ValueError:
            log.warning("live updates: ignored a malformed message %r", data[:200])
            return
        self._hub.dispatch(event)
