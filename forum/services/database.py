"""Database connection settings that make SQLite fit for a busy evening, and the two statements
every area writes the same way: a guarded UPDATE (``changed_rows``) and an upsert (``insert_for``).
"""

import fcntl
import math
import os
import sqlite3
import threading
from typing import IO, Any, cast

import sqlalchemy as sa
from flask import Flask, has_request_context, request
from sqlalchemy.dialects import postgresql, sqlite

from forum.extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def tune_sqlite(app: Flask) -> None:
    """Make SQLite safe under concurrent requests.

    WAL lets readers go on while one member writes; a busy timeout makes a writer wait its
    turn instead of failing with "database is locked". Transactions of requests that change
    things (POST and friends) begin with ``BEGIN IMMEDIATE``, taking the write lock up front:
    a deferred transaction that reads and then writes could otherwise fail at once when
    another writer got in between (SQLITE_BUSY_SNAPSHOT), which no timeout can cure. Reading
    requests keep plain deferred transactions and never wait for writers. Writers take turns
    before ``BEGIN IMMEDIATE`` (``WriterTurn``), given back when their transaction ends.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 500 KiB of pages per connection (SQLite's default is 2 MB): a worker holds one
        # connection per busy thread, and the operating system caches the file for all of them
        cursor.execute("PRAGMA cache_size=-500")
        cursor.close()
        _ensure_ln(dbapi_connection)

    turn = WriterTurn(engine.url.database)

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        writing = has_request_context() and request.method not in READ_METHODS
        if writing:
            connection.info["writer"] = turn.take()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    @sa.event.listens_for(engine, "commit")
    @sa.event.listens_for(engine, "rollback")
    def _end(connection):
        if connection.info.pop("writer", None):
            turn.give_back()

    @sa.event.listens_for(engine.pool, "checkin")
    def _checkin(_dbapi_connection, record):
        # a connection closed without a rollback never keeps the turn
        if record is not None and record.info.pop("writer", None):
            turn.give_back()


BUSY_TIMEOUT_SECONDS = 10


class WriterTurn:
    """Writers queue for their turn here, before ``BEGIN IMMEDIATE``, rather than in SQLite's
    busy handler, which sleeps and retries: under a burst of replies from several processes,
    some writers would wait for seconds while later ones went first (issue 8's benchmark).

    The threads of a process take turns on a lock; the process whose thread holds it then
    takes an exclusive ``flock`` on ``<database>.writer`` beside the database, which the kernel
    hands from process to process as they release it. A process that dies holding it releases
    it with its files. For a database in memory (tests) only the lock is used.
    """

    def __init__(self, database: str | None):
        self.path = f"{database}.writer" if database and database != ":memory:" else None
        self.lock = threading.Lock()
        self._file: IO[str] | None = None
        self._pid: int | None = None

    def take(self) -> bool:
        if not self.lock.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            return False  # past the busy timeout, SQLite decides as before
        try:
            if self.path:
                fcntl.flock(self._lock_file(), fcntl.LOCK_EX)
        except OSError:
            pass  # no lock file (a read-only folder): SQLite's busy handler still orders us
        return True

    def give_back(self) -> None:
        try:
            if self._file is not None and self._pid == os.getpid():
                fcntl.flock(self._file, fcntl.LOCK_UN)
        except OSError:
            pass
        finally:
            self.lock.release()

    def _lock_file(self) -> IO[str]:
        """This process's own open file (a worker forked from a parent opens its own: a flock
        belongs to an open file, so one shared across a fork would be held by both)."""
        if self._file is None or self._pid != os.getpid():
            self._file = open(str(self.path), "a")  # noqa: SIM115 (kept open for the process's life)
            self._pid = os.getpid()
        return self._file


def _ensure_ln(dbapi_connection) -> None:
    """``ln()`` for SQL on SQLite builds without its math functions (trending scores use it)."""
    try:
        dbapi_connection.execute("SELECT ln(1)")
    except sqlite3.OperationalError:
        dbapi_connection.create_function("ln", 1, math.log, deterministic=True)


class UnsavedChanges(RuntimeError):
    """``end_reading`` was called with changes not yet committed by the service that made them."""


def end_reading() -> None:
    """End a page's reading transaction before its one small write (a read position), without
    committing anything: a page's reads are never committed behind its back.

    On SQLite a read snapshot cannot become a write once another member has written since
    (SQLITE_BUSY_SNAPSHOT, which no timeout cures), while a fresh transaction simply waits its
    turn. Raises UnsavedChanges when the session holds changes: those belong to a service that
    commits them itself, and a rollback here would lose them.
    """
    session = db.session
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        raise UnsavedChanges("commit these changes in their service before the page's write")
    session.rollback()


def changed_rows(statement: sa.Executable) -> int:
    """Run an UPDATE or DELETE in the current transaction and say how many rows it changed: the
    answer of a guarded UPDATE (``... WHERE state = 'open'``), where 0 means someone was first."""
    result = db.session.execute(statement)
    return cast(sa.CursorResult, result).rowcount


def insert_for(model: Any) -> Any:
    """``INSERT`` with ``ON CONFLICT`` support for the database in use (PostgreSQL or SQLite):
    the one way to write an upsert (``.on_conflict_do_update``) or an insert that ignores a
    duplicate (``.on_conflict_do_nothing``)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)
