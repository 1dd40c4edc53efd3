"""Live updates across real app processes: gunicorn with the production settings, one
PostgreSQL database and one Redis shared by every process, as in production.

Run with ``--db postgresql``; without Redis these skip (and fail on CI, where they must run).
"""

import secrets

import pytest

from tests import factories
from tests.live_servers import AppProcess, EventStream, Session

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]


@pytest.fixture
def servers(app, database_url, redis_url, tmp_path):
    """Start app processes on demand (each a gunicorn master with its workers); stop them after."""
    prefix = f"forum-test:{secrets.token_hex(4)}"
    started = []

    def start(**env):
        env = {
            "FORUM_DATABASE_URL": database_url,
            "FORUM_REDIS_URL": redis_url,
            "FORUM_LIVE_REDIS_PREFIX": prefix,
            "FORUM_LIVE_HEARTBEAT_SECONDS": "1",
            **env,
        }
        started.append(AppProcess(tmp_path, **env))
        return started[-1].start()

    yield start
    for server in started:
        server.stop()


def test_event_raised_in_one_process_reaches_a_stream_on_another(app, servers):
    with app.app_context():
        kenny = factories.member(display_name="Kenny", role="moderator")
        morag = factories.member(display_name="Morag", role="moderator")
        priya = factories.member(display_name="Priya", status="pending")
    one, other = servers(), servers()
    stream = EventStream(one, Session(kenny), ["moderation"])
    try:
        stream.wait_for("live-heartbeat")  # the stream is open and subscribed
        decided = other.request(
            "POST", f"/moderation/applications/{priya.id}/approve", Session(morag), htmx=True
        )
        assert decided.status == 200, decided.body
        event = stream.wait_for("moderation")
        assert event["data"] == "moderation" and event["id"]
    finally:
        stream.close()


def test_pages_are_served_while_200_streams_are_open(app, servers):
    with app.app_context():
        kenny = factories.member(display_name="Kenny", role="moderator")
    server = servers(FORUM_WEB_WORKERS="1")
    session = Session(kenny)
    streams = []
    try:
        for _ in range(200):
            streams.append(EventStream(server, session, ["moderation"]))
        page = server.request("GET", "/moderation/applications", session)
        assert page.status == 200
        assert "Applications waiting" in page.body
        # and the streams are alive: the last one opened still hears its heartbeat
        assert streams[-1].wait_for("live-heartbeat")
    finally:
        for stream in streams:
            stream.close()
