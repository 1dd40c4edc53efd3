"""Issue 18 as people meet it in a browser: Your devices, signing a device out from another one
(its open page forgets the draft at once), the accessibility statement in every footer and its
editing by administrators, and the footer's house rules and privacy notice for members. Every
page here also gets the shared checks (no console errors, reflow at 320 px)."""

import re

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.browser.test_shared_computer import WORDS, _stored_texts, _type_a_reply


def test_your_devices_and_signing_out_everywhere_else(site, page, another_page):
    site.call(factories.forum, "Introductions")
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    thread = site.call(factories.thread, ahmed, title="Winter walks")
    phone = another_page()
    sign_in(phone, ahmed.email)
    _type_a_reply(phone, thread)
    phone.wait_for_function("document.body.getAttribute('sse-connect') !== null")
    phone.wait_for_timeout(500)  # its stream is open

    sign_in(page, ahmed.email)
    page.goto("/account/")
    check_accessibility(page, "account")
    screenshot(page, "account")
    page.get_by_role("link", name="Your devices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your devices")
    expect(page.locator(".device")).to_have_count(2)
    expect(page.locator(".this-device")).to_contain_text("This device")
    check_accessibility(page, "devices")
    screenshot(page, "devices")

    page.get_by_role("button", name="Sign out everywhere else").click()
    expect(page.locator("#flash")).to_contain_text("Signed out of 1 other device")
    expect(page.locator(".device")).to_have_count(1)
    # the phone's open page hears at once that its session ended, and forgets the draft
    expect(phone.locator("[data-draft-status]")).to_contain_text("You have been signed out")
    assert not any(WORDS in value for value in _stored_texts(phone))
    expect(phone.get_by_label("Your reply")).to_have_value(WORDS)  # still on screen
    phone.reload()
    expect(phone).to_have_url(re.compile(r"/signin"))


def test_the_accessibility_statement_is_linked_from_every_footer(site, page):
    page.goto("/signin")
    footer = page.locator("footer")
    footer.get_by_role("link", name="Accessibility").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Accessibility statement for Test Peer Network"
    )
    for section in ("How accessible this website is", "Reporting accessibility problems with "
                    "this website", "How we tested this website"):  # fmt: skip
        expect(page.get_by_role("heading", level=2, name=section)).to_be_visible()
    expect(page.get_by_text("This statement was last checked on")).to_be_visible()
    check_accessibility(page, "accessibility-statement")
    screenshot(page, "accessibility-statement")

    site.member(email="ahmed@example.org")
    sign_in(page, "ahmed@example.org")
    for name, heading in (("House rules", "House rules"), ("Privacy notice", "Privacy notice"),
                          ("Accessibility", "Accessibility statement")):  # fmt: skip
        page.goto("/")
        page.locator("footer").get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)


def test_administrators_write_their_own_statement(site, page):
    site.member(display_name="Morag", email="morag@example.org", role="admin")
    sign_in(page, "morag@example.org")
    page.goto("/admin/")
    page.get_by_role("link", name="Accessibility statement").click()
    statement = page.get_by_label("Accessibility statement (Markdown)")
    expect(statement).to_contain_text("How accessible this website is")
    check_accessibility(page, "admin-accessibility")
    screenshot(page, "admin-accessibility")
    statement.fill("# Talk to us\n\nRing Morag on 0131 000 0000 for any other format.")
    page.get_by_label("Last checked on").fill("2026-11-30")
    page.get_by_role("button", name="Save the statement").click()
    expect(page.locator("#flash")).to_contain_text("The accessibility statement is saved")

    page.goto("/accessibility")
    expect(page.get_by_role("heading", level=2, name="Talk to us")).to_be_visible()
    expect(page.get_by_text("Ring Morag on 0131 000 0000")).to_be_visible()
    expect(page.get_by_text("last checked on 30 November 2026")).to_be_visible()
