"""The events pages: what members, organisers and other regions see; calendars across clock
changes; capacity under concurrency (PostgreSQL)."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Booking, BookingStatus, Event, utcnow
from forum.services.events import booking, manage
from forum.services.live import events as live
from tests import factories
from tests.conftest import sign_in_as
from tests.test_live import heard, listen


def _form(**changes) -> dict:
    start = utcnow() + timedelta(days=10)
    form = {
        "title": "Perth gathering",
        "description": "Bring your ideas.",
        "date": start.date().isoformat(),
        "start_time": "10:00",
        "end_time": "15:00",
        "timezone": "Europe/London",
        "region_id": "",
        "format": "online",
        "online_link": "https://zoom.example/j/secret-link-42",
        "link_opens_minutes": "30",
        "capacity": "",
        "access_options": "Miro\nCaptions needed",
        "agenda": "10:00 Welcome",
    }
    form.update(changes)
    return form


def _event(app, who, **changes) -> Event:
    with app.test_request_context():
        event = manage.create_event(who, _form(**changes))
        db.session.refresh(event)
        db.session.expunge(event)
        return event


@pytest.fixture
def lothian_only(app):
    """Lothian's forum, and so its events, for Lothian's members only."""
    with app.app_context():
        factories.forum(region_name="Lothian", audience="region")
        return factories.region("Lothian").id


@pytest.fixture
def highland_client(app, new_client):
    with app.app_context():
        person = factories.member(display_name="Hamish", region_name="Highland")
    return sign_in_as(new_client(), person)


def test_the_events_page_lists_upcoming_events_in_few_queries(
    app, admin, member_client, count_queries
):
    for n in range(6):
        _event(app, admin, title=f"Gathering number {n}")
    member_client.get("/events/")
    with count_queries() as statements:
        page = member_client.get("/events/")
    assert page.status_code == 200
    assert page.text.count("Gathering number") == 6
    assert 'href="/events/"' in page.text  # in the navigation
    print(f"events page: {len(statements)} statements")
    assert len(statements) <= 8


def test_an_organiser_creates_an_event_from_the_form(app, admin_client):
    response = admin_client.submit("/events/new", _form())
    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"])
    assert "Perth gathering" in page.text and "Welcome" in page.text


def test_bad_input_comes_back_with_the_form_kept(app, admin_client):
    response = admin_client.submit(
        "/events/new", _form(title="Kept title", end_time="09:00", capacity="0")
    )
    assert response.status_code == 422
    assert "The end must be after the start." in response.text
    assert "1 or more" in response.text
    assert 'value="Kept title"' in response.text


def test_a_member_cannot_open_the_create_form(member_client):
    assert member_client.get("/events/new").status_code == 404


def test_a_region_only_event_is_404_for_another_region_everywhere(
    app, admin, lothian_only, member, member_client, highland_client
):
    event = _event(app, admin, region_id=str(lothian_only), title="Lothian only meeting")
    assert "Lothian only meeting" in member_client.get("/events/").text
    assert "Lothian only meeting" not in highland_client.get("/events/").text
    for path in ("", "/event.ics", "/places", "/write-up", "/write-up/entries", "/bookings"):
        assert highland_client.get(f"/events/{event.id}{path}").status_code == 404, path
    assert highland_client.submit(f"/events/{event.id}/book").status_code == 404
    with app.app_context():
        hamish = db.session.scalar(
            sa.select(factories.Member).where(factories.Member.display_name == "Hamish")
        )
        assert not live.may_subscribe(hamish, f"event:{event.id}")
        assert live.may_subscribe(db.session.get(factories.Member, member.id), f"event:{event.id}")


def test_booking_with_access_answers_and_the_link_shown_only_when_due(
    app, admin, member_client, admin_client
):
    event = _event(app, admin)
    page = member_client.get(f"/events/{event.id}")
    assert "secret-link-42" not in page.text
    assert "deleted 30 days after the event" in page.text
    response = member_client.submit(
        f"/events/{event.id}/book", {"ticks": ["Miro"], "access_text": "I lip-read"}
    )
    assert response.status_code == 302
    page = member_client.get(f"/events/{event.id}")
    assert "You have a place." in page.text
    assert "secret-link-42" not in page.text  # ten days early
    assert "I lip-read" in admin_client.get(f"/events/{event.id}/bookings").text
    assert member_client.get(f"/events/{event.id}/bookings").status_code == 404
    csv = admin_client.get(f"/events/{event.id}/bookings.csv")
    assert csv.mimetype == "text/csv" and "Ahmed" in csv.text and "Miro" in csv.text


def test_the_joining_link_appears_to_the_booked_near_the_start(app, admin, member, member_client):
    event = _event(app, admin)
    with app.app_context():
        stored = db.session.get(Event, event.id)
        db.session.add(Booking(event_id=event.id, member_id=member.id, status=BookingStatus.BOOKED))
        stored.starts_at = utcnow() + timedelta(minutes=20)
        stored.ends_at = utcnow() + timedelta(hours=2)
        db.session.commit()
    assert "secret-link-42" in member_client.get(f"/events/{event.id}").text


@pytest.mark.parametrize("day", ["2026-03-29", "2026-10-25"])  # the clocks change on both
def test_10am_london_on_a_clock_change_sunday_is_10am_in_the_ics_and_the_page(
    app, admin, member_client, day
):
    with app.test_request_context():
        event = manage.create_event(admin, _form(date=day), now=datetime(2026, 1, 1, tzinfo=UTC))
        event_id = event.id
    ics = member_client.get(f"/events/{event_id}/event.ics")
    assert ics.mimetype == "text/calendar"
    stamp = day.replace("-", "")
    assert f"DTSTART;TZID=Europe/London:{stamp}T100000" in ics.text.replace("\r\n ", "")
    assert "BEGIN:VTIMEZONE" in ics.text
    assert "10:00 to 15:00 (Europe/London)" in member_client.get(f"/events/{event_id}").text
    with app.app_context():
        stored = db.session.get(Event, event_id)
        assert stored.starts_at.hour == (10 if day.endswith("10-25") else 9)  # GMT, BST


def test_the_private_feed_lists_booked_events_and_a_reset_closes_the_old_address(
    app, admin, member_client, client
):
    event = _event(app, admin, title="Feed gathering")
    member_client.submit(f"/events/{event.id}/book")
    page = member_client.submit("/events/calendar")
    address = re.search(r"https?://forum\.test(/events/feed/[^<\s]+\.ics)", page.text).group(1)
    feed = client.get(address)
    assert feed.status_code == 200 and "Feed gathering" in feed.text
    member_client.submit("/events/calendar")
    assert client.get(address).status_code == 404


def test_a_second_member_is_promoted_when_the_first_cancels(
    app, admin, member, member_client, new_client, outbox
):
    event = _event(app, admin, capacity="1")
    with app.app_context():
        bea = factories.member(display_name="Bea")
    bea_client = sign_in_as(new_client(), bea)
    member_client.submit(f"/events/{event.id}/book")
    bea_client.submit(f"/events/{event.id}/book")
    assert "waiting list, next in line" in bea_client.get(f"/events/{event.id}").text
    member_client.submit(f"/events/{event.id}/unbook")
    assert "You have a place." in bea_client.get(f"/events/{event.id}").text
    assert any(m.recipient == bea.email and "place" in m.subject for m in outbox())


def test_the_write_up_turns_an_action_into_an_idea_on_the_board(app, admin, admin_client):
    event = _event(app, admin)
    admin_client.submit(
        f"/events/{event.id}/write-up",
        {"column": "action", "text": "Invite a speaker on discharge", "owner": "Morag"},
    )
    page = admin_client.get(f"/events/{event.id}/write-up")
    entry_id = re.search(r"/events/write-up/(\d+)/idea", page.text).group(1)
    assert admin_client.submit(f"/events/write-up/{entry_id}/idea").status_code == 302
    assert "Invite a speaker on discharge" in admin_client.get("/ideas/").text
    idea_id = re.search(
        r'href="/ideas/(\d+)"', admin_client.get(f"/events/{event.id}/write-up").text
    )
    idea_page = admin_client.get(f"/ideas/{idea_id.group(1)}").text
    assert f'href="/events/{event.id}"' in idea_page and "Perth gathering, " in idea_page


def test_an_xss_title_is_escaped(app, admin, member_client):
    event = _event(app, admin, title="<script>alert(1)</script> meet")
    page = member_client.get(f"/events/{event.id}")
    assert "<script>alert(1)</script>" not in page.text


# --- capacity under concurrency -----------------------------------------------------------------


@pytest.mark.postgres_only
def test_thirty_members_booking_the_last_five_places_leave_five_booked_and_25_waiting(
    app, admin, new_client
):
    event = _event(app, admin, capacity="8")
    with app.app_context():
        early = [factories.member() for _ in range(3)]
        people = [factories.member() for _ in range(30)]
        for person in early:
            with app.test_request_context():
                booking.book(person, event.id)
    clients = [sign_in_as(new_client(), p) for p in people]
    barrier = threading.Barrier(len(clients))
    statuses = [None] * len(clients)

    def go(n, c):
        barrier.wait()
        statuses[n] = c.submit(f"/events/{event.id}/book").status_code

    workers = [threading.Thread(target=go, args=(n, c)) for n, c in enumerate(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert statuses == [302] * 30
    with app.app_context():
        rows = list(
            db.session.scalars(
                sa.select(Booking).where(
                    Booking.event_id == event.id, Booking.member_id.in_([p.id for p in people])
                )
            )
        )
        booked = [b for b in rows if b.status == BookingStatus.BOOKED]
        waiting = sorted(
            (b for b in rows if b.status == BookingStatus.WAITING), key=lambda b: b.queue_position
        )
        assert len(booked) == 5 and len(waiting) == 25
        assert [b.queue_position for b in waiting] == list(range(1, 26))
        assert db.session.get(Event, event.id).booked_count == 8


# --- live ---------------------------------------------------------------------------------------


def test_booking_and_the_write_up_announce_on_the_event_topic_after_commit(
    app, admin, member, member_client
):
    event = _event(app, admin, capacity="3")
    subscription = listen(app, f"event:{event.id}")
    member_client.submit(f"/events/{event.id}/book")
    assert heard(subscription) == [f"event-{event.id}-places"]
    refused = member_client.submit(
        f"/events/{event.id}/write-up", {"column": "worked_well", "text": "Breakouts"}
    )
    assert refused.status_code == 404  # members write only when the organiser allows it
    assert heard(subscription) == []
    places = member_client.htmx_get(f"/events/{event.id}/places")
    assert "2 of 3 places left." in places.text and "You have a place." in places.text
