"""Sanctions step by step: a private message from the moderators, then a suspension that ends
every session at once, lets the member read only why and until when, and lifts itself when its
time is up. Moderators cannot suspend themselves, administrators or (unless administrators)
other moderators."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Member, MemberStatus, ModeratorMessage, utcnow
from tests import factories
from tests.conftest import sign_in_as


def _member(app, member_id) -> Member:
    with app.app_context():
        return db.session.get(Member, member_id)


def _suspend(client, member_id, period="week", reason="Repeated unkind replies.", **extra):
    return client.submit(
        f"/moderation/member/{member_id}/suspend", {"period": period, "reason": reason, **extra}
    )


def test_a_warning_is_a_private_message_shown_in_the_menu_and_emailed(
    app, member, member_client, moderator_client, outbox, new_client
):
    response = moderator_client.submit(
        f"/moderation/member/{member.id}/warn", {"message": "Please keep it kind <3"}
    )
    assert response.status_code == 302
    home = member_client.get("/").get_data(as_text=True)
    assert 'href="/messages"' in home and "new from the moderators" in home
    page = member_client.get("/messages").get_data(as_text=True)
    assert "Please keep it kind &lt;3" in page and "From the moderators" in page
    assert "Kenny" not in page  # the moderators speak together
    assert 'href="/messages"' not in member_client.get("/").get_data(as_text=True)  # read now
    mail = outbox()[-1]
    assert mail.recipient == member.email and "/messages" in mail.body
    assert "Please keep it kind" not in mail.body  # the words stay in the network
    other = sign_in_as(new_client(), factories_member(app))
    assert "Please keep it kind" not in other.get("/messages").get_data(as_text=True)
    with app.app_context():
        [message] = db.session.scalars(sa.select(ModeratorMessage))
        assert message.read_at is not None
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "member.warn"))
        assert entry.reason == "Please keep it kind <3"


def factories_member(app):
    with app.app_context():
        return factories.member()


def test_a_message_must_have_words_and_not_too_many(app, member, moderator_client):
    for message, expected in (("", "Write the message."), ("x" * 2001, "2,000 characters")):
        response = moderator_client.submit(
            f"/moderation/member/{member.id}/warn", {"message": message}, htmx=True
        )
        assert response.status_code == 409 and expected in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ModeratorMessage)) == 0


def test_suspending_ends_every_session_at_once(
    app, member, member_client, moderator_client, outbox
):
    assert member_client.get("/").status_code == 200
    assert _suspend(moderator_client, member.id).status_code == 302
    response = member_client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/signin")
    htmx = member_client.htmx_get("/forums/introductions")
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/signin")
    person = _member(app, member.id)
    assert person.status == MemberStatus.SUSPENDED and person.suspension_reason
    assert timedelta(days=6, hours=23) < person.suspended_until - utcnow() <= timedelta(days=7)
    assert outbox()[-1].recipient == member.email and "paused" in outbox()[-1].subject
    assert "Repeated unkind replies." in outbox()[-1].body


def test_a_suspended_member_can_sign_in_only_to_see_why_and_until_when(
    app, member, moderator_client, new_client
):
    _suspend(moderator_client, member.id, period="day")
    client = new_client()
    response = client.submit("/signin", {"email": member.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    page = client.get("/status").get_data(as_text=True)
    assert "Your membership is paused" in page and "Repeated unkind replies." in page
    assert "You can take part again from" in page
    assert client.get("/forums/introductions").headers["Location"] == "/status"


def test_until_lifted_has_no_end_date(app, member, moderator_client, new_client):
    _suspend(moderator_client, member.id, period="lifted")
    assert _member(app, member.id).suspended_until is None
    person = _member(app, member.id)
    page = sign_in_as(new_client(), person).get("/status").get_data(as_text=True)
    assert "until a moderator lifts it" in page


def test_an_expired_suspension_lifts_itself_on_the_next_request(
    app, member, moderator_client, new_client, count_queries
):
    _suspend(moderator_client, member.id, period="day")
    client = sign_in_as(new_client(), _member(app, member.id))
    assert client.get("/").headers["Location"] == "/status"
    with app.app_context():
        db.session.execute(
            sa.update(Member)
            .where(Member.id == member.id)
            .values(suspended_until=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    with count_queries() as statements:
        assert client.get("/").status_code == 200
    writes = [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert len(writes) == 2  # the member row, and the audit entry
    assert _member(app, member.id).status == MemberStatus.ACTIVE
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "member.suspension_ended")
        )
        assert entry.actor_id is None and entry.before["status"] == "suspended"
    with count_queries() as statements:
        client.get("/")
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]


def test_signing_in_after_the_suspension_ended_lets_the_member_straight_in(
    app, member, moderator_client, new_client
):
    _suspend(moderator_client, member.id, period="day")
    with app.app_context():
        db.session.execute(
            sa.update(Member).where(Member.id == member.id)
            .values(suspended_until=utcnow() - timedelta(seconds=1))
        )  # fmt: skip
        db.session.commit()
    client = new_client()
    client.submit("/signin", {"email": member.email, "password": factories.PASSWORD})
    assert client.get("/").status_code == 200


def test_a_moderator_lifts_a_suspension(app, member, moderator_client, outbox):
    _suspend(moderator_client, member.id, period="lifted")
    moderator_client.submit(f"/moderation/member/{member.id}/lift", {"reason": "Talked it over."})
    person = _member(app, member.id)
    assert person.status == MemberStatus.ACTIVE and person.suspension_reason == ""
    assert "take part" in outbox()[-1].subject
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "member.lift"))
        assert entry.before["status"] == "suspended" and entry.after["status"] == "active"


def test_suspending_twice_says_who_did_it_first(app, member, moderator_client, new_client):
    with app.app_context():
        isla = factories.member(display_name="Isla", role="moderator")
    _suspend(moderator_client, member.id)
    response = sign_in_as(new_client(), isla).submit(
        f"/moderation/member/{member.id}/suspend",
        {"period": "day", "reason": "Also"},
        headers={"HX-Request": "true"},
    )
    assert "Kenny already handled this: suspended them." in response.get_data(as_text=True)
    assert _member(app, member.id).suspension_reason == "Repeated unkind replies."


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"period": "forever", "reason": "x"}, "Choose how long the suspension lasts."),
        ({"period": "day", "reason": " "}, "Say why: the member reads this."),
        ({"period": "day", "reason": "x" * 1001}, "Keep this under 1,000 characters."),
    ],
)
def test_a_suspension_needs_a_period_from_the_list_and_a_reason(
    app, member, moderator_client, form, message
):
    response = moderator_client.submit(f"/moderation/member/{member.id}/suspend", form, htmx=True)
    assert message in response.get_data(as_text=True)
    assert _member(app, member.id).is_member


def test_who_cannot_be_suspended(app, moderator, moderator_client, admin, admin_client):
    with app.app_context():
        other_moderator = factories.member(role="moderator")
    for target in (moderator.id, admin.id, other_moderator.id):
        response = moderator_client.submit(
            f"/moderation/member/{target}/suspend",
            {"period": "day", "reason": "No"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code in (403, 409), target
        assert _member(app, target).is_member
    assert _suspend(admin_client, other_moderator.id).status_code == 302
    assert _member(app, other_moderator.id).status == MemberStatus.SUSPENDED
    assert _suspend(admin_client, admin.id).status_code == 302  # refused, with a message
    assert _member(app, admin.id).is_member


def test_moderators_see_a_suspended_members_page_and_the_state_in_the_log(
    app, member, moderator_client
):
    _suspend(moderator_client, member.id)
    page = moderator_client.get(f"/moderation/member/{member.id}").get_data(as_text=True)
    assert "Suspended until" in page and "Lift it now" in page
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "member.suspend")
        )
        assert entry.before == {"status": "active", "suspended_until": None,
                                "suspension_reason": ""}  # fmt: skip
        assert entry.after["status"] == "suspended" and entry.after["suspended_until"]
