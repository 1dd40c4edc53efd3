"""Consent to health data can be withdrawn (the member reads but no longer posts, recorded
with its time) and given again; a member can take a break (a gentle page instead of the forum,
ending when they chose or when they end it)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Consent, ConsentKind, Member, utcnow
from forum.services.errors import Conflict, ValidationFailed
from forum.services.forums import threads
from forum.services.ideas import board, comments
from forum.services.people import accounts, sanctions
from forum.services.privacy import breaks, consent
from tests import factories


def _health_consents(app, member_id):
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Consent)
                .where(Consent.member_id == member_id, Consent.kind == ConsentKind.HEALTH_DATA)
                .order_by(Consent.id)
            )
        )


def test_withdrawing_is_recorded_with_its_time(app, ctx, member):
    before = utcnow()
    consent.withdraw(member)
    [given] = _health_consents(app, member.id)
    assert given.withdrawn_at is not None and given.withdrawn_at >= before
    assert db.session.get(Member, member.id).health_consent_withdrawn_at == given.withdrawn_at


def test_after_withdrawing_a_member_reads_but_cannot_post(app, member_client, member):
    with app.test_request_context():
        thread = factories.thread(factories.member(), title="A thread to read")
    member_client.submit("/account/your-data/health-consent/withdraw")
    assert member_client.get(f"/threads/{thread.id}").status_code == 200
    refused = member_client.submit(f"/threads/{thread.id}/reply", {"body": "I want to say"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "you can read but not post" in page
    assert "I want to say" in page  # what they typed is kept


@pytest.mark.parametrize("what", ["thread", "idea", "comment"])
def test_no_kind_of_post_is_taken_after_withdrawing(app, ctx, member, what):
    factories.forum("Introductions")
    idea = factories.idea(factories.member())
    consent.withdraw(member)
    person = db.session.get(Member, member.id)
    with pytest.raises(ValidationFailed, match="read but not post"):
        if what == "thread":
            threads.start_thread(person, "introductions", title="Not now", body="Words")
        elif what == "idea":
            board.submit(person, title="A new idea", description="It would help")
        else:
            comments.add(person, idea.id, "A comment")


def test_only_consenting_again_undoes_it_to_the_current_notice(app, ctx, member):
    consent.withdraw(member)
    with pytest.raises(Conflict):
        consent.withdraw(member)
    consent.give(member)
    old, new = _health_consents(app, member.id)
    assert old.withdrawn_at is not None and new.withdrawn_at is None
    assert db.session.get(Member, member.id).health_consent_withdrawn_at is None
    with pytest.raises(Conflict):
        consent.give(member)


def test_consenting_again_lets_the_member_post(app, member_client, member):
    with app.test_request_context():
        thread = factories.thread(factories.member())
    member_client.submit("/account/your-data/health-consent/withdraw")
    member_client.submit("/account/your-data/health-consent/give")
    posted = member_client.submit(f"/threads/{thread.id}/reply", {"body": "Back again"})
    assert posted.status_code in (302, 303, 200)
    assert "read but not post" not in posted.get_data(as_text=True)


# --- a break ---------------------------------------------------------------------------------


def test_on_break_is_true_until_the_chosen_time(ctx, member):
    person = breaks.start(member, 7)
    now = utcnow()
    assert person.on_break(now) and person.on_break(now + timedelta(days=6, hours=23))
    assert not person.on_break(now + timedelta(days=7, minutes=1))


@pytest.mark.parametrize("days", [None, 0, -1, 2, 10_000])
def test_a_break_is_one_of_the_lengths_offered(ctx, member, days):
    with pytest.raises(ValidationFailed):
        breaks.start(member, days)


def test_a_member_on_a_break_sees_a_gentle_page_with_its_end(member_client):
    started = member_client.submit("/account/your-data/break", {"br-days": "3"})
    assert started.headers["Location"].endswith("/account/break")
    home = member_client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/account/break")
    page = member_client.get("/account/break").get_data(as_text=True)
    assert "You are taking a break" in page and "End my break now" in page
    assert member_client.get("/help/urgent").status_code == 200


def test_ending_a_break_early_opens_the_forum_again(member_client):
    member_client.submit("/account/your-data/break", {"br-days": "30"})
    ended = member_client.submit("/account/break/end")
    assert ended.status_code == 302
    assert member_client.get("/").status_code == 200


def test_a_bad_break_length_is_refused_with_the_page_kept(member_client):
    refused = member_client.submit("/account/your-data/break", {"br-days": "1; DROP TABLE"})
    assert refused.status_code == 422


def test_no_mail_reaches_a_member_on_a_break_but_account_safety_mail(
    app, ctx, member, moderator, outbox
):
    breaks.start(member, 7)
    person = db.session.get(Member, member.id)
    mod = db.session.get(Member, moderator.id)
    sanctions.warn(mod, person, "Please be kinder.")
    accounts.change_password(person, factories.PASSWORD, "a brand new lantern by the sea")
    subjects = [m.subject for m in outbox()]
    assert not any("moderator" in s.lower() for s in subjects), subjects
    assert any("password" in s.lower() for s in subjects), subjects
