"""Only members who may see a forum see its threads: in lists, pages, partials and counts.

A region can keep its forum to its own members. Everyone else gets 404 (never 403), so a
restricted forum's existence does not leak. Moderators and administrators see every forum.
"""

import pytest

from tests import factories
from tests.conftest import sign_in_as

SECRET_TITLE = "Lothian handover notes"
SECRET_BODY = "The Leith drop-in moves to Wednesdays"


@pytest.fixture
def lothian_only(app):
    """The Lothian forum, kept to Lothian members, with one thread and a reply."""
    with app.app_context():
        factories.forum(region_name="Lothian", audience="region")
        author = factories.member(display_name="Morag", region_name="Lothian")
        neighbour = factories.member(display_name="Rab", region_name="Lothian")
        thread = factories.thread(
            author, "lothian", title=SECRET_TITLE, body=SECRET_BODY,
            replies=[(neighbour, "Thanks Morag, noted.")],
        )  # fmt: skip
        return {"thread": thread.id, "post": thread.first_post_id, "reply": thread.last_post_id}


@pytest.fixture
def glasgow_client(app, new_client):
    with app.app_context():
        person = factories.member(display_name="Ahmed", region_name="Greater Glasgow and Clyde")
    return sign_in_as(new_client(), person)


def _urls(ids):
    t, p, r = ids["thread"], ids["post"], ids["reply"]
    return [
        "/forums/lothian",
        "/forums/lothian?page=2",
        "/forums/lothian/new",
        f"/threads/{t}",
        f"/threads/{t}?page=1",
        f"/threads/{t}/posts?after=0",
        f"/threads/{t}/row",
        f"/posts/{p}",
        f"/posts/{r}/quote",
        f"/posts/{p}/edit",
        f"/posts/{p}/delete",
        f"/posts/{p}/history",
        f"/threads/{t}?quote={r}",
    ]


def test_member_of_another_region_gets_404_for_a_region_only_forum(lothian_only, glasgow_client):
    for url in _urls(lothian_only):
        for headers in ({}, {"HX-Request": "true"}):
            response = glasgow_client.get(url, headers=headers)
            assert response.status_code == 404, (url, headers, response.status_code)
            body = response.get_data(as_text=True)
            assert SECRET_TITLE not in body and SECRET_BODY not in body, url


def test_member_of_another_region_cannot_post_there_either(lothian_only, glasgow_client):
    t, p = lothian_only["thread"], lothian_only["post"]
    attempts = [
        ("/forums/lothian/new", {"title": "Sneaking in", "body": "Hello"}),
        (f"/threads/{t}/reply", {"body": "Hello from Glasgow"}),
        (f"/posts/{p}/edit", {"post1-body": "Changed"}),
        (f"/posts/{p}/delete", {}),
    ]
    for url, data in attempts:
        for htmx in (False, True):
            response = glasgow_client.submit(url, data, htmx=htmx)
            assert response.status_code == 404, (url, htmx, response.status_code)


def test_the_forum_index_shows_no_trace_of_a_forum_one_may_not_see(
    app, lothian_only, glasgow_client
):
    page = glasgow_client.get("/").get_data(as_text=True)
    assert "Lothian" not in page and SECRET_TITLE not in page
    assert "Highland" in page  # other regions' open forums are listed


def test_members_of_the_region_see_and_post_in_their_forum(app, lothian_only, new_client):
    with app.app_context():
        local = factories.member(display_name="Eilidh", region_name="Lothian")
    client = sign_in_as(new_client(), local)
    assert SECRET_TITLE in client.get("/").get_data(as_text=True)
    assert SECRET_TITLE in client.get("/forums/lothian").get_data(as_text=True)
    response = client.submit(f"/threads/{lothian_only['thread']}/reply", {"body": "Noted, ta."})
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_administrators_see_every_forum(app, lothian_only, new_client, role):
    with app.app_context():
        person = factories.member(role=role, region_name="Highland")
    client = sign_in_as(new_client(), person)
    assert SECRET_TITLE in client.get("/").get_data(as_text=True)
    for url in [u for u in _urls(lothian_only) if "page=2" not in u][:8]:
        assert client.get(url, follow_redirects=True).status_code == 200, url


def test_a_member_without_a_region_sees_only_open_forums(app, lothian_only, new_client):
    with app.app_context():
        person = factories.member(region_name=None)
    client = sign_in_as(new_client(), person)
    assert client.get("/forums/lothian").status_code == 404
    assert client.get("/forums/highland").status_code == 200


def test_unread_counts_on_the_index_count_only_visible_threads(app, new_client):
    with app.app_context():
        factories.forum(region_name="Lothian", audience="region")
        reader = factories.member(region_name="Highland")
        writer = factories.member(region_name="Lothian")
        factories.thread(writer, "lothian", title="Hidden news")
        factories.thread(writer, "highland", title="Open news")
    page = sign_in_as(new_client(), reader).get("/").get_data(as_text=True)
    assert page.count("1 with new posts") == 1
    assert "Open news" in page and "Hidden news" not in page


def test_unknown_forum_thread_and_post_are_404(member_client):
    for url in ("/forums/nowhere", "/threads/999", "/posts/999", "/threads/999/posts"):
        assert member_client.get(url).status_code == 404


def test_the_rule_read_in_sql_for_many_members_agrees_with_the_rule_for_one(app, ctx):
    """``member_sees_forum_clause`` (who on a page may be messaged) reads a member's role and
    regions in SQL; for every kind of member it gives exactly the forums of
    ``visible_forums_clause``, the rule every list and page goes through."""
    import sqlalchemy as sa

    from forum.extensions import db
    from forum.models import Forum, Member
    from forum.services.forums import manage, visibility

    factories.forum(region_name="Lothian", audience="region")
    factories.forum(region_name="Highland", audience="region")
    factories.forum(region_name="Greater Glasgow and Clyde", audience="everyone")
    room = manage.save_forum(name="Moderators' room", description="For moderators.")
    room.staff_only = True
    db.session.commit()
    people = [
        factories.member(region_name="Lothian"),
        factories.member(region_name=None),
        factories.member(
            role="moderator", region_name="Greater Glasgow and Clyde", moderates=("Highland",)
        ),
        factories.member(role="moderator", region_name=None),
        factories.member(role="admin", region_name="Lothian"),
        factories.member(role="moderator", region_name="Lothian", status="suspended"),
    ]
    kinds = set()
    for person in people:
        one = set(
            db.session.scalars(sa.select(Forum.id).where(visibility.visible_forums_clause(person)))
        )
        many = set(
            db.session.scalars(
                sa.select(Forum.id)
                .join(Member, Member.id == person.id)
                .where(visibility.member_sees_forum_clause())
            )
        )
        assert many == one, person
        kinds.add(frozenset(one))
    assert len(kinds) >= 4  # the people above do see different forums
