"""What an event tells the people booked (issue 14 through issue 13's notifications): the
reminders a day and an hour before, a change, a cancellation and a place freed come on the
bell and by mail, each switchable; no email at all means the bell only; someone who can no
longer see the event is told nothing."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from forum.services.events import booking, manage, notices, reminders
from forum.services.notifications import inbox, kinds, mailing
from tests import factories
from tests.test_events import NOW, new_event


@pytest.fixture
def people(ctx):
    return {
        "admin": factories.member(display_name="Morag", role="admin"),
        "ahmed": factories.member(display_name="Ahmed"),
        "bea": factories.member(display_name="Bea"),
    }


def lines(member) -> list[tuple[str, str]]:
    groups, _more = inbox.page(member, 1)
    return [group.kind.describe(group) for group in groups]


def mails_to(outbox, member) -> list[str]:
    return [m.subject for m in outbox() if m.recipient == member.email]


def test_a_reminder_comes_on_the_bell_and_by_mail(ctx, people, outbox):
    event = new_event(people["admin"])
    booking.book(people["ahmed"], event.id, now=NOW)
    assert reminders.send_due(event.starts_at - timedelta(hours=20)) == 1
    assert inbox.unread_count(people["ahmed"]) == 1
    [(line, link)] = lines(people["ahmed"])
    assert line == "Reminder: “Perth gathering” starts soon"
    assert link == f"/events/{event.id}"
    assert len(mails_to(outbox, people["ahmed"])) == 1
    assert reminders.send_due(event.starts_at - timedelta(hours=20)) == 0  # once


def test_each_reminder_can_be_switched_off_and_then_neither_bell_nor_mail_comes(
    ctx, people, outbox
):
    event = new_event(people["admin"])
    booking.book(people["ahmed"], event.id, now=NOW)
    wanted = {k.name for k in kinds.every()} - {notices.REMINDER_DAY}
    inbox.save_settings(people["ahmed"], wanted)
    reminders.send_due(event.starts_at - timedelta(hours=20))
    assert inbox.unread_count(people["ahmed"]) == 0
    assert mails_to(outbox, people["ahmed"]) == []
    reminders.send_due(event.starts_at - timedelta(minutes=30))  # the hour before still comes
    assert [line for line, _ in lines(people["ahmed"])] == [
        "Reminder: “Perth gathering” starts soon"
    ]
    assert len(mails_to(outbox, people["ahmed"])) == 1


def test_a_member_who_wants_no_email_gets_the_bell_only(ctx, people, outbox):
    event = new_event(people["admin"])
    booking.book(people["ahmed"], event.id, now=NOW)
    mailing.set_mode(people["ahmed"], "never")
    reminders.send_due(event.starts_at - timedelta(hours=20))
    assert inbox.unread_count(people["ahmed"]) == 1
    assert mails_to(outbox, people["ahmed"]) == []


def test_a_cancellation_tells_everyone_booked_and_waiting(ctx, people, outbox):
    event = new_event(people["admin"], capacity="1")
    booking.book(people["ahmed"], event.id, now=NOW)
    booking.book(people["bea"], event.id, now=NOW)  # waiting
    manage.cancel_event(people["admin"], event.id, "The venue flooded")
    for person in (people["ahmed"], people["bea"]):
        assert [line for line, _ in lines(person)] == ["“Perth gathering” was cancelled"]
        assert len(mails_to(outbox, person)) == 1
    assert lines(people["admin"]) == []  # the organiser is not told of their own change


def test_a_place_freed_tells_the_first_waiting_on_the_bell(ctx, people, outbox):
    event = new_event(people["admin"], capacity="1")
    booking.book(people["ahmed"], event.id, now=NOW)
    booking.book(people["bea"], event.id, now=NOW)
    booking.cancel(people["ahmed"], event.id)
    assert [line for line, _ in lines(people["bea"])] == [
        "A place freed up at “Perth gathering”: it is yours"
    ]


def test_two_changes_are_two_notices_and_one_line_on_the_page(ctx, people):
    event = new_event(people["admin"])
    booking.book(people["ahmed"], event.id, now=NOW)
    for title in ("Perth gathering (moved)", "Perth gathering (moved again)"):
        form = manage.form_values(db.session.get(type(event), event.id))
        form["title"] = title
        manage.edit_event(people["admin"], event.id, form, now=NOW)
    assert inbox.unread_count(people["ahmed"]) == 2
    assert [line for line, _ in lines(people["ahmed"])] == [
        "The organisers changed “Perth gathering (moved again)”"
    ]


def test_someone_who_can_no_longer_see_the_event_is_not_shown_its_notices(ctx, people):
    factories.forum(region_name="Lothian", audience="region")
    lothian = factories.region("Lothian")
    event = new_event(people["admin"], region_id=str(lothian.id))
    ahmed = people["ahmed"]
    booking.book(ahmed, event.id, now=NOW)
    reminders.send_due(event.starts_at - timedelta(hours=20))
    assert inbox.unread_count(ahmed) == 1
    ahmed.region_id = factories.region("Highland").id  # moved to another region
    db.session.commit()
    assert inbox.unread_count(ahmed) == 0
    assert lines(ahmed) == []


# --- co-hosts ---------------------------------------------------------------------------------


def test_a_co_host_runs_the_event_with_its_organiser(ctx, people):
    from forum.services.events import access, organising

    event = new_event(people["admin"])
    with pytest.raises(NotFound):
        organising.bookings(people["ahmed"], event.id)
    organising.add_host(people["admin"], event.id, people["ahmed"].id)
    event_seen, _booked, _waiting = organising.bookings(people["ahmed"], event.id)
    assert access.runs_event(people["ahmed"], event_seen)
    with pytest.raises(NotAllowed):  # but co-hosts do not add co-hosts
        organising.add_host(people["ahmed"], event.id, people["bea"].id)
    organising.remove_host(people["admin"], event.id, people["ahmed"].id)
    with pytest.raises(NotFound):
        organising.bookings(people["ahmed"], event.id)
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.target_id == event.id)
    ).all()
    assert {"event.host.add", "event.host.remove"} <= set(actions)


def test_a_co_host_must_be_able_to_see_the_event(ctx, people):
    from forum.services.events import organising

    factories.forum(region_name="Lothian", audience="region")
    event = new_event(people["admin"], region_id=str(factories.region("Lothian").id))
    hamish = factories.member(display_name="Hamish", region_name="Highland")
    with pytest.raises(ValidationFailed) as refused:
        organising.add_host(people["admin"], event.id, hamish.id)
    assert "cannot see this event" in str(refused.value)
    with pytest.raises(ValidationFailed):
        organising.add_host(people["admin"], event.id, 10**12)  # nobody
    organising.add_host(people["admin"], event.id, people["ahmed"].id)
    with pytest.raises(ValidationFailed) as twice:
        organising.add_host(people["admin"], event.id, people["ahmed"].id)
    assert "already" in str(twice.value)


def test_the_event_page_names_its_hosts_and_the_bookings_page_adds_them(
    app, admin, member, admin_client, member_client
):
    with app.test_request_context():
        event = new_event(admin)
    page = admin_client.get(f"/events/{event.id}/bookings").get_data(as_text=True)
    assert "Add a co-host" in page
    response = admin_client.submit(f"/events/{event.id}/hosts", data={"member_id": member.id})
    assert response.status_code == 302
    shown = member_client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Hosted by Morag and Ahmed" in shown
    assert member_client.get(f"/events/{event.id}/bookings").status_code == 200
    refused = member_client.submit(f"/events/{event.id}/hosts", data={"member_id": admin.id})
    assert refused.status_code == 302  # with the message that only organisers add co-hosts


# --- the reader's time zone -------------------------------------------------------------------


def test_a_member_reads_an_events_times_in_the_zone_they_chose_too(
    app, admin, member, member_client
):
    with app.test_request_context():
        event = new_event(admin, date="2026-03-29")  # the Sunday the clocks go forward
    page = member_client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Sunday 29 March 2026, 10:00 to 15:30 (Europe/London)" in page
    assert "for you" not in page
    form = {
        "display_name": "Ahmed",
        "region_id": member.region_id,
        "organisation": "Peer supporter",
        "time_zone": "America/New_York",
    }
    assert member_client.submit("/account/profile", form).status_code == 302
    page = member_client.get(f"/events/{event.id}").get_data(as_text=True)
    assert (
        "Sunday 29 March 2026, 10:00 to 15:30 (Europe/London); "
        "for you Sunday 29 March 2026, 05:00 to 10:30 (America/New York)"
    ) in page


def test_a_reminder_mail_gives_the_recipients_zone_not_the_senders(ctx, people, outbox):
    db.session.get(type(people["ahmed"]), people["ahmed"].id).time_zone = "Asia/Tokyo"
    db.session.commit()
    event = new_event(people["admin"])
    booking.book(people["ahmed"], event.id, now=NOW)
    booking.book(people["bea"], event.id, now=NOW)
    reminders.send_due(event.starts_at - timedelta(hours=20))
    by = {m.recipient: m.body for m in outbox()}
    assert "for you Wednesday 18 March 2026, 19:00 to 00:30" not in by[people["bea"].email]
    assert (
        "for you Wednesday 18 March 2026, 19:00 to Thursday 19 March 2026, 00:30 (Asia/Tokyo)"
        in (by[people["ahmed"].email].replace("\n", " "))
    )


def test_a_zone_not_on_the_list_is_refused_and_the_rest_kept(member, member_client):
    form = {
        "display_name": "Ahmed R",
        "region_id": member.region_id,
        "organisation": "Peer supporter",
        "time_zone": "Mars/Olympus_Mons",
    }
    response = member_client.submit("/account/profile", form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose a time zone from the list." in page
    assert 'value="Ahmed R"' in page
