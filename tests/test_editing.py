"""Editing and removing one's own posts: only the author; earlier versions kept for moderators."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Post, PostRevision, Thread
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def story(app, member):
    """A thread by ``member`` (Ahmed) with a reply by someone else."""
    with app.app_context():
        other = factories.member(display_name="Jo")
        thread = factories.thread(
            member, title="My first month", body="It was hard at first.",
            replies=[(other, "Thanks for sharing, Ahmed.")],
        )  # fmt: skip
        return {"thread": thread.id, "opening": thread.first_post_id, "reply": thread.last_post_id}


def _post(app, post_id) -> Post:
    with app.app_context():
        post = db.session.get(Post, post_id)
        post.thread  # noqa: B018 - loaded for later use
        return post


def test_author_edits_their_post_and_readers_see_edited(app, story, member_client, new_client):
    url = f"/posts/{story['opening']}/edit"
    form = member_client.get(url).get_data(as_text=True)
    assert "It was hard at first." in form and "My first month" in form
    response = member_client.submit(
        url, {f"post{story['opening']}-title": "My first month as a peer worker",
              f"post{story['opening']}-body": "It was hard at first, then it got better."},
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        reader = factories.member()
    page = (
        sign_in_as(new_client(), reader).get(f"/threads/{story['thread']}").get_data(as_text=True)
    )
    assert "then it got better" in page and "My first month as a peer worker" in page
    assert 'class="edited">edited <time datetime="' in page


def test_editing_keeps_the_previous_version_for_moderators(
    app, story, member_client, moderator_client
):
    prefix = f"post{story['reply']}-"
    with app.app_context():
        author = db.session.get(Post, story["reply"]).author
    client = sign_in_as(member_client.application.test_client(), author)
    client.submit(f"/posts/{story['reply']}/edit", {prefix + "body": "Thank you for sharing."})
    with app.app_context():
        revisions = list(db.session.scalars(sa.select(PostRevision)))
        assert [r.body_source for r in revisions] == ["Thanks for sharing, Ahmed."]
    history = moderator_client.get(f"/posts/{story['reply']}/history").get_data(as_text=True)
    assert "Thanks for sharing, Ahmed." in history and "Thank you for sharing." in history
    assert member_client.get(f"/posts/{story['reply']}/history").status_code == 404


def test_saving_without_changes_keeps_no_revision(app, story, member_client):
    prefix = f"post{story['opening']}-"
    member_client.submit(
        f"/posts/{story['opening']}/edit",
        {prefix + "title": "My first month", prefix + "body": "It was hard at first."},
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PostRevision)) == 0
        assert db.session.get(Post, story["opening"]).edited_at is None


def test_only_the_author_may_edit_or_remove_a_post(app, story, member_client):
    other = f"/posts/{story['reply']}"
    assert member_client.get(other + "/edit").status_code == 403
    assert member_client.submit(other + "/edit", {"body": "Hijacked"}).status_code == 403
    assert member_client.get(other + "/delete").status_code == 403
    assert member_client.submit(other + "/delete").status_code == 403
    assert _post(app, story["reply"]).body_source == "Thanks for sharing, Ahmed."
    assert _post(app, story["reply"]).deleted_at is None


def test_moderators_cannot_edit_others_posts_here_either(app, story, moderator_client):
    assert moderator_client.submit(f"/posts/{story['opening']}/edit", {}).status_code == 403


def test_htmx_edit_swaps_the_form_in_and_the_post_back(app, story, member_client):
    url = f"/posts/{story['opening']}/edit"
    form = member_client.htmx_get(url).get_data(as_text=True)
    assert form.lstrip().startswith(f'<article id="post-{story["opening"]}"')
    prefix = f"post{story['opening']}-"
    saved = member_client.submit(
        url, {prefix + "title": "My first month", prefix + "body": "Edited in place"}, htmx=True
    )
    html = saved.get_data(as_text=True)
    assert f'<article id="post-{story["opening"]}"' in html and "Edited in place" in html
    assert "edited" in html


def test_edit_outside_the_limits_keeps_the_text(app, story, member_client):
    prefix = f"post{story['opening']}-"
    response = member_client.submit(
        f"/posts/{story['opening']}/edit", {prefix + "title": "No", prefix + "body": "Kept text"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "at least 3 characters" in page and "Kept text" in page


def test_locked_thread_posts_cannot_be_edited_but_can_be_removed(app, story, member_client):
    with app.app_context():
        db.session.execute(sa.update(Thread).values(locked=True))
        db.session.commit()
    prefix = f"post{story['opening']}-"
    response = member_client.submit(
        f"/posts/{story['opening']}/edit",
        {prefix + "title": "My first month", prefix + "body": "x"},
    )
    assert response.status_code == 403
    assert member_client.submit(f"/posts/{story['opening']}/delete").status_code == 302


def test_removed_post_shows_removed_by_its_author_but_moderators_still_read_it(
    app, story, member_client, moderator_client, new_client
):
    page = member_client.get(f"/posts/{story['opening']}/delete").get_data(as_text=True)
    assert "Remove your post?" in page
    response = member_client.submit(f"/posts/{story['opening']}/delete")
    assert response.status_code == 302
    with app.app_context():
        reader = factories.member()
    seen = sign_in_as(new_client(), reader).get(f"/threads/{story['thread']}?page=1")
    body = seen.get_data(as_text=True)
    assert "This post was removed by its author." in body
    assert "It was hard at first." not in body and "My first month" not in body
    assert "Thanks for sharing, Ahmed." in body  # replies stay
    moderated = moderator_client.get(f"/threads/{story['thread']}?page=1").get_data(as_text=True)
    assert "It was hard at first." in moderated and "Only moderators can see this text" in moderated
    listing = sign_in_as(new_client(), reader).get("/forums/introductions").get_data(as_text=True)
    assert "My first month" not in listing and "Removed by its author" in listing


def test_removing_keeps_counts_and_pages_steady(app, story, member_client):
    member_client.submit(f"/posts/{story['opening']}/delete")
    with app.app_context():
        thread = db.session.get(Thread, story["thread"])
        assert thread.reply_count == 1 and thread.forum.post_count == 2


def test_expired_session_token_brings_the_edit_back_with_its_text(app, story, member_client):
    prefix = f"post{story['opening']}-"
    response = member_client.post(
        f"/posts/{story['opening']}/edit",
        data={prefix + "title": "My first month", prefix + "body": "A long, careful rewrite"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Your session timed out" in page and "A long, careful rewrite" in page
    assert _post(app, story["opening"]).body_source == "It was hard at first."
