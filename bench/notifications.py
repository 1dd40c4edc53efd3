"""How long a digest run takes for the benchmark's members, and what a reply to a thread costs
in the request (statements and time) now that it notifies and queues mail.

    .venv/bin/python bench/notifications.py [--members 2000] [--threads 1000] [--posts 40000]

Fills a fresh SQLite database under a temporary folder with the benchmark data
(``forum/devdata/benchdata.py``), then runs the ``notifications.digests`` job once for every
member (all on the default, a weekly digest) and a second time (idempotence: it must send
nothing), and times 20 replies to the benchmark's busiest threads by members who asked for
mail right away. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forum import create_app, migrating
from forum.devdata import benchdata
from forum.extensions import db
from forum.models import EmailMode, Member, OutboxMail, Thread
from forum.services import site_settings
from forum.services.forums import threads
from forum.services.notifications import mailing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=40_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'forum.db'}",
            "INSTANCE_PATH": str(folder),
            "SECRET_KEY": "bench-only",
            "JOBS_BACKEND": "memory",
            "PUBLIC_URL": "http://forum.bench",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        migrating.upgrade()
    sizes = benchdata.Sizes(
        members=args.members, threads=args.threads, posts=args.posts, ideas=500, votes=5000
    )
    with app.test_request_context(method="POST"):
        benchdata.generate(sizes)
    result: dict = {"sizes": {"members": args.members, "threads": args.threads,
                              "posts": args.posts}}  # fmt: skip
    with app.test_request_context(method="POST"):
        started = time.perf_counter()
        sent = mailing.send_digests()
        result["digest_run_seconds"] = round(time.perf_counter() - started, 2)
        result["digests_queued"] = sent
        started = time.perf_counter()
        result["second_run_queued"] = mailing.send_digests()
        result["second_run_seconds"] = round(time.perf_counter() - started, 2)
    result["reply"] = _replies(app)
    print(json.dumps(result, indent=2))


def _replies(app) -> dict:
    """Statements and milliseconds of ``threads.reply`` to busy threads whose authors chose
    mail right away."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_):
        statements.append(statement)

    timings, counts = [], []
    with app.test_request_context(method="POST"):
        busy = db.session.execute(
            sa.select(Thread.id, Thread.author_id)
            .where(Thread.hidden_at.is_(None), Thread.locked.is_(False))
            .order_by(Thread.reply_count.desc())
            .limit(20)
        ).all()
        writer = db.session.scalar(
            sa.select(Member).where(Member.role == "moderator").order_by(Member.id)
        )
        assert site_settings.settings() is not None
        for _thread_id, author_id in busy:
            mailing.set_mode(db.session.get(Member, author_id), EmailMode.INSTANT.value)
        writer_id = writer.id
    engine = None
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        for n, (thread_id, _author) in enumerate(busy):
            with app.test_request_context(method="POST"):
                member = db.session.get(Member, writer_id)
                statements.clear()
                started = time.perf_counter()
                threads.reply(member, thread_id, body=f"A bench reply, number {n}, thanks.")
                timings.append((time.perf_counter() - started) * 1000)
                counts.append(len(statements))
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    with app.app_context():
        mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail))
    timings.sort()
    return {
        "replies": len(timings),
        "statements_each": sorted(set(counts)),
        "median_ms": round(timings[len(timings) // 2], 1) if timings else None,
        "max_ms": round(timings[-1], 1) if timings else None,
        "mails_in_outbox_after": mails,
    }


if __name__ == "__main__":
    main()
