"""Invitations say what is true to the invitee, know a signed-in invitee, and can be emailed
by a moderator from the site."""

import re

from tests.conftest import link_in
from tests.test_membership import application, invitation_link


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_the_invitation_form_does_not_promise_an_approval_email(moderator_client, new_client):
    link = invitation_link(moderator_client)
    page = _text(new_client().get(link))
    assert "tell you when you have been approved" not in page
    assert "Only moderators see it" in page
    applying = _text(new_client().get("/apply"))
    assert "tell you when you have been approved" in applying  # still true there


def test_a_used_link_opened_by_its_signed_in_invitee_says_they_are_in(moderator_client, new_client):
    link = invitation_link(moderator_client)
    guest = new_client()
    form = application(display_name="Eilidh", email="eilidh@example.org", reason=None)
    assert guest.submit(link, form).status_code == 302
    response = guest.get(link)
    page = _text(response)
    assert "You are already a member" in page
    assert "Apply to join" not in page.split("Skip to main content")[-1].split("House rules")[0]
    assert 'href="/"' in response.get_data(as_text=True)


def test_a_moderator_sends_an_invitation_by_email(app, moderator_client, new_client, outbox):
    response = moderator_client.submit(
        "/moderation/invitations",
        {"note": "For Eilidh", "email": "Eilidh@Example.org", "days": "7", "region_id": ""},
    )
    assert response.status_code == 302
    page = _text(moderator_client.get("/moderation/invitations"))
    assert "The invitation is on its way to eilidh@example.org" in page
    mail = outbox()[-1]
    assert mail.recipient == "eilidh@example.org"
    assert "invited" in mail.subject.lower() and "Kenny" in mail.body
    link = link_in(mail.body)
    assert "/invite/" in link
    guest = new_client()
    form = application(display_name="Eilidh", email="eilidh@example.org", reason=None)
    assert guest.submit(link, form).status_code == 302


def test_a_bad_address_keeps_the_invitation_form(moderator_client, outbox):
    before = len(outbox())
    response = moderator_client.submit(
        "/moderation/invitations", {"note": "For Eilidh", "email": "not an address", "days": "7"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Check the email address" in page and 'value="For Eilidh"' in page
    assert len(outbox()) == before
