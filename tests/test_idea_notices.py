"""The author of an idea is told of comments on it and of changes to its status; a member
is told of a message from the moderators."""

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Idea, Member, Notification, utcnow
from forum.services.ideas import comments, moderation
from forum.services.notifications import inbox
from forum.services.people import sanctions
from tests import factories
from tests.conftest import sign_in_as


def _kinds(app, member) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(sa.select(Notification.kind).where(
            Notification.member_id == member.id)))  # fmt: skip


def test_a_comment_and_a_status_change_tell_the_author(app, new_client):
    with app.app_context():
        rhona = factories.member(display_name="Rhona")
        callum = factories.member(display_name="Callum")
        kenny = factories.member(display_name="Kenny", role="moderator")
    with app.test_request_context():
        idea = factories.idea(rhona, title="Quarterly meetings in Inverness")
        comments.add(db.session.get(Member, callum.id), idea.id, "I could host one.")
        comments.add(db.session.get(Member, rhona.id), idea.id, "Thank you!")  # mine: nothing
        moderation.change_status(db.session.get(Member, kenny.id), idea.id, "planned", "In May.")
    assert _kinds(app, rhona) == ["idea_comment", "idea_status"]
    page = sign_in_as(new_client(), rhona).get("/notifications").get_data(as_text=True)
    assert "Callum commented on your idea “Quarterly meetings in Inverness”" in page
    assert "Your idea “Quarterly meetings in Inverness” is now “Planned”" in page


def test_a_hidden_idea_notifies_no_longer(app):
    with app.app_context():
        rhona = factories.member(display_name="Rhona")
        callum = factories.member(display_name="Callum")
    with app.test_request_context():
        idea = factories.idea(rhona, title="Something")
        comments.add(db.session.get(Member, callum.id), idea.id, "A comment.")
        assert inbox.unread_count(db.session.get(Member, rhona.id)) == 1
        db.session.get(Idea, idea.id).hidden_at = utcnow()
        db.session.commit()
        assert inbox.unread_count(db.session.get(Member, rhona.id)) == 0


def test_a_message_from_the_moderators_rings_the_bell(app, new_client):
    with app.app_context():
        rhona = factories.member(display_name="Rhona")
        kenny = factories.member(display_name="Kenny", role="moderator")
    with app.test_request_context():
        sanctions.warn(db.session.get(Member, kenny.id), db.session.get(Member, rhona.id),
                       "Please keep to the house rules.")  # fmt: skip
        db.session.commit()
    page = sign_in_as(new_client(), rhona).get("/notifications").get_data(as_text=True)
    assert "The moderators sent you a message" in page
