"""Administrators keep the regions and their forums, the roles, the crisis contacts and the
network's documents."""

import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Consent, Member, Region, Role
from forum.services import ordering, site_settings
from forum.services.forums import content_warnings
from forum.services.network import crisis_contacts, regions
from tests import factories
from tests.test_membership import application


def test_admin_adds_renames_reorders_and_archives_regions(app, admin_client, client):
    response = admin_client.submit("/admin/regions", {"name": "Orkney"})
    assert response.status_code == 302
    with app.app_context():
        orkney = db.session.scalar(sa.select(Region).where(Region.name == "Orkney"))
        assert orkney.slug == "orkney"
    admin_client.submit(f"/admin/regions/{orkney.id}", {"action": "rename", "name": "Orkney Isles"})
    admin_client.submit(f"/admin/regions/{orkney.id}", {"action": "up"})
    with app.app_context():
        names = [r.name for r in regions.regions()]
    assert names[-2] == "Orkney Isles"
    admin_client.submit(f"/admin/regions/{orkney.id}", {"action": "archive"})
    apply_page = client.get("/apply").get_data(as_text=True)
    assert "Orkney Isles" not in apply_page  # archived regions are not offered
    assert "Highland" in apply_page


def test_region_names_are_unique_and_required(admin_client):
    response = admin_client.submit("/admin/regions", {"name": "lothian"})
    assert response.status_code == 422
    assert b"There is already a region with this name." in response.data
    response = admin_client.submit("/admin/regions", {"name": "   "})
    assert response.status_code == 422


def test_applying_for_an_archived_region_is_refused(app, client):
    with app.app_context():
        highland_id = factories.region("Highland").id
        regions.set_region_archived(highland_id, True)
    response = client.submit("/apply", application(region_id=str(highland_id)))
    assert response.status_code == 422
    assert b"Choose the region you are in." in response.data


def test_admin_promotes_a_member_to_moderator(app, admin_client, member, new_client):
    from tests.conftest import sign_in_as

    response = admin_client.submit(f"/admin/members/{member.id}/role", {"role": "moderator"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Member, member.id).role == Role.MODERATOR
    promoted = sign_in_as(new_client(), member)
    assert promoted.get("/moderation/applications").status_code == 200


def test_the_last_administrator_cannot_step_down(app, admin_client, admin):
    admin_client.submit(f"/admin/members/{admin.id}/role", {"role": "member"})
    with app.app_context():
        assert db.session.get(Member, admin.id).role == Role.ADMIN
    page = admin_client.get("/admin/members").get_data(as_text=True)
    assert "at least one administrator" in page


def test_member_search_finds_by_name_or_email(app, admin_client):
    with app.app_context():
        factories.member(display_name="Rhona", email="rhona@example.org")
        factories.member(display_name="Callum", email="callum@example.org")
    page = admin_client.get("/admin/members?q=rho").get_data(as_text=True)
    assert "Rhona" in page and "Callum" not in page
    page = admin_client.get("/admin/members?q=%25").get_data(as_text=True)  # a literal %
    assert "Rhona" not in page


def test_admin_edits_the_crisis_contacts(app, admin_client, client):
    response = admin_client.submit(
        "/admin/crisis-contacts",
        {"name": "Local crisis team", "description": "Out of hours", "phone": "0131 000 0000"},
    )
    assert response.status_code == 302
    assert b"Local crisis team" in client.get("/help/urgent").data
    response = admin_client.submit("/admin/crisis-contacts", {"name": "No way to reach it"})
    assert response.status_code == 422
    assert b"Add a phone number, a text number or a website." in response.data
    with app.app_context():
        first = crisis_contacts.crisis_contacts()[0]
    admin_client.submit(f"/admin/crisis-contacts/{first.id}/delete", {})
    assert b"Emergency services" not in client.get("/help/urgent").data


def test_changing_the_privacy_notice_makes_a_new_version_for_new_consents(
    app, admin_client, client
):
    with app.app_context():
        current = site_settings.settings()
        form = {
            "network_name": current.network_name,
            "house_rules": current.house_rules_source,
            "privacy_notice": current.privacy_notice_source
            + "\n\nWe now also keep event sign-ups.",
        }
    admin_client.submit("/admin/settings", form)
    with app.app_context():
        assert site_settings.settings().privacy_notice_version == "2"
        assert site_settings.settings().house_rules_version == "1"
    client.submit("/apply", application())
    with app.app_context():
        consent = db.session.scalar(
            sa.select(Consent)
            .join(Member)
            .where(Member.email == "priya@example.org", Consent.kind == "health_data")
        )
        assert consent.document_version == "2"


def test_seed_demo_refuses_a_database_with_real_members(app, member):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "real members" in result.output


def test_seed_demo_fills_an_empty_database(bare_app):
    result = bare_app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "morag@demo.example.org" in result.output
    with bare_app.app_context():
        assert len(regions.regions()) == 15  # the 14 health boards, and Norfolk (issue 14)
        statuses = set(db.session.scalars(sa.select(Member.status)))
        assert {s.value for s in statuses} == {"active", "pending", "rejected", "suspended"}


def test_administrator_adds_moves_and_deletes_a_crisis_contact(app, admin_client):
    response = admin_client.submit(
        "/admin/crisis-contacts",
        {"name": "Local crisis line", "description": "Evenings", "phone": "0800 000 000"},
    )
    assert response.status_code == 302
    with app.app_context():
        added = crisis_contacts.crisis_contacts()[-1]
    assert added.name == "Local crisis line"
    assert admin_client.submit(f"/admin/crisis-contacts/{added.id}/up").status_code == 302
    with app.app_context():
        assert crisis_contacts.crisis_contacts()[-2].id == added.id
    assert admin_client.submit(f"/admin/crisis-contacts/{added.id}/delete").status_code == 302
    with app.app_context():
        assert added.id not in [c.id for c in crisis_contacts.crisis_contacts()]


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


def test_moving_things_in_a_list_commits_once_with_its_audit_row(ctx, admin, commits):
    """Regions, crisis contacts, forums and warnings move through ``ordering.move``, which never
    commits: each move is one transaction, the new order and its audit row together."""
    first, second = regions.regions()[:2]
    commits.clear()
    ordering.move(regions.regions(), second, -1)
    assert commits == []
    db.session.rollback()
    regions.move_region(second.id, -1, actor=admin)
    assert len(commits) == 1
    assert [r.id for r in regions.regions()[:2]] == [second.id, first.id]
    moved = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "region.move"))
    assert moved.target_id == second.id
