"""Posts, thread rows and idea cards are rendered once for every reader who sees them the
same way (issue 16), and a kept copy is never served to someone who should see it otherwise,
nor after the item changed."""

import re

import pytest
import sqlalchemy as sa
from jinja2 import nodes

from forum.extensions import db
from forum.models import Post, Thread
from forum.services.people import mutes
from forum.views.fragments import (
    CARD_TEMPLATE,
    CSRF_MARKER,
    FORUM_TEMPLATE,
    POST_TEMPLATE,
    ROW_TEMPLATE,
    ForumRowView,
    IdeaCardView,
    PostView,
    ThreadRowView,
)
from tests import factories
from tests.conftest import sign_in_as


def _thread(app):
    with app.app_context():
        author = factories.member(display_name="Fiona")
        thread = factories.thread(author, title="Weekend plans", body="Opening words.",
                                  replies=[(author, "A calm reply about walking.")])  # fmt: skip
        return author, thread


def _page(client, thread) -> str:
    return client.get(f"/threads/{thread.id}?page=1").get_data(as_text=True)


def _reply_id(app, thread) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(Post.id).where(Post.thread_id == thread.id, Post.id != thread.first_post_id)
        )


def _cache(app, template=POST_TEMPLATE):
    return app.extensions["fragments"][template]


def _names_read(app, template: str) -> tuple[set[str], list[str]]:
    """The names ``template`` reads that it did not set itself (variables, globals), macro
    bodies included, and the templates it imports."""
    tree = app.jinja_env.parse(app.jinja_loader.get_source(app.jinja_env, template)[0])
    loaded = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"}
    own = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    own |= {m.name for m in tree.find_all(nodes.Macro)}
    own |= {i.target for i in tree.find_all(nodes.Import)}
    for imported in tree.find_all(nodes.FromImport):
        own |= {n[1] if isinstance(n, tuple) else n for n in imported.names}
    imports = [i.template.value for i in tree.find_all((nodes.Import, nodes.FromImport))]
    assert not list(tree.find_all(nodes.Include)), f"{template}: an include could read more"
    return loaded - own, imports


@pytest.mark.parametrize(
    "template, view",
    [
        (POST_TEMPLATE, PostView),
        (CARD_TEMPLATE, IdeaCardView),
        (ROW_TEMPLATE, ThreadRowView),
        (FORUM_TEMPLATE, ForumRowView),
    ],
)
def test_the_kept_templates_read_nothing_but_their_view(app, template, view):
    """What makes the kept copies safe: the HTML is a function of the view alone (the reader's
    part included), so the same view can only ever mean the same HTML. The macros they import
    read nothing but their arguments and pure helpers."""
    read, imports = _names_read(app, template)
    assert "v" in read and read <= {"v", "version", "url_for", "csrf"}
    for macros in imports:
        read, deeper = _names_read(app, macros)
        assert read <= {"url_for", "live_version", "loop"} and not deeper, macros
    assert "columns" in view._fields  # every stored value of the item is in the key


def test_a_second_reader_who_sees_the_post_the_same_way_gets_the_kept_copy(app, member, new_client):
    _author, thread = _thread(app)
    with app.app_context():
        other = factories.member(display_name="Gregor")
    _page(sign_in_as(new_client(), member), thread)
    hits = _cache(app).cache_info().hits
    page = _page(sign_in_as(new_client(), other), thread)
    assert "A calm reply about walking." in page
    assert _cache(app).cache_info().hits >= hits + 2  # the opening post and the reply


def test_a_post_hidden_by_a_moderator_disappears_for_everyone_at_once(
    app, member, moderator, new_client
):
    _author, thread = _thread(app)
    with app.app_context():
        other = factories.member(display_name="Gregor")
    readers = [sign_in_as(new_client(), member), sign_in_as(new_client(), other)]
    for reader in readers:
        assert "A calm reply about walking." in _page(reader, thread)
    with app.test_request_context(method="POST"):
        factories.act(moderator, "post", _reply_id(app, thread), "hide", reason="Off topic")
    for reader in readers:
        page = _page(reader, thread)
        assert "A calm reply about walking." not in page
        assert "This post was hidden by a moderator." in page


def test_a_muted_authors_post_folds_for_the_muter_only(app, member, new_client):
    author, thread = _thread(app)
    with app.app_context():
        other = factories.member(display_name="Gregor")
    muter, onlooker = sign_in_as(new_client(), member), sign_in_as(new_client(), other)
    _page(muter, thread), _page(onlooker, thread)  # both copies kept, unfolded
    with app.test_request_context(method="POST"):
        mutes.mute(member, author.id)
    assert '<details class="muted-post"><summary><span class="cw-text">You muted Fiona.' in (
        _page(muter, thread)
    )
    assert "muted-post" not in _page(onlooker, thread)


def test_an_edited_post_is_shown_as_edited_at_once(app, new_client, member):
    author, thread = _thread(app)
    writer, reader = sign_in_as(new_client(), author), sign_in_as(new_client(), member)
    assert "A calm reply about walking." in _page(reader, thread)
    reply_id = _reply_id(app, thread)
    response = writer.submit(
        f"/posts/{reply_id}/edit", {f"post{reply_id}-body": "A calm reply about swimming."}
    )
    assert response.status_code == 302
    page = _page(reader, thread)
    assert "A calm reply about swimming." in page and "about walking" not in page
    assert "edited" in page


def test_a_thread_row_is_new_for_its_reader_only_and_hidden_for_everyone_at_once(
    app, member, moderator, new_client
):
    with app.app_context():
        other = factories.member(display_name="Gregor")  # joined before it was started
    _author, thread = _thread(app)
    with app.app_context():
        slug = db.session.get(Thread, thread.id).forum.slug
    reader, newcomer = sign_in_as(new_client(), member), sign_in_as(new_client(), other)
    _page(reader, thread)  # read it

    def row(client) -> str:
        page = client.get(f"/forums/{slug}").get_data(as_text=True)
        return re.search(rf'<li id="thread-{thread.id}".*?</li>', page, re.S).group(0)

    assert "tag-new" not in row(reader) and "tag-new" in row(newcomer)
    with app.test_request_context(method="POST"):
        factories.act(moderator, "thread", thread.id, "hide", reason="Off topic")
    for client in (reader, newcomer):
        assert "A thread hidden by a moderator." in row(client)
        assert "Weekend plans" not in row(client)


def test_a_forum_on_the_index_is_new_for_its_reader_only_and_its_hidden_thread_for_everyone(
    app, member, moderator, new_client
):
    """The index's forum rows are kept too: the unread count and "Your region" stay each
    reader's, and a latest thread a moderator hides goes from every reader's index at once."""
    with app.app_context():
        other = factories.member(display_name="Gregor", region_name="Highland")
    _author, thread = _thread(app)
    with app.app_context():
        forum_id = db.session.get(Thread, thread.id).forum_id
    reader, newcomer = sign_in_as(new_client(), member), sign_in_as(new_client(), other)
    _page(reader, thread)  # read it

    def row(client) -> str:
        page = client.get("/").get_data(as_text=True)
        return re.search(rf'<li class="forum-row[^"]*" id="forum-{forum_id}".*?</li>', page, re.S)[
            0
        ]

    assert "with new posts" not in row(reader) and "1 with new posts" in row(newcomer)
    assert "Weekend plans" in row(reader) and "Weekend plans" in row(newcomer)
    assert _cache(app, FORUM_TEMPLATE).cache_info().hits > 0  # the other forums, kept
    with app.test_request_context(method="POST"):
        factories.act(moderator, "thread", thread.id, "hide", reason="Off topic")
    for client in (reader, newcomer):
        assert "a thread hidden by a moderator" in row(client)
        assert "Weekend plans" not in row(client)
    lothian = re.search(
        r'<li class="forum-row[^"]*" id="forum-\d+">(?:(?!</li>).)*Lothian'
        r"(?:(?!</li>).)*</li>",
        reader.get("/").get_data(as_text=True),
        re.S,
    )
    # a reader's own region is marked for them, and not for a reader from another one
    forum = re.search(r'id="forum-(\d+)"', lothian[0])[1]
    assert "Your region" in lothian[0]
    theirs = re.search(
        rf'id="forum-{forum}".*?</li>', newcomer.get("/").get_data(as_text=True), re.S
    )
    assert "Your region" not in theirs[0]


# --- idea cards ---------------------------------------------------------------------------------


def _board(client) -> str:
    return client.get("/ideas/?sort=newest").get_data(as_text=True)


def _csrf_tokens(page: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', page))


def test_a_kept_card_carries_each_readers_own_vote_and_session_token(app, member, new_client):
    with app.app_context():
        author = factories.member(display_name="Fiona")
        other = factories.member(display_name="Gregor")
        idea = factories.idea(author, "Walking group after meetings", voters=())
    voter, onlooker = sign_in_as(new_client(), member), sign_in_as(new_client(), other)
    first = _board(onlooker)
    assert voter.submit(f"/ideas/{idea.id}/vote", {"vote": "1"}).status_code in (200, 302)
    mine, theirs = _board(voter), _board(onlooker)
    assert "including yours" in mine and "including yours" not in theirs
    assert "<strong>1</strong>" in theirs  # the count moved for everyone at once
    hits = _cache(app, CARD_TEMPLATE).cache_info().hits
    again = _board(onlooker)
    assert _cache(app, CARD_TEMPLATE).cache_info().hits > hits  # the same view: kept
    for page in (first, mine, theirs, again):
        assert CSRF_MARKER not in page
    assert _csrf_tokens(mine).isdisjoint(_csrf_tokens(theirs))  # never another's token
    token = _csrf_tokens(again).pop()
    response = onlooker.post(f"/ideas/{idea.id}/vote", data={"vote": "1", "csrf_token": token})
    assert response.status_code in (200, 302)  # the token in a kept card is the reader's own
    assert "including yours" in _board(onlooker)


def test_a_card_hidden_by_a_moderator_says_so_at_once(app, member, moderator, new_client):
    with app.app_context():
        author = factories.member(display_name="Fiona")
        idea = factories.idea(author, "Walking group after meetings")
    mod, reader = sign_in_as(new_client(), moderator), sign_in_as(new_client(), member)
    assert "Walking group after meetings" in _board(reader)
    assert "Hidden by a moderator" not in _board(mod)
    with app.test_request_context(method="POST"):
        factories.act(moderator, "idea", idea.id, "hide", reason="Off topic")
    assert "Hidden by a moderator" in _board(mod)
    assert "Walking group after meetings" not in _board(reader)


def test_with_the_cache_set_to_nothing_every_item_is_rendered_every_time(make_app):
    app = make_app(FRAGMENT_CACHE=0)
    for render in app.extensions["fragments"].values():
        assert not hasattr(render, "cache_info")
