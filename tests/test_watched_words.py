"""Watched words: administrators keep words and phrases (with wildcard endings) and what they
do: block (refused, text kept), hold (waits for approval), flag (posted, and a report from the
system in the queue) and signpost (the crisis contacts are shown, a moderator is to be alerted).
Matching ignores case and accents, is Unicode-aware and matches whole words."""

import json

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    AuditEntry,
    CaseState,
    ModerationCase,
    Post,
    Report,
    SafetyAlert,
    Thread,
    WatchAction,
    WatchedWord,
)
from forum.services.forums import threads
from forum.services.ideas import comments
from forum.services.safety import alerts, watched_words
from tests import factories


def _watch(app, phrase: str, action: str, admin=None) -> None:
    with app.test_request_context():
        by = admin or factories.member(display_name=f"Admin {phrase}", role="admin")
        watched_words.add(by, phrase, action)


# --- matching --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("kill myself", "Some days I want to KILL MYSELF, honestly"),
        ("kill myself", "I could kill\n  myself."),
        ("end it all", "maybe I should just end... it all"),
        ("want to die", "I WANT TO DIE"),
        ("suicid*", "I have been feeling suicidal"),
        ("suicid*", "Suicide is on my mind"),
        ("café", "meet at the CAFE"),
        ("cafe", "meet at the café"),
        ("straße", "die STRASSE entlang"),
        (
            "kill myself",
            "\uff4b\uff49\uff4c\uff4c \uff4d\uff59\uff53\uff45\uff4c\uff46",
        ),  # full-width
        ("kill myself", "kil\u200bl myself"),  # a zero-width space hidden inside
        ("kill myself", "ki\u0301ll myself"),  # a combining accent
        ("ölüm", "ÖLÜM"),
        (
            "\u0443\u043c\u0435\u0440\u0435\u0442\u044c",
            "\u0425\u043e\u0447\u0443 \u0423\u041c\u0415\u0420\u0415\u0422\u042c",
        ),  # Cyrillic
    ],
)
def test_a_watched_phrase_is_found_whatever_its_case_accents_or_spacing(phrase, text):
    assert watched_words.matches(phrase, text)


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("die", "I am on a diet"),
        ("die", "studied it"),
        ("kill myself", "skill myselfish"),
        ("suicid*", "asuicidal, nonsuicide"),
        ("end it all", "end it allotment"),
    ],
)
def test_only_whole_words_match(phrase, text):
    assert not watched_words.matches(phrase, text)


def test_a_wildcard_matches_any_ending_but_only_at_the_end_of_a_word():
    assert watched_words.matches("hopeless*", "feeling hopelessness today")
    assert not watched_words.matches("hope*less", "hopeless")


def test_naughty_strings_neither_break_matching_nor_match_by_accident(corpora):
    strings = json.loads((corpora / "strings" / "blns.json").read_text())
    for text in strings:
        assert not watched_words.matches("kill myself", text)
        watched_words.normalize(text)  # never raises
    for phrase in strings:  # naughty phrases are escaped, never taken as patterns
        if watched_words.normalize(phrase).strip("* "):
            assert watched_words.matches(phrase, f"before {phrase} after") or not phrase.strip()


# --- what administrators keep ---------------------------------------------------------------


def test_an_administrator_adds_and_removes_a_watched_word_and_both_are_audited(app, admin_client):
    page = admin_client.get("/admin/watched-words/")
    assert page.status_code == 200 and "Watched words" in page.get_data(as_text=True)
    response = admin_client.submit(
        "/admin/watched-words/", {"phrase": "  want   to die ", "action": "signpost"}
    )
    assert response.status_code == 302
    with app.app_context():
        word = db.session.scalar(sa.select(WatchedWord))
        assert (word.phrase, word.normalized, word.action) == (
            "want to die",
            "want to die",
            WatchAction.SIGNPOST,
        )
        word_id = word.id
    again = admin_client.submit(
        "/admin/watched-words/", {"phrase": "WANT TO DÍE", "action": "flag"}
    )
    assert again.status_code == 422 and "already watched" in again.get_data(as_text=True)
    assert admin_client.submit(f"/admin/watched-words/{word_id}/remove").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WatchedWord.id))) == 0
        actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions[-2:] == ["watched_word.add", "watched_word.remove"]


@pytest.mark.parametrize("who", ["member_client", "moderator_client"])
def test_only_administrators_keep_watched_words(who, request):
    client = request.getfixturevalue(who)
    assert client.get("/admin/watched-words/").status_code in (403, 404)
    assert client.submit(
        "/admin/watched-words/", {"phrase": "x", "action": "block"}
    ).status_code in (
        403,
        404,
    )


# --- block ------------------------------------------------------------------------------------


def test_a_blocked_word_refuses_the_reply_with_the_reason_and_keeps_the_text(
    app, member, member_client
):
    _watch(app, "buy cheap pills", "block")
    with app.app_context():
        thread = factories.thread(member)
    text = "You can Buy Cheap Pills here, and more words I typed."
    response = member_client.submit(f"/threads/{thread.id}/reply", {"body": text})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "does not allow “buy cheap pills”" in page and "Your text is kept" in page
    assert "more words I typed." in page  # still in the reply box
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 1


def test_a_blocked_word_in_a_thread_title_is_refused_on_the_title(app, member_client):
    _watch(app, "spam*", "block")
    with app.app_context():
        factories.forum("Introductions")
    response = member_client.submit(
        "/forums/introductions/new", {"title": "SPAMMY offers", "body": "Hello all"}
    )
    assert response.status_code == 422
    assert "does not allow “spam*”" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 0


def test_blocked_words_apply_to_ideas_and_comments(app, member, member_client):
    _watch(app, "buy cheap pills", "block")
    response = member_client.submit(
        "/ideas/new", {"title": "A good idea here", "description": "buy cheap pills"}
    )
    assert response.status_code == 422
    with app.app_context():
        idea = factories.idea(member)
    response = member_client.submit(f"/ideas/{idea.id}/comments", {"body": "Buy cheap pills!"})
    assert response.status_code == 422 and "Your text is kept" in response.get_data(as_text=True)


def test_a_blocked_word_refuses_an_edit(app, member, member_client):
    with app.app_context():
        thread = factories.thread(member, body="A calm first post.")
    _watch(app, "buy cheap pills", "block")
    response = member_client.submit(
        f"/posts/{thread.first_post_id}/edit", {"title": thread.title, "body": "buy cheap pills"}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Post, thread.first_post_id).body_source == "A calm first post."


# --- hold -------------------------------------------------------------------------------------


def test_a_hold_word_makes_the_reply_wait_for_approval(app, member, moderator, member_client):
    _watch(app, "meet me offline", "hold")
    with app.app_context():
        thread = factories.thread(moderator)
    response = member_client.submit(
        f"/threads/{thread.id}/reply", {"body": "Could you meet me offline sometime?"}
    )
    assert response.status_code == 302
    with app.app_context():
        post = db.session.scalars(sa.select(Post).order_by(Post.id.desc())).first()
        assert post.is_held
        assert db.session.get(Thread, thread.id).reply_count == 0


def test_a_moderators_post_waits_too_when_it_holds_a_hold_word(app, moderator, ctx):
    _watch(app, "meet me offline", "hold")
    thread = factories.thread(moderator, title="Meet me offline please")
    assert db.session.get(Thread, thread.id).is_held


# --- flag -------------------------------------------------------------------------------------


def test_a_flag_word_posts_and_reports_it_from_the_system(
    app, member, moderator, member_client, moderator_client
):
    _watch(app, "my address is", "flag")
    with app.app_context():
        thread = factories.thread(moderator)
    response = member_client.submit(
        f"/threads/{thread.id}/reply", {"body": "Come round, my address is 4 Main St"}
    )
    assert response.status_code == 302
    with app.app_context():
        post = db.session.scalars(sa.select(Post).order_by(Post.id.desc())).first()
        assert not post.is_held
        case = db.session.scalar(sa.select(ModerationCase))
        assert (case.target_kind.value, case.target_id, case.state) == (
            "post",
            post.id,
            CaseState.OPEN,
        )
        report = db.session.scalar(sa.select(Report))
        assert report.reporter_id is None and "my address is" in report.note
    queue = moderator_client.get("/moderation/").get_data(as_text=True)
    assert "The system (watched words)" in queue or "Flagged by the watched words" in queue


def test_a_flag_word_in_an_idea_or_comment_reports_it(app, member, ctx):
    _watch(app, "my address is", "flag")
    _watch(app, "meet me offline", "hold")  # ideas cannot wait: a hold word flags them
    idea = factories.idea(member)
    app.config["RATELIMIT_ENABLED"] = False
    comment = comments.add(member, idea.id, "We could meet me offline, my address is here")
    case = db.session.scalar(sa.select(ModerationCase))
    assert (case.target_kind.value, case.target_id) == ("comment", comment.id)
    report = db.session.scalar(sa.select(Report))
    assert "my address is" in report.note and "meet me offline" in report.note


def test_a_flag_opens_a_closed_case_again(app, member, moderator, ctx):
    _watch(app, "my address is", "flag")
    thread = factories.thread(moderator)
    post = factories.reply(member, thread.id, "my address is 4 Main St")
    case = db.session.scalar(sa.select(ModerationCase))
    factories.act(moderator, "post", post.id, "dismiss", case=case.id)
    assert db.session.get(ModerationCase, case.id).state == CaseState.DISMISSED
    threads.edit_post(member, post.id, body="my address is 5 Main St")
    case = db.session.scalar(sa.select(ModerationCase))
    assert case.state == CaseState.OPEN and case.round == 2


# --- signpost ---------------------------------------------------------------------------------


def test_a_signpost_word_shows_the_crisis_contacts_in_the_preview(app, member_client):
    _watch(app, "want to die", "signpost")
    page = member_client.submit(
        "/compose/preview", {"body": "Some nights I want to die."}, htmx=True
    ).get_data(as_text=True)
    assert "Would you like to talk to someone now?" in page
    assert "Samaritans" in page and "116 123" in page
    assert "Preview: this is how it will look." in page  # the preview is still shown
    calm = member_client.submit("/compose/preview", {"body": "A calm day."}, htmx=True)
    assert "Would you like to talk" not in calm.get_data(as_text=True)


def test_a_signpost_word_posts_shows_the_contacts_and_leaves_an_alert(
    app, member, moderator, member_client
):
    _watch(app, "want to die", "signpost")
    with app.app_context():
        thread = factories.thread(moderator)
    response = member_client.submit(
        f"/threads/{thread.id}/reply", {"body": "I want to die, some days."}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "I want to die, some days." in page  # posted, not stopped
    assert "Would you like to talk to someone now?" in page and "Samaritans" in page
    with app.app_context():
        alert = db.session.scalar(sa.select(SafetyAlert))
        post = db.session.scalars(sa.select(Post).order_by(Post.id.desc())).first()
        assert (alert.member_id, alert.target_kind, alert.target_id) == (member.id, "post", post.id)
        assert alert.phrases == "want to die" and alert.alerted_at is None


def test_the_signpost_reaches_htmx_replies_out_of_band(app, member, moderator, member_client):
    _watch(app, "end it all", "signpost")
    with app.app_context():
        thread = factories.thread(moderator)
    page = member_client.submit(
        f"/threads/{thread.id}/reply", {"body": "I might end it all"}, htmx=True
    ).get_data(as_text=True)
    assert 'id="flash"' in page and "Would you like to talk to someone now?" in page


def test_the_moderators_to_alert_are_those_who_moderate_the_region(
    app, member, moderator, admin, regional_moderator, ctx
):
    factories.member(display_name="Elsewhere", role="moderator", moderates=("Lothian",))
    names = [m.display_name for m in alerts.moderators_to_alert(factories.region("Highland").id)]
    assert names == ["Isla", "Kenny", "Morag"]
    national = [m.display_name for m in alerts.moderators_to_alert(None)]
    assert national == ["Kenny", "Morag"]


def test_alerts_wait_until_marked_as_told(app, member, moderator, ctx):
    _watch(app, "want to die", "signpost")
    thread = factories.thread(moderator)
    factories.reply(member, thread.id, "I want to die")
    waiting = alerts.waiting()
    assert len(waiting) == 1
    alerts.mark_alerted([waiting[0].id])
    db.session.commit()
    assert alerts.waiting() == []


def test_the_naughty_strings_post_as_replies_with_watched_words_in_place(
    app, member, moderator, member_client, corpora
):
    for phrase, action in (("want to die", "signpost"), ("my address is", "flag")):
        _watch(app, phrase, action)
    strings = json.loads((corpora / "strings" / "blns.json").read_text())
    with app.app_context():
        thread = factories.thread(moderator)
        for n, text in enumerate(strings[:200]):
            if text.strip():
                factories.reply(member, thread.id, f"{n}: {text}")
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(SafetyAlert.id))) == 0
