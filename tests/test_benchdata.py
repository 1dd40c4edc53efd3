"""The benchmark data generator, ``flask bench-data``, at a tiny size: the pages it names open
for the member it names, its writes work as a browser sends them, and every stored counter
equals the rows it counts."""

from __future__ import annotations

import itertools
import math
import re

import pytest
import sqlalchemy as sa

from bench import targets
from forum.extensions import db
from forum.models import (
    Consent,
    Forum,
    Idea,
    IdeaComment,
    IdeaVote,
    Member,
    MemberStatus,
    ModeratorMessage,
    Post,
    Region,
    Thread,
    ThreadRead,
)
from forum.services.forums import manage
from forum.services.forums import threads as forums_threads
from forum.services.ideas import access
from tests.conftest import Client, clean_database

TINY = ["--members", "20", "--threads", "10", "--posts", "300", "--ideas", "5", "--votes", "30"]


def run(app, *args: str):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["bench-data", *TINY, *args])


@pytest.fixture
def spec(bare_app) -> targets.Targets:
    """The targets the generator printed, on a database it filled from empty."""
    result = run(bare_app)
    assert result.exit_code == 0, result.output
    return targets.parse(result.stdout)


@pytest.fixture
def signed_in(bare_app, spec) -> Client:
    """A browser signed in with the printed email and password, through the sign-in form."""
    bare_app.test_client_class = Client
    client = bare_app.test_client()
    response = client.submit("/signin", {"email": spec.email, "password": spec.password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _id(path: str) -> int:
    """The thread or idea a path is about: /threads/8?page=1, /ideas/3/vote."""
    return int(re.search(r"/(\d+)", path).group(1))


def test_every_page_it_names_opens_for_its_member(spec, signed_in):
    assert set(targets.READ_PAGES) <= set(spec.pages) and set(spec.writes) == {"reply", "vote"}
    for name, path in spec.pages.items():
        response = signed_in.get(path)
        assert response.status_code == 200, f"{name} {path}: {response.status_code}"
    # twice: a page read once must not redirect to where the member stopped reading
    for name in ("thread", "thread_longest_first", "thread_longest_last"):
        assert signed_in.get(spec.pages[name]).status_code == 200, name


def test_its_writes_post_a_reply_and_a_vote_as_a_browser_would(bare_app, spec, signed_in):
    reply, vote = spec.writes["reply"], spec.writes["vote"]
    assert reply.url not in spec.pages.values() and not reply.htmx
    thread_id, idea_id = _id(reply.url), _id(vote.url)
    assert thread_id not in {_id(p) for n, p in spec.pages.items() if n.startswith("thread")}
    assert idea_id != _id(spec.pages["idea"])
    with bare_app.app_context():
        replies = db.session.get(Thread, thread_id).reply_count
        votes = db.session.get(Idea, idea_id).vote_count
    response = signed_in.submit(reply.url, {reply.field: "Thank you, this helped me today."})
    assert response.status_code == 302
    response = signed_in.submit(vote.url, vote.form, htmx=vote.htmx)
    assert response.status_code == 200
    assert signed_in.submit(vote.url, vote.form, htmx=vote.htmx).status_code == 200  # again
    with bare_app.app_context():
        assert db.session.get(Thread, thread_id).reply_count == replies + 1
        assert db.session.get(Idea, idea_id).vote_count == votes + 1


def test_every_stored_counter_equals_the_rows(bare_app, spec):
    with bare_app.app_context():
        _assert_counters_match_rows()
        before = _counters()
        manage.recount()
        access.recount()
        db.session.commit()
        db.session.expire_all()
        assert _counters() == before  # `flask forums recount` would change nothing


def _assert_counters_match_rows() -> None:
    for thread in db.session.scalars(sa.select(Thread)):
        posts = db.session.execute(
            sa.select(Post.id, Post.created_at, Post.author_id)
            .where(Post.thread_id == thread.id)
            .order_by(Post.id)
        ).all()
        assert thread.reply_count == len(posts) - 1 and thread.held_count == 0
        assert (thread.first_post_id, thread.last_post_id) == (posts[0].id, posts[-1].id)
        assert thread.created_at == posts[0].created_at
        assert (thread.last_post_at, thread.last_post_author_id) == posts[-1][1:]
    for forum in db.session.scalars(sa.select(Forum)):
        threads = db.session.scalars(sa.select(Thread).where(Thread.forum_id == forum.id)).all()
        assert forum.thread_count == len(threads)
        assert forum.post_count == sum(t.reply_count + 1 for t in threads)
        assert forum.last_post_at == max((t.last_post_at for t in threads), default=None)
    for idea in db.session.scalars(sa.select(Idea)):
        votes = _count(IdeaVote, IdeaVote.idea_id == idea.id)
        comments = _count(
            IdeaComment, IdeaComment.idea_id == idea.id, IdeaComment.deleted_at.is_(None)
        )
        assert (idea.vote_count, idea.comment_count) == (votes, comments)
        expected = access.trending_score(votes, comments, idea.created_at)
        assert idea.trending_score == pytest.approx(expected)
    for member in db.session.scalars(sa.select(Member)):
        unread = _count(
            ModeratorMessage,
            ModeratorMessage.member_id == member.id,
            ModeratorMessage.read_at.is_(None),
        )
        assert member.unread_messages == unread


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _counters() -> list:
    threads = sa.select(
        Thread.id, Thread.reply_count, Thread.first_post_id, Thread.last_post_id,
        Thread.last_post_at, Thread.last_post_author_id, Thread.held_count,
    ).order_by(Thread.id)  # fmt: skip
    forum_rows = sa.select(
        Forum.id, Forum.thread_count, Forum.post_count, Forum.last_post_at
    ).order_by(Forum.id)
    idea_rows = sa.select(Idea.id, Idea.vote_count, Idea.comment_count).order_by(Idea.id)
    return [db.session.execute(q).all() for q in (threads, forum_rows, idea_rows)]


def test_the_longest_thread_is_the_longest_and_its_last_page_is_the_real_one(
    bare_app, spec, signed_in
):
    longest = _id(spec.pages["thread_longest_first"])
    assert spec.pages["thread_longest_last"].split("?")[0] == f"/threads/{longest}"
    with bare_app.app_context():
        lengths = dict(
            db.session.execute(
                sa.select(Post.thread_id, sa.func.count()).group_by(Post.thread_id)
            ).all()
        )
        last_post = db.session.get(Thread, longest).last_post_id
    assert lengths[longest] == max(lengths.values()) > sorted(lengths.values())[len(lengths) // 2]
    last = math.ceil(lengths[longest] / forums_threads.POSTS_PER_PAGE)
    assert spec.pages["thread_longest_last"].endswith(f"?page={last}")
    assert f'id="post-{last_post}"' in signed_in.get(spec.pages["thread_longest_last"]).text


def test_members_are_approved_with_their_consents_and_one_password(bare_app, spec):
    with bare_app.app_context():
        members = db.session.scalars(sa.select(Member)).all()
        assert len(members) == 20
        assert {m.status for m in members} == {MemberStatus.ACTIVE}
        assert len({m.password_hash for m in members}) == 1
        assert all(m.decided_at and m.decided_at > m.created_at for m in members)
        assert _count(Consent) == 2 * len(members)


def test_posts_are_dated_in_order_by_members_who_had_joined(bare_app, spec):
    with bare_app.app_context():
        rows = db.session.execute(
            sa.select(Post.thread_id, Post.id, Post.created_at, Member.decided_at)
            .join(Member, Member.id == Post.author_id)
            .order_by(Post.thread_id, Post.id)
        ).all()
        reads = db.session.execute(
            sa.select(ThreadRead.thread_id, Post.thread_id).join(
                Post, Post.id == ThreadRead.last_read_post_id
            )
        ).all()
    assert all(row.created_at >= row.decided_at for row in rows)
    for before, after in itertools.pairwise(rows):
        if before.thread_id == after.thread_id:
            assert before.created_at <= after.created_at
    assert reads and all(read == post for read, post in reads)  # positions in their own thread


def test_a_second_run_refuses_a_database_that_has_members(bare_app, spec):
    result = run(bare_app)
    assert result.exit_code == 1
    assert "already has 20 members" in result.output and "empty" in result.output
    with bare_app.app_context():
        assert _count(Member) == 20


def test_sizes_it_cannot_make_are_refused_before_anything_is_written(bare_app):
    result = run(bare_app, "--posts", "5")  # fewer posts than threads
    assert result.exit_code == 1 and "--posts" in result.output
    with bare_app.app_context():
        assert _count(Member) == 0 and _count(Forum) == 0


def test_the_same_seed_makes_the_same_shape(bare_app):
    def shape():
        assert run(bare_app, "--seed", "3").exit_code == 0
        with bare_app.app_context():
            lengths = sa.select(Thread.reply_count, Thread.title).order_by(Thread.id)
            votes = sa.select(Idea.vote_count, Idea.title).order_by(Idea.id)
            found = [db.session.execute(lengths).all(), db.session.execute(votes).all()]
            db.session.rollback()  # end the reading transaction before emptying the tables
            clean_database()
        return found

    assert shape() == shape()


def test_a_network_already_set_up_is_kept_and_given_national_forums(app):
    result = run(app)  # the test network: three regions with their forums, no national forum
    assert result.exit_code == 0, result.output
    spec = targets.parse(result.stdout)
    with app.app_context():
        assert _count(Region) == 3
        national = db.session.scalars(sa.select(Forum.slug).where(Forum.region_id.is_(None)))
        assert spec.pages["forum"] in {f"/forums/{slug}" for slug in national}
        assert _count(Member, Member.region_id.is_not(None)) == 20
