"""Starting threads and replying: the limits, the messages, and text that is never lost."""

import re

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Forum, Post, Thread
from forum.services.forums import content_warnings, manage
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def forum(app):
    with app.app_context():
        return factories.forum("Introductions")


@pytest.fixture
def a_thread(app, forum):
    with app.app_context():
        author = factories.member(display_name="Isla")
        return factories.thread(author, title="Getting to training", body="How do you manage?")


def _thread(app, thread_id) -> Thread:
    with app.app_context():
        return db.session.get(Thread, thread_id)


def _posts(app, thread_id) -> list[Post]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Post).where(Post.thread_id == thread_id)))


# --- starting a thread ------------------------------------------------------------------------


def test_member_starts_a_thread_and_lands_on_it(app, forum, member_client):
    response = member_client.submit(
        "/forums/introductions/new", {"title": "  Hello from Fife  ", "body": "Hi *all*"}
    )
    assert response.status_code == 302
    page = member_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hello from Fife" in page and "<em>all</em>" in page
    assert "Your thread is started" in page
    with app.app_context():
        stored = db.session.scalar(sa.select(Forum).where(Forum.slug == "introductions"))
        assert (stored.thread_count, stored.post_count) == (1, 1)


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("Hi", "Some text", "at least 3 characters"),
        ("x" * 151, "Some text", "keep it to 150"),
        ("A fine title", " \n\t ", "Write something first"),
        ("A fine title", "y" * 30_001, "the most we take is 30,000"),
    ],
)
def test_thread_outside_the_limits_is_refused_with_the_text_kept(
    forum, member_client, title, body, message
):
    response = member_client.submit("/forums/introductions/new", {"title": title, "body": body})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    if body.strip():
        assert body[:200] in page  # the text comes back in the form


def test_title_and_body_errors_are_shown_together(forum, member_client):
    response = member_client.submit("/forums/introductions/new", {"title": "", "body": ""})
    page = response.get_data(as_text=True)
    assert "at least 3 characters" in page and "Write something first" in page


def test_archived_forum_takes_no_new_threads(app, forum, member_client):
    with app.app_context():
        manage.set_forum_archived(forum.id, True)
    page = member_client.get("/forums/introductions/new").get_data(as_text=True)
    assert "archived" in page and 'name="title"' not in page
    response = member_client.submit(
        "/forums/introductions/new", {"title": "Still here?", "body": "Keep this text"}
    )
    assert response.status_code == 403
    assert "Keep this text" in response.get_data(as_text=True)
    assert member_client.get("/forums/introductions").status_code == 200  # still readable


def test_the_same_thread_twice_within_minutes_is_caught(app, forum, member_client):
    data = {"title": "Meet-up on Thursday", "body": "Who is coming along?"}
    assert member_client.submit("/forums/introductions/new", data).status_code == 302
    with app.app_context():
        app.config["RATELIMIT_ENABLED"] = False
    again = member_client.submit(
        "/forums/introductions/new", {**data, "body": "who is  coming along?"}
    )
    assert again.status_code == 422
    assert "You sent this same text a moment ago" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 1


# --- replying -----------------------------------------------------------------------------


def test_reply_without_javascript_redirects_to_the_new_post(app, a_thread, member_client):
    response = member_client.submit(f"/threads/{a_thread.id}/reply", {"body": "Same here!"})
    assert response.status_code == 302
    post_id = _thread(app, a_thread.id).last_post_id
    assert response.headers["Location"].endswith(f"/threads/{a_thread.id}?page=1#post-{post_id}")
    page = member_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Same here!" in page and "Your reply is posted" in page


def test_reply_with_htmx_returns_the_new_post_and_a_fresh_form(app, a_thread, member_client):
    first = a_thread.first_post_id
    response = member_client.submit(
        f"/threads/{a_thread.id}/reply", {"body": "Same **here**", "after": first}, htmx=True
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    post_id = _thread(app, a_thread.id).last_post_id
    assert f'id="post-{post_id}"' in html and "<strong>here</strong>" in html
    assert f'id="post-{first}"' not in html  # only what the page does not have yet
    form = re.search(r'<div id="reply-form"[^>]*hx-swap-oob="true".*?</form>', html, re.S)
    assert form and "Same **here**" not in form.group(0)  # the form comes back empty
    assert 'id="flash"' in html and "Your reply is posted" in html
    assert '<span id="thread-post-count" hx-swap-oob="true">2 posts</span>' in html
    assert f"reply-thread-{a_thread.id}" in response.headers["HX-Trigger"]  # forget the draft


def test_replies_move_the_counters(app, a_thread, new_client):
    with app.app_context():
        people = [factories.member() for _ in range(3)]
    for n, person in enumerate(people):
        client = sign_in_as(new_client(), person)
        client.submit(f"/threads/{a_thread.id}/reply", {"body": f"Reply number {n}"})
    thread = _thread(app, a_thread.id)
    assert thread.reply_count == 3
    assert thread.last_post_id == max(p.id for p in _posts(app, a_thread.id))
    assert thread.last_post_author_id == people[-1].id
    with app.app_context():
        forum = db.session.get(Forum, thread.forum_id)
        assert (forum.thread_count, forum.post_count) == (1, 4)
        assert forum.last_post_at == thread.last_post_at


def test_empty_reply_is_refused_with_a_clear_message(a_thread, member_client):
    response = member_client.submit(f"/threads/{a_thread.id}/reply", {"body": "   \n  "})
    assert response.status_code == 422
    assert "Write something first" in response.get_data(as_text=True)


def test_refused_htmx_reply_replaces_the_form_with_errors_and_the_text(a_thread, member_client):
    long_text = "word " * 6001
    response = member_client.submit(f"/threads/{a_thread.id}/reply", {"body": long_text}, htmx=True)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#reply-form"
    html = response.get_data(as_text=True)
    assert "the most we take is 30,000" in html and long_text.strip() in html


def test_locked_thread_takes_no_replies_and_keeps_the_text(app, a_thread, member_client):
    with app.app_context():
        db.session.execute(sa.update(Thread).values(locked=True))
        db.session.commit()
    page = member_client.get(f"/threads/{a_thread.id}").get_data(as_text=True)
    assert "This thread is locked" in page and "Post reply" not in page
    response = member_client.submit(f"/threads/{a_thread.id}/reply", {"body": "My careful words"})
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "locked" in body and "My careful words" in body
    assert len(_posts(app, a_thread.id)) == 1


def test_archived_forum_takes_no_replies(app, a_thread, member_client):
    with app.app_context():
        manage.set_forum_archived(_thread(app, a_thread.id).forum_id, True)
    response = member_client.submit(f"/threads/{a_thread.id}/reply", {"body": "Hello?"})
    assert response.status_code == 403
    assert "archived" in response.get_data(as_text=True)


def test_posting_too_fast_answers_429_with_a_friendly_message_and_the_text(
    app, a_thread, member_client
):
    assert member_client.submit(f"/threads/{a_thread.id}/reply", {"body": "One"}).status_code == 302
    response = member_client.submit(f"/threads/{a_thread.id}/reply", {"body": "Two, soon after"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "You are posting faster than we allow. Your text is kept" in page
    assert "Two, soon after" in page
    htmx = member_client.submit(f"/threads/{a_thread.id}/reply", {"body": "Three"}, htmx=True)
    assert htmx.status_code == 429 and "Three" in htmx.get_data(as_text=True)
    assert len(_posts(app, a_thread.id)) == 2


def test_the_same_reply_twice_within_minutes_is_caught(app, a_thread, member_client):
    app.config["RATELIMIT_ENABLED"] = False
    url = f"/threads/{a_thread.id}/reply"
    assert member_client.submit(url, {"body": "Thank you, this helps"}).status_code == 302
    again = member_client.submit(url, {"body": "Thank you,  this helps\n"}, htmx=True)
    assert again.status_code == 422
    assert "You sent this same text a moment ago" in again.get_data(as_text=True)
    assert len(_posts(app, a_thread.id)) == 2


def test_expired_session_token_brings_the_reply_back_with_its_text(app, a_thread, member_client):
    response = member_client.post(
        f"/threads/{a_thread.id}/reply", data={"body": "Written over a long tea break"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your session timed out" in page
    assert "Written over a long tea break" in page
    assert len(_posts(app, a_thread.id)) == 1


def test_expired_session_token_keeps_a_new_threads_title_and_text(forum, member_client):
    response = member_client.post(
        "/forums/introductions/new", data={"title": "My first story", "body": "It began in May"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "My first story" in page and "It began in May" in page


def test_saved_new_thread_tells_the_browser_to_forget_its_draft(app, forum, member_client):
    response = member_client.submit(
        "/forums/introductions/new", {"title": "Hello there", "body": "Hi"},
        follow_redirects=True,
    )  # fmt: skip
    assert f'data-keys="thread-new-{forum.id}"' in response.get_data(as_text=True)


def test_reply_with_a_content_warning_and_a_note(app, a_thread, member_client):
    with app.app_context():
        grief = next(w for w in content_warnings.all_warnings() if w.name == "bereavement")
    member_client.submit(
        f"/threads/{a_thread.id}/reply",
        {"body": "When my gran died…", "warnings": [grief.id], "warning_note": "about my gran"},
    )
    with app.app_context():
        post = db.session.get(Post, _thread(app, a_thread.id).last_post_id)
        assert [w.name for w in post.warnings] == ["bereavement"]
        assert post.warning_note == "about my gran"


def test_unknown_or_archived_warnings_are_refused(app, a_thread, member_client):
    response = member_client.submit(
        f"/threads/{a_thread.id}/reply", {"body": "Hello", "warnings": ["999"]}
    )
    assert response.status_code == 422
    assert "Choose warnings from the list" in response.get_data(as_text=True)


# --- quoting ------------------------------------------------------------------------------


def test_quote_puts_the_post_in_the_reply_box_without_javascript(app, a_thread, member_client):
    response = member_client.get(f"/posts/{a_thread.first_post_id}/quote")
    assert response.status_code == 302
    assert "quote=" in response.headers["Location"] and "#reply" in response.headers["Location"]
    page = member_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "&gt; **Isla** wrote:\n&gt;\n&gt; How do you manage?" in page


def test_quote_for_htmx_carries_the_text_and_the_warnings(app, member_client, forum):
    with app.app_context():
        author = factories.member(display_name="Kenny_*the*_[mod]")
        thread = factories.thread(
            author, body="Ten years on.\n\nStill here.", warnings=("suicide",)
        )
    response = member_client.htmx_get(f"/posts/{thread.first_post_id}/quote")
    html = response.get_data(as_text=True)
    assert "&gt; **Kenny\\_\\*the\\*\\_\\[mod\\]** wrote:" in html
    assert "&gt; Ten years on.\n&gt;\n&gt; Still here." in html
    assert 'data-warnings="1"' in html
