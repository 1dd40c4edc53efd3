"""Email as members choose it: a weekly digest by default, daily, never, or right away for
replies to them; what a mail says is checked when it is sent; one click stops it."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import DigestSend, EmailMode, Member, MemberStatus, Post, utcnow
from forum.services import mail
from forum.services.forums import content_warnings
from forum.services.notifications import mailing
from forum.services.people import accounts
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def people(app):
    """Rhona reads; Callum writes in Introductions."""
    with app.app_context():
        rhona = factories.member(display_name="Rhona", email="rhona@example.org")
        callum = factories.member(display_name="Callum")
    return rhona, callum


def _digests(app, now=None) -> int:
    with app.test_request_context():
        return mailing.send_digests(now or utcnow() + timedelta(minutes=1))


def _mails_to(outbox, email: str):
    return [m for m in outbox() if m.recipient == email]


def _set_mode(app, member, mode: str) -> None:
    with app.app_context():
        mailing.set_mode(db.session.get(Member, member.id), mode)


def _warn(app, member, name: str, choice: str) -> None:
    with app.test_request_context():
        warning = next(w for w in content_warnings.all_warnings() if w.name == name)
        content_warnings.set_preferences(db.session.get(Member, member.id), {warning.id: choice})


# --- preferences ------------------------------------------------------------------------------


def test_a_new_member_gets_a_weekly_digest_by_default(app, member_client):
    page = member_client.get("/account/notifications").get_data(as_text=True)
    assert 'id="email-mode-weekly" name="email_mode" value="weekly" checked' in page


def test_a_member_chooses_a_daily_digest(app, member, member_client):
    response = member_client.submit("/account/notifications/email", {"email_mode": "daily"})
    assert response.status_code == 302
    with app.app_context():
        assert mailing.mode_of(db.session.get(Member, member.id)) == EmailMode.DAILY
    page = member_client.get("/account/notifications").get_data(as_text=True)
    assert 'value="daily" checked' in page


@pytest.mark.parametrize("value", ["", "hourly", "<script>", "weekly' OR 1=1"])
def test_a_choice_not_offered_is_refused_with_a_message(app, member, member_client, value):
    response = member_client.submit("/account/notifications/email", {"email_mode": value})
    assert response.status_code == 422
    assert "Choose one of the options." in response.get_data(as_text=True)
    with app.app_context():
        assert mailing.mode_of(db.session.get(Member, member.id)) == EmailMode.WEEKLY


# --- digests ----------------------------------------------------------------------------------


def test_the_digest_lists_new_threads_most_active_first_with_excerpts(app, people, outbox):
    _rhona, callum = people
    with app.test_request_context():
        factories.thread(callum, title="Quiet one", body="Just one post here.")
        busy = factories.thread(callum, title="Supervision matters", body="Opening words.")
        factories.reply(callum, busy.id, "Regular, protected time helps most.")
    assert _digests(app) >= 1
    (digest,) = _mails_to(outbox, "rhona@example.org")
    assert digest.subject.startswith("Your weekly digest from Test Peer Network")
    body = digest.body
    assert body.index("Supervision matters") < body.index("Quiet one")
    assert "Regular, protected time helps most." in body
    assert "2 new" in body
    assert "Supervision matters" in digest.html and "<!doctype html>" in digest.html


def test_the_digest_lists_new_ideas_and_comments_i_may_see(app, people, outbox):
    _rhona, callum = people
    with app.test_request_context():
        idea = factories.idea(callum, title="Quarterly meetings in Inverness")
        factories.comment(callum, idea.id, "I could host one.")
    _digests(app)
    (digest,) = _mails_to(outbox, "rhona@example.org")
    assert "In the ideas clinic" in digest.body
    assert "Quarterly meetings in Inverness" in digest.body and "2 new" in digest.body


def test_running_the_digest_twice_in_one_period_sends_one(app, people, outbox):
    rhona, callum = people
    with app.test_request_context():
        factories.thread(callum, title="Once only")
    now = utcnow() + timedelta(minutes=1)
    _digests(app, now)
    _digests(app, now + timedelta(minutes=5))
    assert len(_mails_to(outbox, "rhona@example.org")) == 1
    with app.app_context():
        periods = db.session.scalars(
            sa.select(DigestSend.period).where(DigestSend.member_id == rhona.id)
        ).all()
    assert periods == [mailing.period_of(EmailMode.WEEKLY, now)]


def test_a_daily_member_gets_one_a_day_and_a_never_member_none(app, people, outbox):
    rhona, callum = people
    with app.app_context():
        isla = factories.member(display_name="Isla", email="isla@example.org")
    _set_mode(app, rhona, "daily")
    _set_mode(app, isla, "never")
    with app.test_request_context():
        factories.thread(callum, title="Day one")
    now = utcnow()
    _digests(app, now)
    with app.test_request_context():
        factories.thread(callum, title="Day two")
    _digests(app, now + timedelta(days=1))
    mails = _mails_to(outbox, "rhona@example.org")
    assert len(mails) == 2 and "Day two" in mails[1].body and "Day one" not in mails[1].body
    assert mails[0].subject.startswith("Your daily digest")
    assert _mails_to(outbox, "isla@example.org") == []


def test_nothing_new_sends_no_digest(app, people, outbox):
    _digests(app)
    assert outbox() == []


def test_a_post_hidden_after_it_was_written_is_not_in_the_digest(app, people, outbox):
    _rhona, callum = people
    with app.test_request_context():
        thread = factories.thread(callum, title="Kept", body="The opening.")
        hidden = factories.reply(callum, thread.id, "Something unkind said here.")
        db.session.get(Post, hidden.id).hidden_at = utcnow()
        db.session.commit()
    _digests(app)
    (digest,) = _mails_to(outbox, "rhona@example.org")
    assert "Something unkind" not in digest.body and "1 new" in digest.body


def test_a_region_only_forum_is_not_in_the_digest_of_another_region(app, outbox):
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        factories.member(display_name="Rhona", email="rhona@example.org")  # Lothian
        fiona = factories.member(display_name="Fiona", region_name="Highland")
        factories.member(display_name="Callum", region_name="Highland",
                                  email="callum@example.org")  # fmt: skip
    with app.test_request_context():
        factories.thread(fiona, "highland", title="Our region's meet-up")
    _digests(app)
    assert _mails_to(outbox, "rhona@example.org") == []
    (theirs,) = _mails_to(outbox, "callum@example.org")
    assert "Our region's meet-up" in theirs.body


def test_a_suspended_member_gets_no_digest(app, people, outbox):
    rhona, callum = people
    with app.test_request_context():
        factories.thread(callum, title="While away")
        db.session.get(Member, rhona.id).status = MemberStatus.SUSPENDED
        db.session.commit()
    _digests(app)
    assert _mails_to(outbox, "rhona@example.org") == []


def test_a_post_with_a_warning_i_want_to_be_asked_about_is_never_quoted(app, people, outbox):
    _rhona, callum = people
    with app.test_request_context():
        factories.thread(callum, title="A hard week", body="Words about a loss.",
                         warnings=("suicide",))  # fmt: skip
    _digests(app)  # Rhona never chose: "ask" is the default
    (digest,) = _mails_to(outbox, "rhona@example.org")
    assert "A post with a content warning: suicide" in digest.body
    assert "Words about a loss" not in digest.body and "Words about a loss" not in digest.html
    assert "A post with a content warning: suicide" in digest.html


def test_a_post_with_a_warning_i_hide_is_not_in_the_digest_at_all(app, people, outbox):
    rhona, callum = people
    _warn(app, rhona, "suicide", "hide")
    with app.test_request_context():
        factories.thread(callum, title="A hard week", body="Words.", warnings=("suicide",))
    _digests(app)
    assert _mails_to(outbox, "rhona@example.org") == []


def test_a_post_with_a_warning_i_show_is_quoted(app, people, outbox):
    rhona, callum = people
    _warn(app, rhona, "suicide", "show")
    with app.test_request_context():
        factories.thread(callum, title="A hard week", body="Words about a loss.",
                         warnings=("suicide",))  # fmt: skip
    _digests(app)
    (digest,) = _mails_to(outbox, "rhona@example.org")
    assert "Words about a loss." in digest.body


def test_names_and_text_are_escaped_in_the_html_mail(app, people, outbox, corpora):
    _rhona, callum = people
    with app.test_request_context():
        factories.thread(
            callum,
            title="<script>alert(1)</script> hello",
            body="<img src=x onerror=alert(1)> text",
        )
    _digests(app)
    (digest,) = _mails_to(outbox, "rhona@example.org")
    assert "<script>" not in digest.html and "onerror" not in digest.html.split("<body")[0]
    assert "&lt;script&gt;" in digest.html


# --- the mail itself ---------------------------------------------------------------------------


def test_the_mail_is_multipart_with_one_click_unsubscribe_headers(app, people, outbox):
    _rhona, callum = people
    with app.test_request_context():
        factories.thread(callum, title="Headers")
    _digests(app)
    (digest,) = _mails_to(outbox, "rhona@example.org")
    with app.test_request_context():
        message = message_from_bytes(bytes(mail._message(digest)), policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["List-Unsubscribe"] == f"<{digest.unsubscribe_url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "rhona@example.org" not in digest.body  # nobody's address in the text (not even hers)


# --- unsubscribing ------------------------------------------------------------------------------


def _digest_link(app, member) -> str:
    with app.test_request_context():
        url = mailing.unsubscribe_url(db.session.get(Member, member.id), mailing.DIGEST)
    return url.split("forum.test", 1)[-1] if "forum.test" in url else "/" + url.split("/", 3)[3]


def test_one_click_unsubscribes_without_signing_in(app, people, client):
    rhona, _ = people
    link = _digest_link(app, rhona)
    page = client.get(link)
    assert page.status_code == 200 and "Unsubscribe from digest emails" in page.get_data(True)
    done = client.post(link)  # no session, no CSRF token: the link is the credential
    assert done.status_code == 200 and "no more digest emails" in done.get_data(True)
    with app.app_context():
        assert mailing.mode_of(db.session.get(Member, rhona.id)) == EmailMode.NEVER


def test_a_mail_client_can_unsubscribe_by_rfc_8058_post(app, people, client):
    rhona, _ = people
    response = client.post(_digest_link(app, rhona), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        assert mailing.mode_of(db.session.get(Member, rhona.id)) == EmailMode.NEVER


def test_a_digest_link_does_not_stop_mail_right_away(app, people, client):
    rhona, _ = people
    _set_mode(app, rhona, "instant")
    client.post(_digest_link(app, rhona))
    with app.app_context():
        assert mailing.mode_of(db.session.get(Member, rhona.id)) == EmailMode.INSTANT


def test_the_link_stops_working_after_a_password_change(app, people, client):
    rhona, _ = people
    link = _digest_link(app, rhona)
    with app.test_request_context():
        accounts.change_password(db.session.get(Member, rhona.id), factories.PASSWORD,
                                 "a completely new passphrase 42")  # fmt: skip
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    with app.app_context():
        assert mailing.mode_of(db.session.get(Member, rhona.id)) == EmailMode.WEEKLY


@pytest.mark.parametrize("token", ["nonsense", "WzEsImRpZ2VzdCIsIngiXQ.forged", "%00", "a" * 500])
def test_a_forged_link_changes_nothing(app, people, client, token):
    assert client.post(f"/unsubscribe/{token}").status_code == 404


def test_a_token_of_another_purpose_is_refused(app, people, client):
    rhona, _ = people
    from forum.services import tokens

    with app.test_request_context():
        other = tokens.signed("something-else", rhona.id, "digest", "x")
    assert client.post(f"/unsubscribe/{other}").status_code == 404


# --- right away ----------------------------------------------------------------------------------


@pytest.fixture
def thread_of_rhona(app, people):
    rhona, callum = people
    _set_mode(app, rhona, "instant")
    with app.app_context():
        thread = factories.thread(rhona, title="Supervision: what does good look like?")
    return rhona, callum, thread


def test_a_reply_to_my_thread_is_mailed_right_away_when_i_asked(
    app, thread_of_rhona, outbox, run_jobs
):
    _rhona, callum, thread = thread_of_rhona
    with app.test_request_context():
        factories.reply(callum, thread.id, "Regular, protected time helps.")
    run_jobs()
    (sent,) = _mails_to(outbox, "rhona@example.org")
    assert "Supervision: what does good look like?" in sent.subject
    assert "Callum replied to your thread" in sent.body
    assert "Regular, protected time helps." in sent.body and sent.html
    assert sent.unsubscribe_url


def test_replies_close_together_share_one_mail_and_a_retry_sends_nothing(
    app, thread_of_rhona, outbox, run_jobs
):
    rhona, callum, thread = thread_of_rhona
    with app.test_request_context():
        factories.reply(callum, thread.id, "First thought.")
        factories.reply(callum, thread.id, "Second thought.")
    run_jobs()
    (sent,) = _mails_to(outbox, "rhona@example.org")
    assert "First thought." in sent.body and "Second thought." in sent.body
    with app.test_request_context():
        assert mailing.send_instant(rhona.id, thread.id) == 0
    assert len(_mails_to(outbox, "rhona@example.org")) == 1


def test_a_reply_soon_after_a_mail_waits_for_the_pause(app, thread_of_rhona, outbox, run_jobs):
    rhona, callum, thread = thread_of_rhona
    with app.test_request_context():
        factories.reply(callum, thread.id, "First thought.")
    run_jobs()
    with app.test_request_context():
        factories.reply(callum, thread.id, "Later thought.")
        assert mailing.send_instant(rhona.id, thread.id) == 0  # within the pause: later
    assert len(_mails_to(outbox, "rhona@example.org")) == 1
    with app.test_request_context():
        later = utcnow() + timedelta(minutes=app.config["NOTIFY_MAIL_MINUTES"] + 1)
        assert mailing.send_instant(rhona.id, thread.id, later) == 1


def test_a_reply_hidden_before_the_mail_went_is_not_mailed(app, thread_of_rhona, outbox, run_jobs):
    _rhona, callum, thread = thread_of_rhona
    with app.test_request_context():
        post = factories.reply(callum, thread.id, "Something unkind.")
        db.session.get(Post, post.id).hidden_at = utcnow()
        db.session.commit()
    run_jobs()
    assert _mails_to(outbox, "rhona@example.org") == []


def test_a_reply_with_a_warning_is_mailed_without_its_words(app, thread_of_rhona, outbox, run_jobs):
    _rhona, callum, thread = thread_of_rhona
    with app.test_request_context():
        factories.reply(callum, thread.id, "Words about self-harm.", warnings=("self-harm",))
    run_jobs()
    (sent,) = _mails_to(outbox, "rhona@example.org")
    assert "A post with a content warning: self-harm" in sent.body
    assert "Words about" not in sent.body and "Words about" not in sent.html


def test_a_weekly_member_is_not_mailed_right_away(app, people, outbox, run_jobs):
    rhona, callum = people
    with app.app_context():
        thread = factories.thread(rhona, title="Mine")
    with app.test_request_context():
        factories.reply(callum, thread.id, "Hello.")
    run_jobs()
    assert _mails_to(outbox, "rhona@example.org") == []


def test_reading_the_thread_first_means_no_mail(app, thread_of_rhona, outbox, run_jobs, new_client):
    rhona, callum, thread = thread_of_rhona
    with app.test_request_context():
        factories.reply(callum, thread.id, "Hello.")
    page = sign_in_as(new_client(), rhona).get(f"/threads/{thread.id}", follow_redirects=True)
    assert page.status_code == 200
    run_jobs()
    assert [m.subject for m in _mails_to(outbox, "rhona@example.org")] == []


def test_a_mention_is_mailed_right_away_when_i_asked(app, people, outbox, run_jobs):
    rhona, callum = people
    _set_mode(app, rhona, "instant")
    with app.app_context():
        thread = factories.thread(callum, title="Who can help?")
    with app.test_request_context():
        factories.reply(callum, thread.id, "Maybe @Rhona knows.")
    run_jobs()
    (sent,) = _mails_to(outbox, "rhona@example.org")
    assert "Callum mentioned you in “Who can help?”" in sent.body
