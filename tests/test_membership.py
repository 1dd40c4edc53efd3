"""Applying, being approved or turned down, and joining by invitation."""

from datetime import timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Consent, Invitation, Member, MemberStatus, utcnow
from tests import factories
from tests.conftest import link_in, sign_in_as

STRONG = "a lantern by the quiet harbour"


def application(**changes):
    form = {
        "display_name": "Priya",
        "email": "priya@example.org",
        "password": STRONG,
        "region_id": "1",
        "organisation": "Student peer worker",
        "reason": "I am starting a placement and want to learn from others.",
        "accept_house_rules": "y",
        "accept_health_data": "y",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_applicant_sees_calm_waiting_page_and_gets_an_email(app, client, outbox, run_jobs):
    response = client.submit("/apply", application())
    assert response.status_code == 302
    assert response.headers["Location"] == "/apply/received"
    page = client.get("/apply/received").get_data(as_text=True)
    assert "waiting for a moderator" in page
    with app.app_context():
        priya = db.session.scalar(sa.select(Member).where(Member.email == "priya@example.org"))
        assert priya.status == MemberStatus.PENDING
        kinds = {c.kind.value: c.document_version for c in priya.consents}
        assert kinds == {"house_rules": "1", "health_data": "1"}
        assert all(c.given_at for c in priya.consents)
    mails = outbox()
    assert mails[-1].recipient == "priya@example.org"
    assert "We have your application" in mails[-1].subject
    assert mails[-1].sent_at is None  # the page did not wait for it: a background job sends it
    run_jobs()
    assert outbox()[-1].sent_at is not None


def test_each_consent_is_required_separately(app, client):
    response = client.submit("/apply", application(accept_health_data=None))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="accept_health_data-error"' in page
    assert 'id="accept_house_rules-error"' not in page
    assert "I am starting a placement" in page  # the answers are kept
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 0


def test_field_errors_are_linked_to_their_fields(client):
    response = client.submit(
        "/apply", application(display_name="", email="not-an-email", region_id="")
    )
    page = response.get_data(as_text=True)
    for field in ("display_name", "email", "region_id"):
        assert f'id="{field}-error"' in page, field
        assert f'aria-describedby="{field}-error"' in page or f"{field}-hint {field}-error" in page
    assert STRONG not in page


def test_applying_with_a_known_email_reveals_nothing(app, client, member, outbox):
    response = client.submit("/apply", application(email=member.email))
    assert response.status_code == 302
    assert response.headers["Location"] == "/apply/received"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 1
    assert outbox()[-1].recipient == member.email
    assert "already has an account" in outbox()[-1].body


def pending(app, **kw):
    with app.app_context():
        return factories.member(status="pending", display_name="Priya", **kw)


def test_moderator_approves_with_htmx_and_the_applicant_is_emailed(app, moderator_client, outbox):
    priya = pending(app)
    queue = moderator_client.get("/moderation/applications").get_data(as_text=True)
    assert "Priya" in queue and "To share ideas." in queue
    response = moderator_client.submit(
        f"/moderation/applications/{priya.id}/approve", {"message": "Welcome!"}, htmx=True
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="queue-count" hx-swap-oob="true"' in body
    assert "No applications are waiting" in body
    assert "application-" not in body  # the row is replaced by nothing
    with app.app_context():
        assert db.session.get(Member, priya.id).status == MemberStatus.ACTIVE
    assert outbox()[-1].recipient == priya.email
    assert "Welcome!" in outbox()[-1].body


def test_moderator_rejects_with_a_plain_form(app, moderator_client, outbox):
    priya = pending(app)
    response = moderator_client.submit(
        f"/moderation/applications/{priya.id}/reject", {"message": "This is for peer workers."}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Member, priya.id).status == MemberStatus.REJECTED
    assert "not approved" in outbox()[-1].body
    assert "This is for peer workers." in outbox()[-1].body


def test_second_moderator_sees_it_was_already_decided(app, moderator_client, new_client):
    priya = pending(app)
    with app.app_context():
        other = factories.member(display_name="Isla", role="moderator")
    moderator_client.submit(f"/moderation/applications/{priya.id}/approve", {})
    late = sign_in_as(new_client(), other)
    response = late.submit(f"/moderation/applications/{priya.id}/reject", {}, htmx=True)
    assert "Kenny already decided on this application (active)" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Member, priya.id).status == MemberStatus.ACTIVE


def test_decision_ends_the_applicants_sessions(app, new_client, moderator_client):
    priya = pending(app)
    before = sign_in_as(new_client(), priya)
    assert before.get("/status").status_code == 200
    moderator_client.submit(f"/moderation/applications/{priya.id}/approve", {})
    response = before.get("/status")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/signin")


def invitation_link(moderator_client, **form) -> str:
    response = moderator_client.submit("/moderation/invitations", {"days": "7", **form})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    start = page.index('id="new-link"')
    value = page[start:].split('value="', 1)[1].split('"', 1)[0]
    return value.replace("http://forum.test", "")


def test_invitation_lets_one_person_join_as_an_approved_member(app, new_client, moderator_client):
    link = invitation_link(moderator_client, note="For Eilidh")
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits, base64
    guest = new_client()
    form = application(display_name="Eilidh", email="eilidh@example.org", reason=None)
    response = guest.submit(link, {**form, "accept_health_data": ""})
    assert response.status_code == 422  # the consents still apply
    response = guest.submit(link, form)
    assert response.status_code == 302
    assert guest.get("/").status_code == 200  # signed in as a member
    with app.app_context():
        eilidh = db.session.scalar(sa.select(Member).where(Member.email == "eilidh@example.org"))
        assert eilidh.status == MemberStatus.ACTIVE
        assert eilidh.decided_by.display_name == "Kenny"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent)) == 2 + 2 * 1
    second = new_client().submit(link, application(email="someone@example.org", reason=None))
    assert second.status_code == 410
    assert b"already been used" in second.data


def test_expired_and_revoked_invitations_do_not_work(app, new_client, moderator_client):
    link = invitation_link(moderator_client)
    with app.app_context():
        invitation = db.session.scalar(sa.select(Invitation))
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert new_client().get(link).status_code == 410
    link = invitation_link(moderator_client)
    with app.app_context():
        newest = db.session.scalar(sa.select(Invitation).order_by(Invitation.id.desc()))
    moderator_client.submit(f"/moderation/invitations/{newest.id}/revoke", {})
    assert new_client().get(link).status_code == 410


def test_applicant_reads_the_house_rules_and_privacy_notice(client):
    assert b"Be kind" in client.get("/apply/house-rules").data
    assert b"special category data" in client.get("/apply/privacy-notice").data


def test_approval_email_link_leads_to_sign_in(app, moderator_client, outbox):
    priya = pending(app)
    moderator_client.submit(f"/moderation/applications/{priya.id}/approve", {})
    assert link_in(outbox()[-1].body) == "/signin"
