"""The audit log: every moderation and administration action (who, when, what, on what, why,
before and after), read and filtered by moderators and administrators, changed by nobody."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Invitation, Role, utcnow
from forum.services import site_settings
from forum.services.network import crisis_contacts, roles
from tests import factories


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def _last(app, action) -> AuditEntry:
    with app.app_context():
        return db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
        )


def test_administration_actions_are_recorded_by_the_services(app, admin, admin_client):
    with app.app_context():
        person = factories.member(display_name="Jo")
    admin_client.submit(f"/admin/members/{person.id}/role", {"role": "moderator"})
    admin_client.submit("/admin/regions", {"name": "Orkney"})
    admin_client.submit("/admin/forums", {"name": "Peer work"})
    admin_client.submit("/admin/warnings", {"name": "violence"})
    admin_client.submit(
        "/admin/settings",
        {"network_name": "New name", "house_rules": "Be kind.", "privacy_notice": "Private."},
    )
    admin_client.submit("/admin/moderation", {"auto_hide_reports": "4", "hold_first_posts": "2"})
    admin_client.submit("/admin/crisis-contacts", {"name": "Local line", "phone": "0800 000 000"})
    admin_client.submit("/ideas/vote-budget", {"budget": "5"})
    actions = _actions(app)
    for action in ("role.change", "region.add", "forum.add", "content_warning.add",
                   "settings.update", "moderation_settings.update", "crisis_contact.add",
                   "vote_budget.set"):  # fmt: skip
        assert action in actions, action
    role = _last(app, "role.change")
    assert role.before == {"role": "member"} and role.after == {"role": "moderator"}
    assert role.actor_id == admin.id and "Jo" in role.summary
    settings = _last(app, "moderation_settings.update")
    assert settings.before == {
        "auto_hide_reports": 3, "hold_first_posts": 0, "earlier_versions_public": False
    }  # fmt: skip
    assert settings.after == {
        "auto_hide_reports": 4, "hold_first_posts": 2, "earlier_versions_public": False
    }  # fmt: skip


def test_moderators_decisions_invitations_and_ideas_are_recorded(app, member, moderator_client):
    with app.app_context():
        applicant = factories.member(status="pending", display_name="Priya")
        idea = factories.idea(member, "Summer picnic")
        other = factories.idea(member, "Summer picnic in the park")
    moderator_client.submit(f"/moderation/applications/{applicant.id}/approve", {"message": "Hi"})
    moderator_client.submit("/moderation/invitations", {"days": "7", "note": "For Eilidh"})
    with app.app_context():
        invitation = db.session.scalar(sa.select(Invitation))
    moderator_client.submit(f"/moderation/invitations/{invitation.id}/revoke", {})
    moderator_client.submit(f"/ideas/{idea.id}/status", {"status-status": "planned"})
    moderator_client.submit(f"/ideas/{other.id}/merge", {"merge-into": str(idea.id)})
    moderator_client.submit("/ideas/tags", {"name": "picnics"})
    actions = _actions(app)
    for action in ("application.approve", "invitation.create", "invitation.revoke",
                   "idea.status", "idea.merge", "idea_tag.add"):  # fmt: skip
        assert action in actions, action
    decision = _last(app, "application.approve")
    assert decision.before == {"status": "pending"} and decision.reason == "Hi"
    assert _last(app, "idea.status").before == {"status": "open"}


def test_moderators_and_administrators_read_the_log_members_do_not(
    app, member_client, moderator_client, admin_client
):
    assert member_client.get("/moderation/audit").status_code == 404
    assert moderator_client.get("/moderation/audit").status_code == 200
    assert admin_client.get("/moderation/audit").status_code == 200


def test_the_log_filters_by_who_what_on_what_and_when(app, admin, admin_client, moderator):
    with app.test_request_context():
        factories.forum("Events")  # by nobody in particular (the command line)
        person = factories.member(display_name="Jo")
        roles.set_role(person.id, Role.MODERATOR, actor=admin)
        factories.act(moderator, "member", factories.member().id, "warn", message="Hello")
        db.session.execute(
            sa.update(AuditEntry)
            .where(AuditEntry.action == "forum.add")
            .values(created_at=utcnow() - timedelta(days=10))
        )
        db.session.commit()
    every = admin_client.get("/moderation/audit").get_data(as_text=True)
    assert "3 entries" in every
    by_admin = admin_client.get(f"/moderation/audit?actor={admin.id}").get_data(as_text=True)
    assert "1 entry" in by_admin and "Changed the role of the member Jo" in by_admin
    automatic = admin_client.get("/moderation/audit?actor=automatic").get_data(as_text=True)
    assert "1 entry" in automatic and "System" in automatic
    warned = admin_client.get("/moderation/audit?action=member.warn").get_data(as_text=True)
    assert "1 entry" in warned and "Hello" in warned
    forums = admin_client.get("/moderation/audit?kind=forum").get_data(as_text=True)
    assert "1 entry" in forums
    since = (utcnow() - timedelta(days=2)).date().isoformat()
    recent = admin_client.get(f"/moderation/audit?since={since}").get_data(as_text=True)
    assert "2 entries" in recent
    until = (utcnow() - timedelta(days=5)).date().isoformat()
    old = admin_client.get(f"/moderation/audit?until={until}").get_data(as_text=True)
    assert "1 entry" in old
    odd = admin_client.get("/moderation/audit?actor=x&action=nope&kind=zzz&since=yesterday&page=-1")
    assert odd.status_code == 200 and "3 entries" in odd.get_data(as_text=True)


def test_the_log_pages_through_many_entries(app, admin_client, moderator):
    with app.test_request_context():
        person = factories.member()
        for n in range(55):
            factories.act(moderator, "member", person.id, "warn", message=f"Note {n}")
    first = admin_client.get("/moderation/audit").get_data(as_text=True)
    second = admin_client.get("/moderation/audit?page=2").get_data(as_text=True)
    assert "Note 54" in first and "Note 4<" not in first
    assert "Note 4<" in second and 'rel="prev"' in second


# --- who reads which entries ---------------------------------------------------------------


@pytest.fixture
def regions_log(app, admin, moderator, regional_moderator):
    """Entries about Lothian (its own members' forum), Highland, national things and the
    network's administration; Isla (Highland) made two of them herself."""
    with app.test_request_context():
        factories.forum(region_name="Lothian", audience="region")
        made = {}
        for place, slug, region in (("lothian", "lothian", "Lothian"),
                                    ("highland", "highland", "Highland"),
                                    ("national", "introductions", None)):  # fmt: skip
            author = factories.member(display_name=f"Author in {place}", region_name=region)
            thread = factories.thread(author, slug, title=f"Title of the {place} thread")
            factories.act(admin, "thread", thread.id, "hide", reason=f"Hidden in {place}")
            factories.act(moderator, "member", author.id, "warn", message=f"Private to {place}")
            made[place] = {"thread": thread.id, "author": author.id}
        made["isla's"] = factories.thread(factories.member(region_name="Highland"), "highland").id
        factories.act(regional_moderator, "thread", made["isla's"], "lock")
        factories.act(regional_moderator, "thread", made["isla's"], "pin")
        roles.set_role(made["highland"]["author"], Role.MODERATOR, actor=admin)  # site-wide
        site_settings.update_settings(network_name="Renamed network", house_rules="Be kind.",
                                      privacy_notice="Private.", actor=admin)  # fmt: skip
        crisis_contacts.save_crisis_contact(
            None, actor=admin, name="A local line", phone="0800 000 000"
        )
    return made


HIGHLAND_ONLY = ["Hidden in highland", "Private to highland", "Title of the highland thread"]
ELSEWHERE = ["Hidden in lothian", "Private to lothian", "Title of the lothian thread",
             "Hidden in national", "Private to national", "Title of the national thread",
             "Changed the role of", "the network&#39;s settings", "A local line"]  # fmt: skip


def test_a_regional_moderator_reads_her_regions_entries_and_her_own_actions(
    app, regions_log, regional_client
):
    page = regional_client.get("/moderation/audit").get_data(as_text=True)
    for text in HIGHLAND_ONLY:
        assert text in page, text
    for text in ELSEWHERE:
        assert text not in page, text
    assert "4 entries" in page  # Highland's hide and message, and her lock and pin


def test_national_moderators_and_administrators_read_every_entry(
    app, regions_log, moderator_client, admin_client
):
    for client in (moderator_client, admin_client):
        page = client.get("/moderation/audit").get_data(as_text=True)
        assert "12 entries" in page  # and the national forum made by the command line
        for text in HIGHLAND_ONLY + ELSEWHERE:
            assert text in page, text


@pytest.mark.parametrize(
    "query, count",
    [("kind=thread", 3), ("kind=member", 1), ("kind=settings", 0), ("kind=crisis_contact", 0),
     ("action=member.warn", 1), ("action=content.hide", 1), ("action=role.change", 0),
     ("action=settings.update", 0), ("actor=automatic", 0), ("page=2", 4), ("page=9999", 4)],
)  # fmt: skip
def test_her_filters_counts_and_pages_keep_to_her_regions(
    app, regions_log, regional_client, query, count
):
    page = regional_client.get(f"/moderation/audit?{query}").get_data(as_text=True)
    assert f"{count} entr{'y' if count == 1 else 'ies'}" in page
    for text in ELSEWHERE:
        assert text not in page, text


def test_filtering_by_a_person_shows_only_what_they_did_in_her_regions(
    app, regions_log, regional_client, admin
):
    page = regional_client.get(f"/moderation/audit?actor={admin.id}").get_data(as_text=True)
    assert "1 entry" in page and "Hidden in highland" in page


def test_her_who_filter_offers_only_people_in_her_entries(
    app, regions_log, regional_client, regional_moderator
):
    with app.test_request_context():
        lothian_moderator = factories.member(display_name="Lothian's own moderator",
                                             role="moderator", moderates=("Lothian",))  # fmt: skip
        factories.act(lothian_moderator, "thread", regions_log["lothian"]["thread"], "lock")
    page = regional_client.get("/moderation/audit").get_data(as_text=True)
    assert "Lothian&#39;s own moderator" not in page
    assert f'<option value="{regional_moderator.id}"' in page


def test_a_things_history_keeps_to_her_regions_too(app, regions_log, regional_client, admin_client):
    author = regions_log["highland"]["author"]
    mine = regional_client.get(f"/moderation/member/{author}").get_data(as_text=True)
    assert "sent a message to" in mine and "changed the role of," not in mine
    theirs = admin_client.get(f"/moderation/member/{author}").get_data(as_text=True)
    assert "changed the role of," in theirs


def test_an_entry_keeps_the_region_it_was_made_in(app, regions_log, admin, regional_client):
    with app.test_request_context():  # Highland's thread moves to Lothian's own forum
        lothian = factories.forum(region_name="Lothian", audience="region")
        thread = regions_log["highland"]["thread"]
        factories.act(admin, "thread", thread, "restore")
        factories.act(admin, "thread", thread, "move", forum_id=lothian.id)
        factories.act(admin, "thread", thread, "lock")
    page = regional_client.get("/moderation/audit").get_data(as_text=True)
    assert "Hidden in highland" in page  # made while it was hers
    assert "6 entries" in page  # and the restore and the move; not the lock in Lothian
