"""Live updates as people see them: two browsers side by side, no reload, nothing jumping."""

import re

import pytest
from playwright.sync_api import expect

from forum.services.people import membership
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.browser.test_membership_journeys import STRONG, fill_application

SOON = 15_000  # ms: live updates arrive within a second or two; the machine may be busy


def apply(site, name: str, email: str) -> int:
    """Someone applies (straight through the service, as if from a third browser); their id."""
    application = membership.Application(
        display_name=name,
        email=email,
        password=STRONG,
        region_id=1,
        organisation="Peer worker",
        reason="To learn from others.",
        accept_house_rules=True,
        accept_health_data=True,
    )
    return site.call(lambda: membership.apply(application).id)


def mark_page(page):
    """A marker that a reload would wipe out."""
    page.evaluate("window.notReloaded = true")


def not_reloaded(page) -> bool:
    return page.evaluate("window.notReloaded === true")


@pytest.fixture
def moderator(site, page):
    person = site.member(display_name="Kenny", role="moderator", email="kenny@example.org")
    sign_in(page, person.email)
    return person


def test_new_application_appears_in_the_moderators_open_queue(site, page, moderator, another_page):
    page.goto("/moderation/applications")
    expect(page.locator("#queue-count")).to_contain_text("No applications are waiting")
    mark_page(page)

    applicant = another_page()
    applicant.goto("/apply")
    fill_application(applicant)
    applicant.get_by_role("button", name="Send my application").click()
    expect(applicant.get_by_role("heading", level=1)).to_contain_text("waiting for a moderator")

    expect(page.get_by_role("heading", name="Priya")).to_be_visible(timeout=SOON)
    expect(page.locator("#queue-count")).to_contain_text("1 application waiting")
    expect(page.locator("#moderation-badge")).to_have_text(re.compile(r"^\s*1\s+waiting"))
    expect(page.locator('[data-live-announce="applications"]')).to_have_text(
        "1 new application added at the end of the list."
    )
    assert not_reloaded(page)
    check_accessibility(page, "moderation-queue-live")
    screenshot(page, "moderation-queue-live")

    # and the new row works like the others
    page.get_by_role("button", name="Approve Priya").click()
    expect(page.locator("#flash")).to_contain_text("Priya's application was approved")
    expect(page.locator("#moderation-badge")).to_be_hidden()


def test_badge_counts_a_new_application_on_any_moderator_page(site, page, moderator):
    page.goto("/account/")
    expect(page.locator("#moderation-badge")).to_be_hidden()
    mark_page(page)
    apply(site, "Priya", "priya@example.org")
    expect(page.locator("#moderation-badge")).to_be_visible(timeout=SOON)
    expect(page.locator("#moderation-badge")).to_contain_text("1")
    apply(site, "Eilidh", "eilidh@example.org")
    expect(page.locator("#moderation-badge")).to_contain_text("2", timeout=SOON)
    assert not_reloaded(page)


def test_decision_by_another_moderator_shows_in_the_open_queue(site, page, moderator, another_page):
    priya = site.member(display_name="Priya", status="pending")
    page.goto("/moderation/applications")
    expect(page.get_by_role("heading", name="Priya")).to_be_visible()
    mark_page(page)
    page.get_by_label("Message to Priya (optional)").fill("Welcome")  # Kenny is writing

    morag = site.member(display_name="Morag", role="moderator", email="morag@example.org")
    other = another_page()
    sign_in(other, morag.email)
    other.goto("/moderation/applications")
    other.get_by_role("button", name="Turn down Priya").click()
    expect(other.locator("#flash")).to_contain_text("turned down")

    row = page.locator(f"#application-{priya.id}")
    expect(row).to_contain_text("it was turned down by Morag", timeout=SOON)
    expect(row).to_be_focused()  # focus stays where Kenny was, on what replaced the row
    expect(page.get_by_role("button", name="Approve Priya")).to_have_count(0)
    expect(page.locator("#queue-count")).to_contain_text("No applications are waiting")
    expect(page.locator("#moderation-badge")).to_be_hidden()
    assert not_reloaded(page)
    screenshot(page, "moderation-queue-decided-elsewhere", phone=False)


def test_new_applications_wait_behind_a_button_while_reading_further_up(site, page, moderator):
    for n in range(6):
        site.member(display_name=f"Applicant {n}", status="pending")
    page.set_viewport_size({"width": 1024, "height": 700})
    page.goto("/moderation/applications")
    expect(page.get_by_role("heading", name="Applicant 5")).to_be_attached()
    mark_page(page)
    page.get_by_label("Message to Applicant 0 (optional)").focus()  # reading the first one
    page.evaluate("window.scrollTo(0, 0)")

    eilidh_id = apply(site, "Eilidh", "eilidh@example.org")
    button = page.get_by_role("button", name="1 new application, show it")
    expect(button).to_be_visible(timeout=SOON)
    expect(page.get_by_role("heading", name="Eilidh")).to_have_count(0)  # held, not shown
    expect(page.locator('[data-live-announce="applications"]')).to_have_text(
        "1 new application arrived. A button at the bottom of the screen shows it."
    )
    # nothing moved: not the page, not the focus
    expect(page.get_by_label("Message to Applicant 0 (optional)")).to_be_focused()
    assert page.evaluate("window.scrollY") == 0
    check_accessibility(page, "moderation-queue-held")
    screenshot(page, "moderation-queue-held", phone=False)

    apply(site, "Fraser", "fraser@example.org")
    expect(page.get_by_role("button", name="2 new applications, show them")).to_be_visible(
        timeout=SOON
    )
    page.get_by_role("button", name="2 new applications, show them").click()
    expect(page.get_by_role("heading", name="Eilidh")).to_be_visible()
    expect(page.get_by_role("heading", name="Fraser")).to_be_visible()
    expect(page.locator(f"#application-{eilidh_id}")).to_be_focused()  # the reader asked
    expect(page.locator(".live-more")).to_be_hidden()
    assert not_reloaded(page)


def test_queue_still_updates_by_polling_when_streaming_is_blocked(
    site, page, moderator, expect_console_errors
):
    expect_console_errors("net::ERR_FAILED", r"\[object Event\]")  # the stream is blocked
    page.route(re.compile(r".*/live\?.*"), lambda route: route.abort())
    page.goto("/moderation/applications")
    mark_page(page)
    apply(site, "Priya", "priya@example.org")
    # live_app polls every 2 seconds when its stream is down (30 in production)
    expect(page.get_by_role("heading", name="Priya")).to_be_visible(timeout=SOON)
    expect(page.locator("#moderation-badge")).to_contain_text("1")
    assert not_reloaded(page)


def test_after_a_decision_focus_moves_to_the_next_application(site, page, moderator):
    """The moderator's own decision also raises a live update: focus still lands on the next."""
    site.member(display_name="Priya", status="pending")
    eilidh = site.member(display_name="Eilidh", status="pending")
    page.goto("/moderation/applications")
    page.get_by_role("button", name="Approve Priya").click()
    expect(page.locator("#flash")).to_contain_text("Priya's application was approved")
    expect(page.locator(f"#application-{eilidh.id}")).to_be_focused()
    expect(page.locator("#queue-count")).to_contain_text("1 application waiting")
