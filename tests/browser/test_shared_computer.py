"""A shared computer (a drop-in centre, a library): nothing one member typed or read is left in
the browser for the next person. Drafts belong to the member who typed them; signing out, the
session ending, or someone else signing in wipes them. The same member gets theirs back."""

import sqlalchemy as sa
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import Member
from tests import factories
from tests.browser.conftest import sign_in

WORDS = "I have not told anyone at work how bad this month has been"


def _stored_texts(page) -> list[str]:
    """Every value this origin keeps in localStorage and sessionStorage."""
    return page.evaluate(
        "[...Object.keys(localStorage).map(k => localStorage.getItem(k)),"
        " ...Object.keys(sessionStorage).map(k => sessionStorage.getItem(k))]"
    )


def _type_a_reply(page, thread, text=WORDS):
    page.goto(f"/threads/{thread.id}")
    page.get_by_label("Your reply").fill(text)
    page.wait_for_timeout(600)  # the draft is kept a moment after typing stops
    assert any(text in value for value in _stored_texts(page)), "the draft was kept"


def _two_members(site):
    site.call(factories.forum, "Introductions")
    author = site.member(display_name="Fiona")
    thread = site.call(factories.thread, author, title="Getting through winter")
    first = site.member(display_name="Callum", email="callum@example.org")
    second = site.member(display_name="Ahmed", email="ahmed@example.org")
    return thread, first, second


def _expect_no_trace(page, thread):
    page.goto(f"/threads/{thread.id}")
    expect(page.get_by_label("Your reply")).to_have_value("")
    expect(page.locator("[data-draft-status]")).not_to_contain_text("We restored")
    assert not any(WORDS in value for value in _stored_texts(page))


def test_a_reply_left_unsent_is_not_offered_to_the_next_member_after_sign_out(site, page):
    thread, callum, ahmed = _two_members(site)
    sign_in(page, callum.email)
    _type_a_reply(page, thread)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#flash")).to_contain_text("You have signed out")
    assert not any(WORDS in value for value in _stored_texts(page)), "forgotten at sign-out"

    sign_in(page, ahmed.email)
    _expect_no_trace(page, thread)


def test_another_member_signing_in_wipes_what_the_last_one_left(site, page, context):
    thread, callum, ahmed = _two_members(site)
    sign_in(page, callum.email)
    _type_a_reply(page, thread)
    context.clear_cookies()  # the browser was closed, or the session ran out: no sign-out

    sign_in(page, ahmed.email)
    _expect_no_trace(page, thread)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, callum.email)  # and it is not waiting for Callum either: it was wiped
    _expect_no_trace(page, thread)


def test_the_same_member_gets_their_draft_back_after_their_session_ran_out(site, page, context):
    thread, callum, _ = _two_members(site)
    sign_in(page, callum.email)
    _type_a_reply(page, thread)
    context.clear_cookies()

    sign_in(page, callum.email)
    page.goto(f"/threads/{thread.id}")
    expect(page.get_by_label("Your reply")).to_have_value(WORDS)
    expect(page.locator("[data-draft-status]")).to_contain_text("We restored the text")


def test_a_session_ended_while_the_page_is_open_forgets_the_draft(site, page):
    thread, callum, _ = _two_members(site)
    sign_in(page, callum.email)
    _type_a_reply(page, thread)
    page.wait_for_function("document.body.getAttribute('sse-connect') !== null")
    page.wait_for_timeout(500)  # the stream is open

    def end_sessions():
        member = db.session.scalar(sa.select(Member).where(Member.email == callum.email))
        member.end_sessions()  # a password change or a suspension elsewhere
        db.session.commit()

    site.call(end_sessions)
    expect(page.locator("[data-draft-status]")).to_contain_text("You have been signed out")
    assert not any(WORDS in value for value in _stored_texts(page))
    expect(page.get_by_label("Your reply")).to_have_value(WORDS)  # still on screen for its writer
