"""Counters stay exact when many people reply at once (real concurrent transactions). On SQLite
(the embedded default) writers take turns before ``BEGIN IMMEDIATE`` instead of retrying in
SQLite's busy handler (``database.WriterTurn``): a burst of replies all succeed, and the turn
is always given back."""

import fcntl
import threading

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Forum, Post, Thread
from forum.services import database
from tests import factories
from tests.conftest import clean_database, sign_in_as


def _all_at_once(jobs):
    """Run every job in its own thread, released together; returns their results."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(n, job):
        barrier.wait()
        results[n] = job()

    workers = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    return results


def _turn_taken(app) -> bool:
    """On SQLite, whether some writer holds the turn now (never between requests)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return False
        path = database.WriterTurn(db.engine.url.database).path
    with open(path, "a") as other:  # another open file: as another process would
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(other, fcntl.LOCK_UN)
    return False


def test_twenty_members_replying_at_once_leave_exact_counts(app, new_client):
    with app.app_context():
        people = [factories.member() for _ in range(20)]
        thread = factories.thread(people[0], title="Who is coming to Perth?")
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
        posts = list(db.session.scalars(sa.select(Post.id).where(Post.thread_id == thread.id)))
        forum = db.session.get(Forum, stored.forum_id)
        assert len(posts) == 21
        assert stored.reply_count == thread.reply_count + 20
        assert stored.last_post_id == max(posts)
        assert (forum.thread_count, forum.post_count) == (1, 21)


def test_a_refused_write_gives_back_the_turn(app, member, member_client):
    with app.app_context():
        thread = factories.thread(member, title="A thread")
    response = member_client.submit(f"/threads/{thread.id}/reply", {"body": ""})
    assert response.status_code == 422  # refused: rolled back
    assert not _turn_taken(app)
    assert member_client.submit(f"/threads/{thread.id}/reply", {"body": "Now"}).status_code == 302
    assert not _turn_taken(app)


@pytest.mark.postgres_only
def test_the_same_reply_sent_twice_at_once_is_saved_once(app, member, member_client, new_client):
    app.config["RATELIMIT_ENABLED"] = False  # the duplicate check alone must catch it
    with app.app_context():
        thread = factories.thread(factories.member(), title="Double click")
    second = sign_in_as(new_client(), member)
    url = f"/threads/{thread.id}/reply"
    statuses = _all_at_once(
        [(lambda c=c: c.submit(url, {"body": "Thanks, see you there"}).status_code)
         for c in (member_client, second)]
    )  # fmt: skip
    assert sorted(statuses) == [302, 422]
    with app.app_context():
        assert db.session.get(Thread, thread.id).reply_count == 1


def test_a_sqlite_process_opens_its_few_connections_and_every_reader_is_answered(
    make_app, database_url
):
    """``SQLITE_CONNECTIONS``: on a SQLite file, one process holds at most that many
    connections (more only cost memory); readers beyond them wait their turn, none fails."""
    app = make_app(SQLITE_CONNECTIONS=2)
    if not database_url.startswith("sqlite"):
        assert "pool_size" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]  # PostgreSQL: its own
        return
    with app.app_context():
        clean_database()
        factories.network()
        people = [factories.member(display_name=f"Reader {n}") for n in range(12)]
        engine = db.engine
    open_now, most = [0], [0]
    lock = threading.Lock()

    @sa.event.listens_for(engine, "checkout")
    def _out(*_args):
        with lock:
            open_now[0] += 1
            most[0] = max(most[0], open_now[0])

    @sa.event.listens_for(engine, "checkin")
    def _in(*_args):
        with lock:
            open_now[0] -= 1

    clients = [sign_in_as(app.test_client(), person) for person in people]
    statuses = _all_at_once(
        [lambda c=c: [c.get("/").status_code for _ in range(5)] for c in clients]
    )
    assert statuses == [[200] * 5] * 12
    assert most[0] <= 2
    assert engine.pool.size() == 2
