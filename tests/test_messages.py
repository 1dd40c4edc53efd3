"""Messages between members: conversations with one or a few members who share a forum they
can both see, never across a mute, newcomers to moderators only; Markdown made safe, content
warnings, watched words and rate limits as for posts; leave, mute, messages off; reporting a
message puts it (and only it, with the messages just before it) before the moderators."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    Conversation,
    Forum,
    ForumAudience,
    Member,
    Message,
    ModerationCase,
    Report,
    utcnow,
)
from forum.services.forums import content_warnings
from forum.services.messages import conversations
from forum.services.people import mutes
from forum.services.safety import watched_words
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def settled(app):
    """Nobody is a newcomer (unless a test says so)."""
    app.config["MESSAGES_NEWCOMER_DAYS"] = 0
    app.config["MESSAGES_NEWCOMER_POSTS"] = 0


@pytest.fixture
def callum(app):
    with app.app_context():
        return factories.member(display_name="Callum")


@pytest.fixture
def callum_client(new_client, callum):
    return sign_in_as(new_client(), callum)


def _start(client, to, body="Hello, how are you doing?", **extra):
    to = to if isinstance(to, list) else [to]
    return client.submit(
        f"/conversations/new?{'&'.join(f'to={t}' for t in to)}", {"body": body, **extra}
    )


def _conversation_id(response) -> int:
    return int(response.headers["Location"].split("/conversations/")[1].split("#")[0])


def test_two_members_exchange_messages_that_only_they_read(
    app, settled, member, callum, member_client, callum_client, moderator_client
):
    started = _start(member_client, callum.id, "Hello **Callum**, <script>x()</script>")
    assert started.status_code == 302
    cid = _conversation_id(started)
    page = callum_client.get(f"/conversations/{cid}").get_data(as_text=True)
    assert "<strong>Callum</strong>" in page and "<script>x()" not in page
    assert (
        callum_client.submit(f"/conversations/{cid}", {"body": "Doing OK, thanks."}).status_code
        == 302
    )
    assert "Doing OK, thanks." in member_client.get(f"/conversations/{cid}").get_data(as_text=True)
    # nobody else, moderators included, can open it
    assert moderator_client.get(f"/conversations/{cid}").status_code == 404
    assert moderator_client.submit(f"/conversations/{cid}", {"body": "hi"}).status_code == 404
    assert moderator_client.get(f"/conversations/{cid}/after?after=0").status_code == 404


def test_the_inbox_lists_conversations_and_marks_new_ones(
    app, settled, member, callum, member_client, callum_client
):
    _start(member_client, callum.id, "Are you coming on Saturday?")
    inbox = callum_client.get("/conversations/").get_data(as_text=True)
    assert "Ahmed" in inbox and "New" in inbox


def test_a_conversation_with_a_few_members(app, settled, member, callum, ctx):
    isla = factories.member(display_name="Isla")
    conversation = conversations.start(member, [callum.id, isla.id], body="Hi both")
    assert len(conversation.members) == 3


def test_too_many_people_are_refused(app, settled, member, ctx):
    people = [factories.member().id for _ in range(conversations.MAX_OTHERS + 1)]
    with pytest.raises(Exception, match="up to"):
        conversations.start(member, people, body="Hi all")


def test_never_with_someone_who_muted_you_or_whom_you_muted(
    app, settled, member, callum, member_client
):
    with app.test_request_context():
        mutes.mute(callum, member.id)
    refused = _start(member_client, callum.id)
    assert refused.status_code == 403
    assert "You cannot start a conversation with Callum." in refused.get_data(as_text=True)
    assert "muted" not in refused.get_data(as_text=True).split("<main")[-1].lower()
    with app.app_context():
        assert not conversations.may_message(callum, member)


def test_a_mute_after_the_conversation_started_stops_writing_in_it(
    app, settled, member, callum, ctx
):
    conversation = conversations.start(member, [callum.id], body="Hi")
    mutes.mute(callum, member.id)
    with pytest.raises(Exception, match="no longer write"):
        conversations.send(member, conversation.id, body="Hello?")


def test_only_members_who_share_a_forum_they_can_both_see(app, settled, member, ctx):
    # Every regional forum for its region only, the national ones archived: a Lothian member
    # and a Highland member share none.
    for forum in db.session.scalars(sa.select(Forum)):
        if forum.region_id:
            forum.audience = ForumAudience.REGION
        else:
            forum.archived_at = utcnow()
    db.session.commit()
    far = factories.member(display_name="Far", region_name="Highland")
    assert "do not share a forum" in (conversations.refusal(member, far) or "")
    near = factories.member(display_name="Near", region_name="Lothian")
    assert conversations.refusal(member, near) is None


def test_a_newcomer_messages_the_moderators_only(app, member, moderator, callum, member_client):
    app.config["MESSAGES_NEWCOMER_DAYS"] = 7  # the factory's members joined just now
    refused = _start(member_client, callum.id)
    assert refused.status_code == 403 and "message the moderators only" in refused.get_data(
        as_text=True
    )
    assert _start(member_client, moderator.id, "Could you help me?").status_code == 302


def test_a_newcomer_by_post_count(app, member, callum, ctx):
    app.config["MESSAGES_NEWCOMER_DAYS"] = 0
    app.config["MESSAGES_NEWCOMER_POSTS"] = 2
    assert conversations.is_newcomer(member)
    thread = factories.thread(member)
    factories.reply(member, thread.id, "A second post of mine")
    assert not conversations.is_newcomer(member)


def test_messages_off_refuses_members_but_not_moderators(
    app, settled, member, callum, moderator, member_client, callum_client
):
    callum_client.submit("/conversations/settings", {"messages": "off"})
    with app.app_context():
        assert conversations.messages_off(callum.id)
        assert conversations.may_message(moderator, callum)
    refused = _start(member_client, callum.id)
    assert refused.status_code == 403 and "turned messages off" in refused.get_data(as_text=True)
    callum_client.submit("/conversations/settings", {"messages": "on"})
    assert _start(member_client, callum.id).status_code == 302


def test_leaving_removes_the_conversation_and_stops_its_messages(
    app, settled, member, callum, member_client, callum_client
):
    cid = _conversation_id(_start(member_client, callum.id))
    assert callum_client.submit(f"/conversations/{cid}/leave").status_code == 302
    assert callum_client.get(f"/conversations/{cid}").status_code == 404
    refused = member_client.submit(f"/conversations/{cid}", {"body": "Still there?"})
    assert refused.status_code == 403 and "Everyone else has left" in refused.get_data(as_text=True)


def test_muting_a_conversation_stops_its_notifications(app, settled, member, callum, ctx):
    conversation = conversations.start(member, [callum.id], body="Hi")
    message = db.session.scalar(sa.select(Message))
    assert [m.id for m in conversations.to_notify(message)] == [callum.id]
    conversations.set_muted(callum, conversation.id, True)
    assert conversations.to_notify(message) == []


def test_content_warnings_fold_a_message(
    app, settled, member, callum, member_client, callum_client
):
    with app.app_context():
        warning = content_warnings.all_warnings()[0]
    cid = _conversation_id(
        _start(member_client, callum.id, "About my loss", warnings=str(warning.id))
    )
    page = callum_client.get(f"/conversations/{cid}").get_data(as_text=True)
    assert "This message mentions" in page


def test_a_blocked_word_refuses_the_message_and_keeps_the_text(
    app, settled, member, callum, member_client
):
    with app.test_request_context():
        watched_words.add(factories.member(role="admin"), "buy cheap pills", "block")
    refused = _start(member_client, callum.id, "buy cheap pills and more I wrote")
    assert refused.status_code == 422 and "more I wrote" in refused.get_data(as_text=True)


def test_messages_are_rate_limited_as_posts(app, settled, member, callum, member_client):
    app.config["POSTING_LIMITS"] = "1 per minute"
    cid = _conversation_id(_start(member_client, callum.id))
    refused = member_client.submit(f"/conversations/{cid}", {"body": "And another thing"})
    assert refused.status_code == 429 and "And another thing" in refused.get_data(as_text=True)


def test_reporting_a_message_shows_the_moderator_only_it_and_what_came_just_before(
    app, settled, member, callum, member_client, callum_client, moderator_client
):
    app.config["RATELIMIT_ENABLED"] = False
    cid = _conversation_id(_start(member_client, callum.id, "An early private word"))
    for text in ("second", "third", "fourth"):
        with app.app_context():
            conversations.send(
                db.session.get(Member, callum.id if text != "third" else member.id),
                cid,
                body=f"The {text} message",
            )
    with app.app_context():
        reported = db.session.scalars(sa.select(Message).order_by(Message.id.desc())).first()
    response = member_client.submit(
        f"/report/message/{reported.id}", {"reason": "unkind", "note": "This upset me"}
    )
    assert response.status_code in (200, 302)
    with app.app_context():
        case = db.session.scalar(sa.select(ModerationCase))
        assert (case.target_kind.value, case.target_id) == ("message", reported.id)
    queue = moderator_client.get("/moderation/").get_data(as_text=True)
    assert "Callum&#39;s private message" in queue
    page = moderator_client.get(f"/moderation/message/{reported.id}").get_data(as_text=True)
    assert "The fourth message" in page and "The third message" in page
    assert "The second message" in page  # the two before it, for context
    assert "An early private word" not in page  # never the rest of the conversation
    assert moderator_client.get(f"/conversations/{cid}").status_code == 404


def test_a_moderator_hides_a_reported_message(app, settled, member, callum, moderator, ctx):
    conversation = conversations.start(member, [callum.id], body="Something unkind")
    message = db.session.scalar(sa.select(Message))
    factories.report(callum, "message", message.id)
    case = db.session.scalar(sa.select(ModerationCase))
    factories.act(moderator, "message", message.id, "hide", reason="Unkind.", case=case.id)
    db.session.refresh(message)
    assert message.is_hidden
    assert conversation.id


def test_a_message_cannot_be_reported_by_someone_outside_the_conversation(
    app, settled, member, callum, ctx
):
    conversations.start(member, [callum.id], body="Between us")
    message = db.session.scalar(sa.select(Message))
    outsider = factories.member(display_name="Outsider")
    with pytest.raises(Exception, match="does not exist"):
        factories.report(outsider, "message", message.id)
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0


def test_only_its_members_hear_a_conversation_live(app, settled, member, callum, ctx):
    conversation = conversations.start(member, [callum.id], body="Hi")
    outsider = factories.member(display_name="Outsider", role="moderator")
    key = str(conversation.id)
    assert conversations.may_hear(callum, key) and not conversations.may_hear(outsider, key)
    assert not conversations.may_hear(callum, "x")
    assert db.session.scalar(sa.select(sa.func.count(Conversation.id))) == 1


def test_the_privacy_notice_says_what_moderators_can_and_cannot_read(client):
    page = client.get("/apply/privacy-notice").get_data(as_text=True)
    assert "Moderators and administrators cannot" in page and "two messages just before it" in page
