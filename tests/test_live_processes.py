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


@pytest.fixture
def streams(servers):
    """Open /live streams on demand (``streams(server, session, topics)``); closed after the
    test, before its servers stop."""
    opened = []

    def open_stream(server: AppProcess, session: Session, topics: list[str]) -> EventStream:
        opened.append(EventStream(server, session, topics))
        return opened[-1]

    yield open_stream
    for stream in opened:
        stream.close()


def test_event_raised_in_one_process_reaches_a_stream_on_another(app, servers, streams):
    with app.app_context():
        kenny = factories.member(display_name="Kenny", role="moderator")
        morag = factories.member(display_name="Morag", role="moderator")
        priya = factories.member(display_name="Priya", status="pending")
    one, other = servers(), servers()
    stream = streams(one, Session(app, kenny), ["moderation"])
    stream.wait_for("live-heartbeat")  # the stream is open and subscribed
    decided = other.request(
        "POST", f"/moderation/applications/{priya.id}/approve", Session(app, morag), htmx=True
    )
    assert decided.status == 200, decided.body
    event = stream.wait_for("moderation")
    assert event["data"] == "moderation" and event["id"]


def test_a_reply_posted_through_one_process_reaches_a_reader_on_another(app, servers, streams):
    """The forums' own path: Isla replies through one app process; Ahmed's open thread page,
    whose stream is held by the other, hears of it and fetches the reply there. Callum, of
    another region, asks the second process for the Highland forum's topics: he hears nothing."""
    with app.test_request_context():
        ahmed = factories.member(display_name="Ahmed", region_name="Highland")
        isla = factories.member(display_name="Isla", region_name="Highland")
        callum = factories.member(display_name="Callum", region_name="Lothian")
        highland = factories.forum(region_name="Highland", audience="region")
        forum_id, slug = highland.id, highland.slug
        thread = factories.thread(isla, slug, title="Inverness meet-up")
    one, other = servers(), servers()
    reader = streams(one, Session(app, ahmed), [f"thread:{thread.id}", f"forum:{forum_id}"])
    outsider = streams(one, Session(app, callum), [f"thread:{thread.id}", "ideas"])
    reader.wait_for("live-heartbeat")
    outsider.wait_for("live-heartbeat")
    sent = other.request(
        "POST",
        f"/threads/{thread.id}/reply",
        Session(app, isla),
        form={"body": "See you by the river"},
    )
    assert sent.status == 302, sent.body
    event = reader.wait_for(f"thread-{thread.id}")
    assert event["data"] == f"thread:{thread.id}" and event["id"]
    assert reader.wait_for(f"forum-{forum_id}")
    posts = one.request(
        "GET", f"/threads/{thread.id}/posts?after={thread.first_post_id}", Session(app, ahmed),
        htmx=True,
    )  # fmt: skip
    assert posts.status == 200 and "by the river" in posts.body
    # Callum's stream left the thread out: after the reply, only heartbeats
    for _ in range(3):
        assert outsider.next_event()["event"] == "live-heartbeat"
    hidden = one.request("GET", f"/threads/{thread.id}/posts?after=0", Session(app, callum), True)
    assert hidden.status == 404 and "river" not in hidden.body


def test_pages_are_served_while_200_streams_are_open(app, servers, streams):
    with app.app_context():
        kenny = factories.member(display_name="Kenny", role="moderator")
    server = servers(FORUM_WEB_WORKERS="1")
    session = Session(app, kenny)
    opened = [streams(server, session, ["moderation"]) for _ in range(200)]
    page = server.request("GET", "/moderation/applications", session)
    assert page.status == 200
    assert "Applications waiting" in page.body
    # and the streams are alive: the last one opened still hears its heartbeat
    assert opened[-1].wait_for("live-heartbeat")
