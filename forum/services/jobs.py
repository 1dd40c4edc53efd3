"""Background jobs: work that should not hold up a page (mail, notifying watchers, digests,
reminders), run by Huey workers.

The app names its jobs in ``forum/tasks.py`` (a name, the service function that does the work,
and for periodic jobs a crontab); services only ask for one by name:

    jobs.enqueue_after_commit("mail.deliver", mail.id)

The job is handed to the queue once the current transaction commits (a rollback drops it, so a
worker never looks for a row that was never written) and runs in the app's context, with a
request context on ``PUBLIC_URL`` so that ``url_for`` builds the links that mails carry.

Where the queue lives (``JOBS_BACKEND``):

* ``sqlite`` (the embedded default): a file under ``instance/`` (``jobs.db``), beside the
  forum's own database; ``make run`` starts a worker inside the app process.
* ``redis``: Redis at ``REDIS_URL``, for several app processes and workers (production).
* ``memory``: in this process only, run when asked (``run_pending``): the tests use it.
* ``immediate``: run at once, inside ``enqueue`` (a quick look without a worker).

A job that raises is retried by Huey (``JOBS_RETRIES`` times, ``JOBS_RETRY_SECONDS`` apart);
jobs are written to be run twice without harm (unique keys, claimed rows), because a worker
can die half-way.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.api import Task
from huey.consumer import Consumer

from forum.extensions import db

log = logging.getLogger(__name__)
_PENDING = "forum_jobs_pending"
BACKENDS = ("sqlite", "redis", "memory", "immediate")


@dataclass(frozen=True)
class Job:
    """One kind of job: its name, the function that does it, and when it repeats (if it does)."""

    name: str
    run: Callable[..., Any]
    every: Any = None  # a huey.crontab(...) for periodic jobs
    retries: int | None = None


def init_app(app: Flask, declared: Iterable[Job]) -> None:
    """Build the app's queue and register its jobs (``forum/tasks.py`` declares them)."""
    huey = _huey(app)
    cfg = app.config
    wrappers = {}
    for job in declared:
        wrapper = _in_app(app, job)
        if job.every is not None:
            wrappers[job.name] = huey.periodic_task(job.every, name=job.name)(wrapper)
        else:
            retries = cfg["JOBS_RETRIES"] if job.retries is None else job.retries
            wrappers[job.name] = huey.task(
                retries=retries, retry_delay=cfg["JOBS_RETRY_SECONDS"], name=job.name
            )(wrapper)
    app.extensions["jobs"] = (huey, wrappers)
    for name, listener in (
        ("after_commit", _send_pending),
        ("after_transaction_end", _drop_pending),
    ):
        if not sa.event.contains(db.session, name, listener):
            sa.event.listen(db.session, name, listener)


def _huey(app: Flask) -> Huey:
    cfg = app.config
    backend = cfg["JOBS_BACKEND"]
    name = cfg["JOBS_QUEUE_NAME"]
    if backend == "sqlite":
        path = cfg.get("JOBS_SQLITE_PATH") or str(Path(app.instance_path) / "jobs.db")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=path, utc=True)
    if backend == "redis":
        if not cfg.get("REDIS_URL"):
            raise RuntimeError("FORUM_JOBS_BACKEND=redis needs FORUM_REDIS_URL.")
        return RedisHuey(name, url=cfg["REDIS_URL"], utc=True)
    if backend in {"memory", "immediate"}:
        return MemoryHuey(name, immediate=backend == "immediate", utc=True)
    raise RuntimeError(f"FORUM_JOBS_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}.")


def _in_app(app: Flask, job: Job) -> Callable[..., Any]:
    """The job as the worker runs it: in the app, with links built on ``PUBLIC_URL``."""

    def run(*args: Any) -> Any:
        public = urlsplit(app.config["PUBLIC_URL"])
        # A job writes: as a POST, it takes the writers' turn on SQLite (services/database.py)
        with app.test_request_context(
            "/", method="POST", base_url=f"{public.scheme}://{public.netloc}{public.path}"
        ):
            try:
                return job.run(*args)
            finally:
                db.session.remove()

    run.__name__ = job.name.replace(".", "_")
    return run


def enqueue_after_commit(name: str, *args: Any, delay: timedelta | None = None) -> None:
    """Run job ``name`` with ``args`` once the current transaction commits (after ``delay``).

    The same job with the same arguments asked for twice in one transaction runs once.
    Raises KeyError at once for a job nobody declared.
    """
    _wrappers(current_app)[name]
    session = db.session()
    key = (name, args, delay)
    session.info.setdefault(_PENDING, {})[key] = current_app._get_current_object()  # type: ignore[attr-defined]


def enqueue(name: str, *args: Any, delay: timedelta | None = None) -> None:
    """Hand job ``name`` to the queue now (outside any transaction: commands, other jobs)."""
    _submit(current_app, name, args, delay)


def _submit(app: Flask, name: str, args: tuple, delay: timedelta | None) -> None:
    wrapper = _wrappers(app)[name]
    if delay:
        wrapper.schedule(args=args, delay=delay.total_seconds())
    else:
        wrapper(*args)


def _send_pending(session: sa.orm.Session) -> None:
    for (name, args, delay), app in session.info.pop(_PENDING, {}).items():
        try:
            _submit(app, name, args, delay)
        except Exception:  # the change stands; the periodic sweeps pick up what was missed
            log.exception("job %s%r could not be queued", name, args)


def _drop_pending(session: sa.orm.Session, transaction: sa.orm.SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(_PENDING, None)


def huey_of(app: Flask) -> Huey:
    return app.extensions["jobs"][0]


def _wrappers(app: Flask) -> dict[str, Any]:
    return app.extensions["jobs"][1]


def run_pending(app: Flask, *, include_scheduled: bool = True, limit: int = 10_000) -> int:
    """Run every job waiting in the queue, in this process, until none is left; returns how
    many ran. Jobs that other jobs queue run too. For ``flask jobs run`` and the tests."""
    huey = huey_of(app)
    ran = 0
    while ran < limit:
        task: Task | None = huey.dequeue()
        if task is None and include_scheduled:
            due = huey.read_schedule(huey._get_timestamp() + timedelta(days=3650))
            for scheduled in due:
                huey.enqueue(scheduled)
            task = huey.dequeue() if due else None
        if task is None:
            break
        if include_scheduled:
            task.eta = None  # Huey would put a task not yet due back on the schedule
        huey.execute(task)
        ran += 1
    return ran


def consumer(app: Flask, *, workers: int | None = None, **options: Any) -> Consumer:
    """A Huey consumer for the app's queue: threads that run jobs, and the periodic scheduler.
    ``run()`` is ``flask jobs worker``; ``start_beside`` runs one beside the web server.
    ``options`` go to Huey's consumer (``max_delay``: the longest pause between two looks at
    an empty queue, 10 s by default)."""
    count = workers or app.config["JOBS_WORKERS"]
    return huey_of(app).create_consumer(
        workers=count, worker_type="thread", periodic=True, **options
    )


def start_beside(app: Flask, *, workers: int | None = None, **options: Any) -> Consumer:
    """Start a worker in this process, beside the web server (``flask start``, the browser
    tests). Huey's consumer takes over the process's signals; they are given back to the
    server, which stops the worker (``stop()``) when it stops."""
    names = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    saved = {name: signal.getsignal(name) for name in names}
    worker = consumer(app, workers=workers, **options)
    worker.start()
    for name, handler in saved.items():
        signal.signal(name, handler)
    return worker
