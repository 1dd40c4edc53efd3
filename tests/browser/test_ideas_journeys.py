"""The ideas clinic in a browser: suggesting an idea while similar ones appear, voting with
htmx, a moderator's public response, merging, and axe on every new page."""

import re

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import check_accessibility, screenshot, sign_in


def test_suggest_an_idea_and_see_similar_ones_while_typing(site, page):
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    fiona = site.member(display_name="Fiona")
    site.call(factories.idea, fiona, "Speakers with lived experience at every event")
    site.call(factories.idea, fiona, "A walking group before the gathering")
    site.call(factories.tag, "speakers")
    sign_in(page, ahmed.email)
    page.get_by_role("link", name="Ideas", exact=True).click()
    page.get_by_role("link", name="Suggest an idea").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggest an idea")
    check_accessibility(page, "idea-new")

    similar = page.locator("#similar-ideas")
    expect(similar).to_be_hidden()  # nothing typed, nothing shown
    page.get_by_label("Title").press_sequentially("Guest speakers at our events", delay=20)
    expect(similar).to_contain_text("1 similar idea already on the board")
    expect(similar.get_by_role("link")).to_have_text(
        "Speakers with lived experience at every event"
    )
    expect(similar).not_to_contain_text("walking")
    screenshot(page, "idea-new-similar")

    page.get_by_label("Describe your idea").fill("A **guest speaker** at each regional meeting.")
    page.get_by_label("Where is it for?").select_option(label="Highland")
    page.get_by_label("speakers").check()
    page.get_by_role("button", name="Put my idea on the board").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Guest speakers at our events")
    expect(page.locator("#flash")).to_contain_text("your idea is on the board, with your vote")
    expect(
        page.get_by_role("button", name=re.compile("^Vote for Guest speakers"))
    ).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".idea-description strong")).to_have_text("guest speaker")
    check_accessibility(page, "idea-page")
    screenshot(page, "idea-page")


def test_vote_and_take_the_vote_back_without_a_reload(site, page):
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    fiona = site.member(display_name="Fiona")
    site.call(factories.idea, fiona, "Quarterly meetings in each region", tags=("events",))
    site.call(factories.idea, fiona, "A shared resources library", status="planned")
    sign_in(page, ahmed.email)
    page.goto("/ideas/")
    check_accessibility(page, "ideas-board")
    screenshot(page, "ideas-board")

    page.evaluate("window.__sameDocument = true")
    button = page.get_by_role("button", name="Vote for Quarterly meetings in each region")
    count = page.locator(".idea-card", has_text="Quarterly meetings").locator(".vote-count")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(count).to_have_text(re.compile(r"^1\s+vote$"))
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text(re.compile(r"^2\s+votes, including yours$"))
    expect(page.locator("#vote-status")).to_have_text(
        "Your vote for “Quarterly meetings in each region” is counted. It has 2 votes."
    )
    expect(button).to_be_focused()  # the keyboard stays where it was
    screenshot(page, "ideas-board-voted", phone=False)

    page.keyboard.press("Enter")  # pressing again takes the vote back
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(count).to_have_text(re.compile(r"^1\s+vote$"))
    expect(page.locator("#vote-status")).to_contain_text("You took back your vote")
    assert page.evaluate("window.__sameDocument") is True  # no reload happened

    page.get_by_role("link", name="Most votes").click()
    expect(page).to_have_url(re.compile(r"/ideas/\?sort=top$"))
    page.get_by_label("Tag", exact=True).select_option(label="events")
    page.get_by_role("button", name="Show ideas").click()
    expect(page).to_have_url(re.compile(r"sort=top&status=&region=&tag=events"))
    expect(page.locator(".idea-card")).to_have_count(1)


def test_a_moderator_answers_and_the_response_appears_at_the_top(site, page, another_page):
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    kenny = site.member(display_name="Kenny", role="moderator", email="kenny@example.org")
    idea = site.call(factories.idea, ahmed, "Hold events around the regions")
    sign_in(page, ahmed.email)
    page.goto(f"/ideas/{idea.id}")
    expect(page.locator("#outcome")).to_have_count(0)

    mod = another_page()
    sign_in(mod, kenny.email)
    mod.goto(f"/ideas/{idea.id}")
    check_accessibility(mod, "idea-page-moderator")
    mod.get_by_label("New status").select_option(label="Planned")
    mod.get_by_label("Public response (optional)").fill(
        "The autumn gathering will be in **Inverness**, with travel bursaries."
    )
    mod.get_by_role("button", name="Save status").click()
    expect(mod.locator("#flash")).to_contain_text("The idea is now “Planned”")
    screenshot(mod, "idea-page-moderator")

    page.reload()
    outcome = page.locator("#outcome")
    expect(outcome.get_by_role("heading")).to_have_text("Planned: the organisers' response")
    expect(outcome).to_contain_text("The autumn gathering will be in Inverness")
    expect(outcome.locator("strong")).to_have_text("Inverness")
    expect(page.locator(".history-list")).to_contain_text("Kenny moved it from open to planned")
    screenshot(page, "idea-page-answered")


def test_a_moderator_merges_a_duplicate_and_its_address_leads_to_the_other(
    site, page, another_page
):
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    kenny = site.member(display_name="Kenny", role="moderator", email="kenny@example.org")
    kept = site.call(factories.idea, ahmed, "A closed online space for peer workers")
    dup = site.call(factories.idea, kenny, "An online group to keep in touch", voters=(ahmed,))
    sign_in(page, kenny.email)
    page.goto(f"/ideas/{dup.id}")
    page.get_by_role("button", name=f"Merge into this idea: {kept.title}").click()
    expect(page).to_have_url(re.compile(rf"/ideas/{kept.id}$"))
    expect(page.locator("#flash")).to_contain_text("Merged: its votes and comments are now on")

    member = another_page()
    sign_in(member, ahmed.email)
    member.goto(f"/ideas/{dup.id}")
    expect(member).to_have_url(re.compile(rf"/ideas/{kept.id}$"))
    expect(member.locator("#flash")).to_contain_text("merged into this one")
    expect(member.locator(".merged-here")).to_contain_text("An online group to keep in touch")
    expect(member.locator(".vote-count").first).to_contain_text("including yours")


def test_my_ideas_tags_and_vote_budget_pages_are_accessible(site, page, another_page):
    morag = site.member(display_name="Morag", role="admin", email="morag@example.org")
    site.call(factories.idea, morag, "A peer-led training day", tags=("training",))
    sign_in(page, morag.email)
    page.goto("/ideas/mine")
    expect(page.get_by_role("heading", name="A peer-led training day")).to_be_visible()
    check_accessibility(page, "ideas-mine")
    page.goto("/ideas/tags")
    check_accessibility(page, "idea-tags")
    page.get_by_label("Tag name").fill("speakers")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_label("Name of the tag “speakers”")).to_have_value("speakers")
    screenshot(page, "idea-tags")
    page.goto("/ideas/vote-budget")
    check_accessibility(page, "vote-budget")
    page.get_by_label("Active votes each member has").fill("3")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#flash")).to_contain_text("Each member now has 3 active votes.")
    page.goto("/ideas/")
    expect(page.locator("#votes-left")).to_have_text("You have 2 votes left.")
