"""Live updates in the forums and the ideas clinic, as people see them: two members in two
browsers, nothing reloaded, nothing jumping, focus where the reader left it, and nothing from a
forum a member cannot see."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import Post, ThreadRead
from forum.services.forums import threads
from forum.services.ideas import board, voting
from forum.services.ideas import comments as idea_comments
from forum.services.ideas import moderation as idea_moderation
from tests import factories
from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.browser.test_live import SOON, mark_page, not_reloaded

LONG = "\n\n".join(["A paragraph long enough to take some room on the screen. " * 6] * 3)


@pytest.fixture
def people(site):
    """Ahmed (Lothian) and Isla (Highland), members; Kenny, a moderator."""
    site.call(factories.forum, "Introductions")
    return (
        site.member(display_name="Ahmed", email="ahmed@example.org", region_name="Lothian"),
        site.member(display_name="Isla", email="isla@example.org", region_name="Highland"),
        site.member(display_name="Kenny", email="kenny@example.org", role="moderator"),
    )


def thread(site, author, *, title="Hello from the Highlands", replies=(), slug="introductions"):
    made = site.call(factories.thread, author, slug, title=title, replies=list(replies))
    return made.id


def read_position(site, member, thread_id):
    with site.app.app_context():
        return db.session.scalar(
            sa.select(ThreadRead.last_read_post_id).where(
                ThreadRead.member_id == member.id, ThreadRead.thread_id == thread_id
            )
        )


def newest_post(site, thread_id):
    with site.app.app_context():
        return db.session.scalar(sa.select(sa.func.max(Post.id)).where(Post.thread_id == thread_id))


def eventually(page, check, timeout_ms=SOON):
    """Wait until ``check()`` holds (something the page does in the background, in the
    database): fail after ``timeout_ms``."""
    for _ in range(timeout_ms // 100):
        if check():
            return
        page.wait_for_timeout(100)
    assert check()


def browser_of(another_page, person):
    other = another_page()
    sign_in(other, person.email)
    expect(other.get_by_role("heading", level=1)).to_be_visible()
    return other


# --- a thread -------------------------------------------------------------------------------


def test_a_reply_appears_for_the_other_member_without_a_reload(site, page, people, another_page):
    ahmed, isla, _ = people
    thread_id = thread(site, isla, replies=[(ahmed, "Welcome, Isla!")])
    sign_in(page, ahmed.email)
    page.goto(f"/threads/{thread_id}?page=1")
    mark_page(page)

    other = browser_of(another_page, isla)
    other.goto(f"/threads/{thread_id}?page=1")
    other.get_by_label("Your reply").fill("Thank you, Ahmed. See you in Perth?")
    with other.expect_response(lambda r: f"/threads/{thread_id}/posts?" in r.url, timeout=SOON):
        other.get_by_role("button", name="Post reply").click()  # and the stream tells her too

    reply = page.locator("#posts article").last
    expect(reply).to_contain_text("See you in Perth?", timeout=SOON)
    expect(page.locator("#thread-post-count")).to_have_text("3 posts")
    expect(page.locator('[data-live-announce="posts"]')).to_have_text(
        "1 new reply added at the end of the list."
    )
    assert not_reloaded(page)
    # Isla's own reply, from her request and from the stream: once, and no "new reply" for her
    new_id = newest_post(site, thread_id)
    expect(other.locator(f"#post-{new_id}")).to_have_count(1)
    expect(other.locator("#posts article")).to_have_count(3)
    expect(other.locator(".live-more")).to_be_hidden()
    expect(other.locator('[data-live-announce="posts"]')).to_have_text("")
    check_accessibility(page, "thread-live")
    screenshot(page, "thread-live")


def test_new_replies_wait_behind_a_button_while_reading_further_up(site, page, people):
    ahmed, isla, _ = people
    thread_id = thread(site, isla, replies=[(ahmed, f"{n}. {LONG}") for n in range(8)])
    sign_in(page, ahmed.email)
    page.set_viewport_size({"width": 1024, "height": 700})
    page.goto(f"/threads/{thread_id}?page=1")
    mark_page(page)
    read_before = read_position(site, ahmed, thread_id)
    first_link = page.locator("#posts article").first.locator("a.post-link")
    first_link.focus()  # reading the opening post
    page.evaluate("window.scrollTo(0, 0)")

    site.call(factories.reply, isla, thread_id, "Has anyone been to the Perth gathering?")
    button = page.get_by_role("button", name="1 new reply, show it")
    expect(button).to_be_visible(timeout=SOON)
    expect(page.get_by_text("Has anyone been to the Perth gathering?")).to_be_hidden()
    announced = "1 new reply arrived. A button at the bottom of the screen shows it."
    expect(page.locator('[data-live-announce="posts"]')).to_have_text(announced)
    # nothing moved: not the page, not the focus; and held replies are not read yet
    expect(first_link).to_be_focused()
    assert page.evaluate("window.scrollY") == 0
    assert read_position(site, ahmed, thread_id) == read_before
    check_accessibility(page, "thread-replies-held")
    screenshot(page, "thread-replies-held")

    site.call(factories.reply, isla, thread_id, "I went last year. Lovely people.")
    expect(page.get_by_role("button", name="2 new replies, show them")).to_be_visible(timeout=SOON)
    expect(page.locator('[data-live-announce="posts"]')).to_have_text(announced)  # said once
    expect(first_link).to_be_focused()

    page.get_by_role("button", name="2 new replies, show them").click()
    expect(page.get_by_text("Has anyone been to the Perth gathering?")).to_be_visible()
    expect(page.get_by_text("I went last year. Lovely people.")).to_be_visible()
    first_new = page.locator("#posts article").nth(9)
    expect(first_new).to_contain_text("Has anyone been to the Perth gathering?")
    expect(first_new).to_be_focused()  # the reader asked: focus goes to the first new reply
    expect(page.locator(".live-more")).to_be_hidden()
    newest = newest_post(site, thread_id)
    eventually(page, lambda: read_position(site, ahmed, thread_id) == newest)  # shown: now read
    assert not_reloaded(page)


def test_edits_and_removals_show_and_a_post_no_longer_there_disappears(
    site, page, people, expect_console_errors
):
    expect_console_errors("status of 404")  # the post no longer there answers 404, and goes
    ahmed, isla, _ = people
    thread_id = thread(site, isla, replies=[(isla, "Meet at ten"), (isla, "Bring a flask")])
    sign_in(page, ahmed.email)
    page.goto(f"/threads/{thread_id}?page=1")
    mark_page(page)
    posts = page.locator("#posts article")
    first_reply, second_reply = posts.nth(1), posts.nth(2)
    ids = [int(x) for x in posts.evaluate_all("els => els.map(e => e.id.slice(5))")]

    site.call(threads.edit_post, isla, ids[1], body="Meet at half past ten")
    expect(first_reply).to_contain_text("Meet at half past ten", timeout=SOON)
    expect(first_reply).to_contain_text("edited")
    site.call(threads.delete_post, isla, ids[1])
    expect(first_reply).to_contain_text("This post was removed by its author.", timeout=SOON)

    # A post this reader may no longer see (hidden by a moderator, say) answers 404: it goes.
    second_reply.locator("a.post-link").focus()
    page.route(f"**/posts/{ids[2]}", lambda route: route.fulfill(status=404, body="Not here"))
    site.call(threads.edit_post, isla, ids[2], body="Bring two flasks")
    expect(page.locator(f"#post-{ids[2]}")).to_have_count(0, timeout=SOON)
    expect(page.get_by_text("Not here")).to_have_count(0)
    expect(posts).to_have_count(2)
    expect(page.locator(f"#post-{ids[1]}")).to_be_focused()  # nearby, not the page top
    assert not_reloaded(page)


def test_a_report_being_written_survives_a_live_redraw_of_its_post(site, page, people):
    ahmed, isla, _ = people
    thread_id = thread(site, isla, replies=[(isla, "Meet at ten")])
    sign_in(page, ahmed.email)
    page.goto(f"/threads/{thread_id}?page=1")
    mark_page(page)
    reply = page.locator("#posts article").nth(1)
    reply_id = int(reply.evaluate("e => e.id.slice(5)"))
    reply.get_by_role("link", name=re.compile("^Report")).click()
    box = page.locator(f"#report-form-post-{reply_id}")
    box.get_by_label(re.compile("Anything the moderators should know")).fill("Half written")

    site.call(threads.edit_post, isla, reply_id, body="Meet at half past ten")
    expect(reply).to_contain_text("Meet at half past ten", timeout=SOON)
    expect(box.get_by_label(re.compile("Anything the moderators should know"))).to_have_value(
        "Half written"
    )
    box.get_by_label("It's spam or advertising").check()
    box.get_by_role("button", name="Send report").click()
    expect(box).to_contain_text("Thank you")
    assert not_reloaded(page)


def test_a_report_being_written_survives_the_page_catching_up(site, page, people):
    """Catching up brings copies of posts the page has (it asks a little behind the newest):
    they are dropped, and must not take the reader's report box with them."""
    ahmed, isla, _ = people
    thread_id = thread(site, isla, replies=[(isla, "Meet at ten")])
    sign_in(page, ahmed.email)
    page.goto(f"/threads/{thread_id}?page=1")
    mark_page(page)
    reply = page.locator("#posts article").nth(1)
    reply_id = int(reply.evaluate("e => e.id.slice(5)"))
    reply.get_by_role("link", name=re.compile("^Report")).click()
    box = page.locator(f"#report-form-post-{reply_id}")
    box.get_by_label(re.compile("Anything the moderators should know")).fill("Half written")
    with page.expect_response(re.compile(r".*/threads/\d+/posts\?.*")):
        page.evaluate(
            "document.querySelectorAll('[hx-trigger~=\"live:refresh\"]')"
            ".forEach(el => htmx.trigger(el, 'live:refresh'))"
        )
    page.wait_for_timeout(300)
    expect(box.get_by_label(re.compile("Anything the moderators should know"))).to_have_value(
        "Half written"
    )
    box.get_by_label("It's spam or advertising").check()
    box.get_by_role("button", name="Send report").click()
    expect(box).to_contain_text("Thank you")
    assert not_reloaded(page)


def test_the_thread_still_updates_by_polling_when_streaming_is_blocked(
    site, page, people, expect_console_errors
):
    expect_console_errors("net::ERR_FAILED", r"\[object Event\]")  # the stream is blocked
    ahmed, isla, _ = people
    thread_id = thread(site, isla)
    page.route(re.compile(r".*/live\?.*"), lambda route: route.abort())
    sign_in(page, ahmed.email)
    page.goto(f"/threads/{thread_id}?page=1")
    mark_page(page)
    site.call(factories.reply, isla, thread_id, "Still there?")
    # live_app polls every 2 seconds when its stream is down (30 in production)
    expect(page.get_by_text("Still there?")).to_be_visible(timeout=SOON)
    assert not_reloaded(page)


def test_after_a_dropped_connection_the_page_reconnects_and_catches_up(
    site, page, people, expect_console_errors
):
    expect_console_errors("net::ERR_FAILED", r"\[object Event\]")  # the stream is cut
    ahmed, isla, _ = people
    thread_id = thread(site, isla)
    attempts = []

    def first_fails(route):
        attempts.append(route.request.url)
        if len(attempts) == 1:
            site.call(factories.reply, isla, thread_id, "Sent while you were away")
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r".*/live\?.*"), first_fails)
    sign_in(page, ahmed.email)
    page.goto(f"/threads/{thread_id}?page=1")
    mark_page(page)
    expect(page.get_by_text("Sent while you were away")).to_be_visible(timeout=SOON)
    eventually(page, lambda: len(attempts) >= 2)  # it connected again by itself
    site.call(factories.reply, isla, thread_id, "And now you are back")
    expect(page.get_by_text("And now you are back")).to_be_visible(timeout=SOON)
    assert not_reloaded(page)


# --- a forum --------------------------------------------------------------------------------


def test_a_forum_page_shows_new_threads_and_activity_at_the_top(site, page, people):
    ahmed, isla, _ = people
    older = thread(site, isla, title="Training in Inverness")
    thread(site, ahmed, title="Books that helped")
    sign_in(page, ahmed.email)
    page.goto("/forums/introductions")
    mark_page(page)
    titles = page.locator("#thread-list > li .thread-title a")
    expect(titles).to_have_text(["Books that helped", "Training in Inverness"])

    site.call(threads.start_thread, isla, "introductions", title="Walk on Sunday",
              body="Who is coming?")  # fmt: skip
    expect(titles).to_have_text(
        ["Walk on Sunday", "Books that helped", "Training in Inverness"], timeout=SOON
    )
    expect(page.locator('[data-live-announce="thread-list"]')).to_have_text(
        "1 thread with new posts added at the top of the list."
    )
    site.call(factories.reply, isla, older, "Spaces left for March")
    expect(titles).to_have_text(
        ["Training in Inverness", "Walk on Sunday", "Books that helped"], timeout=SOON
    )
    expect(page.locator(f"#thread-{older}")).to_contain_text("1 reply")
    expect(page.locator(f"#thread-{older}")).to_have_count(1)
    assert not_reloaded(page)
    check_accessibility(page, "forum-live")
    screenshot(page, "forum-live")


def test_a_forum_page_holds_activity_while_reading_further_down(site, page, people):
    ahmed, isla, _ = people
    for n in range(14):
        thread(site, isla, title=f"Thread number {n}")
    sign_in(page, ahmed.email)
    page.set_viewport_size({"width": 1024, "height": 600})
    page.goto("/forums/introductions")
    mark_page(page)
    page.locator("#thread-list > li").last.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    site.call(threads.start_thread, isla, "introductions", title="Walk on Sunday",
              body="Who is coming?")  # fmt: skip
    button = page.get_by_role("button", name="1 thread with new posts, show it")
    expect(button).to_be_visible(timeout=SOON)
    expect(page.get_by_role("link", name="Walk on Sunday")).to_have_count(0)
    assert page.evaluate("window.scrollY") == scrolled
    check_accessibility(page, "forum-activity-held")
    screenshot(page, "forum-activity-held", phone=False)
    button.click()
    expect(page.locator("#thread-list > li").first).to_contain_text("Walk on Sunday")
    expect(page.locator("#thread-list > li").first).to_be_focused()


# --- who may see what -----------------------------------------------------------------------


def test_a_member_without_access_to_a_restricted_forum_receives_nothing_from_it(
    site, page, people, another_page
):
    """Ahmed's page even asks for the Highland forum's topics (a curious member editing the
    address): his stream carries nothing of it, and his page fetches nothing from it."""
    ahmed, isla, _ = people
    highland = site.call(factories.forum, region_name="Highland", audience="region")
    secret = thread(site, isla, title="Inverness meet-up", slug=highland.slug)
    open_thread = thread(site, isla, title="Hello everyone")
    watched = [f"thread-{secret}", f"forum-{highland.id}", f"thread-{open_thread}"]
    page.add_init_script(
        "window.__heard = [];"
        "document.addEventListener('htmx:sseOpen', function (e) {"
        f"  {watched!r}.forEach(function (name) {{"
        "    e.detail.source.addEventListener(name, function () { window.__heard.push(name); });"
        "  });"
        "}, true);"
    )
    extra = f"&topic=thread:{secret}&topic=forum:{highland.id}"
    page.route(
        re.compile(r".*/live\?.*"), lambda route: route.continue_(url=route.request.url + extra)
    )
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    sign_in(page, ahmed.email)
    page.goto(f"/threads/{open_thread}?page=1")
    mark_page(page)

    other = browser_of(another_page, isla)
    other.goto(f"/threads/{secret}?page=1")
    other.get_by_label("Your reply").fill("Saturday at ten, by the river")
    other.get_by_role("button", name="Post reply").click()
    expect(other.locator("#posts article")).to_have_count(2)
    other.goto(f"/forums/{highland.slug}/new")
    other.get_by_label("Title").fill("Secret ceilidh")
    other.get_by_label("Your first post").fill("Only for us")
    other.get_by_role("button", name="Start thread").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Secret ceilidh")

    # then something Ahmed may see: it arrives, so his stream was listening all along
    other.goto(f"/threads/{open_thread}?page=1")
    other.get_by_label("Your reply").fill("And hello to everyone here")
    other.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("And hello to everyone here")).to_be_visible(timeout=SOON)

    assert page.evaluate("window.__heard") == [f"thread-{open_thread}"]
    assert not [u for u in fetched if f"/threads/{secret}" in u or highland.slug in u]
    text = page.locator("body").inner_text()
    assert "river" not in text and "ceilidh" not in text and "Inverness" not in text
    assert not_reloaded(page)


# --- the ideas clinic -----------------------------------------------------------------------


def test_a_vote_changes_the_count_for_the_other_member(site, page, people, another_page):
    ahmed, isla, _ = people
    idea = site.call(factories.idea, ahmed, "Speakers with lived experience at every event")
    sign_in(page, ahmed.email)
    page.goto("/ideas/")
    mark_page(page)
    count = page.locator(f"#idea-{idea.id}-count")
    expect(count).to_contain_text("1 vote, including yours")

    other = browser_of(another_page, isla)
    other.goto(f"/ideas/{idea.id}")
    other.get_by_role("button", name=f"Vote for {idea.title}").click()
    expect(other.locator(f"#idea-{idea.id}-count")).to_contain_text("2 votes, including yours")

    expect(count).to_contain_text("2 votes, including yours", timeout=SOON)
    assert not_reloaded(page)
    check_accessibility(page, "board-live")
    screenshot(page, "board-live")

    page.goto(f"/ideas/{idea.id}")
    mark_page(page)
    other.get_by_role("button", name=f"Vote for {idea.title}").click()  # she takes it back
    expect(page.locator(f"#idea-{idea.id}-count")).to_contain_text(
        "1 vote, including yours", timeout=SOON
    )
    assert not_reloaded(page)


def test_only_the_readers_own_vote_is_announced(site, page, people, another_page):
    ahmed, isla, _ = people
    site.call(voting.set_budget, 5)
    idea = site.call(factories.idea, isla, "A quiet room at every event")
    sign_in(page, ahmed.email)
    page.goto("/ideas/")
    status = page.locator("#vote-status")
    count = page.locator(f"#idea-{idea.id}-count")
    assert status.get_attribute("aria-live") == "polite"
    assert count.evaluate(
        "el => !el.closest('[aria-live], [role=status], [role=alert], [role=log]')"
    )

    other = browser_of(another_page, people[2])
    other.goto(f"/ideas/{idea.id}")
    other.get_by_role("button", name=f"Vote for {idea.title}").click()
    expect(count).to_contain_text("2 votes", timeout=SOON)  # someone else's vote: said to nobody
    expect(status).to_have_text("")

    page.get_by_role("button", name=f"Vote for {idea.title}").click()
    expect(status).to_have_text(
        f"Your vote for “{idea.title}” is counted. It has 3 votes. You have 4 votes left."
    )


def test_a_status_change_and_a_new_comment_appear_on_the_idea_page(
    site, page, people, another_page
):
    ahmed, isla, kenny = people
    idea = site.call(factories.idea, ahmed, "A peer support walk every month")
    sign_in(page, ahmed.email)
    page.goto(f"/ideas/{idea.id}")
    mark_page(page)
    page.get_by_label("Your comment").focus()  # Ahmed is about to write

    moderator = browser_of(another_page, kenny)
    moderator.goto(f"/ideas/{idea.id}")
    moderator.get_by_label("New status").select_option("planned")
    moderator.get_by_label("Public response (optional)").fill(
        "Planned for **April**, starting in Perth."
    )
    moderator.get_by_role("button", name="Save status").click()
    expect(moderator.locator("#flash")).to_contain_text("Planned")

    outcome = page.locator("#outcome")
    expect(outcome).to_contain_text("Planned: the organisers' response", timeout=SOON)
    expect(outcome.locator("strong")).to_have_text("April")
    expect(page.locator(f"#idea-{idea.id}-status")).to_have_text("Planned")
    expect(page.locator(f"#idea-{idea.id}-history")).to_contain_text("Kenny moved it from open")
    expect(page.locator(f"#idea-{idea.id}-said")).to_contain_text("it is now planned")
    expect(page.get_by_label("Your comment")).to_be_focused()

    site.call(idea_comments.add, isla, idea.id, "I'll bring the flasks.")
    comments = page.locator(f"#idea-{idea.id}-comment-list > li")
    expect(comments).to_have_count(1, timeout=SOON)
    expect(comments.first).to_contain_text("I'll bring the flasks.")
    expect(page.locator(f"#idea-{idea.id}-comment-count")).to_have_text("1")
    expect(page.get_by_text("No comments yet")).to_be_hidden()
    expect(page.get_by_label("Your comment")).to_be_focused()
    assert not_reloaded(page)
    check_accessibility(page, "idea-live")
    screenshot(page, "idea-live")


def test_new_ideas_wait_behind_a_button_on_the_board(site, page, people):
    ahmed, isla, _ = people
    site.call(factories.idea, ahmed, "Speakers with lived experience at every event")
    sign_in(page, ahmed.email)
    page.goto("/ideas/")
    mark_page(page)
    site.call(board.submit, isla, title="Peer supervision circles", description="Monthly, online.")
    button = page.get_by_role("button", name="1 new idea, show it")
    expect(button).to_be_visible(timeout=SOON)
    expect(page.get_by_role("link", name="Peer supervision circles")).to_have_count(0)
    expect(page.locator('[data-live-announce="idea-list"]')).to_have_text(
        "1 new idea arrived. A button at the bottom of the screen shows it."
    )
    check_accessibility(page, "board-new-ideas-held")
    screenshot(page, "board-new-ideas-held")
    button.click()
    first = page.locator("#idea-list > li").first
    expect(first).to_contain_text("Peer supervision circles")
    expect(first.locator("article")).to_be_focused()  # the new card, named by its title
    assert not_reloaded(page)


def test_the_board_never_names_an_idea_of_a_region_hidden_from_the_member(site, page, people):
    ahmed, isla, _ = people
    site.call(factories.forum, region_name="Highland", audience="region")
    secret = site.call(factories.idea, isla, "Gathering in Inverness", region_name="Highland")
    page.add_init_script(
        "window.__heard = [];"
        "document.addEventListener('htmx:sseOpen', function (e) {"
        f"  ['card-{secret.id}', 'ideas-new'].forEach(function (name) {{"
        "    e.detail.source.addEventListener(name, function () { window.__heard.push(name); });"
        "  });"
        "}, true);"
    )
    sign_in(page, ahmed.email)
    page.goto("/ideas/")
    mark_page(page)
    with site.app.app_context():
        highland = factories.region("Highland").id
    site.call(idea_moderation.change_status, site.member(role="moderator"), secret.id, "planned")
    site.call(
        board.submit, isla, title="Highland ceilidh", description="Music.", region_id=highland
    )
    site.call(board.submit, isla, title="National ceilidh", description="Music for all.")
    expect(page.get_by_role("button", name="1 new idea, show it")).to_be_visible(timeout=SOON)
    assert page.evaluate("window.__heard") == ["ideas-new"]
    page.get_by_role("button", name="1 new idea, show it").click()
    expect(page.locator("#idea-list")).to_contain_text("National ceilidh")
    expect(page.locator("#idea-list")).not_to_contain_text("Highland ceilidh")
    expect(page.locator("#idea-list")).not_to_contain_text("Inverness")
