"""The ideas clinic for members: the board, suggesting an idea, similar ideas, who sees which
idea, my ideas, and comments."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Idea, IdeaComment, IdeaVote, utcnow
from forum.services.ideas import access
from forum.services.ideas import board as ideas_board
from forum.services.ideas import comments as idea_comments
from tests import factories
from tests.conftest import sign_in_as


def _idea_form(**changes):
    form = {
        "title": "Speakers with lived experience at events",
        "description": "Hearing someone's own story reminds us why we do this.",
        "region_id": "",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def _text(response) -> str:
    return response.get_data(as_text=True)


def _stored(app, idea_id: int) -> Idea:
    with app.app_context():
        return db.session.get(Idea, idea_id)


# --- the board --------------------------------------------------------------------------------


def test_board_shows_each_idea_with_its_details(app, member, member_client):
    with app.app_context():
        other = factories.member(display_name="Rhona")
        factories.idea(
            other,
            "Events around the regions",
            "Travelling from **Stornoway** takes two days.",
            region_name="Highland",
            tags=("events",),
            voters=(other, member),
        )
        factories.idea(member, "A shared resources library", status="planned")
    page = _text(member_client.get("/ideas/"))
    assert "Events around the regions" in page
    assert "Travelling from Stornoway takes two days." in page  # a plain excerpt
    assert "by Rhona" in page and "Highland" in page and "National" in page
    assert "0 comments" in page
    assert '<span class="idea-status status-planned">Planned</span>' in page
    assert '<a class="tag" href="/ideas/?tag=events">events</a>' in page
    assert "<strong>2</strong>\n    votes" in page


def test_each_sort_orders_the_board(app, member, member_client):
    now = utcnow()
    with app.app_context():
        voters = [factories.member() for _ in range(4)]
        old = factories.idea(
            member, "Old and loved", created_at=now - timedelta(days=120), voters=tuple(voters)
        )
        new = factories.idea(member, "Brand new idea", voters=())
        talked = factories.idea(member, "Much talked about", created_at=now - timedelta(days=3))
        for idea_id in (talked.id, talked.id, talked.id, old.id):
            db.session.add(IdeaComment(idea_id=idea_id, author_id=member.id))
        db.session.commit()
        access.recount()
        db.session.commit()

    def order(sort):
        page = _text(member_client.get(f"/ideas/?sort={sort}"))
        titles = [t.title for t in (old, new, talked)]
        return sorted(titles, key=page.index)

    assert order("top") == ["Old and loved", "Much talked about", "Brand new idea"]
    assert order("newest") == ["Brand new idea", "Much talked about", "Old and loved"]
    assert order("discussed") == ["Much talked about", "Old and loved", "Brand new idea"]
    # trending: four votes four months ago count for less than a few days of freshness
    assert order("trending") == ["Much talked about", "Brand new idea", "Old and loved"]
    assert order("trending") == order("")


def test_filters_narrow_the_board_and_stay_in_the_links(app, member, member_client):
    with app.app_context():
        factories.idea(member, "Highland walk", region_name="Highland", tags=("activities",))
        factories.idea(member, "National training day", tags=("training",), status="planned")
        factories.idea(member, "Lothian speakers", region_name="Lothian", tags=("speakers",))

    titles = ("Highland walk", "National training day", "Lothian speakers")

    def shown(query):
        page = _text(member_client.get(f"/ideas/?{query}"))
        return {title for title in titles if title in page}

    assert shown("region=highland") == {"Highland walk"}
    assert shown("region=national") == {"National training day"}
    assert shown("status=planned") == {"National training day"}
    assert shown("tag=speakers") == {"Lothian speakers"}
    assert shown("tag=training&status=open") == set()
    page = _text(member_client.get("/ideas/?sort=top&tag=activities"))
    assert 'href="/ideas/?sort=newest&amp;tag=activities"' in page  # sorting keeps the filter
    assert '<option value="activities" selected>' in page


@pytest.mark.parametrize(
    "query",
    ["sort=best", "status=merged", "status=%00", "region=atlantis", "tag=nope", "page=-3",
     "page=x", "page=99999999999", "sort[]=top", "region=1", "page=²"],
)  # fmt: skip
def test_unknown_sort_or_filter_falls_back_to_the_default(app, member, member_client, query):
    with app.app_context():
        factories.idea(member, "Quarterly meetings in each region")
    default = _text(member_client.get("/ideas/"))
    response = member_client.get(f"/ideas/?{query}")
    assert response.status_code == 200
    assert "Quarterly meetings in each region" in _text(response)
    assert "1 idea, sorted by trending" in default and "1 idea, sorted by trending" in _text(
        response
    )


def test_board_is_paginated(app, member, member_client):
    with app.app_context():
        for n in range(ideas_board.BOARD_PER_PAGE + 3):
            factories.idea(member, f"Idea about topic {n:02d}", voters=())
    first = _text(member_client.get("/ideas/?sort=newest"))
    second = _text(member_client.get("/ideas/?sort=newest&page=2"))
    assert "Idea about topic 22" in first and "Idea about topic 00" not in first
    assert "Idea about topic 00" in second and "Idea about topic 22" not in second
    assert 'href="/ideas/?sort=newest&amp;page=2"' in first


# --- suggesting an idea -----------------------------------------------------------------------


def test_member_suggests_an_idea_and_backs_it_automatically(app, member, member_client):
    with app.app_context():
        events = factories.tag("events").id
        highland = factories.region("Highland").id
    response = member_client.submit(
        "/ideas/new",
        _idea_form(description="**Yes**, please", region_id=str(highland), tag_ids=[str(events)]),
    )
    assert response.status_code == 302
    idea_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = _text(member_client.get(response.headers["Location"]))
    assert "your idea is on the board, with your vote" in page
    assert "<p><strong>Yes</strong>, please</p>" in page
    assert 'aria-pressed="true"' in page
    assert 'data-keys="idea-new"' in page  # the browser may forget the draft
    with app.app_context():
        stored = db.session.get(Idea, idea_id)
        assert (stored.vote_count, stored.region_id, [t.name for t in stored.tags]) == (
            1,
            highland,
            ["events"],
        )
        assert db.session.get(IdeaVote, (idea_id, member.id)) is not None


@pytest.mark.parametrize(("length", "accepted"), [(4, False), (5, True), (120, True), (121, False)])
def test_title_is_5_to_120_characters(app, member_client, length, accepted):
    title = ("Walks" * 30)[:length]
    response = member_client.submit("/ideas/new", _idea_form(title=title))
    assert response.status_code == (302 if accepted else 422)
    if not accepted:
        page = _text(response)
        assert 'id="title-error"' in page and 'aria-invalid="true"' in page
        assert f'value="{title}"' in page  # the text is kept


def test_description_over_10000_characters_is_refused_and_kept(app, member_client):
    text = "a" * 10_001
    response = member_client.submit("/ideas/new", _idea_form(description=text))
    assert response.status_code == 422
    page = _text(response)
    assert "10,001 characters; the most we take is 10,000" in page
    assert text in page
    ok = member_client.submit("/ideas/new", _idea_form(description="a" * 10_000))
    assert ok.status_code == 302


def test_every_problem_is_shown_at_once_and_the_text_kept(app, member_client):
    response = member_client.submit(
        "/ideas/new", _idea_form(title="Hi", description="  \n ", tag_ids=["999"])
    )
    assert response.status_code == 422
    page = _text(response)
    assert "Use at least 5 characters for the title." in page
    assert "Write something first: this is empty." in page
    assert "Choose tags from the list." in page
    assert 'value="Hi"' in page


@pytest.mark.parametrize("bad", [["999"], ["x"], ["1", "1e3"]])
def test_only_tags_from_the_list(app, member_client, bad):
    with app.app_context():
        factories.tag("events")
    response = member_client.submit("/ideas/new", _idea_form(tag_ids=bad))
    assert response.status_code == 422
    assert "Choose tags from the list." in _text(response)


@pytest.mark.parametrize("region", ["999", "abc"])
def test_only_regions_from_the_list(app, member_client, region):
    response = member_client.submit("/ideas/new", _idea_form(region_id=region))
    assert response.status_code == 422
    assert "Choose a region from the list" in _text(response)


def test_archived_region_is_not_offered_nor_taken(app, member_client):
    with app.app_context():
        highland = factories.region("Highland")
        highland.archived_at = utcnow()
        db.session.commit()
        highland_id = highland.id
    assert ">Highland</option>" not in _text(member_client.get("/ideas/new"))
    response = member_client.submit("/ideas/new", _idea_form(region_id=str(highland_id)))
    assert response.status_code == 422


def test_the_same_idea_twice_leads_to_the_first(app, member_client):
    app.config["RATELIMIT_ENABLED"] = False
    first = member_client.submit("/ideas/new", _idea_form())
    again = member_client.submit("/ideas/new", _idea_form())
    assert again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert "You sent this idea a moment ago" in _text(member_client.get(again.headers["Location"]))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 1


def test_posting_too_fast_answers_429_and_keeps_the_text(app, member_client):
    assert member_client.submit("/ideas/new", _idea_form()).status_code == 302
    response = member_client.submit("/ideas/new", _idea_form(title="Another thought entirely"))
    assert response.status_code == 429
    page = _text(response)
    assert "You are posting faster than we allow. Your text is kept" in page
    assert 'value="Another thought entirely"' in page


# --- similar ideas ----------------------------------------------------------------------------


def test_similar_ideas_appear_while_typing(app, member, member_client):
    with app.app_context():
        factories.idea(member, "A speaker with lived experience at every event")
        factories.idea(member, "Guest speakers for quarterly meetings")
        factories.idea(member, "A walking group")
    response = member_client.htmx_get("/ideas/similar?title=Speakers+at+our+events")
    page = _text(response)
    assert "2 similar ideas already on the board" in page
    assert page.index("every event") < page.index("quarterly")  # two terms before one
    assert "walking" not in page
    assert _text(member_client.htmx_get("/ideas/similar?title=the+and+of")) == ""
    empty_box = '<div id="similar-ideas" class="similar" aria-live="polite"></div>'
    assert empty_box in _text(member_client.get("/ideas/new"))  # hidden by .similar:empty


def test_at_most_five_similar_ideas_and_never_merged_ones(app, member, member_client):
    with app.app_context():
        for n in range(7):
            factories.idea(member, f"Training day number {n}")
        factories.idea(member, "Training day merged away", status="merged")
    page = _text(member_client.htmx_get("/ideas/similar?title=training"))
    assert page.count("<li>") == 5
    assert "merged away" not in page


def test_similar_ideas_are_shown_again_when_the_form_comes_back(app, member, member_client):
    with app.app_context():
        factories.idea(member, "Quarterly meetings for peer workers")
    response = member_client.submit("/ideas/new", _idea_form(title="Quarterly", description=""))
    assert response.status_code == 422
    assert "Quarterly meetings for peer workers" in _text(response)


def test_title_terms_meet_plurals_and_half_typed_words():
    assert ideas_board.title_terms("Speakers at the Quarterly meetings!") == {
        "speak",
        "quart",
        "meeti",
    }
    assert ideas_board.title_terms("speaker") == ideas_board.title_terms("speaking")
    assert ideas_board.title_terms("Gàidhlig résumé") == {"gaidh", "resum"}
    assert ideas_board.title_terms("a to of it peer") == set()


# --- who sees which idea ----------------------------------------------------------------------


@pytest.fixture
def highland_only(app):
    """Highland's forum, and so its content, is for Highland members (and moderators) only."""
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        return factories.region("Highland").id


def test_ideas_of_a_restricted_region_are_hidden_from_others(
    app, member, member_client, new_client, moderator_client, highland_only
):
    with app.app_context():
        local = factories.member(display_name="Isla", region_name="Highland")
        secret = factories.idea(local, "Highland gathering in Inverness", region_name="Highland")
        factories.idea(local, "National gathering in Perth")
        comment = IdeaComment(idea_id=secret.id, author_id=local.id, body_html="<p>Yes</p>")
        db.session.add(comment)
        db.session.commit()
        comment_id = comment.id
    sid = secret.id
    board = _text(member_client.get("/ideas/"))
    assert "National gathering in Perth" in board and "Inverness" not in board
    assert "Inverness" not in _text(member_client.get("/ideas/?region=highland"))
    assert "Inverness" not in _text(member_client.htmx_get("/ideas/similar?title=gathering"))
    for response in (
        member_client.get(f"/ideas/{sid}"),
        member_client.htmx_get(f"/ideas/{sid}/votes"),
        member_client.htmx_get(f"/ideas/{sid}/comments"),
        member_client.htmx_get(f"/ideas/comments/{comment_id}"),
        member_client.submit(f"/ideas/{sid}/vote", {"vote": "1"}),
        member_client.submit(f"/ideas/{sid}/comments", {"body": "Can I come?"}),
    ):
        assert response.status_code == 404
        assert "Inverness" not in _text(response)
    with app.app_context():
        assert db.session.get(IdeaVote, (sid, member.id)) is None
    islander = sign_in_as(new_client(), local)
    assert "Inverness" in _text(islander.get("/ideas/"))
    assert islander.get(f"/ideas/{sid}").status_code == 200
    assert moderator_client.get(f"/ideas/{sid}").status_code == 200


def test_members_cannot_suggest_ideas_for_another_restricted_region(
    app, member_client, highland_only
):
    response = member_client.submit("/ideas/new", _idea_form(region_id=str(highland_only)))
    assert response.status_code == 422


def test_my_ideas_leave_out_what_i_no_longer_may_see(app, member, member_client, highland_only):
    with app.app_context():
        local = factories.member(region_name="Highland")
        factories.idea(local, "Highland only idea", region_name="Highland", voters=(member,))
    assert "Highland only idea" not in _text(member_client.get("/ideas/mine?show=voted"))


# --- my ideas ---------------------------------------------------------------------------------


def test_my_ideas_show_what_i_suggested_and_what_i_backed(app, member, member_client):
    with app.app_context():
        other = factories.member(display_name="Fiona")
        factories.idea(member, "My own idea")
        factories.idea(other, "Fiona's idea I backed", voters=(other, member))
        factories.idea(other, "Fiona's idea I did not back")
    mine = _text(member_client.get("/ideas/mine"))
    backed = _text(member_client.get("/ideas/mine?show=voted"))
    assert "My own idea" in mine and "Fiona" not in mine
    assert "Fiona&#39;s idea I backed" in backed and "My own idea" in backed
    assert "did not back" not in backed


# --- comments ---------------------------------------------------------------------------------


def test_member_comments_in_markdown_and_the_count_follows(app, member, member_client):
    with app.app_context():
        idea = factories.idea(member, "Reflective practice sessions")
    before = _stored(app, idea.id).trending_score
    response = member_client.submit(f"/ideas/{idea.id}/comments", {"body": "I'd come _monthly_"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/ideas/{idea.id}#comment-1")
    page = _text(member_client.get(f"/ideas/{idea.id}"))
    assert "Your comment is posted." in page
    assert '<article class="comment" id="comment-1"' in page
    assert "<p>I'd come <em>monthly</em></p>" in page
    assert f'Comments (<span id="idea-{idea.id}-comment-count">1</span>)' in page
    assert f'data-keys="idea-{idea.id}-comment"' in page
    stored = _stored(app, idea.id)
    assert stored.comment_count == 1 and stored.trending_score > before


def test_an_empty_or_too_long_comment_is_refused_with_the_text_kept(app, member, member_client):
    with app.app_context():
        idea = factories.idea(member)
    empty = member_client.submit(f"/ideas/{idea.id}/comments", {"body": " \n "})
    assert empty.status_code == 422
    assert "Write something first" in _text(empty)
    long_text = "word " * 6001
    too_long = member_client.submit(f"/ideas/{idea.id}/comments", {"body": long_text})
    assert too_long.status_code == 422
    assert long_text.strip() in _text(too_long)


def test_commenting_too_fast_answers_429_with_the_text_kept(app, member, member_client):
    with app.app_context():
        idea = factories.idea(member)
    member_client.submit(f"/ideas/{idea.id}/comments", {"body": "First thought"})
    response = member_client.submit(f"/ideas/{idea.id}/comments", {"body": "Second thought"})
    assert response.status_code == 429
    assert "Your text is kept" in _text(response) and "Second thought</textarea>" in _text(response)


def test_the_same_comment_twice_is_caught(app, member, member_client):
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        idea = factories.idea(member)
    member_client.submit(f"/ideas/{idea.id}/comments", {"body": "Count me in"})
    again = member_client.submit(f"/ideas/{idea.id}/comments", {"body": "count  ME in\n"})
    assert again.status_code == 302
    assert "You posted this comment a moment ago" in _text(member_client.get(f"/ideas/{idea.id}"))
    assert _stored(app, idea.id).comment_count == 1


def test_authors_edit_and_remove_their_own_comments_only(app, member, member_client, new_client):
    app.config["RATELIMIT_ENABLED"] = False
    with app.app_context():
        idea = factories.idea(member)
        other = factories.member(display_name="Callum")
    member_client.submit(f"/ideas/{idea.id}/comments", {"body": "Frist!"})
    callum = sign_in_as(new_client(), other)
    assert callum.get("/ideas/comments/1/edit").status_code == 404
    assert callum.submit("/ideas/comments/1/delete").status_code == 404
    edit_page = _text(member_client.get("/ideas/comments/1/edit"))
    assert "Frist!</textarea>" in edit_page
    saved = member_client.submit("/ideas/comments/1/edit", {"body": "First, **gladly**"})
    assert saved.status_code == 302
    page = _text(member_client.get(f"/ideas/{idea.id}"))
    assert "First, <strong>gladly</strong>" in page and "(edited)" in page
    assert member_client.submit("/ideas/comments/1/edit", {"body": ""}).status_code == 422
    assert member_client.submit("/ideas/comments/1/delete").status_code == 302
    page = _text(member_client.get(f"/ideas/{idea.id}"))
    assert "This comment was removed by its author." in page and "gladly" not in page
    assert member_client.submit("/ideas/comments/1/delete").status_code == 404
    assert member_client.get("/ideas/comments/1/edit").status_code == 404
    with app.app_context():
        removed = db.session.get(IdeaComment, 1)
        assert (removed.body_source, removed.body_html) == ("", "")
    assert _stored(app, idea.id).comment_count == 0


def test_removing_a_comment_twice_counts_it_out_once(app, member):

    app.config["RATELIMIT_ENABLED"] = False
    with app.test_request_context():
        idea = factories.idea(member)
        first = idea_comments.add(member, idea.id, "one")
        idea_comments.add(member, idea.id, "two")
        idea_comments.remove(member, first.id)
        with pytest.raises(Exception, match="own comments"):
            idea_comments.remove(member, first.id)
        assert db.session.get(Idea, idea.id).comment_count == 1


def test_comment_partials_have_stable_ids_for_live_updates(app, member, member_client):
    with app.app_context():
        idea = factories.idea(member)
    member_client.submit(f"/ideas/{idea.id}/comments", {"body": "Hello"})
    listing = _text(member_client.htmx_get(f"/ideas/{idea.id}/comments"))
    assert listing.lstrip().startswith(f'<div id="idea-{idea.id}-comments"')
    assert 'id="comment-1"' in listing and "<html" not in listing
    one = _text(member_client.htmx_get("/ideas/comments/1"))
    assert one.lstrip().startswith('<article class="comment" id="comment-1"')
    plain = member_client.get(f"/ideas/{idea.id}/comments")
    assert plain.status_code == 302  # without htmx: the idea's page


def test_comments_on_a_merged_idea_go_to_the_other_one(app, member, member_client):
    with app.app_context():
        target = factories.idea(member, "The idea we kept")
        gone = factories.idea(member, "The duplicate", status="merged")
        merge = sa.update(Idea).where(Idea.id == gone.id).values(merged_into_id=target.id)
        db.session.execute(merge)
        db.session.commit()
    response = member_client.submit(f"/ideas/{gone.id}/comments", {"body": "Hello?"})
    assert response.status_code == 302
    page = _text(member_client.get(response.headers["Location"], follow_redirects=True))
    assert "comment there instead" in page and "The idea we kept" in page


# --- safety -----------------------------------------------------------------------------------


def test_outsiders_posting_without_a_token_are_sent_away_with_nothing_shown(
    app, member, new_client
):
    """A missing CSRF token redraws some forms with what was typed; never for outsiders."""
    with app.app_context():
        idea = factories.idea(member, "Seen-only-by-members")
        pending = factories.member(status="pending")
    outsiders = ((new_client(), "/signin"), (sign_in_as(new_client(), pending), "/status"))
    urls = ("/ideas/new", f"/ideas/{idea.id}/comments", "/ideas/comments/1/edit")
    urls += ("/account/password",)
    for client, where in outsiders:
        for url in urls:
            response = client.post(url, data={"body": "x", "title": "x"})
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith(where), url
            assert "Seen-only-by-members" not in _text(response)


def test_an_expired_token_keeps_the_idea_being_written(app, member_client):
    response = member_client.post("/ideas/new", data=_idea_form(title="Kept after timeout"))
    assert response.status_code == 400
    page = _text(response)
    assert "Your session timed out" in page and 'value="Kept after timeout"' in page


def test_excerpt_is_plain_text_with_list_items_kept_apart(ctx):
    idea = Idea()
    idea.set_body("Things **like**:\n\n- recovery plans\n- leaflets\n\n" + "More words. " * 40)
    assert idea.excerpt.startswith("Things like: recovery plans, leaflets More words.")
    assert idea.excerpt.endswith("…") and len(idea.excerpt) <= 221
