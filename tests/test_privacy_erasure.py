"""Erase my account: asked for with the password and a clear description, a cooling-off that
signing in cancels, then the person is forgotten: sign-ins end, signing in fails, their email
and personal fields are erased, they show as "A former member N", their posts stay or go as
they chose, quotes of them are scrubbed and nothing links to them. Moderators erase on
request, recorded without the erased data; administrators see the erasures waiting."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    AuditEntry,
    Consent,
    Member,
    OutboxMail,
    Post,
    SignIn,
    Thread,
    utcnow,
)
from forum.services import site_settings
from forum.services.errors import NotAllowed, OutOfScope, ValidationFailed
from forum.services.forums import threads
from forum.services.people import accounts
from forum.services.privacy import erasure
from tests import factories
from tests.conftest import link_in, sign_in_as

LATER = timedelta(days=8)


@pytest.fixture
def story(app, member):
    """Ahmed started a thread Fiona replied to, quoting him; Fiona's thread has Ahmed's
    reply and a reply of hers linking to his profile."""
    with app.test_request_context():
        fiona = factories.member(display_name="Fiona")
        own = factories.thread(member, title="Ahmed's night shifts", body="Ahmed's own story")
        quote, _ = threads.quote(fiona, threads.get_post(fiona, own.first_post_id).id)
        quoting = factories.reply(fiona, own.id, quote + "Thank you for this.")
        theirs = factories.thread(fiona, title="Fiona's thread", body="Fiona's opening")
        ahmeds = factories.reply(member, theirs.id, "Ahmed replies to Fiona")
        linking = factories.reply(
            fiona, theirs.id, f"See [his page](http://forum.test/members/{member.id}) too"
        )
        return {"own": own, "theirs": theirs, "quoting": quoting.id, "ahmeds": ahmeds.id,
                "linking": linking.id, "fiona": fiona}  # fmt: skip


def _ask(member, *, remove=False):
    return erasure.request(member, factories.PASSWORD, remove_posts=remove)


def test_asking_needs_the_password(ctx, member):
    with pytest.raises(ValidationFailed, match="not your password"):
        erasure.request(member, "wrong", remove_posts=False)
    assert not db.session.get(Member, member.id).erasure_pending


def test_asking_signs_out_everywhere_and_sets_the_cooling_off(app, ctx, member, outbox):
    sign_in_as(app.test_client(), member)
    person = _ask(member)
    assert person.erasure_due_at - person.erasure_requested_at == timedelta(days=7)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignIn)) == 0
    assert "will be erased" in outbox()[-1].subject


def test_signing_in_during_the_cooling_off_cancels_it(app, client, member):
    with app.test_request_context():
        _ask(member)
    response = client.submit("/signin", {"email": member.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert "will not be erased" in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(Member, member.id).erasure_pending
        assert erasure.erase_due(utcnow() + LATER) == 0


def test_nothing_is_erased_before_the_cooling_off_has_passed(ctx, member):
    _ask(member)
    assert erasure.erase_due(utcnow() + timedelta(days=6)) == 0
    assert db.session.get(Member, member.id).email == member.email


def test_after_the_cooling_off_the_person_is_forgotten(app, ctx, member, story):
    _ask(member)
    assert erasure.erase_due(utcnow() + LATER) == 1
    person = db.session.get(Member, member.id)
    assert person.display_name == f"A former member {member.id}"
    assert member.email not in person.email and person.organisation == person.reason == ""
    assert person.is_erased and not person.is_member and person.region_id is None
    assert db.session.scalars(sa.select(Consent).where(Consent.member_id == member.id)).all() == []
    assert not db.session.scalar(sa.select(sa.exists().where(OutboxMail.recipient == member.email)))
    assert accounts.authenticate(member.email, factories.PASSWORD) is None
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "member.erase"))
    assert entry.actor_id is None and "Ahmed" not in repr((entry.summary, entry.after))


def test_kept_posts_stay_as_a_former_members_and_quotes_name_them(app, ctx, member, story):
    _ask(member)
    erasure.erase_due(utcnow() + LATER)
    assert db.session.get(Post, story["ahmeds"]).body_source == "Ahmed replies to Fiona"
    quoting = db.session.get(Post, story["quoting"])
    assert "**Ahmed**" not in quoting.body_source
    assert f"**A former member {member.id}** wrote:" in quoting.body_source
    assert "Ahmed's own story" in quoting.body_source  # kept, as the post it quotes is


def test_removed_posts_are_emptied_and_quotes_of_them_scrubbed(app, ctx, member, story):
    _ask(member, remove=True)
    erasure.erase_due(utcnow() + LATER)
    mine = db.session.get(Post, story["ahmeds"])
    assert mine.body_source == "" and mine.is_deleted
    quoting = db.session.get(Post, story["quoting"])
    assert "Ahmed" not in quoting.body_source and "Thank you for this." in quoting.body_source
    assert erasure.REMOVED_QUOTE in quoting.body_source
    thread = db.session.get(Thread, story["own"].id)
    assert thread.title == erasure.REMOVED_THREAD_TITLE  # the replies of others stay


def test_links_to_their_profile_become_plain_text(app, ctx, member, story):
    _ask(member)
    erasure.erase_due(utcnow() + LATER)
    linking = db.session.get(Post, story["linking"])
    assert linking.body_source == "See his page too"
    assert f"/members/{member.id}" not in linking.body_html


def test_threads_stay_readable_with_the_name_gone(app, member, story, new_client):
    with app.test_request_context():
        _ask(member, remove=True)
        erasure.erase_due(utcnow() + LATER)
    reader = sign_in_as(new_client(), story["fiona"])
    for thread in (story["own"], story["theirs"]):
        page = reader.get(f"/threads/{thread.id}?page=1").get_data(as_text=True)
        assert "Ahmed" not in page, thread.title
        assert f"A former member {member.id}" in page
        assert f'href="/members/{member.id}"' not in page
    assert "Fiona" in reader.get(f"/threads/{story['theirs'].id}?page=1").get_data(as_text=True)


def test_the_network_may_keep_posts_when_members_leave(ctx, member):
    site_settings.required().erasure_may_remove_posts = False
    db.session.commit()
    with pytest.raises(ValidationFailed, match="keeps posts"):
        _ask(member, remove=True)


def test_the_page_describes_what_happens_and_needs_confirmation(member_client):
    page = member_client.get("/account/your-data").get_data(as_text=True)
    assert "Erase my account" in page and "7 days later" in page
    refused = member_client.submit(
        "/account/your-data/erase", {"er-password": factories.PASSWORD, "er-posts": "keep"}
    )
    assert refused.status_code == 422 and "Tick this" in refused.get_data(as_text=True)
    asked = member_client.submit(
        "/account/your-data/erase",
        {"er-password": factories.PASSWORD, "er-posts": "keep", "er-understood": "y"},
    )
    assert "Your account will be erased" in asked.get_data(as_text=True)
    assert member_client.get("/account/").status_code == 302  # signed out


# --- moderators and administrators -------------------------------------------------------------


def test_a_moderator_erases_a_member_on_request_with_an_audit_row(
    app, member, moderator_client, moderator
):
    form = moderator_client.get(f"/moderation/members/{member.id}/erase")
    assert form.status_code == 200 and "do not write their name" in form.get_data(as_text=True)
    done = moderator_client.submit(
        f"/moderation/members/{member.id}/erase", {"posts": "keep", "reason": "Asked by email"}
    )
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Member, member.id).is_erased
        [entry] = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "member.erase")
        )
        assert entry.actor_id == moderator.id and entry.reason == "Asked by email"
        assert member.email not in repr(entry.__dict__) and "Ahmed" not in entry.summary


def test_a_regional_moderator_cannot_erase_outside_their_regions(ctx, regional_moderator):
    elsewhere = factories.member(region_name="Lothian")
    with pytest.raises(OutOfScope):
        erasure.erasable(regional_moderator, elsewhere.id)


def test_a_moderator_cannot_erase_another_moderator(ctx, moderator):
    other = factories.member(role="moderator")
    with pytest.raises(NotAllowed):
        erasure.erasable(moderator, other.id)


def test_members_cannot_open_the_moderators_erasure(member_client, moderator):
    assert member_client.get(f"/moderation/members/{moderator.id}/erase").status_code == 404


def test_administrators_see_pending_erasures(app, member, admin_client):
    with app.test_request_context():
        _ask(member)
    page = admin_client.get("/admin/privacy").get_data(as_text=True)
    assert "Erasures waiting" in page and "Ahmed" in page


def test_two_runs_at_once_erase_a_person_once(ctx, member):
    _ask(member)
    later = utcnow() + LATER
    assert erasure.erase_due(later) == 1
    assert erasure.erase_due(later) == 0
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "member.erase"))
    assert len(entries.all()) == 1


def test_a_claim_refused_leaves_the_person_alone(ctx, member):
    _ask(member)
    erasure.cancel_on_sign_in(db.session.get(Member, member.id))
    assert not erasure._claim(member.id, utcnow(), Member.erasure_due_at <= utcnow() + LATER)


def test_the_moderation_page_of_a_member_offers_erasure(member, moderator_client):
    page = moderator_client.get(f"/moderation/member/{member.id}").get_data(as_text=True)
    assert f"/moderation/members/{member.id}/erase" in page


def test_signing_in_through_a_password_reset_cancels_it_too(app, client, member, outbox):
    with app.test_request_context():
        _ask(member)
        accounts.request_password_reset(member.email)
    link = link_in(outbox()[-1].body)
    new = "a lantern by the quiet harbour at night"
    assert client.submit(link, {"password": new, "confirm": new}).status_code == 302
    with app.app_context():
        assert not db.session.get(Member, member.id).erasure_pending
