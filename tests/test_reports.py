"""Any member raises a concern in one step: a reason from a short list, an optional note. They
are thanked, can follow it under "My reports", cannot report the same thing twice, and get a
clear answer (never a 500, never a leak) for anything they may not report."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.models import AuditEntry, CaseState, ModerationCase, Post, Report, Thread
from forum.services import site_settings
from forum.services.forums import threads
from forum.services.moderation import reports
from tests import factories
from tests.conftest import sign_in_as

THANKS = "Thank you — a moderator will look at this."


@pytest.fixture
def thread(app):
    """Rhona's thread with a reply by Callum."""
    with app.app_context():
        rhona = factories.member(display_name="Rhona")
        callum = factories.member(display_name="Callum")
        return factories.thread(
            rhona, title="Meet-up in Leith", body="Who is coming?", replies=[(callum, "Me!")]
        )


def _reply_id(app, thread) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.max(Post.id)).where(Post.thread_id == thread.id))


def _reports(app) -> list[Report]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Report).order_by(Report.id)))


def test_form_has_the_reasons_as_radio_buttons_in_a_fieldset(app, thread, member_client):
    page = member_client.get(f"/report/post/{_reply_id(app, thread)}").get_data(as_text=True)
    assert "<fieldset" in page and "<legend>What worries you about this?</legend>" in page
    for label in ("worried about someone", "unkind or harassing", "personal details",
                  "spam or advertising", "Something else"):  # fmt: skip
        assert label in page.replace("&#39;", "'"), label
    assert page.count('type="radio" ') == 5
    assert 'maxlength="1000"' in page


def test_member_reports_a_reply_without_javascript_and_is_thanked(app, thread, member_client):
    reply = _reply_id(app, thread)
    response = member_client.submit(
        f"/report/post/{reply}", {"reason": "unkind", "note": "Not kind.", "next": "/"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert THANKS in member_client.get("/").get_data(as_text=True)
    [report] = _reports(app)
    assert (report.target_kind, report.target_id, report.reason) == ("post", reply, "unkind")
    assert report.note == "Not kind." and report.state == CaseState.OPEN


def test_with_htmx_the_form_opens_in_place_and_the_thanks_replaces_it(app, thread, member_client):
    reply = _reply_id(app, thread)
    form = member_client.htmx_get(f"/report/post/{reply}").get_data(as_text=True)
    assert form.lstrip().startswith(f'<div id="report-form-post-{reply}"')
    assert f'hx-target="#report-form-post-{reply}"' in form
    response = member_client.submit(f"/report/post/{reply}", {"reason": "spam"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and THANKS in body
    assert body.lstrip().startswith(f'<div id="report-form-post-{reply}"')


def test_the_opening_post_reports_the_thread(app, thread, member_client):
    with app.app_context():
        first = db.session.get(Thread, thread.id).first_post_id
    page = member_client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f"/report/thread/{thread.id}" in page and f"/report/post/{first}" not in page
    member_client.submit(f"/report/post/{first}", {"reason": "unkind"})
    assert [(r.target_kind, r.target_id) for r in _reports(app)] == [("thread", thread.id)]


def test_reporting_twice_is_refused_kindly(app, thread, member_client):
    reply = _reply_id(app, thread)
    member_client.submit(f"/report/post/{reply}", {"reason": "unkind"})
    again = member_client.get(f"/report/post/{reply}").get_data(as_text=True)
    assert "You reported this" in again and "no need to report it again" in again
    response = member_client.submit(f"/report/post/{reply}", {"reason": "spam"})
    assert response.status_code == 409
    assert "no need to report it again" in response.get_data(as_text=True)
    assert len(_reports(app)) == 1


def test_the_database_refuses_a_second_report_of_the_same_thing(app, thread, member):
    reply = _reply_id(app, thread)
    with app.test_request_context():
        factories.report(member, "post", reply)
        case_id = factories.open_case("post", reply).id
        db.session.add(Report(case_id=case_id, reporter_id=member.id, target_kind="post",
                              target_id=reply, reason="spam"))  # fmt: skip
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(reports.AlreadyReported):
            factories.report(member, "post", reply, "spam")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"reason": "made-up"}, "Choose the reason that fits best."),
        ({}, "Choose the reason that fits best."),
        ({"reason": "other", "note": "   "}, "Tell the moderators a little about what worries you"),
        ({"reason": "unkind", "note": "x" * 1001}, "keep it to 1,000"),
    ],
    ids=["unknown reason", "no reason", "empty note for something else", "overlong note"],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(
    app, thread, member_client, form, message
):
    reply = _reply_id(app, thread)
    response = member_client.submit(f"/report/post/{reply}", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert _reports(app) == []
    if form.get("note", "").strip():
        assert form["note"][:50] in page


def test_a_note_of_exactly_1000_characters_is_fine(app, thread, member_client):
    form = {"reason": "other", "note": "y" * 1000}
    member_client.submit(f"/report/post/{_reply_id(app, thread)}", form)
    assert len(_reports(app)[0].note) == 1000


def test_own_words_removed_posts_and_hidden_ones_cannot_be_reported(
    app, thread, member, member_client, moderator
):
    with app.test_request_context():
        own = factories.reply(member, thread.id, "My own reply").id
        writer = factories.member()
        removed = factories.reply(writer, thread.id, "Soon gone").id
        threads.delete_post(writer, removed)
        hidden = factories.reply(factories.member(), thread.id, "Soon hidden").id
        factories.act(moderator, "post", hidden, "hide", reason="Off topic")
    for post_id, message in ((own, "This is yours"), (removed, "already been removed"),
                             (hidden, "already hidden")):  # fmt: skip
        response = member_client.submit(f"/report/post/{post_id}", {"reason": "unkind"})
        assert response.status_code in (404, 409), post_id
        if response.status_code == 409:
            assert message in response.get_data(as_text=True)
    assert _reports(app) == []


def test_what_the_member_cannot_see_is_not_found_and_nothing_leaks(app, member_client):
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        highlander = factories.member(region_name="Highland")
        secret = factories.thread(highlander, "highland", title="Highland-only plans")
        post = db.session.get(Thread, secret.id).first_post_id
    for url in (f"/report/thread/{secret.id}", f"/report/post/{post}", "/report/idea/999",
                "/report/member/999", "/report/comment/999"):  # fmt: skip
        for response in (member_client.get(url), member_client.submit(url, {"reason": "spam"})):
            assert response.status_code == 404, url
            assert "Highland-only" not in response.get_data(as_text=True)
    assert member_client.get("/report/nonsense/1").status_code == 404
    assert _reports(app) == []


def test_ideas_comments_and_members_can_be_reported(app, member, member_client):
    with app.app_context():
        author = factories.member(display_name="Gordon")
        idea = factories.idea(author, "Sell supplements at events")
        comment_id = factories.comment(author, idea.id, "Buy now!").id
    for kind, target_id in (("idea", idea.id), ("comment", comment_id), ("member", author.id)):
        response = member_client.submit(f"/report/{kind}/{target_id}", {"reason": "spam"})
        assert response.status_code == 302, kind
    assert {(r.target_kind, r.target_id) for r in _reports(app)} == {
        ("idea", idea.id),
        ("comment", comment_id),
        ("member", author.id),
    }


def test_my_reports_shows_each_report_and_what_became_of_it(app, thread, member_client, moderator):
    reply = _reply_id(app, thread)
    member_client.submit(f"/report/post/{reply}", {"reason": "unkind", "note": "Rude <b>x</b>"})
    page = member_client.get("/reports/mine").get_data(as_text=True)
    assert "Callum&#39;s reply in “Meet-up in Leith”" in page
    assert "Waiting for a moderator" in page and "Rude &lt;b&gt;x&lt;/b&gt;" in page
    with app.test_request_context():
        case = factories.open_case("post", reply)
        factories.act(moderator, "post", reply, "dismiss", case=case.id)
    page = member_client.get("/reports/mine").get_data(as_text=True)
    assert "decided no action was needed" in page


def _reporters(app, n: int) -> list:
    with app.app_context():
        return [factories.member(display_name=f"Reporter {i}") for i in range(n)]


def test_three_different_members_reporting_hides_the_content_until_a_moderator_looks(
    app, thread, new_client
):
    reply = _reply_id(app, thread)
    first, second, third = _reporters(app, 3)
    with app.test_request_context():
        factories.report(first, "post", reply)
        factories.report(second, "post", reply, "spam")
        assert db.session.get(Post, reply).hidden_at is None
        with pytest.raises(reports.AlreadyReported):
            factories.report(first, "post", reply)  # the same member again counts for nothing
        assert db.session.get(Post, reply).hidden_at is None
        factories.report(third, "post", reply, "personal")
        post = db.session.get(Post, reply)
        assert post.hidden_at is not None and post.hidden_by_id is None
        assert factories.open_case("post", reply).auto_hidden
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "content.auto_hide")
        )
        assert (
            entry.actor_id is None
            and entry.target_id == reply
            and entry.before == {"hidden": False}
        )
        callum = post.author
    reader = sign_in_as(new_client(), factories_member(app))
    page = reader.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "This post is hidden for now: several members reported it" in page
    assert "hidden by a moderator" not in page and "Me!" not in page
    own = (
        sign_in_as(new_client(), callum).get(f"/threads/{thread.id}?page=1").get_data(as_text=True)
    )
    assert "Several members reported this post" in own and "Me!" in own


def factories_member(app):
    with app.app_context():
        return factories.member()


def test_the_threshold_is_an_administrators_setting(app, thread):
    reply = _reply_id(app, thread)
    first, second = _reporters(app, 2)
    with app.test_request_context():
        site_settings.settings().auto_hide_reports = 2
        db.session.commit()
        factories.report(first, "post", reply)
        factories.report(second, "post", reply)
        assert db.session.get(Post, reply).hidden_at is not None


def test_members_are_never_hidden_automatically(app, member):
    people = _reporters(app, 3)
    with app.test_request_context():
        for person in people:
            factories.report(person, "member", member.id, "unkind")
        case = factories.open_case("member", member.id)
        assert case.report_count == 3 and not case.auto_hidden
        assert db.session.get(factories.Member, member.id).is_member


def test_a_new_report_after_a_moderator_handled_it_opens_a_new_round(app, thread, moderator):
    reply = _reply_id(app, thread)
    first, second = _reporters(app, 2)
    with app.test_request_context():
        factories.report(first, "post", reply)
        case = factories.open_case("post", reply)
        factories.act(moderator, "post", reply, "dismiss", case=case.id)
        factories.report(second, "post", reply, "safety")
        case = db.session.get(ModerationCase, case.id, populate_existing=True)
        assert (case.state, case.round, case.report_count, case.urgent) == (
            CaseState.OPEN,
            2,
            1,
            True,
        )
        states = sorted(r.state.value for r in db.session.scalars(sa.select(Report)))
        assert states == ["dismissed", "open"]
