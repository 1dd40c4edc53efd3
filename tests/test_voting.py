"""Voting on ideas: one vote per member per idea, idempotent, counted exactly, even when many
requests arrive at once; closed ideas keep their votes; the optional vote budget."""

import random
import threading

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Idea, IdeaVote
from forum.services.ideas import voting
from tests import factories
from tests.conftest import sign_in_as


def _text(response) -> str:
    return response.get_data(as_text=True)


def _count(app, idea_id: int) -> tuple[int, int]:
    """(stored vote_count, number of vote rows) for the idea."""
    with app.app_context():
        stored = db.session.scalar(sa.select(Idea.vote_count).where(Idea.id == idea_id))
        rows = db.session.scalar(
            sa.select(sa.func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == idea_id)
        )
        return stored, rows


def _counts_match_rows(app) -> bool:
    with app.app_context():
        rows = (
            sa.select(sa.func.count())
            .select_from(IdeaVote)
            .where(IdeaVote.idea_id == Idea.id)
            .scalar_subquery()
        )
        return not db.session.scalars(sa.select(Idea.id).where(Idea.vote_count != rows)).all()


@pytest.fixture
def author(app):
    with app.app_context():
        return factories.member(display_name="Fiona")


@pytest.fixture
def idea(app, author):
    with app.app_context():
        return factories.idea(author, "Quarterly meetings in each region")


# --- the button -------------------------------------------------------------------------------


def test_vote_and_take_it_back_with_htmx(app, idea, member_client):
    response = member_client.submit(f"/ideas/{idea.id}/vote", {"vote": "1"}, htmx=True)
    assert response.status_code == 200
    part = _text(response)
    assert part.lstrip().startswith(f'<div class="votes has-voted" id="idea-{idea.id}-votes">')
    assert 'aria-pressed="true"' in part and 'value="0"' in part
    assert "<strong>2</strong>" in part and "including yours" in part
    assert '<p id="vote-status" hx-swap-oob="innerHTML">Your vote for' in part
    assert "It has 2 votes." in part
    response = member_client.submit(f"/ideas/{idea.id}/vote", {"vote": "0"}, htmx=True)
    part = _text(response)
    assert 'aria-pressed="false"' in part and 'value="1"' in part
    assert "<strong>1</strong>" in part and "including yours" not in part
    assert "You took back your vote" in part
    assert _count(app, idea.id) == (1, 1)


def test_vote_without_javascript_returns_to_the_same_view(app, idea, member_client):
    response = member_client.submit(
        f"/ideas/{idea.id}/vote", {"vote": "1", "next": f"/ideas/?sort=top#idea-{idea.id}"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ideas/?sort=top#idea-{idea.id}"
    page = _text(member_client.get("/ideas/?sort=top"))
    assert "Your vote for “Quarterly meetings in each region” is counted." in page
    assert 'aria-pressed="true"' in page
    elsewhere = member_client.submit(
        f"/ideas/{idea.id}/vote", {"vote": "0", "next": "https://evil.example/"}
    )
    assert elsewhere.headers["Location"] == f"/ideas/{idea.id}"


@pytest.mark.parametrize("value", ["", "2", "on", "toggle"])
def test_vote_says_what_it_wants(idea, member_client, value):
    assert member_client.submit(f"/ideas/{idea.id}/vote", {"vote": value}).status_code == 400


def test_voting_twice_is_one_vote_and_taking_back_twice_is_none(app, idea, member):
    with app.test_request_context():
        first = voting.set_vote(member, idea.id, True)
        second = voting.set_vote(member, idea.id, True)
        assert (first.changed, second.changed) == (True, False)
        assert _count(app, idea.id) == (2, 2)
        voting.set_vote(member, idea.id, False)
        assert not voting.set_vote(member, idea.id, False).changed
    assert _count(app, idea.id) == (1, 1)


def test_the_database_refuses_a_second_vote_row(app, idea, author):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        db.session.add(IdeaVote(idea_id=idea.id, member_id=author.id))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_authors_back_their_idea_when_they_suggest_it(app, idea, author):
    assert _count(app, idea.id) == (1, 1)


@pytest.mark.parametrize("status", ["done", "declined", "merged"])
def test_no_voting_on_ideas_that_are_done_declined_or_merged(app, author, member_client, status):
    with app.app_context():
        closed = factories.idea(author, "Already decided", status=status)
    response = member_client.submit(f"/ideas/{closed.id}/vote", {"vote": "1"}, htmx=True)
    assert response.status_code == 409
    part = _text(response)
    assert "its votes" in part and 'id="flash" class="flash" role="status"' in part
    assert "<button" not in part  # no button: the count only
    plain = member_client.submit(f"/ideas/{closed.id}/vote", {"vote": "0"})
    assert plain.status_code == 302
    assert _count(app, closed.id) == (1, 1)
    if status != "merged":
        page = _text(member_client.get(f"/ideas/{closed.id}"))
        assert "voting closed" in page and "aria-pressed" not in page


def test_the_votes_partial_answers_for_this_member(app, idea, author, member_client, new_client):
    fiona = sign_in_as(new_client(), author)
    mine = _text(fiona.htmx_get(f"/ideas/{idea.id}/votes"))
    theirs = _text(member_client.htmx_get(f"/ideas/{idea.id}/votes"))
    assert mine.lstrip().startswith(f'<div class="votes has-voted" id="idea-{idea.id}-votes">')
    assert 'aria-pressed="true"' in mine and 'aria-pressed="false"' in theirs
    assert "<html" not in mine
    assert member_client.get(f"/ideas/{idea.id}/votes").status_code == 302


def test_unknown_idea_is_404(member_client):
    assert member_client.submit("/ideas/999/vote", {"vote": "1"}).status_code == 404
    assert member_client.htmx_get("/ideas/999/votes").status_code == 404


def test_stored_counts_equal_rows_after_many_votes(app, member):
    rng = random.Random(5)
    with app.app_context():
        people = [member] + [factories.member() for _ in range(5)]
        idea_ids = [factories.idea(people[n % 6]).id for n in range(4)]
    with app.test_request_context():
        for _ in range(200):
            voting.set_vote(rng.choice(people), rng.choice(idea_ids), rng.random() < 0.6)
    assert _counts_match_rows(app)


# --- the vote budget --------------------------------------------------------------------------


def test_vote_budget_is_off_by_default(app, member, member_client):
    with app.test_request_context():
        assert voting.budget() is None and voting.votes_left(member) is None
    assert "votes left" not in _text(member_client.get("/ideas/"))


def test_a_vote_beyond_the_budget_is_refused_clearly(app, author, member, member_client):
    with app.app_context():
        voting.set_budget(2)
        first, second, third = (factories.idea(author, f"Idea {n}") for n in "abc")
        done = factories.idea(author, "Finished", status="done", voters=(author, member))
    assert "You have <strong>2</strong> votes left." in _text(member_client.get("/ideas/"))
    member_client.submit(f"/ideas/{first.id}/vote", {"vote": "1"}, htmx=True)
    response = member_client.submit(f"/ideas/{second.id}/vote", {"vote": "1"}, htmx=True)
    assert '<p id="votes-left" class="votes-left" hx-swap-oob="true">' in _text(response)
    assert "<strong>0</strong> votes left" in _text(response)
    refused = member_client.submit(f"/ideas/{third.id}/vote", {"vote": "1"}, htmx=True)
    assert refused.status_code == 409
    assert "You have used all 2 of your votes." in _text(refused)
    assert 'aria-pressed="false"' in _text(refused)
    assert _count(app, third.id) == (1, 1)
    # voting again for an idea already backed is no new vote
    again = member_client.submit(f"/ideas/{second.id}/vote", {"vote": "1"}, htmx=True)
    assert again.status_code == 200
    # taking one back frees it; the vote on the done idea never counted
    member_client.submit(f"/ideas/{first.id}/vote", {"vote": "0"}, htmx=True)
    assert member_client.submit(f"/ideas/{third.id}/vote", {"vote": "1"}).status_code == 302
    assert _count(app, done.id) == (2, 2)


def test_suggesting_an_idea_with_no_votes_left(app, author, member, member_client):
    with app.app_context():
        voting.set_budget(1)
        factories.idea(author, "Already backed", voters=(member,))
    response = member_client.submit(
        "/ideas/new", {"title": "My new idea", "description": "Something good", "region_id": ""}
    )
    page = _text(member_client.get(response.headers["Location"]))
    assert "it does not have your vote yet" in page
    assert "<strong>0</strong>\n    votes" in page


# --- many requests at once (PostgreSQL) -------------------------------------------------------


def _at_once(count: int, work) -> list:
    """Run ``work(n)`` for n in range(count) in threads released together; return results."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(n):
        try:
            barrier.wait(timeout=60)
            results[n] = work(n)
        except Exception as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def _vote_request(client, idea_id: int, wanted: str = "1"):
    """What a browser sends, ready to go (the token is made before the threads start)."""
    data = {"vote": wanted, "csrf_token": client.csrf_token()}
    return lambda: client.post(f"/ideas/{idea_id}/vote", data=data).status_code


@pytest.mark.postgres_only
def test_fifty_simultaneous_votes_from_one_member_leave_one_vote(app, idea, member, new_client):
    clients = [sign_in_as(new_client(), member) for _ in range(50)]
    requests = [_vote_request(c, idea.id) for c in clients]
    statuses = _at_once(50, lambda n: requests[n]())
    assert set(statuses) == {302}
    assert _count(app, idea.id) == (2, 2)  # the author's and this member's
    assert _counts_match_rows(app)


@pytest.mark.postgres_only
def test_fifty_members_voting_at_once_add_fifty(app, idea, new_client):
    with app.app_context():
        people = [factories.member() for _ in range(50)]
    requests = [_vote_request(sign_in_as(new_client(), p), idea.id) for p in people]
    statuses = _at_once(50, lambda n: requests[n]())
    assert set(statuses) == {302}
    assert _count(app, idea.id) == (51, 51)
    assert _counts_match_rows(app)


@pytest.mark.postgres_only
def test_votes_and_take_backs_at_once_keep_counts_equal_to_rows(app, author, new_client):
    """Twenty members each send a run of votes and take-backs on three ideas, all at once."""
    rng = random.Random(7)
    with app.app_context():
        idea_ids = [factories.idea(author, f"Idea {n}").id for n in range(3)]
        people = [factories.member() for _ in range(20)]
    plans = [[(rng.choice(idea_ids), rng.choice("01")) for _ in range(6)] for _ in people]
    runs = []
    for person, plan in zip(people, plans, strict=True):
        client = sign_in_as(new_client(), person)
        runs.append([_vote_request(client, idea_id, wanted) for idea_id, wanted in plan])
    _at_once(20, lambda n: [request() for request in runs[n]])
    assert _counts_match_rows(app)
    with app.app_context():
        for person, plan in zip(people, plans, strict=True):
            last = {idea_id: wanted == "1" for idea_id, wanted in plan}
            for idea_id, wanted in last.items():
                assert (db.session.get(IdeaVote, (idea_id, person.id)) is not None) == wanted


@pytest.mark.postgres_only
def test_budget_holds_when_one_member_votes_for_many_ideas_at_once(app, author, member, new_client):
    with app.app_context():
        voting.set_budget(3)
        idea_ids = [factories.idea(author, f"Idea {n}").id for n in range(10)]
    requests = [_vote_request(sign_in_as(new_client(), member), i) for i in idea_ids]
    _at_once(10, lambda n: requests[n]())
    with app.app_context():
        mine = db.session.scalar(
            sa.select(sa.func.count()).select_from(IdeaVote).where(IdeaVote.member_id == member.id)
        )
    assert mine == 3
    assert _counts_match_rows(app)
