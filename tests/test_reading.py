"""Reading: pages of posts, opening where one left off, what is new, and partials for htmx."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum import richtext
from forum.extensions import db
from forum.models import Member, Post, ThreadRead
from forum.services import database
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def people(app):
    with app.app_context():
        long_ago = factories.member().created_at - timedelta(days=30)
        writer = factories.member(display_name="Isla", decided_at=long_ago)
        reader = factories.member(display_name="Ahmed", decided_at=long_ago)
        return writer, reader


@pytest.fixture
def long_thread(app, people):
    """A thread of 60 posts (three pages of 25)."""
    writer, _ = people
    with app.app_context():
        thread = factories.thread(writer, title="A long conversation", body="Post 0")
        factories.many_replies(thread.id, writer, 59)
        return thread.id


def _read_position(app, member, thread_id):
    with app.app_context():
        return db.session.scalar(
            sa.select(ThreadRead.last_read_post_id).where(
                ThreadRead.member_id == member.id, ThreadRead.thread_id == thread_id
            )
        )


def _post_ids(app, thread_id):
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Post.id).where(Post.thread_id == thread_id).order_by(Post.id)
            )
        )


def test_thread_pages_hold_25_posts_in_order(app, long_thread, people, new_client):
    client = sign_in_as(new_client(), people[1])
    ids = _post_ids(app, long_thread)
    page = client.get(f"/threads/{long_thread}?page=2").get_data(as_text=True)
    shown = [int(i) for i in __import__("re").findall(r'<article id="post-(\d+)"', page)]
    assert shown == ids[25:50]
    assert 'rel="next"' in page and 'rel="prev"' in page
    assert client.get(f"/threads/{long_thread}?page=4").status_code == 404


def test_a_thread_never_opened_opens_at_the_top(app, long_thread, people, new_client):
    client = sign_in_as(new_client(), people[1])
    response = client.get(f"/threads/{long_thread}")
    assert response.status_code == 200
    assert "Post 0" in response.get_data(as_text=True)


def test_a_thread_read_before_opens_at_the_first_unread_post(app, long_thread, people, new_client):
    reader = people[1]
    client = sign_in_as(new_client(), reader)
    ids = _post_ids(app, long_thread)
    client.get(f"/threads/{long_thread}?page=1")
    assert _read_position(app, reader, long_thread) == ids[24]
    response = client.get(f"/threads/{long_thread}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?page=2#post-{ids[25]}")
    page = client.get(f"/threads/{long_thread}?page=2").get_data(as_text=True)
    assert page.count("post-new") == 25  # all unread, marked new


def test_a_thread_read_to_the_end_opens_at_its_last_post(app, long_thread, people, new_client):
    client = sign_in_as(new_client(), people[1])
    client.get(f"/threads/{long_thread}?page=3")
    last = _post_ids(app, long_thread)[-1]
    assert (
        client.get(f"/threads/{long_thread}").headers["Location"].endswith(f"?page=3#post-{last}")
    )


def test_read_position_only_moves_forward(app, long_thread, people, new_client):
    reader = people[1]
    client = sign_in_as(new_client(), reader)
    client.get(f"/threads/{long_thread}?page=3")
    furthest = _read_position(app, reader, long_thread)
    client.get(f"/threads/{long_thread}?page=1")
    assert _read_position(app, reader, long_thread) == furthest


def test_forum_index_and_forum_page_never_write(long_thread, people, new_client, count_queries):
    client = sign_in_as(new_client(), people[1])
    with count_queries() as statements:
        client.get("/")
        client.get("/forums/introductions")
    verbs = {s.split()[0].upper() for s in statements}
    assert not {"INSERT", "UPDATE", "DELETE"} & verbs, statements


def test_reading_a_thread_writes_one_small_upsert_last_and_only_when_it_moves(
    long_thread, people, new_client, count_queries
):
    client = sign_in_as(new_client(), people[1])

    def statements_of(url):
        with count_queries() as statements:
            client.get(url)
        return [s.split()[0].upper() for s in statements]

    first = statements_of(f"/threads/{long_thread}?page=2")
    assert [s for s in first if s != "SELECT"] == ["INSERT"] and first[-1] == "INSERT"
    again = statements_of(f"/threads/{long_thread}?page=2")
    assert "INSERT" not in again  # nothing new read: nothing written


def test_new_threads_and_new_replies_are_marked_in_the_forum(app, people, new_client):
    writer, reader = people
    with app.app_context():
        seen = factories.thread(writer, title="Seen already")
        fresh = factories.thread(writer, title="Brand new")
    client = sign_in_as(new_client(), reader)
    client.get(f"/threads/{seen.id}")
    page = client.get("/forums/introductions").get_data(as_text=True)
    assert f'id="thread-{fresh.id}" class="thread-row thread-new' in page
    assert f'id="thread-{seen.id}" class="thread-row thread-read' in page
    with app.app_context():
        factories.reply(writer, seen.id, "Something to add")
    page = client.get("/forums/introductions").get_data(as_text=True)
    assert f'id="thread-{seen.id}" class="thread-row thread-updated' in page
    assert "2 with new posts" in client.get("/").get_data(as_text=True)


def test_activity_from_before_one_joined_is_not_new(app, new_client):
    with app.app_context():
        writer = factories.member()
        thread = factories.thread(writer, title="Old news")
        newcomer = factories.member()
    page = sign_in_as(new_client(), newcomer).get("/forums/introductions").get_data(as_text=True)
    assert f'id="thread-{thread.id}" class="thread-row thread-read' in page


def test_pinned_threads_come_first(app, people, new_client):
    writer, reader = people
    with app.app_context():
        pinned = factories.thread(writer, title="House rules for this forum")
        factories.thread(writer, title="Newer chat")
        db.session.execute(sa.text("UPDATE threads SET pinned = :t WHERE id = :i"),
                           {"t": True, "i": pinned.id})  # fmt: skip
        db.session.commit()
    page = sign_in_as(new_client(), reader).get("/forums/introductions").get_data(as_text=True)
    assert page.index("House rules for this forum") < page.index("Newer chat")


def test_posts_after_returns_only_newer_posts_as_a_partial(app, long_thread, people, new_client):
    client = sign_in_as(new_client(), people[1])
    ids = _post_ids(app, long_thread)
    html = client.htmx_get(f"/threads/{long_thread}/posts?after={ids[-3]}").get_data(as_text=True)
    assert "<html" not in html
    assert [f'id="post-{i}"' in html for i in ids[-3:]] == [False, True, True]
    # fetched is not read: they may wait behind "show them" (live updates)
    assert _read_position(app, people[1], long_thread) is None


def test_shown_new_posts_move_the_read_position_forward_only(app, long_thread, people, new_client):
    client = sign_in_as(new_client(), people[1])
    ids = _post_ids(app, long_thread)
    read = f"/threads/{long_thread}/read"
    assert client.submit(read, {"up_to": ids[-2]}, htmx=True).status_code == 204
    assert _read_position(app, people[1], long_thread) == ids[-2]
    client.submit(read, {"up_to": ids[0]}, htmx=True)  # never back
    assert _read_position(app, people[1], long_thread) == ids[-2]
    client.submit(read, {"up_to": ids[-1] + 1000}, htmx=True)  # never past the thread's end
    assert _read_position(app, people[1], long_thread) == ids[-1]


def test_one_post_and_one_thread_row_as_partials(app, long_thread, people, new_client):
    client = sign_in_as(new_client(), people[1])
    first = _post_ids(app, long_thread)[0]
    post = client.htmx_get(f"/posts/{first}").get_data(as_text=True)
    assert post.lstrip().startswith(f'<article id="post-{first}"')
    row = client.get(f"/threads/{long_thread}/row").get_data(as_text=True)
    assert row.lstrip().startswith(f'<li id="thread-{long_thread}"')
    assert client.get(f"/posts/{first}").headers["Location"].endswith(f"#post-{first}")


def test_pages_never_render_markdown_at_request_time(
    app, long_thread, people, new_client, monkeypatch
):
    client = sign_in_as(new_client(), people[1])

    def refuse(_source):
        raise AssertionError("Markdown rendered while showing a page")

    monkeypatch.setattr(richtext, "render", refuse)
    for url in ("/", "/forums/introductions", f"/threads/{long_thread}?page=1",
                f"/threads/{long_thread}/posts?after=0"):  # fmt: skip
        assert client.get(url).status_code == 200, url


def test_thread_page_shows_author_region_role_and_time(app, people, new_client):
    with app.app_context():
        moderator = factories.member(display_name="Kenny", role="moderator", region_name="Highland")
        thread = factories.thread(moderator, title="Hello from the moderators")
    page = sign_in_as(new_client(), people[1]).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert '<h2 class="post-author"' in page and "Kenny</a></h2>" in page  # links to their page
    assert "Highland" in page and '<span class="role-badge">Moderator</span>' in page
    assert '<time datetime="20' in page


def test_member_content_is_wrapped_so_htmx_never_acts_on_it(app, people, new_client):
    with app.app_context():
        thread = factories.thread(people[0], body="[click](https://example.org)")
    page = sign_in_as(new_client(), people[1]).get(f"/threads/{thread.id}").get_data(as_text=True)
    assert '<div class="prose post-body" hx-disable><p><a href="https://example.org"' in page
    assert 'rel="nofollow ugc noopener noreferrer"' in page


def test_richtext_keeps_tables_and_code(app):
    html = richtext.render("| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n<b>x</b>\n```")
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code>&lt;b&gt;x&lt;/b&gt;" in html


def test_a_thread_page_commits_once_and_only_its_read_position(
    app, long_thread, people, new_client, commits
):
    client = sign_in_as(new_client(), people[1])
    commits.clear()
    assert client.get(f"/threads/{long_thread}?page=1").status_code == 200
    assert len(commits) == 1  # the read position; the page's reads are never committed
    commits.clear()
    assert client.get(f"/threads/{long_thread}?page=1").status_code == 200
    assert commits == []  # nothing new read, nothing written


def test_ending_a_page_read_never_drops_unsaved_changes(ctx, people):
    writer = db.session.get(Member, people[0].id)
    writer.display_name = "Someone else"
    with pytest.raises(database.UnsavedChanges):
        database.end_reading()
    assert writer.display_name == "Someone else"
