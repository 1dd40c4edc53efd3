"""Signing in and out, forgotten passwords, and changing one's own password and email."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Member, OneTimeToken, utcnow
from forum.services import passwords
from forum.views.auth import SIGN_IN_REFUSED
from tests import factories
from tests.conftest import link_in, sign_in_as
from tests.factories import PASSWORD

NEW_PASSWORD = "a lantern by the quiet harbour"


def sign_in(client, email, password=PASSWORD, **extra):
    return client.submit("/signin", {"email": email, "password": password, **extra})


def test_member_signs_in_and_out(client, member):
    response = sign_in(client, member.email.upper())
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Welcome, Ahmed" in client.get("/").get_data(as_text=True)
    assert client.get("/signout").status_code == 405  # signing out is a POST
    response = client.submit("/signout", {})
    assert response.headers["Location"] == "/signin"
    assert client.get("/").status_code == 302


def test_signing_out_tells_the_browser_to_forget_what_this_member_left(client, member):
    sign_in(client, member.email)
    page = client.get("/").get_data(as_text=True)
    assert "data-draft-owner=" in page and "data-signed-out" not in page
    response = client.submit("/signout", {})
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    after = client.get("/signin").get_data(as_text=True)
    assert "data-signed-out" in after and "data-draft-owner=" not in after
    assert "data-signed-out" not in client.get("/signin").get_data(as_text=True)  # once


def test_drafts_of_two_members_are_kept_under_different_names(app, client, member):
    with app.app_context():
        other = factories.member(email="fiona@example.org", display_name="Fiona")
    owners = []
    for email in (member.email, other.email):
        sign_in(client, email)
        page = client.get("/").get_data(as_text=True)
        owners.append(page.split('data-draft-owner="')[1].split('"')[0])
        client.submit("/signout", {})
    assert owners[0] != owners[1]
    assert all(len(o) == 24 and int(o, 16) not in (member.id, other.id) for o in owners)


def test_sign_in_returns_to_the_page_asked_for_but_never_elsewhere(client, member):
    response = client.submit(
        "/signin?next=/account/", {"email": member.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account/"
    client.submit("/signout", {})
    for bad in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = client.submit(
            f"/signin?next={bad}", {"email": member.email, "password": PASSWORD}
        )
        assert response.headers["Location"] == "/", bad
        client.submit("/signout", {})


@pytest.mark.parametrize("case", ["unknown email", "wrong password", "pending", "rejected"])
def test_one_generic_message_for_every_refusal(app, client, case):
    with app.app_context():
        status = case if case in ("pending", "rejected") else "active"
        person = factories.member(email="someone@example.org", status=status)
    email = "nobody@example.org" if case == "unknown email" else person.email
    password = "not the password" if case == "wrong password" else PASSWORD
    response = sign_in(client, email, password)
    assert response.status_code == 422
    assert SIGN_IN_REFUSED in response.get_data(as_text=True)
    assert client.get("/status").status_code == 302  # not signed in


def test_suspended_member_signs_in_only_to_see_why(app, client):
    with app.app_context():
        sandy = factories.member(status="suspended", suspension_reason="Unkind replies.")
    response = sign_in(client, sandy.email)
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == "/status"
    page = client.get("/status").get_data(as_text=True)
    assert "paused" in page and "Unkind replies." in page


def test_session_is_renewed_at_sign_in(client, member):
    client.get("/signin")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    sign_in(client, member.email)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_keep_me_signed_in_sets_a_safe_remember_cookie(client, member):
    response = sign_in(client, member.email, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("forum_remember="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
    session = next(c for c in cookies if c.startswith("forum_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session


def test_sign_in_is_rate_limited_per_address_with_a_friendly_page(client, member):
    for _ in range(6):
        assert sign_in(client, member.email, "wrong").status_code == 422
    response = sign_in(client, member.email)
    assert response.status_code == 429
    assert "Please wait a moment" in response.get_data(as_text=True)


def test_sign_in_is_rate_limited_per_account_from_any_address(client, member):
    for n in range(6):
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"
        assert sign_in(client, member.email, "wrong").status_code == 422
    client.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    assert sign_in(client, member.email).status_code == 429
    assert sign_in(client, "someone.else@example.org").status_code == 422


def test_passwords_are_hashed_with_argon2id_at_production_cost(app):
    with app.app_context():
        assert app.config["ARGON2_TIME_COST"] == 1  # tests are cheap...
    from forum.config import Defaults

    assert Defaults.ARGON2_MEMORY_COST >= 19456 and Defaults.ARGON2_TIME_COST >= 2  # ...OWASP
    with app.app_context():
        hashed = passwords.hash_password("x" * 500 + "tail")
        assert hashed.startswith("$argon2id$")
        assert not passwords.verify_password(hashed, "x" * 500)  # no truncation


@pytest.mark.parametrize(
    "password, reason",
    [
        ("short", "at least 10 characters"),
        ("password1234", "common"),
        ("aaaaaaaaaaaa", "Repeats"),
        ("qwertyuiopas", "commonly used"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(ctx, password, reason):
    assert reason.lower() in (passwords.weakness(password, []) or "").lower()


def test_password_made_of_ones_own_email_is_refused(ctx):
    assert passwords.weakness("ahmed.ali@example.org", ["ahmed.ali@example.org", "Ahmed"])


def test_strong_password_without_composition_rules_is_fine(ctx):
    assert passwords.weakness("a lantern by the quiet harbour", []) is None


def request_reset(client, email):
    response = client.submit("/reset", {"email": email})
    assert response.status_code == 200
    assert "If" in response.get_data(as_text=True)


def test_password_reset_link_works_once(app, client, member, outbox, new_client):
    other_session = sign_in_as(new_client(), member)
    request_reset(client, member.email)
    link = link_in(outbox()[-1].body)
    assert client.get(link).status_code == 200
    response = client.submit(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # signed in with the new password
    assert other_session.get("/").status_code == 302  # other sessions ended
    assert client.get(link).status_code == 410  # single use
    client.submit("/signout", {})
    assert sign_in(client, member.email, NEW_PASSWORD).status_code == 302


def test_password_reset_link_expires_within_hours(app, client, member, outbox):
    request_reset(client, member.email)
    link = link_in(outbox()[-1].body)
    with app.app_context():
        token = db.session.scalar(sa.select(OneTimeToken))
        assert token.expires_at - utcnow() <= timedelta(hours=app.config["PASSWORD_RESET_HOURS"])
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = client.get(link)
    assert response.status_code == 410
    assert b"Ask for a new link" in response.data


def test_reset_for_unknown_or_pending_email_sends_nothing_and_says_the_same(app, client, outbox):
    with app.app_context():
        factories.member(email="waiting@example.org", status="pending")
    request_reset(client, "nobody@example.org")
    request_reset(client, "waiting@example.org")
    assert outbox() == []


def test_weak_new_password_is_refused_and_the_link_still_works(client, member, outbox):
    request_reset(client, member.email)
    link = link_in(outbox()[-1].body)
    response = client.submit(link, {"password": "password", "confirm": "password"})
    assert response.status_code == 422
    assert b'id="password-error"' in response.data
    assert client.get(link).status_code == 200


def test_change_password_needs_the_current_one_and_ends_other_sessions(
    app, member_client, member, new_client
):
    other = sign_in_as(new_client(), member)
    response = member_client.submit(
        "/account/password",
        {"pw-current_password": "wrong", "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert b"That is not your current password." in response.data
    response = member_client.submit(
        "/account/password",
        {"pw-current_password": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert member_client.get("/account/").status_code == 200  # this session carries on
    assert other.get("/account/").status_code == 302  # the other one has ended


def test_change_email_is_confirmed_from_the_new_address(app, member_client, member, outbox):
    response = member_client.submit(
        "/account/email", {"em-email": "ahmed.new@example.org", "em-current_password": PASSWORD}
    )
    assert response.status_code == 302
    confirm = outbox()[-1]
    assert confirm.recipient == "ahmed.new@example.org"
    with app.app_context():
        assert db.session.get(Member, member.id).email == member.email  # not yet
    member_client.get(link_in(confirm.body))
    with app.app_context():
        assert db.session.get(Member, member.id).email == "ahmed.new@example.org"
    assert outbox()[-1].recipient == member.email  # the old address is told
    assert member_client.get(link_in(confirm.body)).status_code == 302  # spent


def test_change_email_needs_the_current_password(member_client):
    response = member_client.submit(
        "/account/email", {"em-email": "ahmed.new@example.org", "em-current_password": "nope"}
    )
    assert response.status_code == 422
    assert b"ahmed.new@example.org" in response.data  # kept
