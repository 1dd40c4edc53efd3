"""First posts that wait for a moderator: the network's "first N posts of each member" and a
forum's "first post here". Held posts and threads are seen only by their author ("waiting for a
moderator") and the moderators, are not counted, and appear in the queue until approved or
turned down."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Forum, Post, Thread
from forum.services import site_settings
from forum.services.forums import manage
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def hold_first_post(app):
    with app.app_context():
        site_settings.settings().hold_first_posts = 1
        db.session.commit()
        factories.forum("Introductions")


@pytest.fixture
def newcomer(app):
    with app.app_context():
        return factories.member(display_name="Eilidh")


def _forum(app, slug="introductions") -> Forum:
    with app.app_context():
        return db.session.scalar(sa.select(Forum).where(Forum.slug == slug))


def _start(client, title="Hello from Orkney"):
    return client.submit(
        "/forums/introductions/new", {"title": title, "body": "Hi all, I am new here."}
    )


def test_a_new_members_first_thread_waits_and_only_they_see_it(
    app, hold_first_post, newcomer, new_client, member_client
):
    eilidh = sign_in_as(new_client(), newcomer)
    response = _start(eilidh)
    assert response.status_code == 302
    thread_url = response.headers["Location"]
    page = eilidh.get(thread_url).get_data(as_text=True)
    assert "waiting for a moderator" in page and "Hi all, I am new here." in page
    assert "Hello from Orkney" in eilidh.get("/forums/introductions").get_data(as_text=True)
    thread_id = int(thread_url.split("/threads/")[1].split("?")[0])
    assert member_client.get(f"/threads/{thread_id}").status_code == 404
    assert "Hello from Orkney" not in member_client.get("/forums/introductions").get_data(
        as_text=True
    )
    assert "Hello from Orkney" not in member_client.get("/").get_data(as_text=True)
    forum = _forum(app)
    assert (forum.thread_count, forum.post_count) == (0, 0)


def test_a_moderator_approves_it_from_the_queue_and_it_is_counted(
    app, hold_first_post, newcomer, new_client, moderator_client, member_client
):
    _start(sign_in_as(new_client(), newcomer))
    with app.app_context():
        thread = db.session.scalar(sa.select(Thread))
        post_id = thread.first_post_id
    queue = moderator_client.get("/moderation/").get_data(as_text=True)
    assert f'id="held-{post_id}"' in queue and "Hi all, I am new here." in queue
    response = moderator_client.submit(
        f"/moderation/thread/{thread.id}/approve", {"row": f"held-{post_id}"}, htmx=True
    )
    body = response.get_data(as_text=True)
    assert "<article" not in body and "No posts are waiting for approval." in body
    assert member_client.get(f"/threads/{thread.id}?page=1").status_code == 200
    forum = _forum(app)
    assert (forum.thread_count, forum.post_count) == (1, 1)
    with app.app_context():
        stored = db.session.get(Thread, thread.id)
        assert stored.held_at is None and stored.held_count == 0
        assert db.session.scalar(sa.select(AuditEntry.action).where(
            AuditEntry.target_id == thread.id)) == "post.approve"  # fmt: skip
    again = moderator_client.submit(
        f"/moderation/thread/{thread.id}/approve", {"row": f"held-{post_id}"}, htmx=True
    )
    assert "Kenny already handled this: approved it" in again.get_data(as_text=True)


def test_a_held_reply_shows_to_its_author_in_place_and_to_nobody_else(
    app, hold_first_post, newcomer, new_client, member
):
    with app.app_context():
        host = factories.member(display_name="Kirsty", role="moderator")  # never held
        thread = factories.thread(host, title="Welcome thread")
    eilidh = sign_in_as(new_client(), newcomer)
    response = eilidh.submit(
        f"/threads/{thread.id}/reply", {"body": "Thank you for the welcome!", "after": "0"},
        htmx=True,
    )  # fmt: skip
    body = response.get_data(as_text=True)
    assert "Thank you for the welcome!" in body and "Waiting for a moderator" in body
    assert "waits for a moderator" in body  # the flash
    own = eilidh.get(f"/threads/{thread.id}?page=1").get_data(as_text=True)
    assert "Thank you for the welcome!" in own
    others = sign_in_as(new_client(), member)
    assert "Thank you for the welcome!" not in others.get(f"/threads/{thread.id}?page=1").get_data(
        as_text=True
    )
    assert "Thank you for the welcome!" not in others.htmx_get(
        f"/threads/{thread.id}/posts?after=0"
    ).get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(Thread, thread.id)
        assert (stored.reply_count, stored.held_count) == (0, 1)


def test_turning_down_keeps_the_post_hidden_with_the_reason_for_its_author(
    app, hold_first_post, newcomer, new_client, member, moderator_client
):
    with app.app_context():
        host = factories.member(display_name="Kirsty", role="moderator")  # never held
        thread = factories.thread(host, title="Welcome thread")
    eilidh = sign_in_as(new_client(), newcomer)
    eilidh.submit(f"/threads/{thread.id}/reply", {"body": "Buy my course at example.com"})
    with app.app_context():
        held = db.session.scalar(sa.select(Post).where(Post.held_at.is_not(None)))
    moderator_client.submit(f"/moderation/post/{held.id}/reject", {"reason": "Advertising."})
    own = eilidh.get(f"/threads/{thread.id}?page=1").get_data(as_text=True)
    assert "A moderator did not approve this post: Advertising." in own
    with app.app_context():
        stored = db.session.get(Post, held.id)
        assert stored.held_at is not None and stored.hidden_at is not None
        assert stored.body_source == "Buy my course at example.com"  # kept
        assert db.session.get(Thread, thread.id).reply_count == 0
    assert f'id="held-{held.id}"' not in moderator_client.get("/moderation/").get_data(as_text=True)


def test_after_the_first_n_posts_nothing_waits(
    app, hold_first_post, newcomer, new_client, moderator_client
):
    eilidh = sign_in_as(new_client(), newcomer)
    _start(eilidh)
    with app.app_context():
        thread = db.session.scalar(sa.select(Thread))
    moderator_client.submit(f"/moderation/thread/{thread.id}/approve", {})
    app.config["RATELIMIT_ENABLED"] = False
    eilidh.submit(f"/threads/{thread.id}/reply", {"body": "And now a reply."})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(Post.held_at.is_not(None))) == 0


def test_a_forum_can_hold_each_members_first_post_there(app, member, member_client):
    with app.app_context():
        events = factories.forum("Events")
        events.hold_first_posts = True
        db.session.merge(events)
        db.session.commit()
    app.config["RATELIMIT_ENABLED"] = False
    member_client.submit("/forums/events/new", {"title": "Perth meet-up", "body": "Who is in?"})
    with app.app_context():
        first = db.session.scalar(sa.select(Thread).where(Thread.title == "Perth meet-up"))
        assert first.held_at is not None
        first_id = first.id
        moderator = factories.member(role="moderator")
    with app.test_request_context():
        factories.act(moderator, "thread", first_id, "approve")
    member_client.submit("/forums/events/new", {"title": "Second meet-up", "body": "Again?"})
    with app.app_context():
        second = db.session.scalar(sa.select(Thread).where(Thread.title == "Second meet-up"))
        assert second.held_at is None


def test_moderators_posts_never_wait(app, hold_first_post, moderator_client):
    _start(moderator_client, "From the moderators")
    with app.app_context():
        assert db.session.scalar(sa.select(Thread)).held_at is None


def test_the_badge_counts_posts_waiting(
    app, hold_first_post, newcomer, new_client, moderator_client
):
    _start(sign_in_as(new_client(), newcomer))
    page = moderator_client.get("/").get_data(as_text=True)
    assert "1 item waiting in the moderation queue" in page


def test_recount_leaves_waiting_posts_out(app, hold_first_post, newcomer, new_client, member):
    with app.app_context():
        factories.thread(factories.member(role="moderator"), title="Counted")
    _start(sign_in_as(new_client(), newcomer))
    with app.app_context():
        manage.recount()
        db.session.commit()
        forum = db.session.scalar(sa.select(Forum).where(Forum.slug == "introductions"))
        assert (forum.thread_count, forum.post_count) == (1, 1)
