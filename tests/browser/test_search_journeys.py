"""Search in the browser: a member types a word from a post's body in the header's box and
finds that post, with the word marked, and nothing from a region-only forum of another
region; the filters are kept in the URL. axe checks and screenshots under artifacts/screens/."""

import re

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import check_accessibility, screenshot, sign_in


def test_search_finds_a_post_by_a_word_from_its_body_and_not_a_restricted_one(site, page):
    site.call(factories.forum, "Introductions")
    isla = site.member(display_name="Isla", email="isla@example.org", region_name="Lothian")
    fiona = site.member(display_name="Fiona", region_name="Highland")
    site.call(
        factories.thread, isla, title="Walking groups",
        body="Our walking group meets at the **reservoir** on Saturdays; all welcome.",
    )  # fmt: skip
    highland = site.call(factories.forum, region_name="Highland", audience="region")
    site.call(
        factories.thread, fiona, highland.slug, title="Highland only",
        body="The reservoir rota for Highland volunteers.",
    )  # fmt: skip

    sign_in(page, isla.email)
    box = page.get_by_role("search").first.get_by_label("Search the forums and ideas")
    box.fill("reservoir")
    box.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.locator(".results-count")).to_contain_text("1 result for “reservoir”")
    hits = page.locator(".search-hit")
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("Walking groups")
    expect(hits.first.locator("mark")).to_have_text("reservoir")
    expect(page.locator("body")).not_to_contain_text("rota for Highland")
    check_accessibility(page, "search-results")
    screenshot(page, "search-results")

    page.get_by_text("Filters").click()
    page.get_by_label("Kind").select_option("thread")
    page.get_by_role("button", name="Search", exact=True).last.click()
    expect(page).to_have_url(re.compile(r"kind=thread"))
    expect(page.locator(".results-count")).to_contain_text("Nothing found")
    check_accessibility(page, "search-nothing")
    screenshot(page, "search-nothing")

    page.goto("/search?q=walking")
    page.locator(".search-hit a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Walking groups")
