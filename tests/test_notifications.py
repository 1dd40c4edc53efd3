"""The bell and the Notifications page: a member is told when someone replies to their thread,
only about what they may still see, once per reply, and never about their own words."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Member, MemberStatus, Notification, Post, utcnow
from forum.services import site_settings
from forum.services.live import events
from forum.services.notifications import inbox, kinds
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def people(app):
    with app.app_context():
        rhona = factories.member(display_name="Rhona")
        callum = factories.member(display_name="Callum")
        thread = factories.thread(rhona, title="Supervision: what does good look like?")
    return rhona, callum, thread


def _unread(app, member) -> int:
    with app.test_request_context():
        return inbox.unread_count(db.session.get(Member, member.id))


def _rows(app, member) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Notification).where(
            Notification.member_id == member.id)))  # fmt: skip


def test_a_reply_to_my_thread_rings_my_bell_and_links_to_the_post(app, people, new_client):
    rhona, callum, thread = people
    with app.test_request_context():
        post_id = factories.reply(callum, thread.id, "Regular, protected time helps.").id
    page = sign_in_as(new_client(), rhona).get("/notifications").get_data(as_text=True)
    assert "Callum replied to your thread “Supervision: what does good look like?”" in page
    assert f'href="/posts/{post_id}"' in page
    home = sign_in_as(new_client(), rhona).get("/").get_data(as_text=True)
    assert re.search(r'class="badge" aria-hidden="true">1<', home)
    assert ": 1 unread" in home


def test_my_own_reply_tells_me_nothing(app, people):
    rhona, _callum, thread = people
    with app.test_request_context():
        factories.reply(rhona, thread.id, "Adding a thought of my own.")
    assert _rows(app, rhona) == []


def test_several_replies_show_as_one_line(app, people, new_client):
    rhona, callum, thread = people
    with app.app_context():
        isla = factories.member(display_name="Isla")
    with app.test_request_context():
        first_id = factories.reply(callum, thread.id, "One.").id
        factories.reply(isla, thread.id, "Two.")
        factories.reply(callum, thread.id, "Three.")
    page = sign_in_as(new_client(), rhona).get("/notifications").get_data(as_text=True)
    assert "3 new replies to your thread “Supervision: what does good look like?”" in page
    assert f'href="/posts/{first_id}"' in page  # the first of them, to read on from
    assert _unread(app, rhona) == 3


def test_telling_twice_about_one_reply_makes_one_notification(app, people):
    rhona, callum, thread = people
    with app.test_request_context():
        post_id = factories.reply(callum, thread.id, "Once.").id
        for _ in range(2):  # a job run again, say
            inbox.notify(rhona.id, "reply", f"reply:post:{post_id}", actor_id=callum.id,
                         thread_id=thread.id, post_id=post_id)  # fmt: skip
            db.session.commit()
    assert len(_rows(app, rhona)) == 1


def test_a_post_hidden_after_it_was_notified_is_no_longer_shown_or_counted(app, people, new_client):
    rhona, callum, thread = people
    with app.test_request_context():
        post_id = factories.reply(callum, thread.id, "Something unkind.").id
    assert _unread(app, rhona) == 1
    with app.app_context():
        db.session.get(Post, post_id).hidden_at = utcnow()
        db.session.commit()
    assert _unread(app, rhona) == 0
    page = sign_in_as(new_client(), rhona).get("/notifications").get_data(as_text=True)
    assert "Callum replied" not in page and "Nothing yet" in page


def test_the_bell_kept_for_a_kind_of_member_still_counts_each_member_and_each_change(app, people):
    """The bell's statement is built once per kind of member and kept; what it counts is
    still worked out afresh, for the member asking, on every request."""
    rhona, callum, thread = people
    with app.app_context():
        isla = factories.member(display_name="Isla")  # a member like Rhona, told nothing
    with app.test_request_context():
        post_id = factories.reply(callum, thread.id, "Something unkind.").id
    assert (_unread(app, rhona), _unread(app, isla)) == (1, 0)
    with app.test_request_context():
        kept = [inbox._unread_statements(db.session.get(Member, m.id), kinds.generation())
                for m in (rhona, isla)]  # fmt: skip
    assert kept[0] is kept[1]  # one statement for both
    with app.app_context():
        db.session.get(Post, post_id).hidden_at = utcnow()  # hidden after it was notified
        db.session.commit()
    assert (_unread(app, rhona), _unread(app, isla)) == (0, 0)
    with app.app_context():
        db.session.get(Post, post_id).hidden_at = None
        db.session.commit()
    assert _unread(app, rhona) == 1


def test_a_member_who_can_no_longer_see_the_forum_is_not_shown_its_notifications(app, new_client):
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        rhona = factories.member(display_name="Rhona", region_name="Highland")
        callum = factories.member(display_name="Callum", region_name="Highland")
        thread = factories.thread(rhona, "highland", title="Our region's meet-up")
    with app.test_request_context():
        factories.reply(callum, thread.id, "See you there.")
    assert _unread(app, rhona) == 1
    with app.app_context():  # Rhona moves to Lothian: Highland's own forum is closed to her now
        db.session.get(Member, rhona.id).region_id = factories.region("Lothian").id
        db.session.commit()
    assert _unread(app, rhona) == 0


def test_a_suspended_member_is_not_notified(app, people):
    rhona, callum, thread = people
    with app.app_context():
        db.session.get(Member, rhona.id).status = MemberStatus.SUSPENDED
        db.session.commit()
    with app.test_request_context():
        factories.reply(callum, thread.id, "Hello?")
    assert _rows(app, rhona) == []


def test_a_held_reply_notifies_only_once_approved_and_only_once(app, people, new_client):
    rhona, _callum, thread = people
    with app.app_context():
        site_settings.settings().hold_first_posts = 1
        db.session.commit()
        eilidh = factories.member(display_name="Eilidh")
        kenny = factories.member(display_name="Kenny", role="moderator")
    response = sign_in_as(new_client(), eilidh).submit(
        f"/threads/{thread.id}/reply", {"body": "Thank you for starting this.", "after": "0"}
    )
    assert response.status_code in (200, 302)
    assert _rows(app, rhona) == []
    with app.app_context():
        held = db.session.scalar(sa.select(Post).where(Post.author_id == eilidh.id))
    moderator = sign_in_as(new_client(), kenny)
    approved = moderator.submit(
        f"/moderation/post/{held.id}/approve", {"row": f"held-{held.id}"}, htmx=True
    )
    assert approved.status_code == 200
    assert [n.post_id for n in _rows(app, rhona)] == [held.id]


def test_a_switched_off_kind_is_not_written(app, people, new_client):
    rhona, callum, thread = people
    client = sign_in_as(new_client(), rhona)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'value="reply" checked' in page
    assert client.submit("/account/notifications", {}).status_code == 302  # nothing ticked
    assert 'value="reply" checked' not in client.get("/account/notifications").get_data(
        as_text=True
    )
    with app.test_request_context():
        factories.reply(callum, thread.id, "You will not hear of this.")
    assert _rows(app, rhona) == []
    client.submit("/account/notifications", {"kind": "reply"})
    with app.test_request_context():
        factories.reply(callum, thread.id, "But of this.")
    assert len(_rows(app, rhona)) == 1


def test_reading_the_thread_marks_its_notifications_read(app, people, new_client):
    rhona, callum, thread = people
    with app.test_request_context():
        factories.reply(callum, thread.id, "Read me.")
    assert _unread(app, rhona) == 1
    assert sign_in_as(new_client(), rhona).get(f"/threads/{thread.id}?page=1").status_code == 200
    assert _unread(app, rhona) == 0


def test_mark_all_and_mark_one_as_read(app, people, new_client):
    rhona, callum, thread = people
    with app.app_context():
        other = factories.thread(rhona, title="Second thread")
    with app.test_request_context():
        factories.reply(callum, thread.id, "One.")
        factories.reply(callum, other.id, "Two.")
    one = _rows(app, rhona)[0]
    client = sign_in_as(new_client(), rhona)
    assert client.submit("/notifications/read", {"id": str(one.id)}).status_code == 302
    assert _unread(app, rhona) == 1
    client.submit("/notifications/read", {"all": "1"})
    assert _unread(app, rhona) == 0
    assert "Nothing new to mark" in client.submit(
        "/notifications/read", {"all": "1"}, follow_redirects=True
    ).get_data(as_text=True)


def test_nobody_marks_another_members_notifications(app, people, new_client):
    rhona, callum, thread = people
    with app.test_request_context():
        factories.reply(callum, thread.id, "For Rhona.")
    theirs = _rows(app, rhona)[0]
    sign_in_as(new_client(), callum).submit("/notifications/read", {"id": str(theirs.id)})
    assert _unread(app, rhona) == 1


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "abc", "٣", "0"])
def test_odd_page_numbers_and_ids_get_a_page_not_an_error(app, people, new_client, value):
    rhona, _callum, _thread = people
    client = sign_in_as(new_client(), rhona)
    assert client.get(f"/notifications?page={value}").status_code == 200
    assert client.submit("/notifications/read", {"id": value, "page": value}).status_code == 302


def test_a_page_beyond_the_last_says_so(app, people, new_client):
    rhona, _callum, _thread = people
    page = sign_in_as(new_client(), rhona).get("/notifications?page=50").get_data(as_text=True)
    assert "There is nothing on this page" in page


def test_the_page_and_the_bell_run_a_fixed_number_of_queries(
    app, people, new_client, count_queries
):
    rhona, callum, thread = people
    client = sign_in_as(new_client(), rhona)

    def measure(url):
        client.get(url)  # warm the session
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    with app.test_request_context():
        factories.reply(callum, thread.id, "One.")
    few = measure("/notifications"), measure("/notifications/bell")
    with app.app_context():
        more = [factories.thread(rhona, title=f"Thread number {n}") for n in range(6)]
    with app.test_request_context():
        for t in more:
            for n in range(4):
                factories.reply(callum, t.id, f"Reply {n} to {t.id}.")
    assert (measure("/notifications"), measure("/notifications/bell")) == few
    with count_queries() as bell_only:
        client.htmx_get("/notifications/bell")
    assert sum("notifications" in s for s in bell_only) == 1  # the bell is one count


def test_the_bell_is_on_every_page_and_only_its_member_may_hear_it(app, people):
    rhona, callum, _thread = people
    with app.test_request_context():
        r = db.session.get(Member, rhona.id)
        assert f"notifications:{rhona.id}" in events.page_topics(r)
        assert events.may_subscribe(r, f"notifications:{rhona.id}")
        assert not events.may_subscribe(r, f"notifications:{callum.id}")


def test_a_reply_publishes_to_the_thread_authors_bell(app, people, monkeypatch):
    rhona, callum, thread = people
    published = []
    broker = app.extensions["live"]
    monkeypatch.setattr(broker, "publish", lambda topic, name: published.append((topic, name)))
    with app.test_request_context():
        factories.reply(callum, thread.id, "Ring.")
    assert (f"notifications:{rhona.id}", f"notifications-{rhona.id}") in published


def test_signed_out_and_pending_people_get_no_notifications_page(app, client):
    assert client.get("/notifications").status_code == 302
    with app.app_context():
        priya = factories.member(status="pending")
    pending = sign_in_as(client, priya)
    assert pending.get("/notifications").status_code in (302, 403, 404)


def test_a_member_taking_a_break_is_not_notified(app, people):
    rhona, callum, thread = people
    with app.app_context():
        db.session.get(Member, rhona.id).break_until = utcnow() + timedelta(days=7)
        db.session.commit()
    with app.test_request_context():
        factories.reply(callum, thread.id, "While you are away.")
    assert _rows(app, rhona) == []
