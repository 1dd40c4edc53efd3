"""A member edits their profile and asks to move into a region-only forum's region; a moderator
lets them move. Every page checked with axe, and screenshots to look at."""

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import check_accessibility, screenshot, sign_in


def test_a_member_edits_their_profile_and_a_moderator_lets_them_move(site, page, another_page):
    site.call(factories.forum, region_name="Highland", audience="region")
    site.member(display_name="Ahmed", email="ahmed@example.org")
    site.member(display_name="Isla", email="isla@example.org", role="moderator",
                moderates=("Highland",))  # fmt: skip
    sign_in(page, "ahmed@example.org")
    page.goto("/account/")
    page.get_by_role("link", name="Your profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    page.get_by_label("Your pronouns (optional)").fill("he/him")
    page.get_by_label("A little about you (optional)").fill("I run a walking group in Leith.")
    page.get_by_label("Your region").select_option(label="Highland")
    page.get_by_role("button", name="Save your profile").click()
    expect(page.locator("#flash")).to_contain_text("A moderator for Highland will look")
    expect(
        page.get_by_text("Your move to Highland waits for one of its moderators")
    ).to_be_visible()
    check_accessibility(page, "profile")
    screenshot(page, "profile")

    mod = another_page()
    sign_in(mod, "isla@example.org")
    mod.goto("/moderation/applications")
    moves = mod.locator("#region-moves")
    expect(moves).to_contain_text("Ahmed")
    check_accessibility(mod, "region-moves")
    screenshot(mod, "region-moves")
    moves.get_by_role("button", name="Let Ahmed move").click()
    expect(mod.locator("#flash")).to_contain_text("Ahmed is now in Highland")

    page.goto("/account/profile")
    expect(page.get_by_text("waits for one of its moderators")).to_have_count(0)
    page.get_by_role("link", name="your page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("(he/him)")
    expect(page.get_by_text("I run a walking group in Leith.")).to_be_visible()
    check_accessibility(page, "member-page-profile")
