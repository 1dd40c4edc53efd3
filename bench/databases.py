"""The databases of one run: made fresh for it and removed after it.

SQLite: two files (the forum's and the baseline's) in the run's work folder. PostgreSQL: two
new databases on the server (``FORUM_BENCH_PG_URL``, by default the local one the tests use),
dropped at the end, even after Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

PG_ADMIN_URL = os.environ.get("FORUM_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


class Unavailable(RuntimeError):
    """This database kind cannot be used here (no server answers)."""


def _engine(url: str, **kwargs) -> sa.Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, **kwargs)


@dataclass
class BenchDatabases:
    kind: str  # sqlite | postgresql
    url: str  # the forum's, as FORUM_DATABASE_URL
    baseline_url: str
    _created: list[str] = field(default_factory=list)
    _monitor: sa.Engine | None = None

    def settle(self) -> None:
        """Bring a freshly filled database to the state a running site is in.

        PostgreSQL: VACUUM ANALYZE, which autovacuum would have done by then (planner
        statistics, visibility map). SQLite: a WAL checkpoint; no ANALYZE, as the app does not
        run one either.
        """
        engine = _engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                if self.kind == "postgresql":
                    conn.exec_driver_sql("VACUUM ANALYZE")
                else:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()

    def server_version(self) -> str:
        engine = _engine(self.url)
        try:
            with engine.connect() as conn:
                if self.kind == "postgresql":
                    return str(conn.exec_driver_sql("SHOW server_version").scalar())
                return "SQLite " + str(conn.exec_driver_sql("select sqlite_version()").scalar())
        finally:
            engine.dispose()

    def backend_pids(self) -> list[int]:
        """PostgreSQL server processes serving the two databases right now (for their CPU)."""
        if self.kind != "postgresql":
            return []
        names = [self.url.rsplit("/", 1)[1], self.baseline_url.rsplit("/", 1)[1]]
        if self._monitor is None:  # one connection kept open: no new backend per sample
            self._monitor = _engine(PG_ADMIN_URL, pool_size=1, max_overflow=0)
        with self._monitor.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT pid FROM pg_stat_activity WHERE datname = ANY(:names)"),
                {"names": names},
            )
            return [int(pid) for (pid,) in rows]

    def drop(self) -> None:
        if self._monitor is not None:
            self._monitor.dispose()
            self._monitor = None
        if self.kind != "postgresql" or not self._created:
            return
        engine = _engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                for name in self._created:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            engine.dispose()
        self._created.clear()


def sqlite(workdir: Path) -> BenchDatabases:
    return BenchDatabases(
        "sqlite", f"sqlite:///{workdir / 'forum.db'}", f"sqlite:///{workdir / 'baseline.db'}"
    )


def postgresql() -> BenchDatabases:
    """Two fresh databases; Unavailable when no server answers at ``PG_ADMIN_URL``."""
    parts = urlsplit(PG_ADMIN_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 5432), timeout=2):
            pass
    except OSError as exc:
        raise Unavailable(f"no PostgreSQL server answers at {parts.hostname}:{parts.port}") from exc
    suffix = secrets.token_hex(4)
    names = [f"forum_bench_{suffix}", f"forum_bench_{suffix}_baseline"]
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    databases = BenchDatabases("postgresql", f"{base}/{names[0]}", f"{base}/{names[1]}")
    engine = _engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
                databases._created.append(name)
    except Exception:
        with contextlib.suppress(Exception):
            databases.drop()
        raise
    finally:
        engine.dispose()
    return databases
