"""Speed as behaviour: the board (every sort and filter), an idea's page and my ideas run the
same small number of queries for 10 ideas as for 10,000; "has this member voted" is one query
for a whole page; sorting by votes or trending reads an index instead of sorting the table."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Idea, IdeaComment, IdeaVote, utcnow
from forum.models.idea import idea_tag_links
from forum.services.ideas import access, board
from tests import factories

PAGES = [
    "/ideas/",
    "/ideas/?sort=top",
    "/ideas/?sort=newest",
    "/ideas/?sort=discussed",
    "/ideas/?status=open",
    "/ideas/?sort=top&status=open",
    "/ideas/?region=national",
    "/ideas/?region=highland&sort=newest",
    "/ideas/?tag=events&sort=discussed",
    "/ideas/?sort=top&page=2",
    "/ideas/mine",
    "/ideas/mine?show=voted",
]


def _add_ideas(app, author_id: int, count: int, start: int = 0) -> None:
    """Bulk-insert ``count`` ideas (every third in Highland, every other tagged "events"),
    each with a comment and the author's vote."""
    now = utcnow()
    with app.app_context():
        highland = factories.region("Highland").id
        events = factories.tag("events").id
        first = (db.session.scalar(sa.select(sa.func.max(Idea.id))) or 0) + 1
        db.session.execute(
            sa.insert(Idea),
            [
                {
                    "id": first + n,
                    "title": f"Idea {start + n} about events and speakers",
                    "author_id": author_id,
                    "region_id": highland if n % 3 == 0 else None,
                    "status": "open" if n % 5 else "planned",
                    "vote_count": 1,
                    "comment_count": 1,
                    "trending_score": access.trending_score(1, 1, now) + n / 1e6,
                    "freshness": access.freshness(now),
                    "fingerprint": "",
                    "created_at": now,
                    "body_source": "Some words",
                    "body_html": "<p>Some words</p>",
                    "body_rules": 1,
                }
                for n in range(count)
            ],
        )
        ids = range(first, first + count)
        db.session.execute(
            sa.insert(IdeaVote), [{"idea_id": i, "member_id": author_id} for i in ids]
        )
        db.session.execute(
            sa.insert(IdeaComment),
            [{"idea_id": i, "author_id": author_id, "body_html": "<p>Hi</p>"} for i in ids],
        )
        db.session.execute(
            sa.insert(idea_tag_links), [{"idea_id": i, "tag_id": events} for i in ids if i % 2]
        )
        db.session.commit()


def _queries_per_page(count_queries, client, urls) -> dict[str, int]:
    counts = {}
    for url in urls:
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(statements)
    return counts


@pytest.mark.slow
def test_pages_run_the_same_queries_for_10_and_10000_ideas(
    app, member, member_client, moderator_client, count_queries
):
    _add_ideas(app, member.id, 30)
    idea_page = ["/ideas/1", "/ideas/1?page=1"]
    small = _queries_per_page(count_queries, member_client, PAGES + idea_page)
    small_mod = _queries_per_page(count_queries, moderator_client, idea_page)
    _add_ideas(app, member.id, 10_000, start=30)
    large = _queries_per_page(count_queries, member_client, PAGES + idea_page)
    large_mod = _queries_per_page(count_queries, moderator_client, idea_page)
    assert large == small
    assert large_mod == small_mod
    # the member and the settings, then: the board 6 (regions, tags, ideas, their tags, count,
    # votes); my ideas 4; an idea 6 (idea, tags, history with what was merged into it,
    # comments, count, votes); moderators add the waiting applications badge and the ideas to
    # merge into; every page also counts the notifications bell
    assert {small[url] for url in PAGES if url.startswith("/ideas/?")} == {9}
    assert (small["/ideas/"], small["/ideas/mine"], small["/ideas/1"]) == (9, 7, 9)
    assert small_mod["/ideas/1"] == 11


def test_has_voted_is_one_query_for_a_whole_page(app, member, member_client, count_queries):
    _add_ideas(app, member.id, 25)
    for url in ("/ideas/", "/ideas/mine?show=voted", "/ideas/1"):
        with count_queries() as statements:
            page = member_client.get(url).get_data(as_text=True)
        asked = [s for s in statements if "idea_votes" in s and "FROM ideas" not in s]
        assert len(asked) == 1, (url, asked)
        assert page.count('aria-pressed="true"') >= 1


def test_the_board_and_an_idea_page_answer_htmx_partials_cheaply(
    app, member, member_client, count_queries
):
    _add_ideas(app, member.id, 5)
    with count_queries() as statements:
        member_client.htmx_get("/ideas/1/votes")
    assert len(statements) <= 4  # member, settings, idea, voted
    with count_queries() as statements:
        member_client.htmx_get("/ideas/similar?title=speakers+at+events")
    assert len(statements) <= 3  # member, settings, similar


# --- indexes ----------------------------------------------------------------------------------


def _plan(app, member, args: dict) -> str:
    """The database's plan for one page of the board with ``args``."""
    with app.test_request_context():
        view = board.BoardView.from_args(args, [factories.region("Highland")], [])
        stmt = board.board_query(member, view).limit(board.BOARD_PER_PAGE)
        dialect = db.engine.dialect
        sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        explain = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
        rows = db.session.execute(sa.text(explain + sql)).all()
        return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize(
    ("args", "index"),
    [
        ({}, "ix_ideas_trending"),
        ({"sort": "top"}, "ix_ideas_top"),
        ({"sort": "newest"}, "ix_ideas_newest"),
        ({"sort": "discussed"}, "ix_ideas_discussed"),
        ({"status": "open"}, "trending"),  # ix_ideas_status_trending, or the planner's pick
    ],
)
def test_sorting_reads_an_index(app, member, args, index):
    _add_ideas(app, member.id, 2_000)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE ideas"))
            db.session.commit()
    plan = _plan(app, member, args)
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort Key" not in plan, plan
