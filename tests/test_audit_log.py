"""The audit log: every moderation and administration action (who, when, what, on what, why,
before and after), read and filtered by moderators and administrators, changed by nobody."""

from datetime import timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Invitation, Role, utcnow
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
    assert settings.before == {"auto_hide_reports": 3, "hold_first_posts": 0}
    assert settings.after == {"auto_hide_reports": 4, "hold_first_posts": 2}


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
        factories.site.set_role(person.id, Role.MODERATOR, actor=admin)
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
