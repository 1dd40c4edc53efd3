"""Fixtures: a migrated database per test run (SQLite, or PostgreSQL with ``--db postgresql``),
an app per test on a cleaned database, a client that sends CSRF tokens as a browser would,
and factories for people in every state."""

from __future__ import annotations

import os
import re
import secrets
import socket
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from forum import create_app
from forum.extensions import db
from forum.services import jobs
from tests import factories

ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_ADMIN_URL = os.environ.get("FORUM_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="database to run the suite on (PostgreSQL: a fresh database per run)",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--db") == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with --db postgresql")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


# --- database --------------------------------------------------------------------------------


def _pg_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    """A fresh, migrated database for this test run, dropped at the end."""
    if request.config.getoption("--db") == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'forum-test.db'}"
        _migrate(url, tmp_path_factory)
        yield url
        return
    if not _pg_reachable():
        if ON_CI:
            pytest.fail("PostgreSQL does not answer on 127.0.0.1:5432, and CI must test on it.")
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432; the SQLite run covers the rest")
    name = f"forum_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(
        PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        _migrate(url, tmp_path_factory)
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis the live-update tests share (each test uses its own key prefix)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        if ON_CI:
            pytest.fail(f"Redis does not answer at {REDIS_URL} ({exc}), and CI must test with it.")
        pytest.skip(f"Redis does not answer at {REDIS_URL} (set FORUM_TEST_REDIS_URL)")
    return REDIS_URL


def _migrate(url: str, tmp_path_factory) -> None:
    from forum import migrating

    app = create_app(_test_config(url, tmp_path_factory.mktemp("migrate-instance")))
    with app.app_context():
        migrating.upgrade()
        db.engine.dispose()


def _test_config(url: str, instance: Path, **extra) -> dict:
    return {
        "ENV": "testing",
        "TESTING": True,
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SERVER_NAME": "forum.test",
        "PUBLIC_URL": "http://forum.test",
        "JOBS_BACKEND": "memory",  # jobs wait until a test runs them (the run_jobs fixture)
        # Cheap hashes: the strength of argon2 is tested once, not paid in every test.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        **extra,
    }


def clean_database() -> None:
    """Empty every table (keeping the schema), children first."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on the test database with extra settings (for example rate limits)."""
    apps = []

    def make(**extra):
        app = create_app(_test_config(database_url, tmp_path / "instance", **extra))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["live"].close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def bare_app(make_app):
    """An app on an empty database: no network yet (for setup tests)."""
    app = make_app()
    with app.app_context():
        clean_database()
    return app


@pytest.fixture
def app(bare_app):
    """An app whose network is set up, with regions and crisis contacts."""
    with bare_app.app_context():
        factories.network()
    return bare_app


@pytest.fixture
def run_jobs(app):
    """Run the background jobs waiting in the app's queue (the tests' queue runs nothing by
    itself); returns how many ran."""
    return lambda: jobs.run_pending(app)


@pytest.fixture
def commits():
    """The commits of the database session while the test runs (one item each)."""
    seen: list[int] = []

    def count(_session):
        seen.append(1)

    sa.event.listen(db.session, "after_commit", count)
    yield seen
    sa.event.remove(db.session, "after_commit", count)


@pytest.fixture
def ctx(app):
    """An application context, for calling services directly."""
    with app.test_request_context():
        yield app


# --- clients ---------------------------------------------------------------------------------


class Client(FlaskClient):
    """A test client that sends a valid CSRF token with every form, as the real pages do."""

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def submit(self, url: str, data: dict | None = None, *, htmx: bool = False, **kwargs):
        """POST like a browser: the token in the form, or in a header for htmx."""
        data = dict(data or {})
        headers = dict(kwargs.pop("headers", {}) or {})
        if htmx:
            headers["HX-Request"] = "true"
            headers["X-CSRFToken"] = self.csrf_token()
        else:
            data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, headers=headers, **kwargs)

    def htmx_get(self, url: str, **kwargs):
        return self.get(url, headers={"HX-Request": "true"}, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def new_client(app):
    """More clients: a second browser, a moderator beside a member, and so on."""
    app.test_client_class = Client
    return app.test_client


def sign_in_as(client: Client, member, *, remembered: bool = False) -> Client:
    """Give the client a session for ``member``, with a sign-in of its own (as if they had
    signed in on this browser)."""
    from forum.services import sign_ins

    with client.application.app_context():
        key = sign_ins.start(member, remembered=remembered, user_agent="Test client").key
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True
    return client


# --- people ----------------------------------------------------------------------------------


@pytest.fixture
def member(app):
    with app.app_context():
        return factories.member(display_name="Ahmed")


@pytest.fixture
def moderator(app):
    with app.app_context():
        return factories.member(display_name="Kenny", role="moderator")


@pytest.fixture
def admin(app):
    with app.app_context():
        return factories.member(display_name="Morag", role="admin")


@pytest.fixture
def regional_moderator(app):
    """Isla moderates Highland only."""
    with app.app_context():
        return factories.member(
            display_name="Isla", role="moderator", region_name="Highland", moderates=("Highland",)
        )


@pytest.fixture
def regional_client(new_client, regional_moderator):
    return sign_in_as(new_client(), regional_moderator)


@pytest.fixture
def member_client(client, member):
    return sign_in_as(client, member)


@pytest.fixture
def moderator_client(new_client, moderator):
    return sign_in_as(new_client(), moderator)


@pytest.fixture
def admin_client(new_client, admin):
    return sign_in_as(new_client(), admin)


@pytest.fixture
def outbox(app):
    """The mails the app has queued, newest last."""
    from forum.models import OutboxMail

    def read():
        with app.app_context():
            return list(db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id)))

    return read


def link_in(body: str) -> str:
    """The first link of the site in a mail body, as a path."""
    match = re.search(r"https?://forum\.test(/\S+)", body)
    assert match, f"no link in:\n{body}"
    return match.group(1)


# --- corpora ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip(f"the shared test corpora are not here ({CORPORA})")
    return CORPORA


# --- queries ---------------------------------------------------------------------------------


@pytest.fixture
def count_queries(app):
    """``with count_queries() as statements:`` collects the SQL statements run inside."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(_conn, _cursor, statement, _parameters, _context, _executemany):
            if statement.lstrip().split(None, 1)[0].upper() not in {"BEGIN", "COMMIT", "PRAGMA"}:
                statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

    return counting
