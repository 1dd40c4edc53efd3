"""On SQLite (the embedded default), writers of one process take turns on a lock before
``BEGIN IMMEDIATE`` instead of retrying in SQLite's busy handler: a burst of replies all
succeed, counters stay exact, and the turn is always given back (issue 8: zero errors)."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Post, Thread
from tests import factories
from tests.conftest import sign_in_as
from tests.test_forum_concurrency import _all_at_once


def _turn_taken(app) -> bool:
    """Whether some writer holds the turn now (it never should between requests)."""
    import fcntl

    with app.app_context():
        path = f"{db.engine.url.database}.writer"
    with open(path, "a") as other:  # another open file: as another process would
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(other, fcntl.LOCK_UN)
    return False


@pytest.fixture(autouse=True)
def _sqlite_only(request):
    if request.config.getoption("--db") != "sqlite":
        pytest.skip("about SQLite's writers; PostgreSQL has its own test of concurrent replies")


def test_twenty_replies_at_once_all_succeed_and_give_back_the_turn(app, new_client):
    with app.app_context():
        people = [factories.member() for _ in range(20)]
        thread = factories.thread(people[0], title="Who is coming to Inverness?")
    clients = [sign_in_as(new_client(), person) for person in people]
    url = f"/threads/{thread.id}/reply"
    statuses = _all_at_once(
        [
            (lambda c=client, n=n: c.submit(url, {"body": f"Count me in ({n})"}).status_code)
            for n, client in enumerate(clients)
        ]
    )
    assert statuses == [302] * 20
    assert not _turn_taken(app)
    with app.app_context():
        stored = db.session.get(Thread, thread.id)
        count = db.session.scalar(sa.select(sa.func.count()).where(Post.thread_id == thread.id))
        assert count == 21 and stored.reply_count == 20


def test_a_failed_write_gives_back_the_turn(app, member, member_client):
    with app.app_context():
        thread = factories.thread(member, title="A thread")
    response = member_client.submit(f"/threads/{thread.id}/reply", {"body": ""})
    assert response.status_code == 422  # refused: rolled back
    assert not _turn_taken(app)
    assert member_client.submit(f"/threads/{thread.id}/reply", {"body": "Now"}).status_code == 302
    assert not _turn_taken(app)
