"""The demo network has a lively ideas clinic: a long tail of votes, conversations, public
responses of every kind and one merged duplicate, with counts that match their rows."""

import sqlalchemy as sa

from forum.devdata import demo
from forum.extensions import db
from forum.models import Idea, IdeaComment, IdeaStatus, IdeaStatusChange, IdeaVote, Member
from tests.conftest import sign_in_as


def test_demo_board_is_lively_and_consistent(bare_app, new_client):
    with bare_app.test_request_context():
        demo.seed()
        all_ideas = list(db.session.scalars(sa.select(Idea)))
        statuses = {i.status for i in all_ideas}
        assert len(all_ideas) >= 12
        assert statuses == set(IdeaStatus)
        for idea in all_ideas:
            votes = db.session.scalar(
                sa.select(sa.func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == idea.id)
            )
            comments = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(IdeaComment)
                .where(IdeaComment.idea_id == idea.id)
            )
            assert (idea.vote_count, idea.comment_count) == (votes, comments), idea.title
        counts = sorted((i.vote_count for i in all_ideas), reverse=True)
        assert counts[0] >= 12 and counts[len(counts) // 2] <= 6  # a long tail
        merged = next(i for i in all_ideas if i.status == IdeaStatus.MERGED)
        declined = next(i for i in all_ideas if i.status == IdeaStatus.DECLINED)
        kind = db.session.scalar(
            sa.select(IdeaStatusChange).where(IdeaStatusChange.idea_id == declined.id)
        )
        assert "Thank you" in kind.body_html
        ahmed = db.session.scalar(sa.select(Member).where(Member.email.startswith("ahmed@")))
    client = sign_in_as(new_client(), ahmed)
    board = client.get("/ideas/").get_data(as_text=True)
    assert "Speakers with lived experience at every national event" in board
    assert "A closed online space for peer supporters between events" in board
    assert (
        client.get(f"/ideas/{merged.id}").headers["Location"] == f"/ideas/{merged.merged_into_id}"
    )
