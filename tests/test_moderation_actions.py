"""What moderators do to content: dismiss, hide (kept, with a reason the author reads), restore,
content warnings, lock, pin, move. Each is a POST with CSRF, acts once (the second moderator is
told who got there first), changes nothing when refused, and leaves an audit entry with the
state before."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, CaseState, Forum, ModerationCase, Post, Report, Thread
from tests import factories
from tests.conftest import sign_in_as
from tests.test_forum_concurrency import _all_at_once

BODY = "You lot are all **useless**, honestly."


@pytest.fixture
def reported(app, member):
    """Callum's unkind reply in Rhona's thread, reported by Ahmed (the member)."""
    with app.test_request_context():
        rhona = factories.member(display_name="Rhona")
        callum = factories.member(display_name="Callum")
        thread = factories.thread(rhona, title="Hard week", body="It has been a hard week.")
        reply = factories.reply(callum, thread.id, BODY).id
        factories.report(member, "post", reply, "unkind", "Please look at this.")
        case = factories.open_case("post", reply)
    return {"thread": thread, "reply": reply, "case": case, "callum": callum, "rhona": rhona}


def _entries(app, action=None) -> list[AuditEntry]:
    """Audit entries about content and members (setting up forums leaves some too)."""
    with app.app_context():
        query = sa.select(AuditEntry).order_by(AuditEntry.id)
        query = query.where(AuditEntry.target_kind.in_(["post", "thread", "idea", "comment"]))
        if action:
            query = query.where(AuditEntry.action == action)
        return list(db.session.scalars(query))


def _hide(client, reply, case, reason="Unkind to other members.", htmx=True):
    return client.submit(
        f"/moderation/post/{reply}/hide",
        {"reason": reason, "case": case.id, "round": case.round, "row": f"report-post-{reply}",
         "next": "/moderation/"},
        htmx=htmx,
    )  # fmt: skip


def test_hiding_from_the_queue_removes_the_row_and_updates_the_counts(
    app, reported, moderator_client
):
    response = _hide(moderator_client, reported["reply"], reported["case"])
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<article" not in body  # the row is replaced by nothing
    assert 'id="queue-reports-count" class="meta" hx-swap-oob="true">No reports waiting' in body
    assert 'id="moderation-badge"' in body and "Hidden:" in body
    with app.app_context():
        post = db.session.get(Post, reported["reply"])
        case = db.session.get(ModerationCase, reported["case"].id)
        assert post.hidden_reason == "Unkind to other members." and post.hidden_by_id
        assert case.state == CaseState.ACTIONED and case.handled_by.display_name == "Kenny"
        assert {r.state for r in db.session.scalars(sa.select(Report))} == {CaseState.ACTIONED}


def test_hidden_content_is_kept_and_restoring_brings_it_back_unchanged(
    app, reported, moderator_client
):
    _hide(moderator_client, reported["reply"], reported["case"], htmx=False)
    with app.app_context():
        assert db.session.get(Post, reported["reply"]).body_source == BODY  # nothing lost
    response = moderator_client.submit(f"/moderation/post/{reported['reply']}/restore", {})
    assert response.status_code == 302
    with app.app_context():
        post = db.session.get(Post, reported["reply"])
        assert post.hidden_at is None and post.body_source == BODY and post.hidden_reason == ""
    hide, restore = _entries(app, "content.hide") + _entries(app, "content.restore")
    assert hide.before == {"hidden": False, "hidden_by": None, "hidden_reason": ""}
    assert hide.after["hidden"] is True and hide.reason == "Unkind to other members."
    assert restore.before["hidden_reason"] == "Unkind to other members."


def test_the_author_sees_it_is_hidden_and_why_others_see_a_placeholder(
    app, reported, moderator_client, member_client, new_client
):
    _hide(moderator_client, reported["reply"], reported["case"], htmx=False)
    url = f"/threads/{reported['thread'].id}?page=1"
    others = member_client.get(url).get_data(as_text=True)
    assert "This post was hidden by a moderator." in others and "useless" not in others
    author = sign_in_as(new_client(), reported["callum"]).get(url).get_data(as_text=True)
    assert "A moderator hid this post: Unkind to other members." in author
    assert "useless" in author and "Other members see “hidden by a moderator”" in author
    moderator = moderator_client.get(url).get_data(as_text=True)
    assert "useless" in moderator and "A moderator hid this post" in moderator
    partial = member_client.htmx_get(f"/posts/{reported['reply']}").get_data(as_text=True)
    assert "useless" not in partial


def test_a_second_moderator_is_told_who_handled_it_first_and_nothing_else_happens(
    app, reported, moderator_client, new_client
):
    with app.app_context():
        isla = factories.member(display_name="Isla", role="moderator")
    late = sign_in_as(new_client(), isla)
    _hide(moderator_client, reported["reply"], reported["case"])
    response = late.submit(
        f"/moderation/post/{reported['reply']}/dismiss",
        {"case": reported["case"].id, "round": 1, "row": f"report-post-{reported['reply']}"},
        htmx=True,
    )
    body = response.get_data(as_text=True)
    assert f'<article id="report-post-{reported["reply"]}" class="case handled">' in body
    assert "<strong>Kenny</strong> already handled this" in body and "hid it" in body
    with app.app_context():
        assert db.session.get(Post, reported["reply"]).hidden_at is not None  # not undone
    assert [e.action for e in _entries(app)] == ["content.hide"]


def test_hiding_what_is_already_hidden_says_who_hid_it(app, reported, moderator_client, new_client):
    with app.app_context():
        isla = factories.member(display_name="Isla", role="moderator")
    moderator_client.submit(f"/moderation/post/{reported['reply']}/hide", {"reason": "Unkind"})
    late = sign_in_as(new_client(), isla)
    response = late.submit(f"/moderation/post/{reported['reply']}/hide", {"reason": "Also unkind"})
    assert response.status_code == 302
    page = late.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kenny already handled this: hid it." in page
    with app.app_context():
        assert db.session.get(Post, reported["reply"]).hidden_reason == "Unkind"
    assert len(_entries(app, "content.hide")) == 1


@pytest.mark.postgres_only
def test_two_moderators_acting_at_the_same_moment_act_once(app, reported, moderator, new_client):
    with app.app_context():
        isla = factories.member(display_name="Isla", role="moderator")
    clients = [sign_in_as(new_client(), person) for person in (moderator, isla)]
    case, reply = reported["case"], reported["reply"]
    jobs = [
        lambda c=clients[0]: c.submit(f"/moderation/post/{reply}/hide",
                                      {"reason": "Unkind", "case": case.id, "round": 1}),
        lambda c=clients[1]: c.submit(f"/moderation/post/{reply}/dismiss",
                                      {"case": case.id, "round": 1}),
    ]  # fmt: skip
    statuses = [r.status_code for r in _all_at_once(jobs)]
    assert statuses == [302, 302]
    actions = [e.action for e in _entries(app)]
    assert len(actions) == 1 and actions[0] in ("content.hide", "report.dismiss")
    with app.app_context():
        case = db.session.get(ModerationCase, case.id)
        assert case.state != CaseState.OPEN


def test_dismissing_restores_what_the_app_hid_after_reports(app, reported, moderator_client):
    with app.test_request_context():
        for _ in range(2):
            factories.report(factories.member(), "post", reported["reply"], "spam")
        assert db.session.get(Post, reported["reply"]).hidden_at is not None
    moderator_client.submit(
        f"/moderation/post/{reported['reply']}/dismiss",
        {"case": reported["case"].id, "reason": "Banter between friends."},
    )
    with app.app_context():
        assert db.session.get(Post, reported["reply"]).hidden_at is None
    [entry] = _entries(app, "report.dismiss")
    assert entry.reason == "Banter between friends." and entry.before == {"hidden": True}


@pytest.mark.parametrize(
    ("form", "message"),
    [({"reason": ""}, "Say why: its author reads this."),
     ({"reason": "x" * 501}, "Keep this under 500 characters.")],
    ids=["empty reason", "overlong reason"],
)  # fmt: skip
def test_hiding_needs_a_reason_of_sensible_length(app, reported, moderator_client, form, message):
    response = moderator_client.submit(f"/moderation/post/{reported['reply']}/hide", form,
                                       htmx=True)  # fmt: skip
    assert response.status_code == 409 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Post, reported["reply"]).hidden_at is None
        assert factories.open_case("post", reported["reply"]).state == CaseState.OPEN
    assert _entries(app) == []


def test_unknown_actions_and_actions_that_do_not_apply_are_not_found(
    app, reported, moderator_client
):
    reply = reported["reply"]
    for url in (f"/moderation/post/{reply}/explode", f"/moderation/post/{reply}/lock",
                "/moderation/post/99999/hide", f"/moderation/member/{reply}/hide"):  # fmt: skip
        assert moderator_client.submit(url, {"reason": "x"}).status_code == 404, url
    assert moderator_client.get("/moderation/post/99999").status_code == 404


def test_the_moderation_page_of_a_reply_shows_reports_actions_and_history(
    app, reported, moderator_client
):
    page = moderator_client.get(f"/moderation/post/{reported['reply']}").get_data(as_text=True)
    assert "Open reports (1)" in page and "Please look at this." in page
    assert "Show the text" in page and "Hide it" in page and "Send the message" in page
    assert f'name="case" value="{reported["case"].id}"' in page
    _hide(moderator_client, reported["reply"], reported["case"], htmx=False)
    page = moderator_client.get(f"/moderation/post/{reported['reply']}").get_data(as_text=True)
    assert "Kenny hid" in page and "Restore it" in page and "Open reports" not in page


def test_an_opening_post_is_moderated_as_its_thread(app, reported, moderator_client):
    thread = reported["thread"]
    with app.app_context():
        first = db.session.get(Thread, thread.id).first_post_id
    response = moderator_client.get(f"/moderation/post/{first}")
    assert response.headers["Location"].endswith(f"/moderation/thread/{thread.id}")


def test_hiding_a_thread_hides_it_from_members_but_not_from_its_author(
    app, reported, moderator_client, member_client, new_client
):
    thread = reported["thread"]
    moderator_client.submit(f"/moderation/thread/{thread.id}/hide", {"reason": "Shared names"})
    page = member_client.get(f"/threads/{thread.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Hidden by a moderator" in text and "hard week" not in text.lower()
    listing = member_client.get("/forums/introductions").get_data(as_text=True)
    assert "A thread hidden by a moderator." in listing and "Hard week" not in listing
    assert member_client.htmx_get(f"/threads/{thread.id}/posts?after=0").status_code == 404
    assert member_client.submit(f"/threads/{thread.id}/reply", {"body": "Hi"}).status_code == 404
    author = sign_in_as(new_client(), reported["rhona"])
    own = author.get(f"/threads/{thread.id}?page=1").get_data(as_text=True)
    assert "A moderator hid this thread: Shared names" in own and "It has been a hard week." in own
    index = member_client.get("/").get_data(as_text=True)
    assert "a thread hidden by a moderator" in index


def test_lock_and_unlock_once_each(app, reported, moderator_client, member_client):
    thread = reported["thread"]
    assert moderator_client.submit(f"/moderation/thread/{thread.id}/lock", {}).status_code == 302
    again = moderator_client.submit(f"/moderation/thread/{thread.id}/lock", {}, htmx=True)
    assert again.status_code == 409 and "Kenny already handled this: locked it" in again.get_data(
        as_text=True
    )
    reply = member_client.submit(f"/threads/{thread.id}/reply", {"body": "Can I still reply?"})
    assert reply.status_code == 403
    moderator_client.submit(f"/moderation/thread/{thread.id}/unlock", {})
    with app.app_context():
        assert not db.session.get(Thread, thread.id).locked
    assert [e.action for e in _entries(app)] == ["thread.lock", "thread.unlock"]
    assert _entries(app)[0].before == {"locked": False}


def test_pin_puts_the_thread_at_the_top(app, reported, moderator_client, member_client):
    with app.app_context():
        factories.thread(factories.member(), title="A newer thread")
    moderator_client.submit(f"/moderation/thread/{reported['thread'].id}/pin", {})
    page = member_client.get("/forums/introductions").get_data(as_text=True)
    assert page.index("Hard week") < page.index("A newer thread")
    moderator_client.submit(f"/moderation/thread/{reported['thread'].id}/unpin", {})
    page = member_client.get("/forums/introductions").get_data(as_text=True)
    assert page.index("A newer thread") < page.index("Hard week")


def test_moving_a_thread_moves_its_counts_and_its_reports(app, reported, moderator_client):
    thread = reported["thread"]
    with app.app_context():
        before = db.session.get(Forum, db.session.get(Thread, thread.id).forum_id)
        source_id, counts = before.id, (before.thread_count, before.post_count)
        highland = factories.forum(region_name="Highland")
        highland_id, region_id = highland.id, highland.region_id
    response = moderator_client.submit(f"/moderation/thread/{thread.id}/move",
                                       {"forum_id": highland_id})  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        source, target = db.session.get(Forum, source_id), db.session.get(Forum, highland_id)
        assert (source.thread_count, source.post_count) == (counts[0] - 1, counts[1] - 2)
        assert (target.thread_count, target.post_count) == (1, 2)
        assert db.session.get(Thread, thread.id).forum_id == highland_id
        assert factories.open_case("post", reported["reply"]).region_id == region_id
    [entry] = _entries(app, "thread.move")
    assert entry.before["forum"] == "Introductions" and entry.after["forum_id"] == highland_id
    bad = moderator_client.submit(f"/moderation/thread/{thread.id}/move", {"forum_id": "x"},
                                  htmx=True)  # fmt: skip
    assert bad.status_code == 409 and "Choose a forum from the list." in bad.get_data(as_text=True)


def test_moderators_change_a_posts_content_warnings(app, reported, moderator_client):
    with app.app_context():
        ids = {w.name: w.id for w in factories.content_warnings.all_warnings()}
    moderator_client.submit(
        f"/moderation/post/{reported['reply']}/warnings",
        {"warnings": [ids["abuse"], ids["suicide"]], "note": "Strong language"},
    )
    with app.app_context():
        post = db.session.get(Post, reported["reply"])
        assert [w.name for w in post.warnings] == ["suicide", "abuse"]
        assert post.warning_note == "Strong language"
    [entry] = _entries(app, "post.warnings")
    assert entry.before == {"warnings": [], "note": ""}
    assert entry.after == {"warnings": ["suicide", "abuse"], "note": "Strong language"}


def test_ideas_and_comments_are_hidden_and_restored_too(
    app, member, member_client, moderator_client, new_client
):
    with app.app_context():
        gordon = factories.member(display_name="Gordon")
        idea = factories.idea(gordon, "Buy our supplements", "Great prices")
        comment = factories.comment(gordon, idea.id, "Discount code SAVE20")
        other = factories.idea(member, "Summer picnic in Perth")
        mine = factories.comment(gordon, other.id, "Click my link")
    moderator_client.submit(f"/moderation/idea/{idea.id}/hide", {"reason": "Advertising"})
    moderator_client.submit(f"/moderation/comment/{mine.id}/hide", {"reason": "Advertising"})
    board = member_client.get("/ideas/").get_data(as_text=True)
    assert "Buy our supplements" not in board and "Summer picnic" in board
    hidden = member_client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Hidden by a moderator" in hidden and "Great prices" not in hidden
    assert member_client.submit(f"/ideas/{idea.id}/vote", {"vote": "1"}).status_code == 404
    page = member_client.get(f"/ideas/{other.id}").get_data(as_text=True)
    assert "This comment was hidden by a moderator." in page and "Click my link" not in page
    own = sign_in_as(new_client(), gordon)
    assert "A moderator hid this idea: Advertising" in own.get(f"/ideas/{idea.id}").get_data(
        as_text=True
    )
    assert "Buy our supplements" in own.get("/ideas/mine").get_data(as_text=True)
    moderator_client.submit(f"/moderation/idea/{idea.id}/restore", {})
    assert "Buy our supplements" in member_client.get("/ideas/").get_data(as_text=True)
    del comment


def test_posts_after_and_thread_rows_respect_hidden_content(
    app, reported, moderator_client, member_client
):
    _hide(moderator_client, reported["reply"], reported["case"], htmx=False)
    after = member_client.htmx_get(f"/threads/{reported['thread'].id}/posts?after=0")
    body = after.get_data(as_text=True)
    assert "This post was hidden by a moderator." in body and "useless" not in body
    quote = member_client.htmx_get(f"/posts/{reported['reply']}/quote")
    assert quote.status_code == 404


def test_hidden_filters_add_no_queries_to_a_thread_page(
    app, reported, member_client, count_queries
):
    url = f"/threads/{reported['thread'].id}?page=1"
    member_client.get(url)
    with count_queries() as plain:
        member_client.get(url)
    with app.test_request_context():
        moderator = factories.member(role="moderator")
        factories.act(moderator, "post", reported["reply"], "hide", reason="Unkind")
    with count_queries() as hidden:
        member_client.get(url)
    assert len(hidden) == len(plain)


def test_nothing_in_the_app_changes_an_audit_entry(app, reported, moderator_client):
    _hide(moderator_client, reported["reply"], reported["case"], htmx=False)
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry))
        entry.reason = "Rewritten"
        with pytest.raises(PermissionError):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.scalar(sa.select(AuditEntry)))
        with pytest.raises(PermissionError):
            db.session.commit()
        db.session.rollback()
    routes = {rule.rule for rule in app.url_map.iter_rules() if "audit" in rule.rule}
    assert routes == {"/moderation/audit"}
    assert {m for r in app.url_map.iter_rules() if "audit" in r.rule for m in r.methods} == {
        "GET",
        "HEAD",
        "OPTIONS",
    }


def test_moderation_notes_and_reasons_are_escaped(app, reported, moderator_client, new_client):
    script = '<script>alert("x")</script>'
    _hide(moderator_client, reported["reply"], reported["case"], reason=script, htmx=False)
    for client, url in ((sign_in_as(new_client(), reported["callum"]),
                         f"/threads/{reported['thread'].id}?page=1"),
                        (moderator_client, "/moderation/audit"),
                        (moderator_client, f"/moderation/post/{reported['reply']}")):  # fmt: skip
        page = client.get(url).get_data(as_text=True)
        assert script not in page and "&lt;script&gt;" in page, url
