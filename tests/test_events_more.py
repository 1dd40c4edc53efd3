"""Gatherings, continued: attack strings shown harmlessly, editing through the form, the purge
command, administrators choosing organisers, and the write-up's htmx form."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from forum.extensions import db
from forum.models import AuditEntry, Booking, Event, EventOrganiser, utcnow
from forum.services.events import booking
from tests import factories
from tests.test_events_pages import _event, _form
from tests.test_idea_corpus import _payloads, _problems


@pytest.mark.slow
def test_attack_strings_in_events_are_shown_harmlessly(app, admin, member, member_client, corpora):
    payloads = _payloads(corpora)[::4]
    sqli = [
        json.loads(line)["payload"]
        for line in (corpora / "sqli" / "all_sqli_payloads.jsonl").open()
    ][::50]
    made = []
    for n, text in enumerate(payloads + sqli):
        title = (" ".join(text.split())[:120] or "blank") + f" #{n}"
        event = _event(
            app,
            admin,
            title=title,
            description=text,
            access_options=text[:60] + "\nMiro",
            agenda=f"10:00 {text[:150]}",
        )
        made.append((event.id, title))
    for event_id, title in made[::9]:
        member_client.submit(f"/events/{event_id}/book", {"ticks": ["Miro"], "access_text": title})
        html = member_client.get(f"/events/{event_id}").text
        assert str(escape(title)) in html, title
        assert _problems(html) == [], title
    assert _problems(member_client.get("/events/").text) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == len(made)


def test_an_organiser_changes_an_event_through_its_form(app, admin, admin_client, member_client):
    event = _event(app, admin, capacity="10")
    member_client.submit(f"/events/{event.id}/book")
    form = admin_client.get(f"/events/{event.id}/edit")
    assert 'value="Perth gathering"' in form.text and "Repeats" not in form.text
    response = admin_client.submit(
        f"/events/{event.id}/edit", _form(title="Perth gathering, moved", start_time="11:00")
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Event, event.id).title == "Perth gathering, moved"
        assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "event.edit"))
    refused = admin_client.submit(f"/events/{event.id}/edit", _form(capacity="abc"))
    assert refused.status_code == 422 and 'value="abc"' in refused.text
    assert member_client.get(f"/events/{event.id}/edit").status_code == 404


def test_changing_or_cancelling_tells_everyone_booked(
    app, admin, member, admin_client, member_client, outbox
):
    event = _event(app, admin)
    member_client.submit(f"/events/{event.id}/book")
    admin_client.submit(f"/events/{event.id}/cancel", {"reason": "The venue flooded"})
    told = [m for m in outbox() if m.recipient == member.email]
    assert told and "cancelled" in told[-1].subject and "The venue flooded" in told[-1].body
    assert "This event is cancelled." in member_client.get(f"/events/{event.id}").text


def test_the_purge_command_deletes_old_access_answers(app, admin, member):
    event = _event(app, admin)
    with app.test_request_context():
        booking.book(member, event.id, text="Wheelchair user")
        stored = db.session.get(Event, event.id)
        stored.starts_at = utcnow() - timedelta(days=40, hours=2)
        stored.ends_at = utcnow() - timedelta(days=40)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["events", "purge-access-answers"])
    assert result.exit_code == 0 and "1 bookings" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Booking.access_text)) == ""


def test_an_administrator_marks_a_member_as_a_regions_organiser(
    app, admin_client, member, member_client
):
    with app.app_context():
        lothian = factories.region("Lothian").id
    assert member_client.get("/events/organisers").status_code == 404
    admin_client.submit(
        "/events/organisers", {"member_id": member.id, "region_id": lothian, "on": "1"}
    )
    with app.app_context():
        assert db.session.get(EventOrganiser, (member.id, lothian))
    assert member_client.get("/events/new").status_code == 200
    assert member_client.submit("/events/new", _form(region_id=str(lothian))).status_code == 302


def test_the_write_up_form_answers_htmx_with_a_fresh_form(app, admin, admin_client):
    event = _event(app, admin)
    response = admin_client.submit(
        f"/events/{event.id}/write-up",
        {"column": "could_be_better", "text": "More breaks"},
        htmx=True,
    )
    assert response.status_code == 200 and "Added." in response.text
    assert "More breaks" in admin_client.htmx_get(f"/events/{event.id}/write-up/entries").text
    empty = admin_client.submit(f"/events/{event.id}/write-up", {"column": "action", "text": ""})
    assert empty.status_code == 422 and "cannot be empty" in empty.text
