"""What moderators do with ideas (answer in public, merge duplicates, keep tags) and the vote
budget administrators set. Members get 404 on all of it."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Idea, IdeaComment, IdeaStatusChange, IdeaTag, IdeaVote
from forum.services.ideas import moderation as idea_moderation
from forum.services.ideas import voting
from tests import factories


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def idea(app, member):
    with app.app_context():
        return factories.idea(member, "Speakers with lived experience at every event")


def _status(client, idea_id, status, response=""):
    return client.submit(
        f"/ideas/{idea_id}/status", {"status-status": status, "status-response": response}
    )


# --- status and public response ---------------------------------------------------------------


def test_moderator_answers_in_public_and_the_history_is_kept(
    app, idea, moderator, moderator_client, member_client
):
    response = _status(moderator_client, idea.id, "under_review", "We are asking past speakers.")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ideas/{idea.id}#outcome"
    _status(moderator_client, idea.id, "planned", "**Planned** for the spring gathering.")
    page = _text(member_client.get(f"/ideas/{idea.id}"))
    top = page[page.index('<article class="idea"') : page.index('class="prose idea-description"')]
    assert "Planned: the organisers' response" in top
    assert "<strong>Planned</strong> for the spring gathering." in top
    assert "Kenny" in top and "asking past speakers" not in top
    history = page[page.index('id="history-heading"') :]
    assert "Kenny moved it from open to <strong>under review</strong>" in history
    assert "Kenny moved it from under review to <strong>planned</strong>" in history
    assert history.index("asking past speakers") < history.index("spring gathering")
    with app.app_context():
        changes = db.session.scalars(sa.select(IdeaStatusChange).order_by(IdeaStatusChange.id))
        assert [(c.from_status, c.to_status, c.changed_by_id) for c in changes] == [
            ("open", "under_review", moderator.id),
            ("under_review", "planned", moderator.id),
        ]


def test_the_same_status_again_is_an_update_only_with_a_response(app, idea, moderator_client):
    refused = _status(moderator_client, idea.id, "open")
    assert refused.status_code == 422
    assert "already “Open”" in _text(refused)
    update = _status(moderator_client, idea.id, "open", "Still open: keep the votes coming!")
    assert update.status_code == 302
    page = _text(moderator_client.get(f"/ideas/{idea.id}"))
    assert "posted an update (still open)" in page


@pytest.mark.parametrize("status", ["merged", "closed", "", "OPEN"])
def test_only_statuses_from_the_list(app, idea, moderator_client, status):
    response = _status(moderator_client, idea.id, status, "Keep this text")
    assert response.status_code == 422
    page = _text(response)
    assert "Choose a status from the list." in page
    assert "Keep this text</textarea>" in page


def test_members_cannot_change_status_merge_or_keep_tags(app, idea, member_client):
    assert _status(member_client, idea.id, "done", "Done!").status_code == 404
    assert member_client.submit(f"/ideas/{idea.id}/merge", {"merge-into": "2"}).status_code == 404
    assert member_client.get("/ideas/tags").status_code == 404
    assert member_client.submit("/ideas/tags", {"name": "fun"}).status_code == 404
    assert member_client.submit("/ideas/tags/1", {"action": "remove"}).status_code == 404
    assert member_client.get("/ideas/vote-budget").status_code == 404
    assert "For moderators" not in _text(member_client.get(f"/ideas/{idea.id}"))
    with app.app_context():
        assert db.session.get(Idea, idea.id).status == "open"


def test_a_response_is_sanitised_like_every_post(app, idea, moderator_client, member_client):
    _status(
        moderator_client, idea.id, "declined", "Sorry <script>alert(1)</script>[x](javascript:x)"
    )
    page = _text(member_client.get(f"/ideas/{idea.id}"))
    assert "<script>alert" not in page and 'href="javascript' not in page


# --- merging ----------------------------------------------------------------------------------


@pytest.fixture
def duplicate_pair(app, member):
    """Two ideas about the same thing; Jo voted for both, Callum for the duplicate only."""
    with app.app_context():
        jo = factories.member(display_name="Jo")
        callum = factories.member(display_name="Callum")
        kept = factories.idea(
            member, "A closed online space for peer supporters", voters=(member, jo)
        )
        dup = factories.idea(jo, "An online group to keep in touch", voters=(jo, callum))
        db.session.add(IdeaComment(idea_id=dup.id, author_id=callum.id, body_html="<p>Yes!</p>"))
        db.session.commit()
        return kept, dup, jo, callum


def test_merging_moves_votes_and_comments_and_the_duplicate_redirects(
    app, duplicate_pair, moderator_client, member_client
):
    kept, dup, jo, callum = duplicate_pair
    response = moderator_client.submit(
        f"/ideas/{dup.id}/merge", {"merge-into": str(kept.id), "merge-note": ""}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ideas/{kept.id}"
    with app.app_context():
        target, gone = db.session.get(Idea, kept.id), db.session.get(Idea, dup.id)
        voters = set(
            db.session.scalars(sa.select(IdeaVote.member_id).where(IdeaVote.idea_id == kept.id))
        )
        assert voters == {kept.author_id, jo.id, callum.id}  # Jo keeps one vote
        assert (target.vote_count, target.comment_count) == (3, 1)
        assert (gone.vote_count, gone.comment_count, gone.status) == (0, 0, "merged")
        assert gone.merged_into_id == kept.id
        change = db.session.scalar(
            sa.select(IdeaStatusChange).where(IdeaStatusChange.idea_id == dup.id)
        )
        assert (change.from_status, change.to_status) == ("open", "merged")
        assert "brought together" in change.body_html
    redirect = member_client.get(f"/ideas/{dup.id}")
    assert redirect.status_code == 302 and redirect.headers["Location"] == f"/ideas/{kept.id}"
    page = _text(member_client.get(f"/ideas/{kept.id}"))
    assert "The idea you opened was merged into this one" in page
    assert "An online group to keep in touch" in page and "<p>Yes!</p>" in page
    board = _text(member_client.get("/ideas/"))
    assert "An online group to keep in touch" not in board
    similar = _text(member_client.htmx_get("/ideas/similar?title=online+group"))
    assert "An online group to keep in touch" not in similar


def test_merging_into_a_merged_idea_or_itself_is_refused_with_the_note_kept(
    app, duplicate_pair, moderator_client
):
    kept, dup, jo, _callum = duplicate_pair
    with app.app_context():
        factories.idea(jo, "Third idea")  # number 3
    moderator_client.submit(f"/ideas/{dup.id}/merge", {"merge-into": str(kept.id)})
    for source, into, message in (
        (3, dup.id, f"Idea {dup.id} was itself merged into idea {kept.id}"),
        (kept.id, kept.id, "Give the number of another idea"),
        (kept.id, 999, "There is no idea number 999"),
        (kept.id, "", "Give the number of another idea"),
    ):
        response = moderator_client.submit(
            f"/ideas/{source}/merge", {"merge-into": str(into), "merge-note": "Kept"}
        )
        assert response.status_code == 422, into
        assert message in _text(response) and "Kept</textarea>" in _text(response)
    again = moderator_client.submit(f"/ideas/{dup.id}/merge", {"merge-into": "3"})
    assert again.status_code == 302  # already merged: a message, and nothing changes
    with app.app_context():
        assert db.session.get(Idea, dup.id).merged_into_id == kept.id


def test_ideas_merged_into_a_duplicate_follow_it(ctx, member, moderator):
    a, b, c = (factories.idea(member, f"Walking group {n}") for n in "abc")
    idea_moderation.merge(moderator, a.id, b.id)
    idea_moderation.merge(moderator, b.id, c.id)
    assert db.session.get(Idea, a.id).merged_into_id == c.id
    assert db.session.get(Idea, c.id).vote_count == 1


def test_moderators_see_similar_ideas_to_merge_into(app, duplicate_pair, moderator_client):
    kept, dup, _jo, _callum = duplicate_pair
    page = _text(moderator_client.get(f"/ideas/{dup.id}"))
    assert f'<input type="hidden" name="merge-into" value="{kept.id}">' in page
    assert "Merge into this" in page


# --- tags -------------------------------------------------------------------------------------


def test_moderators_keep_the_list_of_tags(app, member, moderator_client):
    assert moderator_client.submit("/ideas/tags", {"name": "Training"}).status_code == 302
    clash = moderator_client.submit("/ideas/tags", {"name": " training "})
    assert clash.status_code == 422
    assert "already a tag with this name" in _text(clash)
    assert moderator_client.submit("/ideas/tags", {"name": "x"}).status_code == 422
    with app.app_context():
        tag = db.session.scalar(sa.select(IdeaTag))
        assert (tag.id, tag.name, tag.slug) == (1, "Training", "training")
        factories.idea(member, "Peer-led training day", tags=("Training",))
    moderator_client.submit("/ideas/tags/1", {"action": "rename", "name": "Learning"})
    page = _text(moderator_client.get("/ideas/tags"))
    assert 'value="Learning"' in page and "Tag renamed" in page
    assert "Idea tags" in page  # linked from the moderation area
    moderator_client.submit("/ideas/tags/1", {"action": "remove"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IdeaTag)) == 0
        assert db.session.scalar(sa.select(Idea)).tags == []
    assert moderator_client.submit("/ideas/tags/999", {"action": "remove"}).status_code == 302
    assert moderator_client.submit("/ideas/tags/1", {"action": "x"}).status_code == 400


def test_tag_names_from_any_alphabet_get_an_address(app, moderator_client):
    moderator_client.submit("/ideas/tags", {"name": "🎉🎉"})
    moderator_client.submit("/ideas/tags", {"name": "Gàidhlig"})
    with app.app_context():
        slugs = set(db.session.scalars(sa.select(IdeaTag.slug)))
    assert slugs == {"tag", "gaidhlig"}


# --- the vote budget --------------------------------------------------------------------------


def test_administrators_set_and_clear_the_vote_budget(
    app, admin_client, moderator_client, member_client
):
    assert moderator_client.get("/ideas/vote-budget").status_code == 404
    page = _text(admin_client.get("/admin/"))
    assert "/ideas/vote-budget" in page
    assert admin_client.submit("/ideas/vote-budget", {"budget": "5"}).status_code == 302
    assert "You have <strong>5</strong> votes left." in _text(member_client.get("/ideas/"))
    assert 'value="5"' in _text(admin_client.get("/ideas/vote-budget"))
    for bad in ("0", "1001", "many"):
        response = admin_client.submit("/ideas/vote-budget", {"budget": bad})
        assert response.status_code == 422, bad
    assert admin_client.submit("/ideas/vote-budget", {"budget": ""}).status_code == 302
    with app.test_request_context():
        assert voting.budget() is None
