"""Journeys through the forums: start a thread, reply without a reload, quote, edit, read a
story behind a content warning with the keyboard, and keep a draft. Each new page gets an axe
check and screenshots (desktop and 390 px) under artifacts/screens/."""

import re

from playwright.sync_api import expect

from forum.services.forums import threads
from tests import factories
from tests.browser.conftest import check_accessibility, screenshot, sign_in

STORY = "It was my neighbour who knocked, and sat with me until the morning."


def _forum(site, name="Introductions"):
    return site.call(factories.forum, name)


def test_start_a_thread_then_reply_with_htmx_and_see_it_without_a_reload(site, page):
    _forum(site)
    isla = site.member(display_name="Isla", email="isla@example.org", region_name="Highland")
    sign_in(page, isla.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Isla")
    check_accessibility(page, "forum-index")
    screenshot(page, "forum-index")

    page.get_by_role("link", name="Introductions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Introductions")
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("Hello from the Highlands")
    page.get_by_label("Your first post").fill("Hi all, I'm **Isla**. Peer worker in Inverness.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview-body strong")).to_have_text("Isla")
    check_accessibility(page, "new-thread")
    screenshot(page, "new-thread")
    page.get_by_role("button", name="Start thread").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello from the Highlands")
    expect(page.locator("#flash")).to_contain_text("Your thread is started")
    page.evaluate("window.__sameDocument = true")
    reply = page.get_by_label("Your reply")
    reply.fill("And a reply, sent with htmx.")
    page.get_by_role("button", name="Post reply").click()

    expect(page.locator("#posts article")).to_have_count(2)
    expect(page.locator("#posts article").last).to_contain_text("And a reply, sent with htmx.")
    expect(page.get_by_label("Your reply")).to_have_value("")
    expect(page.locator("#flash")).to_contain_text("Your reply is posted")
    expect(page.locator("#thread-post-count")).to_have_text("2 posts")
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    drafts = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('forum-draft:'))")
    assert drafts == [], "the sent draft was forgotten"
    check_accessibility(page, "thread")
    screenshot(page, "thread")

    page.goto("/forums/introductions")
    expect(page.locator(".thread-row")).to_contain_text("1 reply")
    check_accessibility(page, "forum")
    screenshot(page, "forum")


def test_open_a_story_behind_a_content_warning_with_the_keyboard(site, page):
    _forum(site, "Stories")
    kenny = site.member(display_name="Kenny")
    site.call(
        factories.thread, kenny, "stories", title="Ten years on", body=STORY,
        warnings=("suicide",), note="mostly about hope",
    )  # fmt: skip
    reader = site.member(display_name="Ahmed", email="ahmed@example.org")
    sign_in(page, reader.email)
    page.get_by_role("link", name="Stories").click()
    expect(page.get_by_text("Content warning: suicide")).to_be_visible()
    page.get_by_role("link", name="Ten years on").click()

    story = page.get_by_text(STORY)
    expect(story).to_be_hidden()
    summary = page.locator("details.cw summary")
    expect(summary).to_contain_text("This post mentions suicide: mostly about hope.")
    for _ in range(40):  # through the page with Tab, as a keyboard user would
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    else:
        raise AssertionError("the warning's Show post control is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(story).to_be_visible()
    expect(summary).to_contain_text("Hide post")
    check_accessibility(page, "story-opened")
    screenshot(page, "story-opened")


def test_edit_ones_post_in_place_and_readers_see_edited(site, page):
    _forum(site)
    jo = site.member(display_name="Jo", email="jo@example.org")
    thread = site.call(factories.thread, jo, title="Spring prospectus", body="Courses are up.")
    sign_in(page, jo.email)
    page.goto(f"/threads/{thread.id}")
    page.get_by_role("link", name="Edit your post").click()
    body = page.locator(f"#post{thread.first_post_id}-body")
    expect(body).to_have_value("Courses are up.")
    check_accessibility(page, "edit-in-place")
    body.fill("Courses are up, and all are free.")
    page.get_by_role("button", name="Save changes").click()
    post = page.locator(f"#post-{thread.first_post_id}")
    expect(post).to_contain_text("and all are free")
    expect(post.locator(".edited")).to_contain_text("edited")
    screenshot(page, "edited-post")

    page.goto(f"/posts/{thread.first_post_id}/edit")  # the same form without JavaScript
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your post")
    check_accessibility(page, "edit-page")


def test_quote_a_post_into_the_reply(site, page):
    _forum(site)
    isla = site.member(display_name="Isla")
    thread = site.call(
        factories.thread, isla, title="Getting to training", body="Two hours to Inverness.",
        warnings=("bereavement",),
    )  # fmt: skip
    rhona = site.member(display_name="Rhona", email="rhona@example.org")
    sign_in(page, rhona.email)
    page.goto(f"/threads/{thread.id}")
    page.locator("details.cw summary").click()
    page.get_by_role("link", name="Quote Isla's post").click()
    reply = page.get_by_label("Your reply")
    expect(reply).to_have_value(
        re.compile(r"^> \*\*Isla\*\* wrote:\n>\n> Two hours to Inverness\.")
    )
    expect(reply).to_be_focused()
    expect(page.get_by_label("bereavement")).to_be_checked()  # the warning comes along
    reply.press("End")
    reply.type("Same on the islands!")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#posts article").last.locator("blockquote")).to_contain_text(
        "Two hours to Inverness."
    )


def test_an_unfinished_reply_survives_going_away_and_back(site, page):
    _forum(site)
    author = site.member(display_name="Fiona")
    thread = site.call(factories.thread, author, title="Dundee recovery walk")
    reader = site.member(display_name="Callum", email="callum@example.org")
    sign_in(page, reader.email)
    page.goto(f"/threads/{thread.id}")
    page.get_by_label("Your reply").fill("I can help at the water station")
    page.wait_for_timeout(600)  # the draft is saved a moment after typing stops
    page.goto("/")
    page.goto(f"/threads/{thread.id}")
    expect(page.get_by_label("Your reply")).to_have_value("I can help at the water station")
    expect(page.locator("[data-draft-status]")).to_contain_text("We restored the text")


def test_settings_and_administration_pages_are_accessible(site, page):
    _forum(site)
    morag = site.member(display_name="Morag", email="morag@example.org", role="admin")
    thread = site.call(factories.thread, morag, title="Draft 3", body="Comments welcome.")
    site.call(
        threads.edit_post, morag, thread.first_post_id,
        body="Comments welcome by Friday.", title="Draft 3",
    )  # fmt: skip
    sign_in(page, morag.email)
    for path, name in [
        ("/account/", "account-content-warnings"),
        ("/admin/forums", "admin-forums"),
        ("/admin/warnings", "admin-warnings"),
        (f"/admin/forums/{thread.forum_id}", "admin-forum-edit"),
        (f"/posts/{thread.first_post_id}/history", "post-history"),
        (f"/posts/{thread.first_post_id}/delete", "remove-post"),
    ]:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        check_accessibility(page, name)
        screenshot(page, name)
