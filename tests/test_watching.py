"""Watching threads and forums: watching tells me of every new post (by a job, once per post,
only what I may see), tracking counts new posts without telling, muted tells me nothing at
all, and posting in a thread tracks it unless I chose otherwise."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    Forum,
    Member,
    MemberStatus,
    Notification,
    Post,
    Thread,
    Watch,
    WatchLevel,
    utcnow,
)
from forum.services import jobs
from forum.services.forums import digest, listing, watching
from forum.services.notifications import inbox
from forum.services.people import mutes
from forum.services.privacy import export
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def people(app):
    """Rhona starts a thread in Introductions; Callum and Isla are members too."""
    with app.app_context():
        rhona = factories.member(display_name="Rhona")
        callum = factories.member(display_name="Callum")
        isla = factories.member(display_name="Isla")
        thread = factories.thread(rhona, title="Supervision: what does good look like?")
    jobs.run_pending(app)  # its opening post's watchers (nobody yet) are told
    return rhona, callum, isla, thread


def _watch(app, member, level="watching", *, thread=None, forum_id=None):
    with app.test_request_context():
        watching.choose(
            db.session.get(Member, member.id),
            WatchLevel(level),
            thread_id=thread.id if thread else None,
            forum_id=forum_id,
        )


def _rows(app, member, kind=None) -> list[Notification]:
    with app.app_context():
        query = sa.select(Notification).where(Notification.member_id == member.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(db.session.scalars(query.order_by(Notification.id)))


def _reply(app, author, thread, body) -> int:
    with app.test_request_context():
        return factories.reply(author, thread.id, body).id


def _forum_id(app, slug="introductions") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Forum.id).where(Forum.slug == slug))


def _level(app, member, thread) -> WatchLevel | None:
    with app.app_context():
        return db.session.scalar(
            sa.select(Watch.level).where(Watch.member_id == member.id, Watch.thread_id == thread.id)
        )


# --- watching ---------------------------------------------------------------------------------


def test_watching_a_thread_tells_me_of_every_new_post_once_the_job_has_run(app, people, run_jobs):
    rhona, callum, isla, thread = people
    _watch(app, isla, thread=thread)
    first = _reply(app, callum, thread, "Protected time helps.")
    second = _reply(app, rhona, thread, "Agreed, and a named supervisor.")
    assert _rows(app, isla) == []  # the request tells no watcher: the job does
    run_jobs()
    assert [(n.kind, n.post_id) for n in _rows(app, isla)] == [
        ("watched", first),
        ("watched", second),
    ]


def test_the_fan_out_run_twice_tells_nobody_twice(app, people, run_jobs):
    _rhona, callum, isla, thread = people
    _watch(app, isla, thread=thread)
    post_id = _reply(app, callum, thread, "Once.")
    run_jobs()
    with app.test_request_context():
        assert watching.notify_watchers(post_id) == 0  # a retried job
        assert watching.notify_watchers(post_id) == 0
    assert [n.post_id for n in _rows(app, isla)] == [post_id]


def test_the_author_of_a_post_is_not_told_of_it(app, people, run_jobs):
    _rhona, callum, _isla, thread = people
    _watch(app, callum, thread=thread)
    _reply(app, callum, thread, "My own words.")
    run_jobs()
    assert _rows(app, callum) == []


def test_watching_a_forum_tells_me_of_new_threads_and_replies_in_it(
    app, people, run_jobs, new_client
):
    rhona, callum, isla, thread = people
    _watch(app, isla, forum_id=_forum_id(app))
    with app.test_request_context():
        started = factories.thread(callum, title="Peer work in prisons")
    reply_id = _reply(app, rhona, thread, "Back to supervision.")
    run_jobs()
    rows = _rows(app, isla, "watched")
    assert {n.post_id for n in rows} == {started.first_post_id, reply_id}
    page = sign_in_as(new_client(), isla).get("/notifications").get_data(as_text=True)
    assert "Callum started “Peer work in prisons” in Introductions" in page
    assert "Rhona posted in “Supervision: what does good look like?”" in page


def test_a_threads_own_level_wins_over_its_forums(app, people, run_jobs):
    _rhona, callum, isla, thread = people
    _watch(app, isla, forum_id=_forum_id(app))
    _watch(app, isla, "normal", thread=thread)
    _reply(app, callum, thread, "Isla chose normal for this one.")
    run_jobs()
    assert _rows(app, isla) == []


def test_a_watcher_in_another_region_is_not_told_of_a_region_only_forum(app, run_jobs):
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        rhona = factories.member(display_name="Rhona", region_name="Highland")
        callum = factories.member(display_name="Callum", region_name="Highland")
        moved = factories.member(display_name="Moved", region_name="Highland")
        national = factories.member(display_name="Kenny", role="moderator", region_name=None)
        lothian_mod = factories.member(
            display_name="Lorna", role="moderator", region_name=None, moderates=("Lothian",)
        )
        highland_mod = factories.member(
            display_name="Isla", role="moderator", region_name=None, moderates=("Highland",)
        )
        thread = factories.thread(rhona, "highland", title="Our region's meet-up")
    for person in (moved, national, lothian_mod, highland_mod, callum):
        _watch(app, person, thread=thread)
    with app.app_context():  # Moved watched it, then moved to Lothian
        db.session.get(Member, moved.id).region_id = factories.region("Lothian").id
        db.session.commit()
    _reply(app, rhona, thread, "See you there.")
    run_jobs()
    told = {p.display_name for p in (moved, national, lothian_mod, highland_mod, callum)
            if _rows(app, p, "watched")}  # fmt: skip
    assert told == {"Kenny", "Isla", "Callum"}


def test_suspended_members_and_members_on_a_break_are_not_told(app, people, run_jobs):
    _rhona, callum, isla, thread = people
    with app.app_context():
        eilidh = factories.member(display_name="Eilidh")
    for person in (isla, eilidh):
        _watch(app, person, thread=thread)
    with app.app_context():
        db.session.get(Member, isla.id).status = MemberStatus.SUSPENDED
        db.session.get(Member, eilidh.id).break_until = utcnow() + timedelta(days=3)
        db.session.commit()
    _reply(app, callum, thread, "Anyone?")
    run_jobs()
    assert _rows(app, isla) == [] and _rows(app, eilidh) == []


def test_a_watcher_who_muted_the_author_is_not_told(app, people, run_jobs):
    _rhona, callum, isla, thread = people
    _watch(app, isla, thread=thread)
    with app.test_request_context():
        mutes.mute(db.session.get(Member, isla.id), callum.id)
    _reply(app, callum, thread, "Loud again.")
    run_jobs()
    assert _rows(app, isla) == []


def test_a_watcher_who_switched_the_kind_off_is_not_told(app, people, run_jobs):
    _rhona, callum, isla, thread = people
    _watch(app, isla, thread=thread)
    with app.test_request_context():
        inbox.save_settings(db.session.get(Member, isla.id), ["reply", "mention", "quote"])
    _reply(app, callum, thread, "Quietly.")
    run_jobs()
    assert _rows(app, isla) == []


def test_a_reply_to_me_in_a_thread_i_watch_tells_me_once(app, people, run_jobs):
    rhona, callum, isla, thread = people
    _watch(app, rhona, thread=thread)  # she started it, and watches it
    post_id = _reply(app, callum, thread, "A reply to Rhona, and a mention of @Isla.")
    _watch(app, isla, thread=thread)
    run_jobs()
    assert [(n.kind, n.post_id) for n in _rows(app, rhona)] == [("reply", post_id)]
    assert [(n.kind, n.post_id) for n in _rows(app, isla)] == [("mention", post_id)]


def test_a_post_hidden_before_the_job_runs_tells_nobody(app, people, run_jobs):
    _rhona, callum, isla, thread = people
    _watch(app, isla, thread=thread)
    post_id = _reply(app, callum, thread, "Something unkind.")
    with app.app_context():
        db.session.get(Post, post_id).hidden_at = utcnow()
        db.session.commit()
    run_jobs()
    assert _rows(app, isla) == []


def test_a_post_hidden_after_the_job_ran_is_no_longer_shown_or_counted(app, people, run_jobs):
    _rhona, callum, isla, thread = people
    _watch(app, isla, thread=thread)
    post_id = _reply(app, callum, thread, "Something unkind.")
    run_jobs()
    with app.test_request_context():
        assert inbox.unread_count(db.session.get(Member, isla.id)) == 1
    with app.app_context():
        db.session.get(Post, post_id).hidden_at = utcnow()
        db.session.commit()
    with app.test_request_context():
        assert inbox.unread_count(db.session.get(Member, isla.id)) == 0


def test_a_held_reply_tells_watchers_only_once_approved(app, people, run_jobs):
    _rhona, callum, isla, thread = people
    _watch(app, isla, thread=thread)
    with app.test_request_context():
        post_id = factories.reply(callum, thread.id, "Held for a while.").id
        db.session.execute(sa.update(Post).where(Post.id == post_id).values(held_at=utcnow()))
        db.session.commit()
    run_jobs()
    assert _rows(app, isla) == []
    with app.test_request_context():
        db.session.execute(sa.update(Post).where(Post.id == post_id).values(held_at=None))
        db.session.commit()
        watching.notify_watchers(post_id)
    assert len(_rows(app, isla)) == 1


def test_the_job_rings_each_watchers_bell(app, people, run_jobs, monkeypatch):
    _rhona, callum, isla, thread = people
    _watch(app, isla, thread=thread)
    _reply(app, callum, thread, "Ring.")
    published = []
    broker = app.extensions["live"]
    monkeypatch.setattr(broker, "publish", lambda topic, name: published.append((topic, name)))
    run_jobs()
    assert (f"notifications:{isla.id}", f"notifications-{isla.id}") in published


# --- muted ----------------------------------------------------------------------------------


def test_a_muted_thread_tells_me_nothing_not_even_replies_or_mentions(app, people, run_jobs):
    rhona, callum, _isla, thread = people
    _watch(app, rhona, "muted", thread=thread)
    _reply(app, callum, thread, "A reply to you, @Rhona, quoting nobody.")
    run_jobs()
    assert _rows(app, rhona) == []


def test_a_muted_forum_silences_its_threads_unless_a_thread_has_its_own_level(
    app, people, run_jobs
):
    _rhona, callum, isla, thread = people
    _watch(app, isla, "muted", forum_id=_forum_id(app))
    _reply(app, callum, thread, "Not heard by @Isla.")
    run_jobs()
    assert _rows(app, isla) == []
    _watch(app, isla, "watching", thread=thread)
    heard = _reply(app, callum, thread, "Heard by @Isla.")
    run_jobs()
    assert [(n.kind, n.post_id) for n in _rows(app, isla)] == [("mention", heard)]


def test_a_thread_i_posted_in_keeps_its_tracking_when_i_mute_its_forum(app, people, run_jobs):
    """Posting gave the thread a level of its own (tracking), which wins over the forum's."""
    rhona, callum, _isla, thread = people
    _watch(app, rhona, "muted", forum_id=_forum_id(app))
    post_id = _reply(app, callum, thread, "Still a reply to Rhona.")
    assert [(n.kind, n.post_id) for n in _rows(app, rhona)] == [("reply", post_id)]


# --- tracking and the default -----------------------------------------------------------------


def test_starting_and_replying_track_a_thread_by_default(app, people):
    rhona, callum, _isla, thread = people
    assert _level(app, rhona, thread) == WatchLevel.TRACKING
    _reply(app, callum, thread, "Joining in.")
    assert _level(app, callum, thread) == WatchLevel.TRACKING


def test_replying_keeps_a_level_i_chose(app, people):
    _rhona, callum, isla, thread = people
    _watch(app, callum, "muted", thread=thread)
    _reply(app, callum, thread, "Still muted for me.")
    assert _level(app, callum, thread) == WatchLevel.MUTED
    _watch(app, isla, forum_id=_forum_id(app))  # watching the forum: not lowered to tracking
    _reply(app, isla, thread, "Watching the forum.")
    assert _level(app, isla, thread) is None


def test_do_nothing_when_posting_is_a_choice_under_account_notifications(app, people, new_client):
    _rhona, callum, _isla, thread = people
    client = sign_in_as(new_client(), callum)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "When I start or reply to a thread" in page
    assert 'value="track" checked' in page
    response = client.submit("/account/notifications/watching", {"track_on_post": "nothing"})
    assert response.status_code == 302
    assert 'value="nothing" checked' in client.get("/account/notifications").get_data(as_text=True)
    with app.app_context():
        callum = db.session.get(Member, callum.id)
        db.session.expunge(callum)
    _reply(app, callum, thread, "Just passing.")
    assert _level(app, callum, thread) is None


def test_a_tracked_thread_counts_its_new_posts_in_the_list_and_tells_nothing(
    app, people, new_client, run_jobs
):
    rhona, callum, isla, thread = people
    client = sign_in_as(new_client(), rhona)
    client.get(f"/threads/{thread.id}?page=1")  # read up to the end
    _reply(app, callum, thread, "One.")
    _reply(app, isla, thread, "Two.")
    run_jobs()
    assert _rows(app, rhona, "watched") == []
    page = client.get("/forums/introductions").get_data(as_text=True)
    assert re.search(r'tag-new">2 new<span class="visually-hidden"> posts</span>', page)


def test_a_muted_thread_or_forum_leaves_the_forum_index_unread_count(app, people, new_client):
    rhona, callum, _isla, thread = people
    client = sign_in_as(new_client(), rhona)
    client.get(f"/threads/{thread.id}?page=1")  # read up to the end
    with app.app_context():
        other = factories.thread(callum, title="Funding peer roles")
    _reply(app, callum, thread, "News.")

    def unread() -> int:
        with app.test_request_context():
            me = db.session.get(Member, rhona.id)
            return {s.forum.id: s.unread for s in listing.forum_index(me)}[_forum_id(app)]

    assert unread() == 2
    _watch(app, rhona, "muted", thread=thread)
    assert unread() == 1
    _watch(app, rhona, "muted", forum_id=_forum_id(app))
    assert unread() == 0
    _watch(app, rhona, "watching", thread=other)  # a thread's own level wins over its forum's
    assert unread() == 1


# --- the controls -------------------------------------------------------------------------------


def test_the_thread_page_offers_the_four_levels_and_saves_one_without_javascript(
    app, people, new_client
):
    _rhona, _callum, isla, thread = people
    client = sign_in_as(new_client(), isla)
    page = client.get(f"/threads/{thread.id}?page=1").get_data(as_text=True)
    assert "<legend>Notifications for this thread</legend>" in page
    for label in ("Watching", "Tracking", "Normal", "Muted"):
        assert f"<strong>{label}</strong>" in page
    assert "not even mentions or replies to you" in page
    assert re.search(r'value="normal" checked', page)
    response = client.submit(f"/threads/{thread.id}/watch", {"level": "watching"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/threads/{thread.id}")
    assert _level(app, isla, thread) == WatchLevel.WATCHING
    page = client.get(f"/threads/{thread.id}?page=1").get_data(as_text=True)
    assert re.search(r'value="watching" checked', page)


def test_htmx_gets_the_form_back_as_saved(app, people, new_client):
    _rhona, _callum, isla, thread = people
    client = sign_in_as(new_client(), isla)
    response = client.submit(f"/threads/{thread.id}/watch", {"level": "muted"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<form id="watch-thread"')
    assert 'value="muted" checked' in body and "Saved: Muted." in body
    assert "HX-Request" in response.headers["Vary"]


def test_the_forum_page_offers_the_levels_for_the_forum(app, people, new_client):
    _rhona, _callum, isla, thread = people
    client = sign_in_as(new_client(), isla)
    page = client.get("/forums/introductions").get_data(as_text=True)
    assert "<legend>Notifications for this forum</legend>" in page
    assert client.submit("/forums/introductions/watch", {"level": "tracking"}).status_code == 302
    with app.app_context():
        assert watching.forum_level(isla, _forum_id(app)) == WatchLevel.TRACKING
    page = client.get(f"/threads/{thread.id}?page=1").get_data(as_text=True)
    assert re.search(r'value="tracking" checked', page)
    assert "follows your choice for its forum" in page


def test_choosing_needs_the_session_token_a_real_level_and_a_visible_thread(
    app, people, new_client
):
    _rhona, _callum, isla, thread = people
    client = sign_in_as(new_client(), isla)
    assert client.post(f"/threads/{thread.id}/watch", data={"level": "muted"}).status_code == 400
    assert client.submit(f"/threads/{thread.id}/watch", {"level": "loud"}).status_code == 422
    assert client.submit("/threads/99999/watch", {"level": "muted"}).status_code == 404
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        far = factories.member(display_name="Far", region_name="Highland")
        hidden = factories.thread(far, "highland", title="Highland only")
    assert client.submit(f"/threads/{hidden.id}/watch", {"level": "muted"}).status_code == 404
    assert client.submit("/forums/highland/watch", {"level": "muted"}).status_code == 404
    assert _level(app, isla, thread) is None


def test_account_notifications_lists_what_i_follow_and_changes_it(app, people, new_client):
    _rhona, _callum, isla, thread = people
    _watch(app, isla, thread=thread)
    _watch(app, isla, "muted", forum_id=_forum_id(app))
    client = sign_in_as(new_client(), isla)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Supervision: what does good look like?" in page and "Introductions" in page
    assert "New posts in threads and forums I watch" in page
    response = client.submit(
        f"/threads/{thread.id}/watch", {"level": "tracking", "back": "account"}
    )
    assert response.headers["Location"].endswith("/account/notifications")
    assert _level(app, isla, thread) == WatchLevel.TRACKING


def test_the_account_page_leaves_out_what_i_can_no_longer_see(app, new_client):
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        rhona = factories.member(display_name="Rhona", region_name="Highland")
        thread = factories.thread(rhona, "highland", title="Our region's meet-up")
        db.session.get(Member, rhona.id).region_id = factories.region("Lothian").id
        db.session.commit()
    page = sign_in_as(new_client(), rhona).get("/account/notifications").get_data(as_text=True)
    assert "Our region" not in page and thread.id


# --- cost ---------------------------------------------------------------------------------------


def _many_watchers(app, thread, count: int) -> None:
    with app.app_context():
        forum_id = db.session.get(Thread, thread.id).forum_id
        region_id = factories.region("Lothian").id
        first = db.session.scalar(sa.select(sa.func.max(Member.id))) or 0
        db.session.execute(
            sa.insert(Member),
            [{"email": f"watcher{first + n}@example.org", "display_name": f"Watcher {first + n}",
              "password_hash": "x", "region_id": region_id, "organisation": "", "reason": "",
              "status": MemberStatus.ACTIVE}
             for n in range(count)],
        )  # fmt: skip
        ids = db.session.scalars(sa.select(Member.id).where(Member.id > first)).all()
        db.session.execute(
            sa.insert(Watch),
            [{"member_id": i, "thread_id": thread.id, "level": WatchLevel.WATCHING,
              "chosen_at": utcnow()} for i in ids],
        )  # fmt: skip
        db.session.commit()
        assert forum_id


def test_a_reply_to_a_thread_with_200_watchers_runs_as_few_statements_as_with_one(
    app, people, new_client, count_queries, run_jobs, monkeypatch
):
    _rhona, callum, isla, thread = people
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    client = sign_in_as(new_client(), callum)

    def reply(text):
        with count_queries() as statements:
            response = client.submit(f"/threads/{thread.id}/reply", {"body": text, "after": "0"})
        assert response.status_code == 302
        return len(statements)

    reply("A first reply, to warm up.")
    _watch(app, isla, thread=thread)
    one = reply("With one watcher.")
    _many_watchers(app, thread, 200)
    many = reply("With two hundred and one watchers.")
    print("statements for a reply to a watched thread:", one, many)
    assert many == one <= 30
    assert run_jobs() >= 2
    with app.app_context():
        told = db.session.scalar(
            sa.select(sa.func.count()).select_from(Notification).where(
                Notification.kind == "watched")
        )  # fmt: skip
    assert told == 3 * 201  # the jobs ran last, when all three replies had 201 watchers


def test_the_fan_out_job_runs_a_fixed_number_of_statements(app, people, count_queries, run_jobs):
    _rhona, callum, isla, thread = people
    _watch(app, isla, thread=thread)
    few_post = _reply(app, callum, thread, "For one watcher.")
    with app.test_request_context(), count_queries() as few:
        assert watching.notify_watchers(few_post) == 1
    _many_watchers(app, thread, 300)
    many_post = _reply(app, callum, thread, "For three hundred and one.")
    with app.test_request_context(), count_queries() as many:
        assert watching.notify_watchers(many_post) == 301
    assert len(few) == len(many) <= 3, many


# --- my application's decision ------------------------------------------------------------------


def test_an_approved_applicant_finds_a_welcome_under_the_bell(app, moderator_client, new_client):
    with app.app_context():
        priya = factories.member(display_name="Priya", status="pending")
    response = moderator_client.submit(
        f"/moderation/applications/{priya.id}/approve", {"message": "Welcome!"}
    )
    assert response.status_code in (200, 302)
    assert [n.kind for n in _rows(app, priya)] == ["application"]
    with app.app_context():
        priya = db.session.get(Member, priya.id)
        db.session.expunge(priya)
    page = sign_in_as(new_client(), priya).get("/notifications").get_data(as_text=True)
    assert "Welcome: your application was approved" in page


def test_a_turned_down_applicant_gets_no_notification(app, moderator_client):
    with app.app_context():
        priya = factories.member(display_name="Priya", status="pending")
    moderator_client.submit(f"/moderation/applications/{priya.id}/reject", {"message": "Sorry."})
    assert _rows(app, priya) == []


def test_my_data_export_lists_what_i_follow(app, people):
    rhona, _callum, _isla, thread = people
    with app.test_request_context():
        followed = export.collect(rhona.id)["watching"]
    assert [(w["thread_id"], w["level"]) for w in followed] == [(thread.id, "tracking")]


# --- @name autocomplete ---------------------------------------------------------------------------


def _options(client, thread_id, typed) -> tuple[int, str]:
    response = client.get(f"/threads/{thread_id}/mentionable", query_string={"q": typed})
    return response.status_code, response.get_data(as_text=True)


def test_autocomplete_offers_members_whose_name_starts_with_what_was_typed(app, people, new_client):
    _rhona, callum, _isla, thread = people
    with app.app_context():
        factories.member(display_name="Rhona Ross", email="rhona.ross@example.org")
        factories.member(display_name="Ruairidh")
    status, html = _options(sign_in_as(new_client(), callum), thread.id, "rh")
    assert status == 200
    assert re.findall(r'data-handle="([^"]+)"', html) == ["Rhona", "Rhona_Ross"]
    assert 'role="option"' in html and "@example.org" not in html
    assert (
        _options(sign_in_as(new_client(), callum), thread.id, "@Rhona_R")[1].count('role="option"')
        == 1
    )


def test_autocomplete_leaves_out_the_writer_muted_and_inactive_members(app, people, new_client):
    _rhona, callum, _isla, thread = people
    with app.app_context():
        factories.member(display_name="Callum Gone", status="suspended")
        factories.member(display_name="Callum Waiting", status="pending")
        loud = factories.member(display_name="Callum Loud")
    client = sign_in_as(new_client(), callum)
    with app.test_request_context():
        mutes.mute(db.session.get(Member, callum.id), loud.id)
    assert 'role="option"' not in _options(client, thread.id, "Callum")[1]


def test_autocomplete_offers_only_members_who_can_see_the_forum(app, new_client):
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        writer = factories.member(display_name="Morven", region_name="Highland")
        factories.member(display_name="Mairi", region_name="Highland")
        factories.member(display_name="Malcolm", region_name="Lothian")
        thread = factories.thread(writer, "highland", title="Our region's meet-up")
    names = re.findall(r'data-handle="([^"]+)"', _options(sign_in_as(new_client(), writer),
                                                          thread.id, "M")[1])  # fmt: skip
    assert names == ["Mairi"]


def test_autocomplete_is_only_for_readers_of_the_thread(app, people, new_client, client):
    _rhona, _callum, _isla, thread = people
    assert client.get(f"/threads/{thread.id}/mentionable?q=r").status_code == 302  # signed out
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        far = factories.member(display_name="Far", region_name="Highland")
        hidden = factories.thread(far, "highland", title="Highland only")
        lothian = factories.member(display_name="Lothian reader")
    assert _options(sign_in_as(new_client(), lothian), hidden.id, "F")[0] == 404


def test_autocomplete_offers_at_most_eight_and_escapes_names(app, people, new_client):
    _rhona, callum, _isla, thread = people
    with app.app_context():
        for n in range(12):
            factories.member(display_name=f"Ann {n:02d}")
        factories.member(display_name='Ann <b>"bold"</b>')
        factories.member(display_name="100%_sure")
    client = sign_in_as(new_client(), callum)
    html = _options(client, thread.id, "Ann")[1]
    assert html.count('role="option"') == 8
    html = _options(client, thread.id, "Ann <")[1]
    assert "<b>" not in html and "Ann &lt;b&gt;&#34;bold&#34;&lt;/b&gt;" in html
    assert _options(client, thread.id, "%")[1].count('role="option"') == 0  # not a wildcard
    assert _options(client, thread.id, "")[1].strip() == ""
    assert _options(client, thread.id, "x" * 500)[0] == 200


def test_the_reply_box_asks_for_names_only_with_javascript(app, people, new_client):
    _rhona, callum, _isla, thread = people
    page = (
        sign_in_as(new_client(), callum).get(f"/threads/{thread.id}?page=1").get_data(as_text=True)
    )
    assert f'data-mention-url="/threads/{thread.id}/mentionable"' in page
    assert "js/mentions.js" in page


def test_a_muted_thread_or_forum_is_left_out_of_my_digest(app, people):
    _rhona, callum, isla, thread = people
    with app.app_context():
        other = factories.thread(callum, title="Funding peer roles")
    _reply(app, callum, thread, "News in the muted thread.")
    since = utcnow() - timedelta(hours=1)

    def titles():
        with app.test_request_context():
            return {i.title for i in digest.new_in_forums(db.session.get(Member, isla.id), since)}

    assert titles() == {"Supervision: what does good look like?", "Funding peer roles"}
    _watch(app, isla, "muted", thread=thread)
    assert titles() == {"Funding peer roles"}
    _watch(app, isla, "muted", forum_id=_forum_id(app))
    assert titles() == set() and other.id
