"""Live updates: what is announced, to whom, and when a member's stream ends.

Streams are read here through the test client, in the test's own thread: with heartbeats every
50 ms each read returns quickly, and events published beforehand are waiting in the stream.
"""

import re
from html import unescape

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Member, MemberStatus, Role
from forum.services.errors import Conflict
from forum.services.live import events as live_events
from forum.services.live.brokers import BrokerUnavailable
from forum.services.network import roles
from forum.services.people import accounts, membership
from tests import factories
from tests.conftest import clean_database, sign_in_as
from tests.test_membership import application


@pytest.fixture
def live_settings():
    """Settings for the app of each test here; a test may change them before the app is made."""
    return {"LIVE_HEARTBEAT_SECONDS": 0.05, "LIVE_RECHECK_SECONDS": 60}


@pytest.fixture
def app(make_app, live_settings):
    app = make_app(**live_settings)
    with app.app_context():
        clean_database()
        factories.network()
    return app


class Stream:
    """A /live response, read event by event."""

    def __init__(self, response):
        assert response.status_code == 200, response.status_code
        self.response = response
        self.chunks = iter(response.response)
        self.ended = False

    def read(self, chunks: int = 1) -> list[dict[str, str]]:
        """The events in the next ``chunks`` writes of the stream (fewer if it ends)."""
        events = []
        for _ in range(chunks):
            try:
                chunk = next(self.chunks)
            except StopIteration:
                self.ended = True
                break
            text = chunk.decode() if isinstance(chunk, bytes) else chunk
            for block in text.strip().split("\n\n"):
                fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
                if "event" in fields:
                    events.append(fields)
        return events

    def names(self, chunks: int = 1) -> list[str]:
        return [e["event"] for e in self.read(chunks) if e["event"] != "live-heartbeat"]

    def close(self):
        self.response.close()


@pytest.fixture
def open_stream():
    streams = []

    def open_(client, *topics, **headers):
        query = "&".join(f"topic={t}" for t in topics)
        streams.append(Stream(client.get(f"/live?{query}", headers=headers)))
        streams[-1].read()  # the greeting: the stream is subscribed from here on
        return streams[-1]

    yield open_
    for stream in streams:
        stream.close()


@pytest.fixture
def room_topics(monkeypatch):
    """A kind of topic standing for a restricted forum: ``room:staff`` is for moderators only."""
    rule = live_events.TopicKind(lambda member, key: key == "open" or member.is_moderator)
    monkeypatch.setitem(live_events._KINDS, "room", rule)


def publish(app, topic, event=None):
    with app.test_request_context():
        live_events.publish_after_commit(topic, event)
        db.session.commit()


# --- publishing after commit -----------------------------------------------------------------


def listen(app, *topics):
    subscription, _ = live_events.broker(app).subscribe(topics)
    return subscription


def heard(subscription) -> list[str]:
    names = []
    while (event := subscription.get(0.05)) is not None:
        names.append(event.name)
    return names


def test_committed_change_publishes_its_event(app):
    subscription = listen(app, "thread:5")
    publish(app, "thread:5")
    publish(app, "thread:5", "post-7")
    assert heard(subscription) == ["thread-5", "post-7"]


def test_rolled_back_change_publishes_nothing(app):
    subscription = listen(app, "moderation")
    with app.test_request_context():
        live_events.publish_after_commit("moderation")
        factories.region("Lothian").name = "Renamed"
        db.session.rollback()
        db.session.commit()  # a later commit does not send what was rolled back
    assert heard(subscription) == []


def test_change_that_fails_to_commit_publishes_nothing(app, member):
    subscription = listen(app, "moderation")
    with app.test_request_context():
        live_events.publish_after_commit("moderation")
        db.session.add(Member(email=member.email, display_name="Twin", password_hash="x"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
    assert heard(subscription) == []


def test_same_event_twice_in_one_transaction_is_sent_once(app):
    subscription = listen(app, "moderation")
    with app.test_request_context():
        live_events.publish_after_commit("moderation")
        live_events.publish_after_commit("moderation")
        db.session.commit()
    assert heard(subscription) == ["moderation"]


@pytest.mark.parametrize(
    ("topic", "event"),
    [("Thread:5", None), ("thread:5 x", None), ("thread", "Post 7"), ("thread", "live-refresh")],
)
def test_malformed_topic_or_event_name_is_refused(app, topic, event):
    with app.test_request_context(), pytest.raises(ValueError):
        live_events.publish_after_commit(topic, event)


def test_broker_failure_after_commit_keeps_the_change(app, client, monkeypatch):
    def down(*_args):
        raise BrokerUnavailable("Redis is away")

    monkeypatch.setattr(live_events.broker(app), "publish", down)
    response = client.submit("/apply", application())
    assert response.status_code == 302
    with app.app_context():
        assert len(membership.pending_applications()) == 1


def test_an_application_tells_the_moderators(app, client):
    subscription = listen(app, "moderation")
    client.submit("/apply", application())
    assert heard(subscription) == ["moderation"]


def test_applying_with_a_known_email_tells_nobody(app, client, member):
    subscription = listen(app, "moderation")
    client.submit("/apply", application(email=member.email))
    assert heard(subscription) == []


def test_a_decision_tells_the_moderators_and_a_late_second_one_does_not(app, moderator):
    with app.app_context():
        priya = factories.member(status="pending", display_name="Priya")
    subscription = listen(app, "moderation")
    with app.test_request_context():
        membership.decide(moderator, priya.id, approve=True)
        with pytest.raises(Conflict):
            membership.decide(moderator, priya.id, approve=False)
    assert heard(subscription) == ["moderation"]


# --- who hears what --------------------------------------------------------------------------


def test_only_moderators_may_hear_the_moderation_topic(app):
    with app.app_context():
        people = {
            "member": factories.member(),
            "moderator": factories.member(role="moderator"),
            "admin": factories.member(role="admin"),
            "suspended moderator": factories.member(role="moderator", status="suspended"),
            "pending": factories.member(status="pending"),
        }
        may = {
            who: live_events.may_subscribe(person, "moderation") for who, person in people.items()
        }
    assert may == {"member": False, "moderator": True, "admin": True,
                   "suspended moderator": False, "pending": False}  # fmt: skip


def test_member_cannot_subscribe_to_moderation(app, member_client, open_stream):
    stream = open_stream(member_client, "moderation")
    assert stream.names(2) == ["live-closed"]
    assert stream.ended


def test_member_hears_nothing_from_a_room_they_may_not_see(
    app, room_topics, member_client, open_stream
):
    stream = open_stream(member_client, "room:open", "room:staff")
    publish(app, "room:staff", "staff-secret")
    publish(app, "room:open", "open-news")
    publish(app, "moderation")
    assert stream.names(4) == ["open-news"]


def test_moderator_hears_the_queue(app, moderator_client, open_stream):
    stream = open_stream(moderator_client, "moderation")
    publish(app, "moderation")
    events = stream.read(2)
    queue = [e for e in events if e["event"] == "moderation"]
    assert queue and queue[0]["data"] == "moderation" and queue[0]["id"]


def test_unknown_or_malformed_topics_are_refused(app, member_client):
    assert member_client.get("/live").status_code == 400
    assert member_client.get("/live?topic=Thread:1").status_code == 400
    many = "&".join(f"topic=thread:{n}" for n in range(21))
    assert member_client.get(f"/live?{many}").status_code == 400


def test_unknown_topic_kinds_are_left_out(app, member_client, open_stream):
    stream = open_stream(member_client, "nosuchthing:1")
    assert stream.names(2) == ["live-closed"]


@pytest.mark.parametrize("state", ["pending", "suspended", "rejected"])
def test_people_who_are_not_members_get_no_stream(app, new_client, state):
    with app.app_context():
        person = factories.member(status=state, role="moderator")
    response = sign_in_as(new_client(), person).get("/live?topic=moderation")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/status")


def test_stream_is_unavailable_when_the_broker_is(app, moderator_client, monkeypatch):
    def down(*_args, **_kwargs):
        raise BrokerUnavailable("Redis is away")

    monkeypatch.setattr(live_events.broker(app), "subscribe", down)
    assert moderator_client.get("/live?topic=moderation").status_code == 503


# --- keeping the stream honest ---------------------------------------------------------------


def test_stream_sends_heartbeats(app, moderator_client, open_stream):
    stream = open_stream(moderator_client, "moderation")
    events = stream.read(3)
    assert [e["event"] for e in events] == ["live-heartbeat"] * 3
    assert not any("id" in e for e in events)  # heartbeats leave the page's last event id alone


def test_stream_tells_the_browser_how_soon_to_reconnect(app, moderator_client):
    response = moderator_client.get("/live?topic=moderation")
    first = next(iter(response.response)).decode()
    response.close()
    delay = int(re.match(r"retry: (\d+)\n", first).group(1))
    assert 2000 <= delay <= 5000
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert response.headers["Cache-Control"] == "no-store"


def test_reconnecting_stream_replays_what_was_missed(app, moderator_client, open_stream):
    broker = live_events.broker(app)
    seen = broker.publish("moderation", "moderation")
    missed = [broker.publish("moderation", "moderation"), broker.publish("thread:1", "thread-1")]
    stream = open_stream(moderator_client, "moderation", **{"Last-Event-ID": seen.id})
    events = [e for e in stream.read(2) if e["event"] != "live-heartbeat"]
    assert [e["id"] for e in events] == [missed[0].id]


def test_page_opens_its_stream_from_the_moment_it_was_built(app, moderator_client):
    page = moderator_client.get("/moderation/applications").get_data(as_text=True)
    url = unescape(re.search(r'sse-connect="([^"]+)"', page).group(1))
    assert "topic=moderation" in url and "last_event_id=" in url
    publish(app, "moderation")  # while the browser was still opening the stream
    stream = Stream(moderator_client.get(url))
    assert "moderation" in stream.names(3)
    stream.close()


def test_stream_asks_the_page_to_refresh_when_it_cannot_replay(app, moderator_client, open_stream):
    publish(app, "moderation")
    response = moderator_client.get("/live?topic=moderation", headers={"Last-Event-ID": "gone-3"})
    stream = Stream(response)
    refresh = [e for e in stream.read(2) if e["event"] == "live-refresh"]
    stream.close()
    assert refresh and refresh[0]["id"] == live_events.broker(app).cursor()


def test_suspension_ends_the_members_open_streams(app, moderator, moderator_client, open_stream):
    stream = open_stream(moderator_client, "moderation")
    with app.app_context():
        person = db.session.get(Member, moderator.id)
        person.status = MemberStatus.SUSPENDED
        db.session.commit()
    assert stream.names(3) == ["live-closed"]
    assert stream.ended


def test_ending_sessions_elsewhere_ends_open_streams(app, moderator, moderator_client, open_stream):
    stream = open_stream(moderator_client, "moderation")
    with app.test_request_context():
        accounts.change_password(
            db.session.get(Member, moderator.id), factories.PASSWORD, "a new lantern by the sea"
        )
    assert stream.names(3) == ["live-closed"]


def closed_because(stream, chunks: int = 3) -> str | None:
    """Why the stream said it closed (the page forgets its drafts on "session ended")."""
    return next((e["data"] for e in stream.read(chunks) if e["event"] == "live-closed"), None)


def test_signing_out_elsewhere_closes_that_sign_ins_stream_as_session_ended(
    app, moderator, new_client, open_stream
):
    phone, laptop = (sign_in_as(new_client(), moderator) for _ in range(2))
    phone_stream = open_stream(phone, "moderation")
    laptop_stream = open_stream(laptop, "moderation")
    with phone.session_transaction() as session:
        phone_sign_in = int(session["_user_id"].split(":")[0])
    laptop.submit(f"/account/devices/{phone_sign_in}/sign-out", {})
    assert closed_because(phone_stream) == "session ended"
    publish(app, "moderation")
    assert laptop_stream.names(3) == ["moderation"]  # the other sign-in's stream carries on


def test_signing_out_closes_the_stream_as_session_ended(app, moderator_client, open_stream):
    stream = open_stream(moderator_client, "moderation")
    moderator_client.submit("/signout", {})
    assert closed_because(stream) == "session ended"


def test_signing_out_everywhere_else_closes_the_other_streams(
    app, moderator, moderator_client, new_client, open_stream
):
    other = open_stream(sign_in_as(new_client(), moderator), "moderation")
    here = open_stream(moderator_client, "moderation")
    moderator_client.submit("/account/devices/sign-out-others", {})
    assert closed_because(other) == "session ended"
    publish(app, "moderation")
    assert here.names(3) == ["moderation"]


def test_a_suspension_closes_the_stream_at_once_as_session_ended(
    app, admin, moderator, moderator_client, open_stream
):
    stream = open_stream(moderator_client, "moderation")
    with app.test_request_context():
        factories.act(admin, "member", moderator.id, "suspend", period="day", reason="Unkind.")
    assert closed_because(stream) == "session ended"


def test_losing_only_the_topics_closes_the_stream_as_access_ended(
    app, admin, moderator, moderator_client, open_stream
):
    stream = open_stream(moderator_client, "moderation")
    with app.test_request_context():
        roles.set_role(moderator.id, Role.MEMBER)
    assert closed_because(stream) == "access ended"


def test_demoted_moderator_stops_hearing_the_queue(
    app, admin, moderator, moderator_client, open_stream, room_topics
):
    stream = open_stream(moderator_client, "moderation", "room:open")
    with app.test_request_context():
        roles.set_role(moderator.id, Role.MEMBER)
    publish(app, "moderation")
    publish(app, "room:open", "open-news")
    assert stream.names(4) == ["open-news"]


def test_demoted_moderator_following_only_the_queue_is_told_it_ended(
    app, admin, moderator, moderator_client, open_stream
):
    stream = open_stream(moderator_client, "moderation")
    with app.test_request_context():
        roles.set_role(moderator.id, Role.MEMBER)
    assert stream.names(3) == ["live-closed"]


@pytest.mark.parametrize("live_settings", [{"LIVE_HEARTBEAT_SECONDS": 0.05,
                                            "LIVE_RECHECK_SECONDS": 0.1}])  # fmt: skip
def test_stream_checks_access_again_even_without_being_told(
    app, moderator, moderator_client, open_stream
):
    stream = open_stream(moderator_client, "moderation")
    with app.app_context():  # a change that announces nothing (made straight in the database)
        db.session.execute(
            sa.update(Member).where(Member.id == moderator.id).values(status="suspended")
        )
        db.session.commit()
    assert "live-closed" in stream.names(20)


@pytest.mark.parametrize("live_settings", [{"LIVE_HEARTBEAT_SECONDS": 0.05,
                                            "LIVE_STREAM_MAX_SECONDS": 0.2}])  # fmt: skip
def test_old_stream_ends_quietly_so_the_browser_reconnects(app, moderator_client, open_stream):
    stream = open_stream(moderator_client, "moderation")
    names = stream.names(50)
    assert stream.ended and "live-closed" not in names


def test_closed_connection_ends_the_subscription(app, moderator_client, open_stream):
    stream = open_stream(moderator_client, "moderation")
    assert live_events.broker(app).subscriber_count() == 1
    stream.close()  # what the server does when a write fails on a dead connection
    assert live_events.broker(app).subscriber_count() == 0


def test_slow_stream_is_told_to_refresh(app, moderator_client, open_stream):
    stream = open_stream(moderator_client, "moderation")
    for _ in range(app.config["LIVE_QUEUE_SIZE"] + 1):
        live_events.broker(app).publish("moderation", "moderation")
    assert "live-refresh" in stream.names(2)


# --- pages -----------------------------------------------------------------------------------


def test_a_members_page_without_live_parts_follows_only_their_own_bell(member_client, member):
    page = member_client.get("/").get_data(as_text=True)
    assert f'sse-connect="/live?topic=notifications:{member.id}&amp;' in page
    assert f'hx-trigger="sse:notifications-{member.id}, live:refresh"' in page


def test_pages_for_people_signed_out_open_no_stream(client):
    page = client.get("/apply").get_data(as_text=True)
    assert "sse-connect" not in page and "htmx-ext-sse" not in page


def test_every_moderator_page_follows_the_queue_for_the_badge(moderator_client):
    page = moderator_client.get("/account/").get_data(as_text=True)
    assert 'sse-connect="/live?topic=moderation' in page
    assert "vendor/htmx-ext-sse-2.2.4.min.js" in page and "js/live.js" in page
    assert 'hx-trigger="sse:moderation, live:refresh"' in page  # the badge


def test_badge_counts_the_applications_waiting(app, moderator_client):
    with app.app_context():
        factories.member(status="pending")
        factories.member(status="pending")
    badge = moderator_client.htmx_get("/moderation/badge").get_data(as_text=True)
    assert 'id="moderation-badge"' in badge and ">2<" in badge and " hidden" not in badge


def test_queue_updates_bring_new_applications_and_notes_for_decided_ones(app, moderator):
    with app.app_context():
        first = factories.member(status="pending", display_name="Priya")
        second = factories.member(status="pending", display_name="Eilidh")
    client = sign_in_as(app.test_client(), moderator)
    with app.test_request_context():
        membership.decide(moderator, first.id, approve=True)
    url = f"/moderation/applications/updates?after={first.id}&shown={first.id}"
    body = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'id="application-{second.id}" data-live-id="{second.id}"' in body
    note = re.search(rf'<article class="application decided" id="application-{first.id}"[^>]*>'
                     r"(.*?)</article>", body, re.S)  # fmt: skip
    assert note and 'hx-swap-oob="true"' in note.group(0)
    assert "approved by Kenny" in note.group(1)
    assert "1 application waiting" in body


def test_members_cannot_fetch_the_moderators_live_parts(member_client):
    assert member_client.get("/moderation/badge").status_code == 404
    assert member_client.get("/moderation/applications/updates").status_code == 404
