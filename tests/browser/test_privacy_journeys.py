"""Your data and privacy, in a browser: a member downloads their data and opens it; a member
asks to be erased, the cooling-off passes (a clock the test controls), and their name is gone
from the threads, which others still read."""

import io
import json
import zipfile
from datetime import timedelta

from playwright.sync_api import expect

from forum.models import utcnow
from forum.services.privacy import erasure
from tests import factories
from tests.browser.conftest import check_accessibility, screenshot, sign_in


def _story(site):
    site.call(factories.forum, "Introductions")
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    fiona = site.member(display_name="Fiona", email="fiona@example.org")
    thread = site.call(
        factories.thread, fiona, title="Getting through winter", body="Fiona's opening words",
        replies=[(ahmed, "Walking every morning helps me")],
    )  # fmt: skip
    site.call(factories.reply, fiona, thread.id, "Thank you, I will try that")
    return ahmed, fiona, thread


def test_a_member_downloads_their_data_and_opens_it(site, page, tmp_path):
    ahmed, _, _ = _story(site)
    sign_in(page, ahmed.email)
    page.goto("/account/")
    page.get_by_role("link", name="Your data and privacy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data and privacy")
    check_accessibility(page, "your-data")
    screenshot(page, "your-data")

    page.locator("#ex-password").fill(factories.PASSWORD)
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download my data").click()
    download = waiting.value
    assert download.suggested_filename.startswith("your-data-")
    path = tmp_path / "export.zip"
    download.save_as(path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        data = json.loads(archive.read("your-data.json"))
        html = archive.read("your-data.html").decode()
    assert data["profile"]["email"] == "ahmed@example.org"
    assert [p["text"] for p in data["posts"]] == ["Walking every morning helps me"]
    assert "Fiona" not in json.dumps(data) + html

    opened = tmp_path / "your-data.html"
    opened.write_text(html)
    page.goto(opened.as_uri())  # opened from the disk, as the member would
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your data from")
    expect(page.get_by_text("walking every morning helps me")).to_be_visible()
    check_accessibility(page, "export-html")
    page.screenshot(path="artifacts/screens/export-html-desktop.png", full_page=True)


def test_erasure_after_the_cooling_off_removes_the_name_and_keeps_the_thread(
    site, page, another_page, expect_console_errors
):
    expect_console_errors("signin: .* 422")  # the erased member's sign-in is refused
    ahmed, fiona, thread = _story(site)
    sign_in(page, ahmed.email)
    page.goto("/account/your-data")
    page.get_by_label("Keep them").check()
    page.get_by_label("I understand").check()
    page.locator("#er-password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account will be erased")
    check_accessibility(page, "erasure-requested")
    screenshot(page, "erasure-requested")

    # The cooling-off passes: the test moves the clock on instead of waiting a week.
    assert site.call(erasure.erase_due, utcnow() + timedelta(days=8)) == 1

    reader = another_page()
    sign_in(reader, fiona.email)
    reader.goto(f"/threads/{thread.id}?page=1")
    expect(reader.get_by_text("walking every morning helps me")).to_be_visible()
    expect(reader.get_by_text("Thank you, I will try that")).to_be_visible()
    expect(reader.locator("main")).not_to_contain_text("Ahmed")
    former = reader.get_by_role("heading", name=f"A former member {ahmed.id}")
    expect(former).to_be_visible()
    expect(former.get_by_role("link")).to_have_count(0)
    check_accessibility(reader, "thread-after-erasure")
    screenshot(reader, "thread-after-erasure")

    sign_in(page, "ahmed@example.org")
    expect(page.get_by_role("alert")).to_contain_text("We could not sign you in")


def test_a_break_shows_a_gentle_page_on_sign_in_and_ends_early(site, page):
    ahmed, _, _ = _story(site)
    sign_in(page, ahmed.email)
    page.goto("/account/your-data")
    page.get_by_label("How long").select_option(label="14 days")
    page.get_by_role("button", name="Start my break").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are taking a break")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, ahmed.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("You are taking a break")
    expect(page.get_by_text("Your break ends on")).to_be_visible()
    check_accessibility(page, "on-break")
    screenshot(page, "on-break")
    page.get_by_role("button", name="End my break now").click()
    expect(page.locator("#flash")).to_contain_text("Your break is over")


def test_administrators_set_retention_and_see_erasures_waiting(site, page):
    ahmed, _, _ = _story(site)
    site.call(erasure.request, ahmed, factories.PASSWORD, remove_posts=True)
    admin = site.member(display_name="Morag", role="admin", email="morag@example.org")
    sign_in(page, admin.email)
    page.goto("/admin/privacy")
    expect(page.get_by_role("row", name="Ahmed")).to_contain_text("removed")
    page.get_by_label("Days to keep the answers of applicants turned down").fill("60")
    page.get_by_role("button", name="Save privacy settings").click()
    expect(page.locator("#flash")).to_contain_text("Privacy settings saved")
    check_accessibility(page, "admin-privacy")
    screenshot(page, "admin-privacy")
    page.goto("/apply/privacy-notice")
    expect(page.get_by_text("deleted 60 days later")).to_be_visible()
