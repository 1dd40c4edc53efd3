"""Search: members find posts, thread titles, ideas and comments by their words, never anything
they could not open, and no query (however odd) breaks the page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Post, SearchDocument, Thread, utcnow
from forum.services.forums import content_warnings, threads
from forum.services.ideas import comments as idea_comments
from forum.services.search import query
from forum.services.search_index import documents, terms
from tests import factories
from tests.conftest import sign_in_as

PHRASE = "the lighthouse keepers quarterly supervision"


@pytest.fixture
def ahmed(app):
    with app.app_context():
        return factories.member(display_name="Ahmed")  # Lothian


@pytest.fixture
def fiona(app):
    with app.app_context():
        return factories.member(display_name="Fiona", region_name="Highland")


def _found(app, who, q: str, **args) -> list[tuple[str, int]]:
    with app.test_request_context():
        outcome = query.search(who, {"q": q, **args})
        assert outcome.page is not None, outcome.message
        return [(h.kind, h.target_id) for h in outcome.page.items]


def _total(app, who, q: str, **args) -> int:
    with app.test_request_context():
        outcome = query.search(who, {"q": q, **args})
        return outcome.page.total if outcome.page is not None else -1


# --- finding and visibility -------------------------------------------------------------------


def test_a_member_finds_a_post_by_a_word_from_its_body_with_the_word_marked(app, ahmed, client):
    with app.app_context():
        started = factories.thread(ahmed, title="Evenings", body="We met at the allotment today.")
    page = sign_in_as(client, ahmed).get("/search?q=allotment").get_data(as_text=True)
    assert "1 result for “allotment”" in page
    assert "<mark>allotment</mark>" in page
    assert f"/posts/{started.first_post_id}" in page


def test_stemming_finds_other_forms_of_a_word(app, ahmed):
    with app.app_context():
        factories.thread(ahmed, title="Groups", body="Supervising new volunteers is hard.")
    assert len(_found(app, ahmed, "supervise")) == 1


def test_a_member_of_another_region_finds_nothing_by_an_exact_phrase(app, ahmed, fiona, client):
    with app.app_context():
        forum = factories.forum(region_name="Highland", audience="region")
        factories.thread(fiona, forum.slug, title="Our quarterly plans", body=PHRASE)
    assert _total(app, ahmed, f'"{PHRASE}"') == 0
    assert _total(app, ahmed, "lighthouse") == 0
    assert _total(app, ahmed, "quarterly") == 0  # not even the thread's title
    page = sign_in_as(client, ahmed).get(f'/search?q="{PHRASE}"').get_data(as_text=True)
    assert "Nothing found" in page and 'class="search-hit"' not in page
    assert _total(app, fiona, f'"{PHRASE}"') == 1


def test_an_open_regional_forum_is_found_by_every_member(app, ahmed, fiona):
    with app.app_context():
        forum = factories.forum(region_name="Highland", audience="everyone")
        factories.thread(fiona, forum.slug, title="Open plans", body=PHRASE)
    assert _total(app, ahmed, "lighthouse") == 1


def test_hidden_held_and_removed_posts_are_not_found(app, ahmed):
    with app.app_context():
        kept = factories.thread(ahmed, title="Kept thread", body="marmalade is kept")
        hidden = factories.reply(ahmed, kept.id, "marmalade was hidden")
        held = factories.reply(ahmed, kept.id, "marmalade is waiting")
        removed = factories.reply(ahmed, kept.id, "marmalade was removed")
        now = utcnow()
        db.session.execute(sa.update(Post).where(Post.id == hidden.id).values(hidden_at=now))
        db.session.execute(sa.update(Post).where(Post.id == held.id).values(held_at=now))
        db.session.execute(sa.update(Post).where(Post.id == removed.id).values(deleted_at=now))
        gone = factories.thread(ahmed, title="Hidden thread", body="marmalade in a hidden thread")
        db.session.execute(sa.update(Thread).where(Thread.id == gone.id).values(hidden_at=now))
        db.session.commit()
    assert _found(app, ahmed, "marmalade") == [("post", kept.first_post_id)]


def test_a_post_hidden_by_a_warning_choice_is_a_post_with_a_content_warning(app, ahmed, client):
    with app.app_context():
        writer = factories.member(display_name="Kenny")
        factories.thread(writer, title="Ten years on", body="The night of the harbour storm",
                         warnings=("self-harm",))  # fmt: skip
        ids = {w.name: w.id for w in content_warnings.all_warnings()}
        content_warnings.set_preferences(ahmed, {ids["self-harm"]: "hide"})
    page = sign_in_as(client, ahmed).get("/search?q=harbour").get_data(as_text=True)
    assert "1 result" in page
    assert "A post with a content warning" in page
    assert "harbour storm" not in page and "<mark>" not in page


def test_by_default_a_warned_posts_excerpt_waits_behind_its_warning(app, ahmed, client):
    with app.app_context():
        writer = factories.member(display_name="Kenny")
        factories.thread(writer, title="Ten years on", body="The night of the harbour storm",
                         warnings=("self-harm",))  # fmt: skip
    page = sign_in_as(client, ahmed).get("/search?q=harbour").get_data(as_text=True)
    details = page.split('<details class="cw">')[1].split("</details>")[0]
    assert "This post mentions self-harm" in details and "<mark>harbour</mark>" in details
    with app.app_context():
        ids = {w.name: w.id for w in content_warnings.all_warnings()}
        content_warnings.set_preferences(ahmed, {ids["self-harm"]: "show"})
    page = client.get("/search?q=harbour").get_data(as_text=True)
    assert '<details class="cw">' not in page and "<mark>harbour</mark>" in page


def test_ideas_and_comments_are_found_and_a_restricted_regions_ideas_are_not(app, ahmed, fiona):
    with app.app_context():
        idea = factories.idea(ahmed, title="A seaside retreat", description="With kayaks.")
        factories.comment(fiona, idea.id, "Kayaks for everyone, please")
        factories.forum(region_name="Highland", audience="region")
        factories.idea(fiona, title="Highland kayaks", region_name="Highland")
    assert sorted(k for k, _ in _found(app, ahmed, "kayaks")) == ["comment", "idea"]
    assert len(_found(app, fiona, "kayaks")) == 3


# --- operators --------------------------------------------------------------------------------


@pytest.fixture
def three_posts(app, ahmed):
    with app.app_context():
        t = factories.thread(ahmed, title="Weekly notes", body="peer supervision group on tuesdays")
        b = factories.reply(ahmed, t.id, "a supervision circle on fridays")
        c = factories.reply(ahmed, t.id, "our walking group")
        return {"a": t.first_post_id, "b": b.id, "c": c.id}


def _posts(app, who, q, ids) -> set[str]:
    names = {v: k for k, v in ids.items()}
    return {names[i] for kind, i in _found(app, who, q) if kind == "post"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("supervision", {"a", "b"}),
        ('"supervision group"', {"a"}),
        ('"group supervision"', set()),
        ("supervision -circle", {"a"}),
        ('supervision -"circle on fridays"', {"a"}),
        ("group OR circle supervision", {"a", "b"}),
        ("walk or fridays", {"b", "c"}),
        ("group", {"a", "c"}),
        ("group walking", {"c"}),
    ],
)
def test_phrases_minus_and_or_work_as_people_expect(app, ahmed, three_posts, q, expected):
    assert _posts(app, ahmed, q, three_posts) == expected


def test_only_leaving_words_out_asks_for_a_word_to_look_for(app, ahmed):
    with app.test_request_context():
        outcome = query.search(ahmed, {"q": "-circle"})
    assert outcome.page is None and "not only what to leave out" in outcome.message


# --- filters and order ------------------------------------------------------------------------


def test_filters_narrow_by_kind_author_forum_and_date(app, ahmed, fiona):
    with app.app_context():
        mine = factories.thread(ahmed, title="Porridge recipes", body="porridge with salt")
        factories.reply(fiona, mine.id, "porridge with honey")
        factories.forum("Events")
        other = factories.thread(fiona, "events", title="Breakfast", body="porridge morning")
        factories.idea(fiona, title="Porridge mornings")
    assert len(_found(app, ahmed, "porridge")) == 5
    assert {k for k, _ in _found(app, ahmed, "porridge", kind="post")} == {"post"}
    assert len(_found(app, ahmed, "porridge", author="fiona")) == 3
    assert _found(app, ahmed, "porridge", forum="events") == [("post", other.first_post_id)]
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    assert _found(app, ahmed, "porridge", **{"from": tomorrow}) == []
    assert len(_found(app, ahmed, "porridge", to=tomorrow)) == 5


def test_only_threads_i_took_part_in(app, ahmed, fiona):
    with app.app_context():
        mine = factories.thread(fiona, title="Gardening", body="tomatoes")
        factories.reply(ahmed, mine.id, "my tomatoes too")
        factories.thread(fiona, title="Cooking", body="tomatoes soup")
    found = _found(app, ahmed, "tomatoes", mine="1")
    assert len(found) == 2
    assert all(kind == "post" for kind, _ in found)


def test_best_match_puts_a_title_match_first_and_newest_puts_the_latest_first(app, ahmed):
    with app.app_context():
        titled = factories.thread(ahmed, title="Kindness", body="a word on something else")
        factories.thread(ahmed, title="Notes", body="kindness is a small thing")
    best = _found(app, ahmed, "kindness", order="best")
    assert best[0] == ("thread", titled.id)
    newest = _found(app, ahmed, "kindness")
    assert newest[0][0] == "post"


def test_a_bad_date_is_a_clear_message_and_the_rest_is_kept(app, ahmed, client):
    page = sign_in_as(client, ahmed).get("/search?q=tea&from=31/02/2026&author=Fiona")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Use a date like 2026-03-31." in text and 'value="Fiona"' in text


def test_pages_are_bounded(app, ahmed, client):
    response = sign_in_as(client, ahmed).get("/search?q=tea&page=99999999999999999999")
    assert response.status_code == 200


# --- bad input --------------------------------------------------------------------------------

# fmt: off
SYNTAX = ['"', '""', '"unclosed', "*", "tea*", "NEAR(", "NEAR(tea coffee)", ":", "title:tea",
          "body:", "(", ")", "AND", "OR", "NOT", "tea AND", "OR tea", "- -", "-", "^tea",
          "tea'", "'", "\\", "%", "_", "\x00", "tea\x00coffee", "{tea}", "tea + coffee", "&|!"]
# fmt: on


@pytest.mark.parametrize("q", ["", "   ", "x" * 1000, "word " * 200, *SYNTAX])
def test_odd_queries_get_a_clear_message_or_results_never_an_error(app, ahmed, client, q):
    with app.app_context():
        factories.thread(ahmed, title="Tea time", body="coffee and tea")
    response = sign_in_as(client, ahmed).get("/search", query_string={"q": q})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert ("result" in page) or ('class="notice"' in page) or not q.strip()


def test_a_thousand_characters_are_refused_kindly(app, ahmed, client):
    page = sign_in_as(client, ahmed).get("/search", query_string={"q": "tea " * 250})
    assert "Searches can be up to 200 characters" in page.get_data(as_text=True)


@pytest.mark.slow
def test_the_sql_injection_corpus_never_breaks_a_search(app, ahmed, client, corpora):
    with app.app_context():
        factories.thread(ahmed, title="Select all", body="select union from where sleep")
    lines = (corpora / "sqli" / "all_sqli_payloads.jsonl").read_text().splitlines()
    payloads = [json.loads(line)["payload"] for line in lines]
    with app.test_request_context():
        for payload in payloads:
            outcome = query.search(ahmed, {"q": payload})
            assert outcome.page is not None or outcome.message, payload
    member_client = sign_in_as(client, ahmed)
    for payload in payloads[::17]:
        assert member_client.get("/search", query_string={"q": payload}).status_code == 200


def test_the_parser_hands_fts5_only_quoted_words_and_its_own_operators():
    parsed = terms.parse('NEAR(a b) "x" OR y* -z: title:w')
    assert terms.fts5(parsed) == '(("NEAR a") AND ("b") AND ("x" OR "y") AND ("title w")) NOT "z"'


def test_highlighting_escapes_the_text_before_marking_it(app, ahmed, client):
    with app.app_context():
        factories.thread(ahmed, title="Markup", body="`<b onclick=x>` shortbread & jam")
    page = sign_in_as(client, ahmed).get("/search?q=shortbread").get_data(as_text=True)
    assert "<mark>shortbread</mark> &amp; jam" in page
    assert "<b onclick" not in page and "&lt;b onclick=x&gt;" in page


# --- speed ------------------------------------------------------------------------------------


def test_one_and_three_word_queries_run_a_fixed_small_number_of_statements(
    app, ahmed, client, count_queries
):
    with app.app_context():
        for n in range(3):
            started = factories.thread(ahmed, title=f"Walks {n}", body=f"hill walking in rain {n}")
            factories.reply(ahmed, started.id, f"walking boots and rain coats {n}")
    member_client = sign_in_as(client, ahmed)
    member_client.get("/search?q=walking")  # warm caches (settings, warnings)
    with count_queries() as one:
        assert member_client.get("/search?q=walking").status_code == 200
    with count_queries() as three:
        assert member_client.get("/search?q=walking+rain+hill").status_code == 200
    assert len(one) == len(three) <= 10, one


# --- keeping the index ------------------------------------------------------------------------


def test_an_edit_changes_what_is_found(app, ahmed):
    with app.test_request_context():
        started = factories.thread(ahmed, title="Plans", body="crumpets on sunday")
        threads.edit_post(ahmed, started.first_post_id, body="scones on sunday", title="Baking")
    assert _total(app, ahmed, "crumpets") == 0
    assert _total(app, ahmed, "scones") == 1
    assert _found(app, ahmed, "baking") == [("thread", started.id)]


def test_a_removed_comment_leaves_the_index(app, ahmed):
    with app.test_request_context():
        idea = factories.idea(ahmed, title="A library")
        said = idea_comments.add(ahmed, idea.id, "bring paperbacks")
        assert _total(app, ahmed, "paperbacks") == 1
        idea_comments.remove(ahmed, said.id)
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(
                    SearchDocument.kind == "comment", SearchDocument.target_id == said.id
                )
            )
            == 0
        )
    assert _total(app, ahmed, "paperbacks") == 0


def test_rebuilding_the_index_finds_what_was_loaded_in_bulk(app, ahmed):
    with app.app_context():
        started = factories.thread(ahmed, title="Bulk", body="first")
        factories.many_replies(started.id, ahmed, 3)  # a Core insert: no documents
        db.session.execute(
            sa.update(Post)
            .where(Post.thread_id == started.id)
            .values(body_html="<p>gingerbread</p>")
        )
        db.session.commit()
    assert _total(app, ahmed, "gingerbread") == 0
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "rebuild"])
    assert "Search index rebuilt" in result.output, result.output
    assert _total(app, ahmed, "gingerbread") == 4
    with app.app_context():
        assert documents.KINDS.keys() == {"post", "thread", "idea", "comment"}


def test_the_header_has_a_search_box_on_member_pages(ahmed, client):
    page = sign_in_as(client, ahmed).get("/").get_data(as_text=True)
    assert 'role="search"' in page and 'name="q"' in page


def test_search_is_for_members_only(client):
    response = client.get("/search?q=tea")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_upgrading_fills_the_index_from_what_was_already_written(tmp_path):
    from forum import create_app, migrating

    app = create_app(
        {
            "ENV": "testing",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}",
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "test-secret-key-not-for-production",
        }
    )
    with app.app_context():
        migrating.upgrade(revision="0006_sign_ins")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO members (id, email, display_name, password_hash, organisation, "
                "reason, status, role, session_token, created_at, unread_messages, "
                "decision_message, suspension_reason) VALUES (1, 'a@example.org', 'Ahmed', "
                "'x', '', '', 'active', 'member', 't', '2026-01-01 00:00:00', 0, '', '')",
                "INSERT INTO forums (id, slug, name, description, position, audience, "
                "created_at, thread_count, post_count, hold_first_posts) VALUES (1, 'intro', "
                "'Intro', '', 0, 'everyone', '2026-01-01 00:00:00', 1, 1, 0)",
                "INSERT INTO threads (id, forum_id, author_id, title, created_at, pinned, locked, "
                "reply_count, last_post_at, held_count, hidden_reason) VALUES (1, 1, 1, "
                "'Old lanterns', '2026-01-01 00:00:00', 0, 0, 0, '2026-01-01 00:00:00', 0, '')",
                "INSERT INTO posts (id, thread_id, author_id, created_at, fingerprint, "
                "warning_note, body_source, body_html, body_rules, hidden_reason) VALUES (1, 1, 1, "
                "'2026-01-01 00:00:00', '', '', 'x', '<p>Tallow &amp; <em>wicks</em></p>', 2, '')",
            ):
                connection.execute(sa.text(statement))
        migrating.upgrade()
        with db.engine.connect() as connection:
            found = connection.execute(
                sa.text(
                    "SELECT d.kind, d.target_id, d.body FROM search_fts JOIN search_documents d "
                    "ON d.id = search_fts.rowid WHERE search_fts MATCH 'wicks OR lanterns' "
                    "ORDER BY d.kind"
                )
            ).all()
        assert found == [("post", 1, "Tallow & wicks"), ("thread", 1, "")]
        db.engine.dispose()


def test_a_very_common_word_is_answered_from_its_newest_matches(app, ahmed, monkeypatch):
    monkeypatch.setattr(query, "CANDIDATES", 3)
    with app.app_context():
        started = factories.thread(ahmed, title="Oats", body="oats one")
        for n in range(4):
            factories.reply(ahmed, started.id, f"oats {n} again")
    newest = _found(app, ahmed, "oats")
    assert len(newest) == 3 and newest[0][0] == "post"
    assert len(_found(app, ahmed, "oats", author="Ahmed")) == 6  # a filter searches them all
