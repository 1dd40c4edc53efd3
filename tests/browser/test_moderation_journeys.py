"""Journeys through moderation and safety, each in real browsers: a member reports a reply and a
moderator (another browser) hides it from the queue; three reports hide a post by themselves; a
suspended member's open page loses access on the next request. axe checks and screenshots
(desktop and 390 px) of every new page: the queue, a thing's moderation page, the audit log,
the report form, "My reports", a member's page and the moderators' messages."""

import re

from playwright.sync_api import expect

from forum.services import site_settings
from tests import factories
from tests.browser.conftest import check_accessibility, screenshot, sign_in

UNKIND = "Honestly, nobody here cares what you think."


def _thread_with_an_unkind_reply(site):
    site.call(factories.forum, "Introductions")
    rhona = site.member(display_name="Rhona", email="rhona@example.org")
    callum = site.member(display_name="Callum", email="callum@example.org")
    thread = site.call(factories.thread, rhona, title="Feeling wobbly", body="A hard week.")
    reply = site.call(lambda: Reply(factories.reply(callum, thread.id, UNKIND).id))
    return thread, reply, rhona, callum


class Reply:
    def __init__(self, post_id: int):
        self.id = post_id


def test_a_member_reports_a_reply_a_moderator_hides_it_and_its_author_sees_why(
    site, page, another_page
):
    thread, reply, rhona, callum = _thread_with_an_unkind_reply(site)
    kenny = site.member(display_name="Kenny", role="moderator", email="kenny@example.org")

    mod = another_page()
    sign_in(mod, kenny.email)
    mod.goto("/moderation/")
    expect(mod.locator("#queue-reports-count")).to_contain_text("No reports waiting")

    sign_in(page, rhona.email)
    page.goto(f"/threads/{thread.id}?page=1")
    page.get_by_role("link", name="Report Callum's post").click()
    form = page.locator(f"#report-form-post-{reply.id}")
    expect(form.get_by_role("heading")).to_be_focused()  # focus moves to the form
    check_accessibility(page, "report-form")
    screenshot(page, "report-form")
    form.get_by_label("It's unkind or harassing").check()
    form.get_by_label(re.compile("Anything the moderators should know")).fill("Please look.")
    form.get_by_role("button", name="Send report").click()
    expect(page.locator(f"#report-form-post-{reply.id}")).to_contain_text(
        "Thank you — a moderator will look at this."
    )
    page.goto("/reports/mine")
    expect(page.get_by_text("Waiting for a moderator")).to_be_visible()
    check_accessibility(page, "my-reports")
    screenshot(page, "my-reports")

    # the report arrives in the open queue by itself, announced once
    expect(mod.locator("#moderation-badge")).to_have_text(re.compile("^1"))
    row = mod.locator(f"#report-cases #report-post-{reply.id}")
    expect(row).to_contain_text("It's unkind or harassing")
    expect(mod.locator("#queue-reports-count")).to_contain_text("1 reported thing waiting")
    expect(mod.locator('[data-live-announce="report-cases"]')).to_have_text(
        "1 newly reported thing added at the top of the list."
    )
    expect(row.get_by_text(UNKIND)).to_be_hidden()  # folded away until chosen
    row.get_by_text("Show the reported text").click()
    expect(row.get_by_text(UNKIND)).to_be_visible()
    check_accessibility(mod, "moderation-queue-report")
    screenshot(mod, "moderation-queue-report")
    row.locator("summary", has_text=re.compile("^Hide")).click()
    row.get_by_label("Why it is hidden (its author reads this)").fill(
        "Unkind to another member. Please keep replies kind."
    )
    mod.evaluate("window.__sameDocument = true")
    row.get_by_role("button", name="Hide it").click()
    expect(mod.locator(f"#report-post-{reply.id}")).to_have_count(0)
    expect(mod.locator("#flash")).to_contain_text("Hidden:")
    expect(mod.locator("#queue-reports-count")).to_contain_text("No reports waiting")
    expect(mod.locator("#moderation-badge")).to_be_hidden()
    assert mod.evaluate("window.__sameDocument") is True

    page.goto(f"/threads/{thread.id}?page=1")
    expect(page.locator(f"#post-{reply.id}")).to_contain_text(
        "This post was hidden by a moderator."
    )
    expect(page.get_by_text(UNKIND)).to_have_count(0)
    page.goto("/reports/mine")
    expect(page.get_by_text("took action")).to_be_visible()

    author = another_page()
    sign_in(author, callum.email)
    author.goto(f"/threads/{thread.id}?page=1")
    expect(author.locator(f"#post-{reply.id}")).to_contain_text(
        "A moderator hid this post: Unkind to another member."
    )
    screenshot(author, "hidden-post-author")

    mod.goto(f"/moderation/post/{reply.id}")
    expect(mod.get_by_role("heading", level=1)).to_contain_text("Callum's reply")
    check_accessibility(mod, "moderate-post")
    screenshot(mod, "moderate-post")
    mod.get_by_role("link", name="Audit log", exact=True).click()
    expect(mod.get_by_text(re.compile("Hid Callum's reply"))).to_be_visible()
    check_accessibility(mod, "audit-log")
    screenshot(mod, "audit-log")


def test_three_members_reporting_hide_a_post_until_a_moderator_looks(site, page, another_page):
    thread, reply, _rhona, _callum = _thread_with_an_unkind_reply(site)
    reporters = [site.member(display_name=f"Reporter {n}", email=f"r{n}@example.org")
                 for n in range(3)]  # fmt: skip
    for n, person in enumerate(reporters):
        browser = page if n == 0 else another_page()
        sign_in(browser, person.email)
        browser.goto(f"/threads/{thread.id}?page=1")
        browser.get_by_role("link", name="Report Callum's post").click()
        box = browser.locator(f"#report-form-post-{reply.id}")
        box.get_by_label("It's spam or advertising").check()
        box.get_by_role("button", name="Send report").click()
        expect(box).to_contain_text("Thank you")
    page.goto(f"/threads/{thread.id}?page=1")
    expect(page.locator(f"#post-{reply.id}")).to_contain_text(
        "This post is hidden for now: several members reported it"
    )
    expect(page.locator(f"#post-{reply.id}")).not_to_contain_text("hidden by a moderator")
    expect(page.get_by_role("link", name="Report Callum's post")).to_have_count(0)


def test_an_urgent_report_sits_at_the_top_with_the_crisis_contacts(site, page):
    _thread, reply, rhona, _callum = _thread_with_an_unkind_reply(site)
    site.call(factories.report, rhona, "post", reply.id, "safety", "They mention a plan.")
    kenny = site.member(display_name="Kenny", role="moderator", email="kenny@example.org")
    sign_in(page, kenny.email)
    page.goto("/moderation/")
    urgent = page.locator("#queue-urgent")
    expect(urgent).to_contain_text("Someone may be at risk")
    expect(urgent).to_contain_text("Samaritans")
    expect(urgent.locator(f"#report-post-{reply.id}")).to_be_visible()
    for _ in range(60):  # the reported text opens from the keyboard
        page.keyboard.press("Tab")
        if (
            page.evaluate("document.activeElement.textContent")
            .strip()
            .startswith("Show the reported text")
        ):
            break
    else:
        raise AssertionError("Show the reported text is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(urgent.get_by_text(UNKIND)).to_be_visible()
    check_accessibility(page, "moderation-queue-urgent")
    screenshot(page, "moderation-queue-urgent")


def test_an_urgent_report_arrives_in_the_open_queue_without_taking_a_moderators_words(
    site, page, another_page
):
    thread, reply, rhona, _callum = _thread_with_an_unkind_reply(site)
    site.call(factories.report, rhona, "post", reply.id, "unkind")
    kenny = site.member(display_name="Kenny", role="moderator", email="kenny@example.org")
    sign_in(page, kenny.email)
    page.goto("/moderation/")
    row = page.locator(f"#report-post-{reply.id}")
    row.locator("summary", has_text=re.compile("^Hide")).click()
    row.get_by_label("Why it is hidden (its author reads this)").fill("Half-written reason")

    reporter = another_page()
    friend = site.member(display_name="Sandy", email="sandy@example.org")
    sign_in(reporter, friend.email)
    reporter.goto(f"/threads/{thread.id}?page=1")
    reporter.get_by_role("link", name="Report the thread").click()
    box = reporter.locator(f"#report-form-thread-{thread.id}")
    box.get_by_label("I'm worried about someone's safety").check()
    box.get_by_role("button", name="Send report").click()
    expect(box).to_contain_text("Thank you")

    urgent = page.locator("#queue-urgent")
    expect(urgent.locator(f"#report-thread-{thread.id}")).to_be_visible()
    expect(urgent).to_contain_text("Someone may be at risk")
    expect(urgent).to_contain_text("Samaritans")
    expect(page.locator("#queue-urgent-count")).to_contain_text("1 urgent report")
    expect(page.locator("#moderation-badge")).to_have_text(re.compile("^2"))
    # the row being written in is left as it is: the words stay
    expect(row.get_by_label("Why it is hidden (its author reads this)")).to_have_value(
        "Half-written reason"
    )
    check_accessibility(page, "moderation-queue-live")
    screenshot(page, "moderation-queue-live")


def test_a_suspended_members_open_page_loses_access_on_the_next_request(
    site, page, another_page, expect_console_errors
):
    expect_console_errors("status of 401")  # her next request is refused
    thread, _reply, _rhona, callum = _thread_with_an_unkind_reply(site)
    kenny = site.member(display_name="Kenny", role="moderator", email="kenny@example.org")
    sign_in(page, callum.email)
    page.goto(f"/threads/{thread.id}?page=1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Feeling wobbly")

    mod = another_page()
    sign_in(mod, kenny.email)
    mod.goto(f"/members/{callum.id}")
    check_accessibility(mod, "member-page")
    screenshot(mod, "member-page")
    mod.get_by_role("link", name="Moderate Callum").click()
    mod.get_by_label("1 week").check()
    mod.get_by_label("Why (they read this)").fill("Unkind replies after a warning.")
    mod.get_by_role("button", name="Suspend Callum").click()
    expect(mod.locator("#flash")).to_contain_text("Callum is suspended")

    page.get_by_label("Your reply").fill("Sorry, I did not mean it.")
    page.get_by_role("button", name="Post reply").click()  # htmx: refused, sent to sign in
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    sign_in(page, callum.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your membership is paused")
    expect(page.get_by_text("Unkind replies after a warning.")).to_be_visible()
    screenshot(page, "suspended-status")


def test_a_warning_reaches_the_member_through_the_menu(site, page, another_page):
    jo = site.member(display_name="Jo", email="jo@example.org")
    kenny = site.member(display_name="Kenny", role="moderator")
    site.call(factories.act, kenny, "member", jo.id, "warn",
              message="Hi Jo, please keep threads on topic. Thank you!")  # fmt: skip
    sign_in(page, jo.email)
    page.get_by_role("link", name=re.compile("^Messages")).click()
    expect(page.get_by_text("please keep threads on topic")).to_be_visible()
    check_accessibility(page, "moderator-messages")
    screenshot(page, "moderator-messages")
    page.goto("/")
    expect(page.get_by_role("link", name=re.compile("^Messages"))).to_have_count(0)


def test_a_newcomers_first_thread_waits_and_a_moderator_approves_it(site, page, another_page):
    site.call(factories.forum, "Introductions")
    site.call(lambda: setattr(site_settings.settings(), "hold_first_posts", 1)
              or factories.db.session.commit())  # fmt: skip
    eilidh = site.member(display_name="Eilidh", email="eilidh@example.org")
    kenny = site.member(display_name="Kenny", role="moderator", email="kenny@example.org")
    sign_in(page, eilidh.email)
    page.goto("/forums/introductions/new")
    page.get_by_label("Title").fill("Hello from Orkney")
    page.get_by_label("Your first post").fill("There are only two of us doing peer work here.")
    page.get_by_role("button", name="Start thread").click()
    expect(page.get_by_text("Your thread is waiting for a moderator")).to_be_visible()
    screenshot(page, "held-thread-author")

    mod = another_page()
    sign_in(mod, kenny.email)
    mod.goto("/moderation/")
    held = mod.locator("#queue-held article")
    expect(held).to_contain_text("New thread “Hello from Orkney” by Eilidh")
    check_accessibility(mod, "moderation-queue-held")
    screenshot(mod, "moderation-queue-held")
    held.get_by_role("button", name=re.compile("^Approve")).click()
    expect(mod.locator("#queue-held article")).to_have_count(0)
    expect(mod.locator("#queue-held-count")).to_contain_text("No posts are waiting")

    page.reload()
    expect(page.get_by_text("waiting for a moderator")).to_have_count(0)


def test_moderation_settings_and_moderators_regions_are_accessible(site, page):
    site.member(display_name="Morag", email="morag@example.org", role="admin")
    site.member(display_name="Isla", role="moderator", moderates=("Highland",))
    sign_in(page, "morag@example.org")
    page.goto("/admin/moderation")
    expect(page.get_by_label(re.compile("Hide content after reports"))).to_have_value("3")
    check_accessibility(page, "admin-moderation")
    screenshot(page, "admin-moderation")
    page.goto("/admin/members")
    page.locator("details.regions-picker summary").first.click()
    expect(page.get_by_role("checkbox", name="Highland")).to_be_checked()
    check_accessibility(page, "admin-members-regions")
    screenshot(page, "admin-members-regions")
