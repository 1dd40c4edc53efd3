"""Administrators keep the network's lists: crisis contacts, regions and their forums."""

from forum.services import site


def test_administrator_adds_moves_and_deletes_a_crisis_contact(app, admin_client):
    response = admin_client.submit(
        "/admin/crisis-contacts",
        {"name": "Local crisis line", "description": "Evenings", "phone": "0800 000 000"},
    )
    assert response.status_code == 302
    with app.app_context():
        added = site.crisis_contacts()[-1]
    assert added.name == "Local crisis line"
    assert admin_client.submit(f"/admin/crisis-contacts/{added.id}/up").status_code == 302
    with app.app_context():
        assert site.crisis_contacts()[-2].id == added.id
    assert admin_client.submit(f"/admin/crisis-contacts/{added.id}/delete").status_code == 302
    with app.app_context():
        assert added.id not in [c.id for c in site.crisis_contacts()]


# --- regions and their forums ------------------------------------------------------------------


def _forum(app, **where):
    import sqlalchemy as sa

    from forum.extensions import db
    from forum.models import Forum

    with app.app_context():
        return db.session.scalar(sa.select(Forum).filter_by(**where))


def test_adding_a_region_creates_its_forum_in_the_same_step(app, admin_client):
    assert admin_client.submit("/admin/regions", {"name": "Orkney"}).status_code == 302
    forum = _forum(app, name="Orkney")
    assert forum is not None and forum.slug == "orkney" and forum.region_id is not None
    assert "Orkney" in admin_client.get("/").get_data(as_text=True)


def test_renaming_a_region_renames_its_forum_unless_it_was_named_otherwise(app, admin_client):
    highland = _forum(app, name="Highland")
    admin_client.submit(f"/admin/regions/{highland.region_id}", {"name": "Highlands"})
    assert _forum(app, id=highland.id).name == "Highlands"
    assert "Peer supporters in Highlands" in _forum(app, id=highland.id).description
    admin_client.submit(
        f"/admin/forums/{highland.id}",
        {"name": "Highland and Skye", "description": "Ours.", "audience": "everyone"},
    )
    admin_client.submit(f"/admin/regions/{highland.region_id}", {"name": "Highland"})
    assert _forum(app, id=highland.id).name == "Highland and Skye"


def test_archiving_a_region_leaves_its_forum_open_to_its_members(app, admin_client):
    lothian = _forum(app, name="Lothian")
    admin_client.submit(f"/admin/regions/{lothian.region_id}", {"action": "archive"})
    assert _forum(app, id=lothian.id).archived_at is None


def test_administrator_adds_describes_reorders_and_archives_forums(app, admin_client):
    for name in ("Introductions", "Events"):
        response = admin_client.submit("/admin/forums", {"name": name, "description": "Hello"})
        assert response.status_code == 302
    events = _forum(app, name="Events")
    intro = _forum(app, name="Introductions")
    assert events.position > intro.position
    admin_client.submit(f"/admin/forums/{events.id}/up")
    assert _forum(app, id=events.id).position < _forum(app, id=intro.id).position
    admin_client.submit(f"/admin/forums/{events.id}/archive")
    assert _forum(app, id=events.id).archived_at is not None
    page = admin_client.get("/").get_data(as_text=True)
    assert "Archived forums" in page
    admin_client.submit(f"/admin/forums/{events.id}/restore")
    assert _forum(app, id=events.id).archived_at is None


def test_forum_names_are_required_and_limited(app, admin_client):
    response = admin_client.submit("/admin/forums", {"name": "   "})
    assert response.status_code == 422 and "Give the forum a name." in response.get_data(True)
    response = admin_client.submit("/admin/forums", {"name": "x" * 81})
    assert response.status_code == 422 and "at most 80" in response.get_data(True)


def test_only_a_regions_forum_can_be_kept_to_its_members(app, admin_client):
    admin_client.submit("/admin/forums", {"name": "Events"})
    events = _forum(app, name="Events")
    response = admin_client.submit(
        f"/admin/forums/{events.id}", {"name": "Events", "audience": "region"}
    )
    assert response.status_code == 422
    lothian = _forum(app, name="Lothian")
    response = admin_client.submit(
        f"/admin/forums/{lothian.id}", {"name": "Lothian", "audience": "region"}
    )
    assert response.status_code == 302
    assert _forum(app, id=lothian.id).audience == "region"


def test_administrator_keeps_the_list_of_content_warnings(app, admin_client):
    from forum.services import content_warnings

    assert admin_client.submit("/admin/warnings", {"name": "gambling"}).status_code == 302
    with app.app_context():
        gambling = content_warnings.all_warnings()[-1]
    assert gambling.name == "gambling"
    response = admin_client.submit("/admin/warnings", {"name": "Gambling"}, follow_redirects=True)
    assert "already on the list" in response.get_data(as_text=True)
    admin_client.submit(f"/admin/warnings/{gambling.id}", {"action": "rename", "name": "betting"})
    admin_client.submit(f"/admin/warnings/{gambling.id}", {"action": "up"})
    admin_client.submit(f"/admin/warnings/{gambling.id}", {"action": "archive"})
    with app.app_context():
        offered = [w.name for w in content_warnings.all_warnings()]
        everything = [w.name for w in content_warnings.all_warnings(include_archived=True)]
    assert "betting" not in offered and everything[-2] == "betting"


def test_members_and_moderators_get_404_on_forum_administration(member_client, moderator_client):
    for client in (member_client, moderator_client):
        for url in ("/admin/forums", "/admin/warnings", "/admin/forums/1"):
            assert client.get(url).status_code == 404, url
