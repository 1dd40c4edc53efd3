"""The mails say what is true: the network's own crisis contacts, a real place to reply to."""

import pytest

from forum import create_app
from forum.config import ConfigError
from forum.extensions import db
from forum.models import MemberStatus
from forum.services import mail as mail_service
from forum.services.network import crisis_contacts
from tests import factories
from tests.test_membership import application


def test_the_application_mail_lists_the_crisis_contacts_the_administrators_keep(
    app, client, outbox
):
    with app.app_context():
        for contact in crisis_contacts.crisis_contacts():
            if contact.name in ("Samaritans", "Breathing Space"):
                db.session.delete(contact)
        db.session.commit()
        crisis_contacts.save_crisis_contact(
            None, name="Lifeline Éire", phone="1800 247 247", url="https://example.ie"
        )
    client.submit("/apply", application())
    body = outbox()[-1].body
    assert "Lifeline Éire" in body and "1800 247 247" in body and "https://example.ie" in body
    assert "Samaritans" not in body and "116 123" not in body
    assert "Breathing Space" not in body
    assert "http://forum.test/help/urgent" in body


def test_without_crisis_contacts_the_application_mail_still_points_to_the_urgent_help_page(
    app, client, outbox
):
    with app.app_context():
        for contact in crisis_contacts.crisis_contacts():
            db.session.delete(contact)
        db.session.commit()
    client.submit("/apply", application())
    body = outbox()[-1].body
    assert "Samaritans" not in body
    assert "http://forum.test/help/urgent" in body


def _delivered(app, tmp_path) -> str:
    with app.test_request_context():
        mail_service.deliver_due()
    files = sorted((tmp_path / "instance" / "mail").glob("*.eml"))
    return files[-1].read_text()


def _reject(app, moderator_client) -> None:
    with app.app_context():
        priya = factories.member(display_name="Priya", status=MemberStatus.PENDING)
    moderator_client.submit(f"/moderation/applications/{priya.id}/reject", {"message": ""})


def test_without_a_reply_to_address_no_mail_asks_to_be_replied_to(app, moderator_client, outbox):
    _reject(app, moderator_client)
    assert "About your application" in outbox()[-1].subject
    assert "reply to this email" not in outbox()[-1].body.lower()


def test_with_the_moderators_address_mails_say_reply_and_carry_it(
    app, moderator_client, outbox, tmp_path
):
    app.config["MAIL_REPLY_TO"] = "moderators@example.org"
    _reject(app, moderator_client)
    assert "you can reply to this email" in outbox()[-1].body
    text = _delivered(app, tmp_path)
    assert "Reply-To: moderators@example.org" in text


def test_the_sender_is_the_network_by_name_at_the_configured_address(app, outbox, tmp_path):
    app.config["MAIL_FROM"] = "hello@forum.example.org"
    with app.test_request_context():
        mail_service.queue("priya@example.org", "password_changed", member=factories.member())
        db.session.commit()
    text = _delivered(app, tmp_path)
    assert "From: Test Peer Network <hello@forum.example.org>" in text
    assert "Reply-To" not in text


def test_production_refuses_to_start_without_a_sender_address(tmp_path):
    settings = {"ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40,
                "TRUSTED_HOSTS": ["forum.example.org"]}  # fmt: skip
    with pytest.raises(ConfigError, match="FORUM_MAIL_FROM"):
        create_app(settings)
    with pytest.raises(ConfigError, match="FORUM_MAIL_FROM"):
        create_app({**settings, "MAIL_FROM": "no-reply@localhost"})
    with pytest.raises(ConfigError, match="FORUM_MAIL_REPLY_TO"):
        create_app({**settings, "MAIL_FROM": "forum@example.org", "MAIL_REPLY_TO": "moderators"})
