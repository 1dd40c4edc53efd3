"""The journeys a person takes to join, sign in and out, and recover a password."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in

STRONG = "a lantern by the quiet harbour"


def fill_application(page, name="Priya", email="priya@example.org"):
    page.get_by_label("Your name, as other members will see it").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Choose a password").fill(STRONG)
    page.get_by_label("Your region").select_option(label="Highland")
    page.get_by_label("Your role or organisation").fill("Student peer worker")
    page.get_by_label("Why would you like to join?").fill("To learn from others.")
    page.get_by_label("I have read the house rules and agree to them").check()
    page.get_by_label(re.compile("I explicitly consent")).check()


def test_apply_then_a_moderator_approves_then_sign_in_and_out(site, page, another_page):
    moderator = site.member(display_name="Kenny", role="moderator", email="kenny@example.org")
    page.goto("/apply")
    check_accessibility(page, "apply")
    screenshot(page, "apply")
    fill_application(page)
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("waiting for a moderator")
    screenshot(page, "application-received")

    mod = another_page()
    sign_in(mod, moderator.email)
    mod.get_by_role("link", name=re.compile("^Moderation")).click()
    expect(mod.get_by_role("heading", name="Priya")).to_be_visible()
    check_accessibility(mod, "moderation-queue")
    screenshot(mod, "moderation-queue")
    mod.get_by_label("Message to Priya (optional)").fill("Welcome aboard!")
    mod.get_by_role("button", name="Approve Priya").click()
    # htmx: the row leaves the queue without a reload, and the status says what happened
    expect(mod.get_by_role("heading", name="Priya")).to_have_count(0)
    expect(mod.locator("#flash")).to_contain_text("Priya's application was approved")
    expect(mod.locator("#queue-count")).to_contain_text("No applications are waiting")
    expect(mod.locator("#moderation-badge")).to_be_hidden()

    sign_in(page, "priya@example.org", STRONG)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Priya")
    check_accessibility(page, "home")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator("#flash")).to_contain_text("You have signed out")


def test_wrong_password_shows_one_calm_message(site, page, expect_console_errors):
    expect_console_errors("status of 422")  # the sign-in form is refused
    site.member(email="ahmed@example.org")
    sign_in(page, "ahmed@example.org", "not my password")
    expect(page.get_by_role("alert")).to_contain_text("We could not sign you in")
    expect(page.get_by_label("Email")).to_have_value("ahmed@example.org")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    check_accessibility(page, "sign-in-error")
    screenshot(page, "sign-in-error")


def test_expired_reset_link_explains_and_offers_a_new_one(site, page, expect_console_errors):
    expect_console_errors("status of 410")  # the link is gone
    from datetime import timedelta

    import sqlalchemy as sa

    from forum.extensions import db
    from forum.models import OneTimeToken, utcnow

    site.member(email="ahmed@example.org")
    page.goto("/signin")
    page.get_by_role("link", name="Forgotten your password?").click()
    check_accessibility(page, "forgot-password")
    page.get_by_label("Email").fill("ahmed@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    link = re.search(r"https?://\S+", site.outbox()[-1].body).group(0)
    with site.app.app_context():
        token = db.session.scalar(sa.select(OneTimeToken))
        token.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    check_accessibility(page, "reset-expired")
    page.get_by_role("link", name="Ask for a new link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")


def test_application_with_the_keyboard_alone(site, page):
    page.goto("/apply")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    fields = [
        ("Your name", "Eilidh"),
        ("Email", "eilidh@example.org"),
        ("Choose a password", STRONG),
    ]
    page.get_by_label("Your name, as other members will see it").focus()
    for _label, value in fields:
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    # the region select: choose with the keyboard
    expect(page.get_by_label("Your region")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.type("Youth peer worker")
    page.keyboard.press("Tab")
    page.keyboard.type("There are only two of us on the islands.")
    page.keyboard.press("Tab")  # house rules <details>
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # tick the house rules
    page.keyboard.press("Tab")  # privacy notice <details>
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send my application")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("waiting for a moderator")


def test_crisis_contacts_are_one_step_from_every_page(site, page):
    page.goto("/signin")
    page.get_by_role("link", name="Need urgent help?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Need urgent help?")
    expect(page.get_by_role("link", name="Call 116 123")).to_have_attribute("href", "tel:116123")
    expect(page.get_by_role("link", name="Text 85258")).to_be_visible()
    check_accessibility(page, "urgent-help")
    screenshot(page, "urgent-help")
