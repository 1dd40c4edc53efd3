"""The moderators' room (issue 17): a national forum only moderators and administrators see,
made with the network, where a queue row or a member's page is discussed with one click."""

import pytest

from forum.extensions import db
from forum.models import Forum
from forum.services.errors import NotFound, ValidationFailed
from forum.services.forums import manage, visibility
from tests import factories
from tests.conftest import sign_in_as


def room(app) -> Forum:
    with app.app_context():
        found = manage.moderators_room(factories.member(display_name="Kim", role="admin"))
        db.session.expunge(found)
        return found


def test_a_network_has_a_moderators_room_only_moderators_see(
    app, member, regional_moderator, moderator, ctx
):
    forum = room(app)
    assert forum.staff_only and forum.region_id is None
    with pytest.raises(NotFound):
        visibility.get_forum(member, forum.slug)
    assert visibility.get_forum(regional_moderator, forum.slug).id == forum.id
    assert visibility.get_forum(moderator, forum.slug).id == forum.id
    assert manage.moderators_room(member) is None


def test_what_is_written_there_stays_there(
    app, member, regional_moderator, member_client, new_client
):
    forum = room(app)
    with app.test_request_context():
        thread = factories.thread(
            regional_moderator,
            forum_slug=forum.slug,
            title="A hard evening",
            body="Worried about zebrafinch tonight",
        )
    assert member_client.get(f"/forums/{forum.slug}").status_code == 404
    assert member_client.get(f"/threads/{thread.id}").status_code == 404
    assert forum.name not in member_client.get("/").get_data(as_text=True)
    assert "A hard evening" not in member_client.get("/search?q=zebrafinch").get_data(as_text=True)
    moderator_page = sign_in_as(new_client(), regional_moderator).get("/search?q=zebrafinch")
    assert "A hard evening" in moderator_page.get_data(as_text=True)


def test_discussing_a_report_opens_a_thread_there_about_it(
    app, member, moderator, moderator_client
):
    forum = room(app)
    with app.test_request_context():
        thread = factories.thread(member, title="Feeling wobbly")
    page = moderator_client.get(f"/moderation/thread/{thread.id}").get_data(as_text=True)
    link = f"/forums/{forum.slug}/new?about=thread:{thread.id}"
    assert "Discuss this with the moderators" in page and link.replace("&", "&amp;") in page
    form = moderator_client.get(link).get_data(as_text=True)
    assert "About the thread “Feeling wobbly” by Ahmed" in form
    assert f"(/moderation/thread/{thread.id})" in form


def test_a_moderator_of_another_region_gets_an_empty_form(
    app, member, regional_moderator, new_client
):
    forum = room(app)
    with app.test_request_context():
        factories.forum(region_name="Lothian", audience="region")
        thread = factories.thread(member, forum_slug="lothian", title="Lothian only")
    client = sign_in_as(new_client(), regional_moderator)
    form = client.get(f"/forums/{forum.slug}/new?about=thread:{thread.id}").get_data(as_text=True)
    assert "Lothian only" not in form
    assert (
        client.get(f"/forums/{forum.slug}/new?about=thread:99999999999999999999").status_code == 200
    )


def test_an_administrator_makes_a_national_forum_a_room_but_not_a_regions(ctx, admin):
    general = manage.save_forum(name="Quiet corner", actor=admin)
    changed = manage.save_forum(
        name="Quiet corner", audience="staff", forum_id=general.id, actor=admin
    )
    assert changed.staff_only
    lothian = db.session.scalar(db.select(Forum).where(Forum.slug == "lothian"))
    with pytest.raises(ValidationFailed):
        manage.save_forum(name="Lothian", audience="staff", forum_id=lothian.id, actor=admin)
    back = manage.save_forum(
        name="Quiet corner", audience="everyone", forum_id=general.id, actor=admin
    )
    assert not back.staff_only


def test_moderators_see_the_room_marked_as_theirs(app, moderator_client):
    forum = room(app)
    index = moderator_client.get("/").get_data(as_text=True)
    assert forum.name.replace("'", "&#39;") in index
    assert "Moderators and administrators only" in index
    page = moderator_client.get(f"/forums/{forum.slug}").get_data(as_text=True)
    assert "Members never see it" in page
