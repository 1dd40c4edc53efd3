"""Histories that are whole: an idea's history shows what was merged into it; members read the
earlier versions of their own posts (others as the network decides)."""

import re

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Idea, utcnow
from forum.services import site_settings
from forum.services.forums import threads
from forum.services.ideas import moderation as idea_moderation
from tests import factories
from tests.conftest import sign_in_as


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def _history(page: str) -> str:
    return page[page.index("History") : page.index("Comments") if "Comments" in page else None]


def test_an_ideas_history_shows_the_ideas_merged_into_it(app, member, moderator, member_client):
    with app.test_request_context():
        jo = factories.member(display_name="Jo")
        kept = factories.idea(member, "A closed online space for peer supporters")
        dup = factories.idea(jo, "An online group to keep in touch")
        idea_moderation.merge(moderator, dup.id, kept.id)
    history = _history(_text(member_client.get(f"/ideas/{kept.id}")))
    assert f"merged “An online group to keep in touch” (idea {dup.id}, by Jo) into this" in history


def test_a_merged_idea_the_reader_may_not_see_is_not_named_in_the_history(
    app, member, moderator, member_client
):
    with app.test_request_context():
        kept = factories.idea(member, "Walks in the hills")
        hidden = factories.idea(factories.member(), "Secret regional walk")
        idea_moderation.merge(moderator, hidden.id, kept.id)
        db.session.execute(
            sa.update(Idea)
            .where(Idea.id == hidden.id)
            .values(hidden_at=utcnow(), hidden_by_id=moderator.id, hidden_reason="Names")
        )
        db.session.commit()
    history = _history(_text(member_client.get(f"/ideas/{kept.id}")))
    assert "Secret regional walk" not in history


def _edited_reply(app, member) -> tuple[int, int, object]:
    """Jo's reply in Ahmed's thread, edited once by Jo."""
    with app.test_request_context():
        jo = factories.member(display_name="Jo")
        thread = factories.thread(member, title="My first month", replies=[(jo, "First words.")])
        threads.edit_post(jo, thread.last_post_id, body="Better words.")
        return thread.id, thread.last_post_id, jo


def test_a_member_reads_the_earlier_versions_of_their_own_post(app, member, new_client):
    thread_id, reply, jo = _edited_reply(app, member)
    author = sign_in_as(new_client(), jo)
    page = author.get(f"/threads/{thread_id}?page=1").get_data(as_text=True)
    assert f'href="/posts/{reply}/history"' in page
    history = _text(author.get(f"/posts/{reply}/history"))
    assert "First words." in history and "Better words." in history
    assert "Only moderators see this page" not in history


def test_others_read_earlier_versions_only_when_the_network_allows_it(
    app, member, member_client, admin_client
):
    thread_id, reply, _jo = _edited_reply(app, member)
    assert member_client.get(f"/posts/{reply}/history").status_code == 404
    page = member_client.get(f"/threads/{thread_id}?page=1").get_data(as_text=True)
    assert f'href="/posts/{reply}/history"' not in page
    admin_client.submit(
        "/admin/moderation",
        {"auto_hide_reports": "3", "hold_first_posts": "0", "earlier_versions_public": "y"},
    )
    with app.app_context():
        assert site_settings.required().earlier_versions_public
    page = member_client.get(f"/threads/{thread_id}?page=1").get_data(as_text=True)
    assert f'href="/posts/{reply}/history"' in page
    assert "First words." in _text(member_client.get(f"/posts/{reply}/history"))


def test_a_removed_post_keeps_its_earlier_versions_from_other_members(
    app, member, member_client, admin_client
):
    _thread_id, reply, jo = _edited_reply(app, member)
    admin_client.submit(
        "/admin/moderation",
        {"auto_hide_reports": "3", "hold_first_posts": "0", "earlier_versions_public": "y"},
    )
    with app.test_request_context():
        threads.delete_post(jo, reply)
    assert member_client.get(f"/posts/{reply}/history").status_code == 404
