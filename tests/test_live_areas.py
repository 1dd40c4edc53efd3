"""Live updates in the forums and the ideas clinic: each action announces exactly what changed,
only once it is saved, and only to the members who may see it; the parts the pages refetch
check access like any page, and catching up sends back only what changed.

The network here: Highland's forum (and so its ideas) is for Highland members only. Isla lives
in Highland, Ahmed in Lothian, Kenny moderates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Member, Post, Thread
from forum.services import posting
from forum.services.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forum.services.forums import threads
from forum.services.ideas import board, voting
from forum.services.ideas import comments as idea_comments
from forum.services.ideas import moderation as idea_moderation
from forum.services.live import events as live_events
from tests import factories
from tests.conftest import clean_database, sign_in_as
from tests.test_live import Stream


@dataclass
class Network:
    ahmed: Member  # Lothian
    isla: Member  # Highland
    kenny: Member  # moderator
    forum_id: int  # Introductions, national
    highland_forum_id: int  # Highland only
    thread_id: int  # in Introductions
    secret_thread_id: int  # in Highland's forum
    idea_id: int  # national
    highland_idea_id: int
    lothian_idea_id: int  # Lothian's forum is open to all: so are its ideas


@pytest.fixture
def app(make_app):
    app = make_app(LIVE_HEARTBEAT_SECONDS=0.05, RATELIMIT_ENABLED=False)
    with app.app_context():
        clean_database()
        factories.network()
    return app


@pytest.fixture
def net(app) -> Network:
    with app.test_request_context():
        ahmed = factories.member(display_name="Ahmed", region_name="Lothian")
        isla = factories.member(display_name="Isla", region_name="Highland")
        kenny = factories.member(display_name="Kenny", role="moderator")
        forum = factories.forum("Introductions")
        highland = factories.forum(region_name="Highland", audience="region")
        thread = factories.thread(isla, title="Hello all", replies=[(ahmed, "Welcome, Isla!")])
        secret = factories.thread(isla, highland.slug, title="Inverness meet-up")
        return Network(
            ahmed, isla, kenny, forum.id, highland.id, thread.id, secret.id,
            factories.idea(ahmed, "Speakers at every event").id,
            factories.idea(isla, "Gathering in Inverness", region_name="Highland").id,
            factories.idea(ahmed, "Walk in the Pentlands", region_name="Lothian").id,
        )  # fmt: skip


def listen(app, *topics):
    """What the broker carries on ``topics`` from now on, as (topic, event) pairs."""
    subscription, _ = live_events.broker(app).subscribe(frozenset(topics))

    def heard() -> list[tuple[str, str]]:
        events = []
        while (event := subscription.get(0.05)) is not None:
            events.append((event.topic, event.name))
        return events

    return heard


ALL_BOARDS = ("ideas", "ideas:all")


def board_topics(app) -> tuple[str, ...]:
    with app.app_context():
        return (
            *ALL_BOARDS,
            *(f"ideas:{r}" for r in db.session.scalars(sa.text("SELECT id FROM regions"))),
        )


def _first_post(app, thread_id: int) -> int:
    with app.app_context():
        return db.session.get(Thread, thread_id).first_post_id


def _last_post(app, thread_id: int) -> int:
    with app.app_context():
        return db.session.get(Thread, thread_id).last_post_id


# --- forums: what each action announces ------------------------------------------------------


def test_a_reply_is_announced_on_its_thread_and_its_forum(app, net):
    heard = listen(app, f"thread:{net.thread_id}", f"forum:{net.forum_id}")
    with app.test_request_context():
        threads.reply(net.ahmed, net.thread_id, body="See you there")
    assert heard() == [
        (f"thread:{net.thread_id}", f"thread-{net.thread_id}"),
        (f"forum:{net.forum_id}", f"forum-{net.forum_id}"),
    ]


def test_a_new_thread_is_announced_on_its_forum(app, net):
    heard = listen(app, f"forum:{net.forum_id}")
    with app.test_request_context():
        threads.start_thread(net.ahmed, "introductions", title="Hi from Leith", body="Hello!")
    assert heard() == [(f"forum:{net.forum_id}", f"forum-{net.forum_id}")]


def test_an_edit_refreshes_the_post_and_an_opening_post_its_row_too(app, net):
    reply_id = _last_post(app, net.thread_id)
    opening_id = _first_post(app, net.thread_id)
    heard = listen(app, f"thread:{net.thread_id}", f"forum:{net.forum_id}")
    with app.test_request_context():
        threads.edit_post(net.ahmed, reply_id, body="Welcome, Isla! Glad you came.")
        threads.edit_post(net.ahmed, reply_id, body="Welcome, Isla! Glad you came.")  # same
        threads.edit_post(net.isla, opening_id, body="Hello everyone", title="Hello, all")
    assert heard() == [
        (f"thread:{net.thread_id}", f"post-{reply_id}"),
        (f"thread:{net.thread_id}", f"post-{opening_id}"),
        (f"forum:{net.forum_id}", f"row-{net.thread_id}"),
    ]


def test_removing_a_post_refreshes_it(app, net):
    reply_id = _last_post(app, net.thread_id)
    heard = listen(app, f"thread:{net.thread_id}", f"forum:{net.forum_id}")
    with app.test_request_context():
        threads.delete_post(net.ahmed, reply_id)
        threads.delete_post(net.ahmed, reply_id)  # already removed: nothing new
    assert heard() == [(f"thread:{net.thread_id}", f"post-{reply_id}")]


def test_refused_writing_announces_nothing(app, net):
    reply_id = _last_post(app, net.thread_id)
    heard = listen(app, f"thread:{net.thread_id}", f"forum:{net.forum_id}")
    with app.test_request_context():
        refusals = [
            lambda: threads.reply(net.ahmed, net.thread_id, body="   "),
            lambda: threads.reply(net.ahmed, net.thread_id, body="Welcome, Isla!"),  # twice
            lambda: threads.reply(net.ahmed, net.secret_thread_id, body="Can I come?"),
            lambda: threads.start_thread(net.ahmed, "introductions", title="Hi", body="x"),
            lambda: threads.edit_post(net.isla, reply_id, body="Not mine to change"),
            lambda: threads.delete_post(net.isla, reply_id),
        ]
        for refused in refusals:
            with pytest.raises((ValidationFailed, NotFound, NotAllowed)):
                refused()
            db.session.rollback()
        db.session.execute(sa.update(Thread).values(locked=True))
        db.session.commit()
        with pytest.raises(threads.Closed):
            threads.reply(net.ahmed, net.thread_id, body="Locked out")
    assert heard() == []


def test_a_reply_whose_transaction_fails_is_not_announced(app, net, monkeypatch):
    heard = listen(app, f"thread:{net.thread_id}", f"forum:{net.forum_id}")

    def failing_commit():
        raise sa.exc.OperationalError("COMMIT", {}, Exception("database is locked"))

    with app.test_request_context():
        monkeypatch.setattr(db.session, "commit", failing_commit)
        with pytest.raises(sa.exc.OperationalError):
            threads.reply(net.ahmed, net.thread_id, body="This never arrives")
        monkeypatch.undo()
        db.session.rollback()
        db.session.commit()  # a later commit does not send what was rolled back
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 3
    assert heard() == []


def test_nothing_is_announced_before_the_commit(app, net, monkeypatch):
    """When the event goes out, the reply is already there for whoever fetches it."""
    seen_by_fetch = []
    real_publish = live_events.broker(app).publish

    def publish(topic, name):
        with app.app_context():  # another connection, as the fetching page would have
            seen_by_fetch.append(db.session.scalar(sa.select(sa.func.count()).select_from(Post)))
        return real_publish(topic, name)

    monkeypatch.setattr(live_events.broker(app), "publish", publish)
    with app.test_request_context():
        threads.reply(net.ahmed, net.thread_id, body="Already saved when announced")
    assert seen_by_fetch == [4, 4, 4]  # the thread, its forum, and its author's bell


# --- ideas: what each action announces -------------------------------------------------------


def test_a_vote_is_announced_on_the_idea_and_its_card_on_the_board(app, net):
    heard = listen(app, f"idea:{net.idea_id}", *board_topics(app))
    with app.test_request_context():
        voting.set_vote(net.isla, net.idea_id, True)
        voting.set_vote(net.isla, net.idea_id, True)  # again: nothing changes
        voting.set_vote(net.isla, net.idea_id, False)
    change = [
        (f"idea:{net.idea_id}", f"idea-{net.idea_id}-votes"),
        ("ideas", f"card-{net.idea_id}"),
    ]
    assert heard() == change * 2


def test_events_about_a_kept_regions_idea_travel_only_to_that_region_and_moderators(app, net):
    heard = listen(app, f"idea:{net.highland_idea_id}", *board_topics(app))
    with app.app_context():
        highland = factories.region("Highland").id
    with app.test_request_context():
        voting.set_vote(net.kenny, net.highland_idea_id, True)
        board.submit(
            net.isla, title="A ceilidh in Fort William", description="Music.", region_id=highland
        )
    kept = (f"ideas:{highland}", "ideas:all")
    assert heard() == [
        (f"idea:{net.highland_idea_id}", f"idea-{net.highland_idea_id}-votes"),
        *[(topic, f"card-{net.highland_idea_id}") for topic in kept],
        *[(topic, "ideas-new") for topic in kept],
    ]


def test_ideas_everyone_may_see_are_announced_to_every_board(app, net):
    heard = listen(app, *board_topics(app))
    with app.app_context():
        lothian = factories.region("Lothian").id
    with app.test_request_context():
        board.submit(net.ahmed, title="Peer supervision circles", description="Monthly.")
        board.submit(net.ahmed, title="A Lothian walk", description="Hills.", region_id=lothian)
    assert heard() == [("ideas", "ideas-new"), ("ideas", "ideas-new")]


def test_comments_announce_the_list_the_count_and_the_comment(app, net):
    heard = listen(app, f"idea:{net.idea_id}", *board_topics(app))
    with app.test_request_context():
        c = idea_comments.add(net.isla, net.idea_id, "Yes please").id
        idea_comments.edit(net.isla, c, "Yes please, soon")
        idea_comments.remove(net.isla, c)
    topic, i = f"idea:{net.idea_id}", net.idea_id
    assert heard() == [
        (topic, f"idea-{i}-comments"), ("ideas", f"card-{i}"),
        (topic, f"comment-{c}"),
        (topic, f"idea-{i}-comments"), ("ideas", f"card-{i}"), (topic, f"comment-{c}"),
    ]  # fmt: skip


def test_a_status_change_is_announced_and_a_refused_one_is_not(app, net):
    heard = listen(app, f"idea:{net.idea_id}", *board_topics(app))
    with app.test_request_context():
        idea_moderation.change_status(net.kenny, net.idea_id, "planned", "In the spring.")
        with pytest.raises(ValidationFailed):
            idea_moderation.change_status(net.kenny, net.idea_id, "planned")
        with pytest.raises(NotAllowed):
            idea_moderation.change_status(net.ahmed, net.idea_id, "done")
    assert heard() == [
        (f"idea:{net.idea_id}", f"idea-{net.idea_id}-status"),
        ("ideas", f"card-{net.idea_id}"),
    ]


def test_a_merge_tells_the_duplicates_page_and_the_other_idea(app, net):
    dup, target = net.lothian_idea_id, net.idea_id
    heard = listen(app, f"idea:{dup}", f"idea:{target}", *board_topics(app))
    with app.test_request_context():
        with pytest.raises(ValidationFailed):
            idea_moderation.merge(net.kenny, dup, 9999)
        db.session.rollback()
        idea_moderation.merge(net.kenny, dup, target)
        with pytest.raises(Conflict):
            idea_moderation.merge(net.kenny, dup, target)
    assert heard() == [
        (f"idea:{dup}", f"idea-{dup}-status"), ("ideas", f"card-{dup}"),
        (f"idea:{target}", f"idea-{target}-votes"), (f"idea:{target}", f"idea-{target}-comments"),
        ("ideas", f"card-{target}"),
    ]  # fmt: skip


def test_refused_votes_and_comments_announce_nothing(app, net):
    heard = listen(app, f"idea:{net.idea_id}", f"idea:{net.highland_idea_id}", *board_topics(app))
    with app.test_request_context():
        idea_moderation.change_status(net.kenny, net.idea_id, "done")
    heard()
    with app.test_request_context():
        for refused in (
            lambda: voting.set_vote(net.isla, net.idea_id, True),  # done: votes closed
            lambda: voting.set_vote(net.ahmed, net.highland_idea_id, True),  # not for Ahmed
            lambda: idea_comments.add(net.isla, net.idea_id, ""),
            lambda: idea_comments.add(net.ahmed, net.highland_idea_id, "Can I come?"),
            lambda: board.submit(net.ahmed, title="Hi", description=""),
        ):
            with pytest.raises((ValidationFailed, NotFound, NotAllowed, posting.RateLimited)):
                refused()
            db.session.rollback()
    assert heard() == []


# --- who may hear which topic ----------------------------------------------------------------


def _may(app, person, topic) -> bool:
    with app.app_context():
        return live_events.may_subscribe(person, topic)


def test_topics_follow_the_same_rule_as_the_pages(app, net):
    with app.app_context():
        highland, lothian = factories.region("Highland").id, factories.region("Lothian").id
        suspended = factories.member(status="suspended", region_name="Highland")
        pending = factories.member(status="pending", region_name="Highland")
    topics = {
        "open thread": f"thread:{net.thread_id}",
        "Highland thread": f"thread:{net.secret_thread_id}",
        "open forum": f"forum:{net.forum_id}",
        "Highland forum": f"forum:{net.highland_forum_id}",
        "national idea": f"idea:{net.idea_id}",
        "Highland idea": f"idea:{net.highland_idea_id}",
        "board": "ideas",
        "Highland's board": f"ideas:{highland}",
        "Lothian's board": f"ideas:{lothian}",
        "moderators' board": "ideas:all",
    }
    people = {"Ahmed": net.ahmed, "Isla": net.isla, "Kenny": net.kenny,
              "suspended": suspended, "pending": pending}  # fmt: skip
    may = {
        who: {name for name, t in topics.items() if _may(app, p, t)} for who, p in people.items()
    }
    everyone = {"open thread", "open forum", "national idea", "board", "Lothian's board"}
    highland_only = {"Highland thread", "Highland forum", "Highland idea", "Highland's board"}
    assert may == {
        "Ahmed": everyone,
        "Isla": everyone | highland_only,
        "Kenny": everyone | highland_only | {"moderators' board"},
        "suspended": set(),
        "pending": set(),
    }


@pytest.mark.parametrize(
    "topic", ["thread:abc", "thread:99999", "forum:99999", "idea:99999", "ideas:x", "idea:1-2"]
)
def test_topics_about_nothing_are_refused(app, net, topic):
    assert not _may(app, net.kenny, topic)


def test_a_member_hears_nothing_from_a_forum_they_cannot_see_even_when_asking(app, net, new_client):
    """Ahmed's stream asks for Highland's thread, forum, idea and board: it carries none of it."""
    with app.app_context():
        highland = factories.region("Highland").id
    client = sign_in_as(new_client(), net.ahmed)
    asked = [f"thread:{net.secret_thread_id}", f"forum:{net.highland_forum_id}",
             f"idea:{net.highland_idea_id}", f"ideas:{highland}", "ideas:all",
             f"thread:{net.thread_id}"]  # fmt: skip
    stream = Stream(client.get("/live?" + "&".join(f"topic={t}" for t in asked)))
    stream.read()
    with app.test_request_context():
        threads.reply(net.isla, net.secret_thread_id, body="Saturday at ten")
        opening = _first_post(app, net.secret_thread_id)
        threads.edit_post(net.isla, opening, body="Changed", title="Inverness meet-up!")
        threads.start_thread(net.isla, "highland", title="Another secret", body="Shh")
        voting.set_vote(net.isla, net.highland_idea_id, False)
        idea_comments.add(net.isla, net.highland_idea_id, "Bring boots")
        board.submit(
            net.isla, title="Highland only idea", description="Just us.", region_id=highland
        )
        threads.reply(net.isla, net.thread_id, body="And here, for everyone")
    names = stream.names(12)
    stream.close()
    assert names == [f"thread-{net.thread_id}"]


def test_a_stream_asked_only_for_hidden_topics_closes_at_once(app, net, new_client):
    client = sign_in_as(new_client(), net.ahmed)
    stream = Stream(client.get(f"/live?topic=thread:{net.secret_thread_id}"))
    assert stream.names(2) == ["live-closed"]


def test_a_region_kept_to_its_members_later_stops_the_others_streams(app, net, new_client):
    """Access is checked again when it changes: here, at the next periodic check."""
    with app.app_context():
        lothian = factories.forum(region_name="Lothian")  # open to all for now
        thread = factories.thread(net.ahmed, lothian.slug, title="Edinburgh coffee")
    client = sign_in_as(new_client(), net.isla)
    with app.app_context():
        assert live_events.may_subscribe(net.isla, f"thread:{thread.id}")
        factories.forum(region_name="Lothian", audience="region")
        assert not live_events.may_subscribe(net.isla, f"thread:{thread.id}")
    stream = Stream(client.get(f"/live?topic=thread:{thread.id}"))
    assert stream.names(2) == ["live-closed"]


# --- pages: which topics they follow ---------------------------------------------------------


def _stream_url(html: str) -> str:
    match = re.search(r'sse-connect="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else ""


def test_pages_follow_their_topics(app, net, new_client):
    with app.app_context():
        highland = factories.region("Highland").id
    ahmed, isla = sign_in_as(new_client(), net.ahmed), sign_in_as(new_client(), net.isla)
    kenny = sign_in_as(new_client(), net.kenny)
    thread_page = ahmed.get(f"/threads/{net.thread_id}?page=1").get_data(as_text=True)
    assert f"topic=thread:{net.thread_id}" in _stream_url(thread_page)
    forum_page = ahmed.get("/forums/introductions").get_data(as_text=True)
    assert f"topic=forum:{net.forum_id}" in _stream_url(forum_page)
    idea_page = ahmed.get(f"/ideas/{net.idea_id}").get_data(as_text=True)
    assert f"topic=idea:{net.idea_id}" in _stream_url(idea_page)
    boards = {
        who: re.findall(r"topic=(ideas[^&]*)", _stream_url(c.get("/ideas/").get_data(as_text=True)))
        for who, c in (("Ahmed", ahmed), ("Isla", isla), ("Kenny", kenny))
    }
    with app.app_context():
        lothian = factories.region("Lothian").id
    assert boards == {
        "Ahmed": ["ideas", f"ideas:{lothian}"],
        "Isla": ["ideas", f"ideas:{highland}"],
        "Kenny": ["ideas", "ideas:all"],
    }


def test_only_the_newest_page_of_a_thread_takes_new_replies(app, net, new_client):
    with app.app_context():
        factories.many_replies(net.thread_id, net.ahmed, 30)
    client = sign_in_as(new_client(), net.ahmed)
    first = client.get(f"/threads/{net.thread_id}?page=1").get_data(as_text=True)
    last = client.get(f"/threads/{net.thread_id}?page=2").get_data(as_text=True)
    assert 'id="posts-incoming"' not in first and 'hx-trigger="live:refresh"' in first
    assert 'id="posts-incoming"' in last and f'hx-trigger="sse:thread-{net.thread_id}' in last
    assert f'data-live-read="/threads/{net.thread_id}/read"' in last


# --- the parts pages fetch: access-checked, and only what changed ----------------------------


def test_a_member_fetches_nothing_from_a_forum_they_cannot_see(app, net, new_client):
    client = sign_in_as(new_client(), net.ahmed)
    secret = _first_post(app, net.secret_thread_id)
    for url in (
        f"/threads/{net.secret_thread_id}/posts?after=0",
        f"/threads/{net.secret_thread_id}/row",
        f"/posts/{secret}",
        "/forums/highland/threads?after=0",
        f"/ideas/{net.highland_idea_id}/card",
        f"/ideas/{net.highland_idea_id}/outcome",
        f"/ideas/{net.highland_idea_id}/comments/new?after=0",
    ):
        response = client.htmx_get(url)
        assert response.status_code == 404, url
        assert "Inverness" not in response.get_data(as_text=True)
    assert client.submit(f"/threads/{net.secret_thread_id}/read", {"up_to": secret},
                         htmx=True).status_code == 404  # fmt: skip


def test_the_board_brings_new_ideas_only_from_regions_the_member_may_see(app, net, new_client):
    client = sign_in_as(new_client(), net.ahmed)
    since = "2000-01-01T00:00:00%2B00:00"
    html = client.htmx_get(f"/ideas/updates?since={since}").get_data(as_text=True)
    assert "Speakers at every event" in html and "Walk in the Pentlands" in html
    assert "Inverness" not in html
    # asking about a hidden idea's card by id: it is "gone", with no content
    html = client.htmx_get(f"/ideas/updates?shown={net.highland_idea_id}:000000000000").get_data(
        as_text=True
    )
    assert html.strip() == f'<li id="idea-item-{net.highland_idea_id}" hx-swap-oob="delete"></li>'


def _shown(html: str) -> list[str]:
    return re.findall(r'name="shown" value="([^"]+)"', html)


def test_catching_up_sends_only_the_posts_that_changed_or_went(app, net, new_client):
    client = sign_in_as(new_client(), net.ahmed)
    page = client.get(f"/threads/{net.thread_id}?page=1").get_data(as_text=True)
    shown = _shown(page)
    opening, reply = _first_post(app, net.thread_id), _last_post(app, net.thread_id)
    assert [s.split(":")[0] for s in shown] == [str(opening), str(reply)]
    url = f"/threads/{net.thread_id}/posts?" + "&".join(f"shown={s}" for s in shown)
    assert "<article" not in client.htmx_get(url).get_data(as_text=True)  # nothing changed
    with app.test_request_context():
        threads.edit_post(net.ahmed, reply, body="Welcome, Isla, and thanks")
    html = client.htmx_get(url + "&shown=99999:000000000000").get_data(as_text=True)
    assert f'<article id="post-{reply}"' in html and "thanks" in html
    assert f'id="post-{opening}"' not in html
    assert '<div id="post-item-99999" hx-swap-oob="delete"></div>' in html


def test_catching_up_on_a_forum_moves_and_refreshes_rows(app, net, new_client):
    client = sign_in_as(new_client(), net.ahmed)
    page = client.get("/forums/introductions").get_data(as_text=True)
    shown = "&".join(f"shown={s}" for s in _shown(page))
    newest = _last_post(app, net.thread_id)
    url = f"/forums/introductions/threads?after={newest}&{shown}"
    assert "<li" not in client.htmx_get(url).get_data(as_text=True)
    with app.test_request_context():
        reply = threads.reply(net.isla, net.thread_id, body="Thanks!").id
    html = client.htmx_get(url).get_data(as_text=True)
    assert f'<li id="thread-{net.thread_id}"' in html and f'data-live-id="{reply}"' in html


def test_comments_catch_up_with_edits_and_the_count(app, net, new_client):
    with app.test_request_context():
        first = idea_comments.add(net.isla, net.idea_id, "First thoughts").id
    client = sign_in_as(new_client(), net.ahmed)
    page = client.get(f"/ideas/{net.idea_id}").get_data(as_text=True)
    shown = "&".join(f"shown={s}" for s in _shown(page) if s.startswith(f"{first}:"))
    with app.test_request_context():
        idea_comments.edit(net.isla, first, "Second thoughts")
        second = idea_comments.add(net.isla, net.idea_id, "And more").id
    url = f"/ideas/{net.idea_id}/comments/new?after={first}&{shown}"
    html = client.htmx_get(url).get_data(as_text=True)
    assert f'<li id="comment-item-{second}" data-live-id="{second}"' in html
    assert f'<article class="comment" id="comment-{first}"' in html and "Second" in html
    assert f'<span id="idea-{net.idea_id}-comment-count" hx-swap-oob="true">2</span>' in html


def test_a_status_change_is_said_once(app, net, new_client):
    client = sign_in_as(new_client(), net.ahmed)
    with app.test_request_context():
        idea_moderation.change_status(net.kenny, net.idea_id, "planned", "In the spring.")
    url = f"/ideas/{net.idea_id}/outcome"
    html = client.htmx_get(url + "?seen=0").get_data(as_text=True)
    assert "Planned: the organisers' response" in html and "In the spring." in html
    assert f'<span id="idea-{net.idea_id}-status" hx-swap-oob="true">' in html
    assert "it is now planned" in html
    seen = re.search(r'name="seen" value="(\d+)"', html).group(1)
    assert "it is now planned" not in client.htmx_get(f"{url}?seen={seen}").get_data(as_text=True)


def test_a_merged_ideas_page_shows_where_it_went(app, net, new_client):
    with app.test_request_context():
        idea_moderation.merge(net.kenny, net.lothian_idea_id, net.idea_id)
    client = sign_in_as(new_client(), net.ahmed)
    html = client.htmx_get(f"/ideas/{net.lothian_idea_id}/outcome?seen=0").get_data(as_text=True)
    assert f'href="/ideas/{net.idea_id}"' in html and "merged into another one" in html


def test_live_parts_answer_cheaply(app, net, new_client, count_queries):
    client = sign_in_as(new_client(), net.ahmed)
    urls = {  # the member and the settings, then:
        f"/ideas/{net.idea_id}/card": 5,  # the idea with author and region, its tags, voted
        f"/ideas/{net.idea_id}/outcome?seen=0": 5,  # the idea, its tags, its history
        "/ideas/updates?since=2000-01-01T00:00:00%2B00:00": 7,  # regions, tags, ideas, ...
        f"/threads/{net.thread_id}/row": 4,  # the row, warnings
    }
    for url, budget in urls.items():
        with count_queries() as statements:
            assert client.htmx_get(url).status_code == 200
        assert len(statements) <= budget, (url, statements)
