"""Journeys through issue 17 in real browsers, with axe and screenshots (desktop and 390 px):
two members exchange messages (live), one reports a message and a moderator sees only that
message and the two before it, never the conversation; a signpost word shows the crisis
contacts in the preview before posting, and the post still goes; an appeal reaches the queue
of a moderator other than the one who suspended."""

import re
import time

import pytest
from playwright.sync_api import expect

from forum.services.safety import alerts
from tests import factories
from tests.browser.conftest import check_accessibility, screenshot, sign_in


@pytest.fixture
def settled(site, monkeypatch):
    """Nobody in these journeys is a newcomer."""
    monkeypatch.setitem(site.app.config, "MESSAGES_NEWCOMER_DAYS", 0)
    monkeypatch.setitem(site.app.config, "MESSAGES_NEWCOMER_POSTS", 0)


def test_two_members_exchange_messages_and_a_moderator_sees_only_the_reported_one(
    site, settled, page, another_page, expect_console_errors
):
    expect_console_errors("404")  # the moderator opening the conversation itself
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    callum = site.member(display_name="Callum", email="callum@example.org")
    kenny = site.member(display_name="Kenny", role="moderator", email="kenny@example.org")

    sign_in(page, ahmed.email)
    page.goto(f"/members/{callum.id}")
    page.get_by_role("link", name="Send Callum a message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Message Callum")
    check_accessibility(page, "conversation-new")
    screenshot(page, "conversation-new")
    page.get_by_label("Subject (optional)").fill("Saturday's walk")
    page.get_by_label("Your message").fill("Hi Callum, are you coming on **Saturday**?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".messages")).to_contain_text("are you coming on Saturday?")
    conversation_url = page.url.split("#")[0]

    other = another_page()
    sign_in(other, callum.email)
    other.goto("/conversations/")
    expect(other.get_by_role("link", name="Saturday's walk")).to_be_visible()
    check_accessibility(other, "conversations-inbox")
    screenshot(other, "conversations-inbox")
    other.get_by_role("link", name="Saturday's walk").click()
    expect(other.locator(".messages .prose strong")).to_have_text("Saturday")

    # Ahmed writes again: it arrives on Callum's open page by itself
    page.get_by_label("Your message").fill("Bring a flask of tea.")
    page.get_by_role("button", name="Send").click()
    expect(other.locator("body")).to_contain_text("Bring a flask", timeout=15_000)
    page.get_by_label("Your message").fill("The first message was before this one.")
    page.get_by_role("button", name="Send").click()
    page.get_by_label("Your message").fill("Honestly, you are useless and everyone knows it.")
    page.get_by_role("button", name="Send").click()
    # at the end of the list it is added; further up it waits behind a polite button
    arrived = other.get_by_text("everyone knows it")
    show = other.get_by_role("button", name=re.compile("new message"))
    for _ in range(60):
        if show.is_visible():
            show.click()
        if arrived.is_visible():
            break
        other.wait_for_timeout(250)
    expect(arrived).to_be_visible()
    other.reload()
    check_accessibility(other, "conversation")
    screenshot(other, "conversation")

    last = other.locator(".messages > li").last
    last.get_by_role("link", name="Report Ahmed's message").click()
    form = other.locator("form", has=other.get_by_label("It's unkind or harassing"))
    form.get_by_label("It's unkind or harassing").check()
    form.get_by_role("button", name="Send report").click()
    expect(other.get_by_text("Thank you — a moderator will look at this.")).to_be_visible()

    mod = another_page()
    sign_in(mod, kenny.email)
    mod.goto("/moderation/")
    row = mod.locator("article", has_text="Ahmed's private message")
    expect(row).to_be_visible()
    row.get_by_text("Show the reported text").click()
    expect(row).to_contain_text("everyone knows it")
    expect(row).to_contain_text("The first message was before this one.")  # context
    expect(row).not_to_contain_text("Saturday")  # never the rest of the conversation
    check_accessibility(mod, "queue-reported-message")
    screenshot(mod, "queue-reported-message")
    response = mod.goto(conversation_url)
    assert response is not None and response.status == 404


def test_a_signpost_word_shows_the_crisis_contacts_before_posting(site, page, another_page):
    morag = site.member(display_name="Morag", role="admin", email="morag@example.org")
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    site.call(factories.forum, "Introductions")
    thread = site.call(factories.thread, morag, title="How is everyone?", body="Checking in.")

    admin = another_page()
    sign_in(admin, morag.email)
    admin.goto("/admin/watched-words/")
    admin.get_by_role("textbox", name="Word or phrase").fill("want to die")
    admin.get_by_label("When someone writes it").select_option("signpost")
    admin.get_by_role("button", name="Watch for it").click()
    expect(admin.get_by_role("cell", name="want to die", exact=True)).to_be_visible()
    check_accessibility(admin, "admin-watched-words")
    screenshot(admin, "admin-watched-words")

    sign_in(page, ahmed.email)
    page.goto(f"/threads/{thread.id}?page=1")
    page.get_by_label("Your reply").fill("Some nights I WANT TO DIE, to be honest.")
    page.get_by_role("button", name="Preview").click()
    box = page.locator("[data-signpost]")
    expect(box).to_contain_text("Would you like to talk to someone now?")
    expect(box).to_contain_text("Samaritans")
    expect(box.get_by_role("link", name=re.compile("call 116 123"))).to_be_visible()
    check_accessibility(page, "signpost-preview")
    screenshot(page, "signpost-preview")

    page.get_by_role("button", name="Post reply").click()  # never stopped from posting
    expect(page.locator("#posts")).to_contain_text("Some nights I WANT TO DIE")
    expect(page.locator("#flash [data-signpost]")).to_contain_text("talk to someone now")
    assert [m.display_name for m in site.call(alerts.moderators_to_alert, None)] == ["Morag"]
    # The worker beside the server tells the moderators at once: the bell, and a mail that
    # says only that something urgent is waiting.
    mail = _wait_for_mail(site, morag.email, "An urgent report is waiting in the queue")
    assert "WANT TO DIE" not in mail.body and "Ahmed" not in mail.body
    assert site.call(alerts.waiting) == []
    admin.goto("/notifications")
    expect(admin.locator("main")).to_contain_text("An urgent report or safety alert is waiting")
    check_accessibility(admin, "notifications-moderation-alert")
    screenshot(admin, "notifications-moderation-alert")


def _wait_for_mail(site, recipient: str, subject: str, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in site.outbox() if m.recipient == recipient and m.subject == subject]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no mail {subject!r} to {recipient}")


def test_an_appeal_reaches_a_moderator_other_than_the_one_who_acted(site, page, another_page):
    sandy = site.member(display_name="Sandy", email="sandy@example.org")
    kenny = site.member(display_name="Kenny", role="moderator", email="kenny@example.org")
    isla = site.member(display_name="Isla", role="moderator", email="isla@example.org")
    site.call(
        factories.act, kenny, "member", sandy.id, "suspend", period="week", reason="Unkind replies."
    )

    sign_in(page, sandy.email)
    page.goto("/status")
    page.get_by_role("link", name="Ask the moderators to look again").click()
    check_accessibility(page, "appeal-form")
    screenshot(page, "appeal-form")
    page.get_by_label("What you would like the moderators to know").fill(
        "I was quoting a song lyric, not talking to anyone. I am sorry it read that way."
    )
    page.get_by_role("button", name="Send my appeal").click()
    expect(page.get_by_text("Your appeal is sent.")).to_be_visible()
    expect(page.get_by_label("What you would like the moderators to know")).to_have_count(0)

    other = another_page()
    sign_in(other, isla.email)
    other.goto("/moderation/")
    appeal = other.locator("#queue-appeals article")
    expect(appeal).to_contain_text("Sandy appeals their suspension")
    expect(appeal).to_contain_text("Decided by Kenny")
    expect(appeal).to_contain_text("quoting a song lyric")
    check_accessibility(other, "queue-appeal")
    screenshot(other, "queue-appeal")

    acted = another_page()
    sign_in(acted, kenny.email)
    acted.goto("/moderation/")
    expect(acted.locator("#queue-appeals")).to_contain_text("No appeals waiting.")


def test_an_urgent_report_late_at_night_says_when_a_person_will_read_it(
    site, settled, page, another_page
):
    morag = site.member(display_name="Morag", role="admin", email="morag@example.org")
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    callum = site.member(display_name="Callum", email="callum@example.org")
    site.call(factories.forum, "Introductions")
    thread = site.call(factories.thread, callum, title="Evenings", body="How are evenings?")
    reply_id = site.call(
        lambda: factories.reply(callum, thread.id, "I have given my things away.").id
    )

    admin = another_page()
    sign_in(admin, morag.email)
    admin.goto("/admin/crisis-contacts")
    admin.get_by_role("textbox", name="Moderated hours").fill("Mon–Fri 9:00–21:00")  # noqa: RUF001
    admin.get_by_role("button", name="Save moderated hours").click()
    expect(admin.locator("#flash")).to_contain_text("Moderated hours saved.")
    check_accessibility(admin, "admin-moderated-hours")

    sign_in(page, ahmed.email)
    page.goto(f"/threads/{thread.id}?page=1")
    expect(page.locator("footer.site-footer")).to_contain_text("Moderators are around Mon–Fri")  # noqa: RUF001
    expect(
        page.locator(f"#post-{reply_id}").get_by_role("link", name="Message Callum")
    ).to_be_visible()
    page.get_by_role("link", name="Report Callum's post").click()
    box = page.locator(f"#report-form-post-{reply_id}")
    box.get_by_label("I'm worried about someone's safety").check()
    box.get_by_role("button", name="Send report").click()
    expect(box).to_contain_text("The moderators have been told now")
    expect(box).to_contain_text("Moderators are around Mon–Fri 9:00–21:00")  # noqa: RUF001
    expect(box).to_contain_text("Samaritans")
    check_accessibility(page, "urgent-report-sent")
    screenshot(page, "urgent-report-sent")
    mail = _wait_for_mail(site, morag.email, "An urgent report is waiting in the queue")
    assert "given my things" not in mail.body and "Callum" not in mail.body
