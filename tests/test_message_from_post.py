""" "Message" on a post: a member may start a conversation with a post's author from the post,
shown only where the messages' rules allow it (never to oneself, across a mute, to someone
who turned messages off; newcomers only to moderators), decided for a whole page at once."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Forum, ForumAudience, MessageSetting, Mute, utcnow
from forum.services.messages import conversations
from tests import factories


@pytest.fixture
def settled(app):
    app.config["MESSAGES_NEWCOMER_DAYS"] = app.config["MESSAGES_NEWCOMER_POSTS"] = 0


@pytest.fixture
def thread(app, member):
    with app.app_context():
        callum = factories.member(display_name="Callum")
        kenny = factories.member(display_name="Kenny", role="moderator")
        made = factories.thread(
            callum, title="Meet-up", body="Who is coming?", replies=[(kenny, "I am")]
        )
        factories.reply(member, made.id, "Me too")
        return {"thread": made, "callum": callum, "kenny": kenny}


def _links(client, thread) -> str:
    return client.get(f"/threads/{thread['thread'].id}?page=1").get_data(as_text=True)


def _message_link(person) -> str:
    return f'href="/conversations/new?to={person.id}">Message'


def test_a_member_can_message_a_posts_author_from_the_post(settled, thread, member, member_client):
    page = _links(member_client, thread)
    assert _message_link(thread["callum"]) in page
    assert _message_link(thread["kenny"]) in page
    assert _message_link(member) not in page  # not on one's own post


def test_no_message_link_across_a_mute_or_to_someone_who_turned_messages_off(
    app, settled, thread, member, member_client
):
    with app.app_context():
        db.session.add(Mute(muter_id=thread["callum"].id, muted_id=member.id))
        db.session.add(MessageSetting(member_id=thread["kenny"].id, messages_off=True))
        db.session.commit()
    page = _links(member_client, thread)
    assert _message_link(thread["callum"]) not in page
    assert _message_link(thread["kenny"]) not in page


def test_a_newcomer_sees_message_only_on_moderators_posts(thread, member_client):
    page = _links(member_client, thread)  # the member joined today: a newcomer
    assert _message_link(thread["kenny"]) in page
    assert _message_link(thread["callum"]) not in page


def test_whom_a_member_may_message_is_one_statement_for_many_authors(
    app, settled, ctx, member, count_queries
):
    others = [factories.member(display_name=f"Author {n}") for n in range(12)]
    with count_queries() as statements:
        allowed = conversations.messageable(member, others)
    assert allowed == {o.id for o in others}
    assert len(statements) == 1
    assert allowed == {o.id for o in others if conversations.may_message(member, o)}


def test_a_page_of_authors_of_every_kind_gets_the_one_by_one_answer_each_time(
    app, settled, ctx, member
):
    """``messageable`` keeps its statement per kind of member; who may be messaged is still
    decided for each author and each sender, as ``refusal`` decides it one by one."""
    for forum in db.session.scalars(sa.select(Forum)):  # share a forum only within a region
        if forum.region_id:
            forum.audience = ForumAudience.REGION
        else:
            forum.archived_at = utcnow()
    db.session.commit()
    near = factories.member(display_name="Near", region_name="Lothian")
    authors = [
        near,
        factories.member(display_name="Far", region_name="Highland"),
        factories.member(
            display_name="Far moderator",
            role="moderator",
            region_name="Highland",
            moderates=("Highland",),
        ),
        factories.member(display_name="Moderator of all", role="moderator", region_name=None),
        factories.member(display_name="Off", region_name="Lothian"),
        factories.member(display_name="Muting", region_name="Lothian"),
    ]
    db.session.add(MessageSetting(member_id=authors[4].id, messages_off=True))
    db.session.add(Mute(muter_id=authors[5].id, muted_id=member.id))
    db.session.commit()
    for sender in (member, near, authors[2], member):  # the last: the statement kept
        expected = {a.id for a in authors if conversations.may_message(sender, a)}
        assert conversations.messageable(sender, authors) == expected
    assert conversations.messageable(member, authors) == {near.id, authors[3].id}
