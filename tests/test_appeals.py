"""Appeals: a suspended (or warned) member sends one appeal from their status page; it waits in
the review queue for a moderator other than the one who acted, who upholds the sanction or
lifts it, and the member is told by email."""

import sqlalchemy as sa

from forum.extensions import db
from forum.models import Appeal, AppealState, AuditEntry, Member, MemberStatus
from forum.services.moderation import appeals, review_queue
from tests import factories
from tests.conftest import sign_in_as


def _suspend(client, member_id, period="week", reason="Repeated unkind replies."):
    return client.submit(
        f"/moderation/member/{member_id}/suspend", {"period": period, "reason": reason}
    )


def _appealing(app, member, moderator_client, new_client):
    assert _suspend(moderator_client, member.id).status_code == 302
    with app.app_context():  # signed in again after the suspension (with its new token)
        person = db.session.get(Member, member.id)
        db.session.expunge(person)
    return sign_in_as(new_client(), person)


def test_a_suspended_member_finds_the_appeal_on_their_status_page_and_sends_it_once(
    app, member, moderator_client, new_client
):
    suspended = _appealing(app, member, moderator_client, new_client)
    status = suspended.get("/status").get_data(as_text=True)
    assert "Ask the moderators to look again" in status
    assert suspended.get("/appeal").status_code == 200
    empty = suspended.submit("/appeal", {"body": "  "})
    assert empty.status_code == 422
    sent = suspended.submit("/appeal", {"body": "I was quoting someone else, not being unkind."})
    assert sent.status_code == 302
    page = suspended.get("/appeal").get_data(as_text=True)
    assert "will read it and answer you by email" in page and "<textarea" not in page
    again = suspended.submit("/appeal", {"body": "Please look again, again."})
    assert again.status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Appeal.id))) == 1


def test_a_second_appeal_of_the_same_sanction_is_refused_by_the_database(
    app, member, moderator, ctx
):
    factories.act(moderator, "member", member.id, "suspend", period="week", reason="Unkind.")
    person = db.session.get(Member, member.id)
    appeals.submit(person, "Please look again.")
    try:
        appeals.submit(person, "Once more.")
    except appeals.AlreadyAppealed as exc:
        assert exc.appeal is not None
    else:
        raise AssertionError("a second appeal was taken")


def test_the_appeal_waits_for_another_moderator_never_the_one_who_acted(
    app, member, moderator, moderator_client, new_client
):
    suspended = _appealing(app, member, moderator_client, new_client)
    suspended.submit("/appeal", {"body": "I was quoting someone else."})
    with app.app_context():
        other = factories.member(display_name="Isobel", role="moderator")
    other_client = sign_in_as(new_client(), other)
    assert "I was quoting someone else." in other_client.get("/moderation/").get_data(as_text=True)
    own = moderator_client.get("/moderation/").get_data(as_text=True)
    assert "I was quoting someone else." not in own and "No appeals waiting." in own
    with app.app_context():
        assert review_queue.counts(db.session.get(Member, other.id)).appeals == 1
        assert review_queue.counts(db.session.get(Member, moderator.id)).appeals == 0
        appeal_id = db.session.scalar(sa.select(Appeal.id))
    refused = moderator_client.submit(
        f"/moderation/appeals/{appeal_id}/overturn", {f"appeal-{appeal_id}-response": "Fine."}
    )
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.get(Appeal, appeal_id).state == AppealState.OPEN


def test_a_regional_moderator_sees_only_appeals_from_their_regions(
    app, member, moderator_client, regional_client, new_client
):
    suspended = _appealing(app, member, moderator_client, new_client)  # Ahmed is in Lothian
    suspended.submit("/appeal", {"body": "Please look again."})
    assert "Please look again." not in regional_client.get("/moderation/").get_data(as_text=True)


def test_another_moderator_lifts_the_suspension_and_the_member_is_told(
    app, member, moderator_client, new_client, outbox
):
    suspended = _appealing(app, member, moderator_client, new_client)
    suspended.submit("/appeal", {"body": "I was quoting someone else."})
    with app.app_context():
        other = factories.member(display_name="Isobel", role="moderator")
        appeal_id = db.session.scalar(sa.select(Appeal.id))
    other_client = sign_in_as(new_client(), other)
    response = other_client.submit(
        f"/moderation/appeals/{appeal_id}/overturn",
        {f"appeal-{appeal_id}-response": "You are right: it was a quote. Welcome back."},
    )
    assert response.status_code == 302
    with app.app_context():
        appeal = db.session.get(Appeal, appeal_id)
        assert (appeal.state, appeal.decided_by_id) == (AppealState.OVERTURNED, other.id)
        assert db.session.get(Member, member.id).status == MemberStatus.ACTIVE
        actions = set(db.session.scalars(sa.select(AuditEntry.action)))
        assert {"appeal.overturn", "member.lift"} <= actions
    mail = [m for m in outbox() if m.subject.startswith("Your appeal")][-1]
    assert "it was a quote" in mail.body and "decided to lift it" in mail.body
    late = other_client.submit(
        f"/moderation/appeals/{appeal_id}/uphold", {f"appeal-{appeal_id}-response": "No."}
    )
    assert late.status_code == 302
    with app.app_context():
        assert db.session.get(Appeal, appeal_id).state == AppealState.OVERTURNED


def test_an_upheld_appeal_keeps_the_suspension(app, member, moderator, ctx, outbox):
    factories.act(moderator, "member", member.id, "suspend", period="week", reason="Unkind.")
    appeal = appeals.submit(db.session.get(Member, member.id), "Please look again.")
    other = factories.member(display_name="Isobel", role="moderator")
    appeals.decide(db.session.get(Member, other.id), appeal.id, "uphold", "It stands, sorry.")
    assert db.session.get(Member, member.id).status == MemberStatus.SUSPENDED
    assert "It stands, sorry." in outbox()[-1].body


def test_a_warned_member_can_appeal_the_newest_message(app, member, moderator, ctx):
    factories.act(moderator, "member", member.id, "warn", message="Please be kinder.")
    appeal = appeals.submit(db.session.get(Member, member.id), "I was quoting a song.")
    assert appeal.action == "member.warn" and appeal.acted_by_id == moderator.id


def test_a_member_with_no_sanction_has_nothing_to_appeal(app, member_client):
    assert member_client.get("/appeal").status_code == 302
    assert member_client.submit("/appeal", {"body": "Hmm"}).status_code == 302
