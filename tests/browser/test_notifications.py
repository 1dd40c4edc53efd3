"""The bell fills by itself when someone replies to a member's thread from another browser,
and the Notifications page and the choices under Account are accessible."""

import re

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.browser.test_live import SOON, mark_page, not_reloaded


def test_the_bell_fills_live_and_the_page_leads_to_the_reply(site, page, another_page):
    site.call(factories.forum, "Introductions")
    rhona = site.member(display_name="Rhona", email="rhona@example.org")
    callum = site.member(display_name="Callum", email="callum@example.org")
    thread = site.call(factories.thread, rhona, title="Supervision: what does good look like?")

    sign_in(page, rhona.email)
    page.goto("/ideas")
    mark_page(page)
    bell = page.get_by_role("link", name=re.compile("^Notifications"))
    expect(bell).to_contain_text("none unread")

    other = another_page()
    sign_in(other, callum.email)
    other.goto(f"/threads/{thread.id}?page=1")
    other.get_by_label("Your reply").fill("Protected time, every fortnight, works for us.")
    other.get_by_role("button", name="Post reply").click()
    expect(other.locator("#posts")).to_contain_text("Protected time")

    expect(bell).to_contain_text("1 unread", timeout=SOON)
    assert not_reloaded(page)
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    check_accessibility(page, "notifications")
    screenshot(page, "notifications")
    page.get_by_role("link", name=re.compile("Callum replied to your thread")).click()
    expect(page.locator("#posts")).to_contain_text("Protected time")
    expect(page.get_by_role("link", name=re.compile("^Notifications"))).to_contain_text(
        "none unread"
    )


def test_choosing_what_to_be_told_about(site, page):
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    sign_in(page, ahmed.email)
    page.goto("/account")
    page.get_by_role("link", name="What you are told about").click()
    box = page.get_by_label("Replies to threads I started")
    expect(box).to_be_checked()
    check_accessibility(page, "notification-settings")
    screenshot(page, "notification-settings")
    box.uncheck()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your notification choices are saved.")).to_be_visible()
    expect(page.get_by_label("Replies to threads I started")).not_to_be_checked()


def test_watching_a_thread_rings_the_bell_for_every_new_post(site, page, another_page):
    site.call(factories.forum, "Introductions")
    rhona = site.member(display_name="Rhona", email="rhona.w@example.org")
    isla = site.member(display_name="Isla", email="isla.w@example.org")
    callum = site.member(display_name="Callum", email="callum.w@example.org")
    thread = site.call(factories.thread, rhona, title="Peer work in prisons")
    site.jobs_done()  # the opening post's fan-out ran before anyone watches

    sign_in(page, isla.email)
    page.goto(f"/threads/{thread.id}?page=1")
    choice = page.get_by_role("group", name="Notifications for this thread")
    expect(choice.get_by_role("radio", name=re.compile("^Normal"))).to_be_checked()
    choice.get_by_role("radio", name=re.compile("^Watching")).check()
    page.locator("#watch-thread").get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: Watching.")).to_be_visible()
    check_accessibility(page, "thread-watching")
    screenshot(page, "thread-watching")
    mark_page(page)
    bell = page.get_by_role("link", name=re.compile("^Notifications"))
    expect(bell).to_contain_text("none unread")

    other = another_page()
    sign_in(other, callum.email)
    other.goto(f"/threads/{thread.id}?page=1")
    other.get_by_label("Your reply").fill("We run a group in two prisons; happy to share.")
    other.get_by_role("button", name="Post reply").click()
    expect(other.locator("#posts")).to_contain_text("two prisons")

    expect(bell).to_contain_text("1 unread", timeout=SOON)  # told by the job, heard live
    assert not_reloaded(page)


def test_typing_at_and_a_name_offers_members_to_mention(site, page):
    site.call(factories.forum, "Introductions")
    rhona = site.member(display_name="Rhona Ross", email="rhona.m@example.org")
    callum = site.member(display_name="Callum", email="callum.m@example.org")
    thread = site.call(factories.thread, rhona, title="Who runs supervision?")

    sign_in(page, callum.email)
    page.goto(f"/threads/{thread.id}?page=1")
    box = page.get_by_label("Your reply")
    box.press_sequentially("Thank you @Rho")
    options = page.get_by_role("listbox", name="Members to mention")
    expect(options.get_by_role("option", name="Rhona Ross")).to_be_visible(timeout=SOON)
    check_accessibility(page, "mention-autocomplete")
    screenshot(page, "mention-autocomplete", phone=False)
    box.press("Enter")
    expect(box).to_have_value("Thank you @Rhona_Ross ")
    expect(options).to_be_hidden()


def test_what_i_follow_is_listed_under_account_notifications(site, page):
    site.call(factories.forum, "Introductions")
    rhona = site.member(display_name="Rhona", email="rhona.f@example.org")
    thread = site.call(factories.thread, rhona, title="Reflective practice groups")
    sign_in(page, rhona.email)
    page.goto("/account/notifications")
    expect(page.get_by_role("link", name="Reflective practice groups")).to_be_visible()
    group = page.get_by_role(
        "group", name="Notifications for this thread: Reflective practice groups"
    )
    expect(group.get_by_role("radio", name=re.compile("^Tracking"))).to_be_checked()
    check_accessibility(page, "notification-settings-following")
    screenshot(page, "notification-settings-following")
    group.get_by_role("radio", name=re.compile("^Muted")).check()
    page.get_by_role("button", name="Save for Reflective practice groups").click()
    expect(page.get_by_text("Notifications for this thread: Muted.")).to_be_visible()
    assert thread.id
