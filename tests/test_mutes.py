"""Muting: a member folds away another member's posts and comments, for themselves only. The
muted person never learns of it, and a thread page costs no extra query."""

import re

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Mute
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def loud(app):
    """Gordon, who posts a lot, in a thread and on an idea."""
    with app.app_context():
        gordon = factories.member(display_name="Gordon")
        host = factories.member(display_name="Fiona")
        thread = factories.thread(host, title="Weekend plans", replies=[(gordon, "BUY MY BOOK")])
        idea = factories.idea(host, "Book club")
        factories.comment(gordon, idea.id, "MY BOOK IS GREAT")
    return gordon, thread, idea


def test_muting_folds_their_posts_away_for_the_muter_only(
    app, loud, member, member_client, new_client
):
    gordon, thread, idea = loud
    response = member_client.submit(f"/members/{gordon.id}/mute", {})
    assert response.status_code == 302
    assert "You muted Gordon" in member_client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    page = member_client.get(f"/threads/{thread.id}?page=1").get_data(as_text=True)
    assert '<details class="muted-post"><summary><span class="cw-text">You muted Gordon.' in page
    assert "BUY MY BOOK" in page  # still there, behind "Show post"
    comments = member_client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "You muted Gordon." in comments
    others = sign_in_as(new_client(), factories_member(app))
    other_page = others.get(f"/threads/{thread.id}?page=1").get_data(as_text=True)
    assert "You muted" not in other_page and "muted-post" not in other_page  # (the thread's
    # own "Muted" notification level is on every thread page)


def factories_member(app):
    with app.app_context():
        return factories.member()


def test_the_muted_person_never_learns_of_it(app, loud, member, member_client, new_client):
    """Every page Gordon sees is the same before and after he is muted."""
    gordon, thread, idea = loud
    own = sign_in_as(new_client(), gordon)
    urls = (f"/threads/{thread.id}?page=1", f"/ideas/{idea.id}", f"/members/{member.id}",
            "/account/", f"/members/{gordon.id}", "/", "/messages")  # fmt: skip
    for url in urls:
        own.get(url)  # read once, so "new" marks are gone before comparing
    before = [_without_tokens(own.get(url).get_data(as_text=True)) for url in urls]
    member_client.submit(f"/members/{gordon.id}/mute", {})
    after = [_without_tokens(own.get(url).get_data(as_text=True)) for url in urls]
    assert after == before


def _without_tokens(page: str) -> str:
    """The page without what changes by itself: CSRF tokens and "5 minutes ago"."""
    page = re.sub(r'(csrf_token"[^>]*?value="|X-CSRFToken": ")[^"]+', r"\1", page)
    return re.sub(r"(<time [^>]*>)[^<]*(</time>)", r"\1\2", page)


def test_unmute_from_the_account_page(app, loud, member, member_client):
    gordon, thread, _idea = loud
    member_client.submit(f"/members/{gordon.id}/mute", {})
    member_client.submit(f"/members/{gordon.id}/mute", {})  # twice changes nothing
    account = member_client.get("/account/").get_data(as_text=True)
    assert "Muted members" in account and "Gordon" in account
    member_client.submit(f"/members/{gordon.id}/unmute", {"next": "/account/"})
    assert "You muted" not in member_client.get(f"/threads/{thread.id}?page=1").get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Mute)) == 0


def test_one_cannot_mute_oneself_or_someone_who_is_not_a_member(app, member, member_client):
    response = member_client.submit(f"/members/{member.id}/mute", {})
    assert response.status_code == 302
    with app.app_context():
        pending = factories.member(status="pending")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Mute)) == 0
    assert member_client.submit(f"/members/{pending.id}/mute", {}).status_code == 404
    assert member_client.get(f"/members/{pending.id}").status_code == 404
    assert member_client.submit("/members/9999/mute", {}).status_code == 404


def test_muting_adds_no_query_to_a_thread_page(app, loud, member_client, count_queries):
    gordon, thread, _idea = loud
    url = f"/threads/{thread.id}?page=1"
    member_client.get(url)
    with count_queries() as before:
        member_client.get(url)
    member_client.submit(f"/members/{gordon.id}/mute", {})
    with count_queries() as after:
        member_client.get(url)
    assert len(after) == len(before)
