"""Live-update delivery latency: publish -> received, for many open streams at once.

Starts the app the way production runs it (``gunicorn.conf.py``: gevent workers on PostgreSQL,
2 of them as in every benchmark here, Redis pub/sub between them) on 127.0.0.1 through
``bench/server.py``, opens SUBSCRIBERS server-sent-event
streams (one signed-in moderator each, spread over the workers by the kernel), then publishes
EVENTS events through Redis, as a service in any app process would after its commit. Every
stream records when each event reached it; the script prints p50, p90, p99 and max latency as
JSON (and keeps a copy under bench/results/). The subscribers share the machine with the
server and read all their streams in one Python thread, so the figures are an upper bound.

    make bench-live
    .venv/bin/python bench/live_latency.py --subscribers 200 --events 100

Needs PostgreSQL (fresh databases are made and dropped by ``bench/databases.py``, on
``FORUM_BENCH_PG_URL``) and Redis (``--redis-url``). Clock: subscribers and publisher live in
this one process, so both ends of each measurement use the same monotonic clock. People are
signed in with the test suite's session helper (tests/live_servers.py).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import databases  # noqa: E402
from bench.server import WORKERS, Server  # noqa: E402
from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.services.live.brokers import RedisBroker  # noqa: E402
from tests import factories  # noqa: E402
from tests.live_servers import Session, production_env  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between events")
    parser.add_argument("--page", default="/", help="page timed without and with the streams open")
    parser.add_argument("--page-requests", type=int, default=200)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    return parser.parse_args()


def seed(url: str, instance: Path, subscribers: int) -> list[Session]:
    """Migrate the fresh database; a network and one moderator per subscriber, signed in."""
    from forum import migrating

    app = create_app(
        {
            "ENV": "testing",
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "bench",
            "SERVER_NAME": "bench.test",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        migrating.upgrade()
        factories.network("Bench Network")
        people = [factories.member(role="moderator") for _ in range(subscribers)]
    sessions = [Session(app, person) for person in people]
    with app.app_context():
        db.engine.dispose()
    return sessions


class Subscribers:
    """SUBSCRIBERS open streams in one asyncio loop (its own thread); arrival times by event id."""

    def __init__(self, port: int, sessions: list[Session]):
        self.port = port
        self.sessions = sessions
        self.arrivals: dict[str, list[float]] = {}
        self.ready = 0
        self.errors: list[str] = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()
        for session in self.sessions:
            asyncio.run_coroutine_threadsafe(self.follow(session), self.loop)

    async def follow(self, session: Session) -> None:
        try:
            await self._follow(session)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.errors.append(repr(exc))

    async def _follow(self, session: Session) -> None:
        """Like a browser: a stream that does not greet within 10 s is opened again."""
        for _attempt in range(3):
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            writer.write(
                (
                    "GET /live?topic=moderation HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Cookie: {session.cookie}\r\nAccept: text/event-stream\r\n\r\n"
                ).encode()
            )
            await writer.drain()
            try:
                await asyncio.wait_for(self._greeting(reader), 10)
            except TimeoutError:
                self.errors.append("no greeting within 10 s: reconnected")
                writer.close()
                continue
            self.ready += 1
            await self._read(reader)
            return

    async def _greeting(self, reader: asyncio.StreamReader) -> None:
        status = (await reader.readline()).decode().strip()
        if " 200 " not in status:
            raise RuntimeError(status)
        while line := await reader.readline():
            if line.rstrip(b"\r\n") == b"data: hello":
                return
        raise EOFError("the stream ended before its greeting")

    async def _read(self, reader: asyncio.StreamReader) -> None:
        event_id = None
        while line := await reader.readline():
            text = line.decode().rstrip("\r\n")
            if text.startswith("id: "):
                event_id = text[4:]
            elif text == "event: moderation" and event_id:
                self.arrivals.setdefault(event_id, []).append(time.perf_counter())
                event_id = None
            elif text == "0":  # the last chunk: the server ended this stream
                self.errors.append("stream ended")

    def stop(self) -> None:
        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(cancel_all(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if values else 0.0


def page_times(port: int, cookie: str, path: str, requests: int) -> list[float]:
    """``requests`` GETs of ``path`` one after another on one kept-alive connection, in ms."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}")
            times.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    return times


def measure(args: argparse.Namespace, port: int, broker, sessions) -> dict:
    """Time the page alone; open the streams; time the page again; publish, and wait for
    every delivery (or 30 s)."""
    reader = sessions[0].cookie  # the page is read by one of the subscribers' people
    alone = page_times(port, reader, args.page, args.page_requests)
    subscribers = Subscribers(port, sessions)
    subscribers.start()
    try:
        deadline = time.monotonic() + 120
        while subscribers.ready < args.subscribers and time.monotonic() < deadline:
            time.sleep(0.1)
        beside = page_times(port, reader, args.page, args.page_requests)
        published: dict[str, float] = {}
        for _ in range(args.events):
            started = time.perf_counter()
            event = broker.publish("moderation", "moderation")
            published[event.id] = started
            time.sleep(args.interval)
        deadline = time.monotonic() + 30
        expected = args.events * subscribers.ready
        while time.monotonic() < deadline:
            if sum(len(subscribers.arrivals.get(i, [])) for i in published) >= expected:
                break
            time.sleep(0.1)
    finally:
        subscribers.stop()
    latencies = [
        (arrived - published[event_id]) * 1000
        for event_id in published
        for arrived in subscribers.arrivals.get(event_id, [])
    ]
    return {
        "ready": subscribers.ready,
        "errors": subscribers.errors,
        "latencies": latencies,
        "page_alone": alone,
        "page_beside": beside,
    }


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(times, 50), 2),
        "p90": round(percentile(times, 90), 2),
        "p99": round(percentile(times, 99), 2),
        "max": round(max(times, default=0.0), 2),
    }


def main() -> None:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="forum-bench-live-"))
    prefix = f"forum-bench:{secrets.token_hex(4)}"
    dbs = databases.postgresql()
    broker = RedisBroker(args.redis_url, prefix=prefix)
    try:
        sessions = seed(dbs.url, tmp / "seed", args.subscribers)
        env = production_env(
            tmp / "instance",
            FORUM_DATABASE_URL=dbs.url,
            FORUM_REDIS_URL=args.redis_url,
            FORUM_LIVE_REDIS_PREFIX=prefix,
        )
        with Server("app", "forum:create_app()", env, tmp, "/help/urgent") as server:
            measured = measure(args, server.port, broker, sessions)
    finally:
        broker.close()
        redis.Redis.from_url(args.redis_url).delete(f"{prefix}:state", f"{prefix}:buffer")
        dbs.drop()
    latencies, ready = measured["latencies"], measured["ready"]
    alone, beside = _summary(measured["page_alone"]), _summary(measured["page_beside"])
    result = {
        "benchmark": "live_latency",
        "server": f"gunicorn -c gunicorn.conf.py (gevent, {WORKERS} workers, Redis)",
        "cpus": os.cpu_count(),
        "interval_s": args.interval,
        "subscribers_connected": ready,
        "subscriber_errors": sorted(set(measured["errors"]))[:5],
        "subscriber_error_count": len(measured["errors"]),
        "events": args.events,
        "deliveries": len(latencies),
        "deliveries_expected": args.events * args.subscribers,
        "latency_ms": _summary(latencies),
        # the same page, one request at a time, before the streams opened and while they
        # are open (target: no slower than 2x)
        "page": args.page,
        "page_ms_alone": alone,
        "page_ms_with_streams_open": beside,
        "page_p50_ratio": round(beside["p50"] / alone["p50"], 2) if alone["p50"] else None,
        "page_p99_ratio": round(beside["p99"] / alone["p99"], 2) if alone["p99"] else None,
    }
    output = json.dumps(result, indent=2)
    print(output)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"live_latency-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(output + "\n")


if __name__ == "__main__":
    main()
