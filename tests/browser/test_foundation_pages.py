"""Every page of the foundation, as the person who uses it: no axe violations, and a screenshot
at desktop and phone width under artifacts/screens/ to look at."""

import re

import pytest
from playwright.sync_api import expect

from forum.services.people import accounts
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.conftest import clean_database

ANONYMOUS = [
    ("sign-in", "/signin", "Sign in"),
    ("forgot-password", "/reset", "Reset your password"),
    ("house-rules", "/apply/house-rules", "House rules"),
    ("privacy-notice", "/apply/privacy-notice", "Privacy notice"),
    ("application-received", "/apply/received", "waiting for a moderator"),
]
ADMIN = [
    ("admin", "/admin/", "Administration"),
    ("admin-regions", "/admin/regions", "Regions"),
    ("admin-members", "/admin/members", "Members and roles"),
    ("admin-crisis-contacts", "/admin/crisis-contacts", "Crisis contacts"),
    ("admin-crisis-contact-edit", "/admin/crisis-contacts/1", "Edit Emergency services"),
    ("admin-settings", "/admin/settings", "Settings"),
    ("account", "/account/", "Your account"),
    ("not-found", "/no/such/page", "Page not found"),
]


@pytest.mark.parametrize("name, path, heading", ANONYMOUS, ids=[p[0] for p in ANONYMOUS])
def test_public_pages(site, page, name, path, heading):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    check_accessibility(page, name)
    screenshot(page, name)


def test_admin_pages(site, page, expect_console_errors):
    expect_console_errors(r"/no/such/page: .* status of 404")  # the not-found page, on purpose
    site.member(display_name="Morag", email="morag@example.org", role="admin")
    sign_in(page, "morag@example.org")
    for name, path, heading in ADMIN:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        check_accessibility(page, name)
        screenshot(page, name)


def test_setup_page_on_an_empty_site(live_app, page):
    with live_app.app_context():
        clean_database()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your network")
    check_accessibility(page, "setup")
    screenshot(page, "setup")


def test_status_page_of_a_suspended_member(site, page):
    site.member(email="sandy@example.org", status="suspended", suspension_reason="Unkind replies.")
    sign_in(page, "sandy@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your membership is paused")
    check_accessibility(page, "status-suspended")
    screenshot(page, "status-suspended")


def test_invitations_page_and_redeeming_a_link(site, page, another_page):
    site.member(display_name="Kenny", email="kenny@example.org", role="moderator")
    sign_in(page, "kenny@example.org")
    page.goto("/moderation/invitations")
    page.get_by_label("Who is it for? (a note for moderators, optional)").fill("Eilidh, Orkney")
    page.get_by_role("button", name="Create link").click()
    link = page.get_by_label("Invitation link").input_value()
    check_accessibility(page, "invitations")
    screenshot(page, "invitations")
    guest = another_page()
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1)).to_contain_text("You are invited")
    check_accessibility(guest, "invitation-redeem")
    screenshot(guest, "invitation-redeem")


def test_reset_form_and_validation_errors(site, page, expect_console_errors):
    expect_console_errors("status of 422")  # the form comes back with its errors
    member = site.member(email="ahmed@example.org")
    site.call(accounts.request_password_reset, member.email)
    page.goto(re.search(r"https?://[^/\s]+(/\S+)", site.outbox()[-1].body).group(1))
    page.get_by_label("New password", exact=True).fill("password")
    page.get_by_label("New password again").fill("password")
    page.get_by_role("button", name="Save my new password").click()
    expect(page.locator("#password-error")).to_be_visible()
    expect(page.get_by_label("New password", exact=True)).to_have_attribute("aria-invalid", "true")
    check_accessibility(page, "reset-password-error")
    screenshot(page, "reset-password-error")


def test_apply_form_with_errors(site, page, expect_console_errors):
    expect_console_errors("status of 422")  # the form comes back with its errors
    page.goto("/apply")
    page.get_by_role("button", name="Send my application").click()
    expect(page.locator("#display_name-error")).to_be_visible()
    expect(page.get_by_label("Your name, as other members will see it")).to_have_attribute(
        "aria-describedby", "display_name-hint display_name-error"
    )
    check_accessibility(page, "apply-errors")
    screenshot(page, "apply-errors")


def test_home_for_a_moderator_with_applications_waiting(site, page):
    site.member(display_name="Kenny", email="kenny@example.org", role="moderator")
    site.member(display_name="Priya", status="pending")
    sign_in(page, "kenny@example.org")
    expect(page.locator("#moderation-badge")).to_have_text(re.compile("^1"))
    check_accessibility(page, "home-moderator")
    screenshot(page, "home-moderator")
