"""Moderator notes on a member's page: moderators of the member's region read and write them,
the member never sees them, and each one is recorded in the audit log."""

import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, ModeratorNote
from tests import factories
from tests.conftest import sign_in_as


def test_a_moderator_writes_a_note_that_other_moderators_read_and_the_audit_log_records(
    app, member, moderator_client, admin_client
):
    response = moderator_client.submit(
        f"/members/{member.id}/notes", {"body": "Spoke on the phone: <b>doing better</b>."}
    )
    assert response.status_code == 302
    page = admin_client.get(f"/members/{member.id}").get_data(as_text=True)
    assert "Moderator notes" in page
    assert "Spoke on the phone: &lt;b&gt;doing better&lt;/b&gt;." in page  # escaped
    with app.app_context():
        entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.target_id) == ("member.note", member.id)


def test_the_member_and_other_members_never_see_the_notes(
    app, member, moderator, moderator_client, new_client
):
    moderator_client.submit(f"/members/{member.id}/notes", {"body": "A private note."})
    own = sign_in_as(new_client(), member).get(f"/members/{member.id}").get_data(as_text=True)
    assert "A private note." not in own and "Moderator notes" not in own
    with app.app_context():
        other = factories.member(display_name="Other")
    other_client = sign_in_as(new_client(), other)
    assert "A private note." not in other_client.get(f"/members/{member.id}").get_data(as_text=True)
    assert other_client.submit(f"/members/{member.id}/notes", {"body": "x"}).status_code == 404


def test_a_regional_moderator_cannot_note_a_member_outside_their_regions(
    app, member, regional_client
):
    assert regional_client.submit(f"/members/{member.id}/notes", {"body": "x"}).status_code == 404
    assert "Moderator notes" not in regional_client.get(f"/members/{member.id}").get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ModeratorNote.id))) == 0


def test_an_empty_note_is_refused(app, member, moderator_client):
    moderator_client.submit(f"/members/{member.id}/notes", {"body": "   "})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ModeratorNote.id))) == 0
