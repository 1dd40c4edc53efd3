"""Gunicorn in production: `gunicorn -c gunicorn.conf.py` (README, "Running in production").

Every open page of a member holds one long-lived connection for live updates (server-sent
events), so the server must hold hundreds of mostly idle connections without starving pages:

- With PostgreSQL: **gevent workers**. Each connection is a greenlet, not a thread; a worker
  holds thousands (``worker_connections``). psycopg 3 waits cooperatively under gevent (it sees
  the monkey-patching, as long as nothing imports it before gunicorn patches: keep
  ``preload_app`` off). Several workers need Redis (``FORUM_REDIS_URL``) so that an event raised
  in one reaches the streams held by another.
- With SQLite (the embedded default): **one worker with many threads** (``gthread``). SQLite's
  busy timeout sleeps in C, which under gevent would stall every greenlet of the worker; threads
  wait without harm. One process needs no Redis; several (WAL lets them share the file) do.

Settings read from the environment: ``FORUM_BIND`` (default 127.0.0.1:8000),
``FORUM_WEB_WORKERS`` and ``FORUM_WEB_THREADS`` to override the sizes chosen below,
``FORUM_ACCESS_LOG`` (a path, or ``-`` for stdout; off by default, a proxy in front usually
keeps one), and the app's own ``FORUM_DATABASE_URL`` and ``FORUM_REDIS_URL``. This file
imports nothing of the app: it runs in gunicorn's master before workers are forked and patched.
"""

import multiprocessing
import os

wsgi_app = "forum:create_app()"
bind = os.environ.get("FORUM_BIND", "127.0.0.1:8000").split(",")

_database = os.environ.get("FORUM_DATABASE_URL", "")
_redis = os.environ.get("FORUM_REDIS_URL", "")
_postgres = _database.startswith(("postgres://", "postgresql"))

if _postgres:
    worker_class = "gevent"
    worker_connections = 1000  # open streams and page requests, per worker
    _default_workers = min(multiprocessing.cpu_count(), 4) if _redis else 1
else:
    worker_class = "gthread"
    threads = int(os.environ.get("FORUM_WEB_THREADS", "300"))  # streams + pages at once
    _default_workers = 1
workers = int(os.environ.get("FORUM_WEB_WORKERS", _default_workers))

if workers > 1 and not _redis:
    raise SystemExit(
        "gunicorn.conf.py: with more than one worker, live updates need Redis. Set "
        "FORUM_REDIS_URL (for example redis://127.0.0.1:6379/0), or FORUM_WEB_WORKERS=1."
    )

preload_app = False  # the app must be imported after gevent has patched the worker
timeout = 30  # a worker that stops answering for this long is restarted
graceful_timeout = 10  # on restart, open streams end; pages reconnect and catch up
keepalive = 5
accesslog = os.environ.get("FORUM_ACCESS_LOG") or None  # "-" for stdout; off by default
errorlog = "-"
control_socket_disable = True  # no gunicornc; several instances on one host would share its path


def on_starting(server):
    """Say so when the command line asked for more workers than live updates can span."""
    if server.cfg.workers > 1 and not _redis:
        server.log.warning(
            "%d workers without FORUM_REDIS_URL: live updates reach only the pages held by the "
            "worker that raised them.",
            server.cfg.workers,
        )


def post_worker_init(worker):
    """Refuse a gevent worker in which psycopg would block the whole worker while it waits."""
    if worker_class != "gevent":
        return
    from psycopg import waiting

    if waiting.wait is waiting.wait_c:
        worker.log.critical("psycopg was imported before gevent patching; check preload_app.")
        raise SystemExit(1)


def post_fork(server, worker):
    """Two malloc arenas per worker instead of glibc's eight per core: a worker's threads then
    share their freed memory instead of each keeping its own (tens of MB per worker under load,
    issue 8's benchmark). The same as MALLOC_ARENA_MAX=2; nothing happens off glibc."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name and "libc.so" in name:
        m_arena_max = -8
        ctypes.CDLL(name).mallopt(m_arena_max, 2)
