"""A member chooses how they hear by email, and a digest's link unsubscribes them with one
click without signing in; both pages are accessible."""

from playwright.sync_api import expect

from forum.extensions import db
from forum.models import Member
from forum.services.notifications import mailing
from tests.browser.conftest import check_accessibility, screenshot, sign_in


def _digest_path(member_id: int) -> str:
    url = mailing.unsubscribe_url(db.session.get(Member, member_id), mailing.DIGEST)
    return "/unsubscribe/" + url.rsplit("/unsubscribe/", 1)[1]


def _mode(member_id: int) -> str:
    return mailing.mode_of(db.session.get(Member, member_id)).value


def test_choosing_email_and_unsubscribing_with_one_click(site, page, another_page):
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    sign_in(page, ahmed.email)
    page.goto("/account/notifications")
    expect(page.get_by_label("A weekly digest")).to_be_checked()
    check_accessibility(page, "email-preferences")
    screenshot(page, "email-preferences")
    page.get_by_label("A daily digest").check()
    page.get_by_role("button", name="Save email choice").click()
    expect(page.get_by_text("Your email choice is saved.")).to_be_visible()
    expect(page.get_by_label("A daily digest")).to_be_checked()

    stranger = another_page()  # no sign-in: the link in the mail is enough
    stranger.goto(site.call(_digest_path, ahmed.id))
    check_accessibility(stranger, "unsubscribe")
    stranger.get_by_role("button", name="Unsubscribe from digest emails").click()
    expect(stranger.get_by_text("you will get no more digest emails")).to_be_visible()
    check_accessibility(stranger, "unsubscribed")
    screenshot(stranger, "unsubscribed")
    assert site.call(_mode, ahmed.id) == "never"
