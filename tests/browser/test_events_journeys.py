"""Gatherings in a browser: an organiser creates a quarterly online meeting with access
questions; a member books by keyboard alone, answers them and adds it to a calendar; a second
member waits and is promoted, live, when the first cancels; after the event the organiser
writes it up and turns an action into an idea that members vote on. axe on every new page."""

import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import Event, utcnow
from tests.browser.conftest import check_accessibility, screenshot, sign_in


def _move_to_the_past(event_id: int) -> None:
    event = db.session.get(Event, event_id)
    event.starts_at = utcnow() - timedelta(hours=3)
    event.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()


def test_a_quarterly_meeting_from_creation_to_its_write_up(
    site, page, another_page, expect_console_errors
):
    expect_console_errors(r"/events/new: .*status of 422")  # the form comes back with its errors
    morag = site.member(display_name="Morag", email="morag@example.org", role="admin")
    ahmed = site.member(display_name="Ahmed", email="ahmed@example.org")
    bea = site.member(display_name="Bea", email="bea@example.org")
    next_year = utcnow().year + 1

    # the organiser creates a quarterly online meeting with access questions
    sign_in(page, morag.email)
    page.get_by_role("link", name="Events", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Events")
    check_accessibility(page, "events-empty")
    page.get_by_role("link", name="Create an event").click()
    check_accessibility(page, "event-new")
    page.get_by_label("Title").fill("Quarterly peer meeting")
    page.get_by_label("Description").fill("We meet **online** every quarter.")
    page.get_by_label("Date").fill(f"{next_year}-03-17")
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("09:00")  # a mistake first
    page.get_by_label("Repeats").select_option("quarterly")
    page.get_by_label("Repeat until").fill(f"{next_year}-12-31")
    page.get_by_label("Joining link (https://…)").fill("https://zoom.example.org/j/quarterly")
    page.get_by_label("Places (leave empty for no limit)").fill("1")
    page.get_by_label("Access questions to tick (one a line)").fill("Miro\nCaptions needed")
    page.get_by_label("Running order (one item a line: 10:00 Welcome)").fill(
        "10:00 Welcome\n10:30 Breakout rooms\n11:30 Worked well, could be better, actions"
    )
    page.get_by_role("button", name="Create the event").click()
    expect(page.locator("#end_time-error")).to_have_text("The end must be after the start.")
    expect(page.get_by_label("Title")).to_have_value("Quarterly peer meeting")  # kept
    check_accessibility(page, "event-new-errors")
    page.get_by_label("Ends at").fill("12:00")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly peer meeting")
    expect(page.locator(".agenda li")).to_have_count(3)
    expect(page.get_by_role("heading", name="Other meetings in this series")).to_be_visible()
    check_accessibility(page, "event-organiser")
    screenshot(page, "event-organiser")
    event_path = re.search(r"/events/\d+$", page.url).group(0)
    event_id = int(event_path.rsplit("/", 1)[1])

    # a member books by keyboard, answers the access questions and adds it to a calendar
    member = another_page()
    sign_in(member, ahmed.email)
    member.goto(event_path)
    check_accessibility(member, "event-member")
    expect(member.get_by_text("zoom.example.org")).to_have_count(0)  # not before booking
    member.get_by_label("Miro").focus()
    member.keyboard.press("Space")
    member.keyboard.press("Tab")  # Captions needed
    member.keyboard.press("Tab")
    member.keyboard.type("I use a screen reader; slides beforehand, please.")
    member.keyboard.press("Tab")
    expect(member.get_by_role("button", name="Book a place")).to_be_focused()
    member.keyboard.press("Enter")
    expect(member.locator("#my-booking-status")).to_have_text(re.compile("You have a place."))
    expect(member.get_by_label("Miro")).to_be_checked()
    check_accessibility(member, "event-booked")
    screenshot(member, "event-booked")
    ics = member.request.get(
        member.get_by_role("link", name="Add to my calendar (.ics)").get_attribute("href")
    )
    assert ics.ok and "DTSTART;TZID=Europe/London:" in ics.text()

    # the organiser sees the access answers; the event is full
    page.goto(f"{event_path}/bookings")
    expect(page.get_by_role("cell", name=re.compile("screen reader"))).to_be_visible()
    check_accessibility(page, "event-bookings")
    screenshot(page, "event-bookings")

    # a second member joins the waiting list and is promoted, live, when the first cancels
    second = another_page()
    sign_in(second, bea.email)
    second.goto(event_path)
    second.get_by_role("button", name="Join the waiting list").click()
    expect(second.locator("#my-booking-status")).to_contain_text("next in line")
    second.evaluate("window.__sameDocument = true")
    member.get_by_role("button", name="Cancel my booking").click()
    expect(second.locator("#my-booking-status")).to_have_text(
        re.compile("You have a place."), timeout=10_000
    )
    assert second.evaluate("window.__sameDocument") is True  # arrived live, no reload
    assert any(m.recipient == bea.email for m in site.outbox())

    # after the event: the write-up, and an action becomes an idea members vote on
    site.call(_move_to_the_past, event_id)
    page.goto(f"{event_path}/write-up")
    check_accessibility(page, "event-write-up")
    page.get_by_label("Column").select_option("worked_well")
    page.get_by_label("What to add").fill("The breakout rooms felt safe")
    page.get_by_role("button", name="Add to the write-up").click()
    expect(page.locator("#col-worked_well + ul")).to_contain_text("The breakout rooms felt safe")
    page.get_by_label("Column").select_option("action")
    page.get_by_label("What to add").fill("Captions at every online meeting")
    page.get_by_label("Owner (actions)").fill("Morag")
    page.get_by_role("button", name="Add to the write-up").click()
    page.get_by_role("button", name=re.compile("^Turn into an idea")).click()
    expect(page.locator("#flash")).to_contain_text("on the ideas board")
    screenshot(page, "event-write-up")

    second.goto("/ideas/")
    vote = second.get_by_role("button", name="Vote for Captions at every online meeting")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    with site.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 4
