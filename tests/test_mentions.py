"""Mentions and quotes: ``@name`` links to the member and tells them, once the post is saved,
only if they may see the forum; quoting someone's post tells them too."""

import pytest
import sqlalchemy as sa

from forum import richtext
from forum.extensions import db
from forum.models import Notification
from forum.services.errors import ValidationFailed
from forum.services.forums import threads
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def people(app):
    with app.app_context():
        rhona = factories.member(display_name="Rhona")
        callum = factories.member(display_name="Callum Ross")
        zoe = factories.member(display_name="Zoë")
        thread = factories.thread(rhona, title="Supervision")
    return rhona, callum, zoe, thread


def _told(app, member, kind: str) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Notification).where(
            Notification.member_id == member.id, Notification.kind == kind)))  # fmt: skip


def test_a_mention_links_to_the_member_and_tells_them(app, people):
    rhona, callum, zoe, thread = people
    with app.test_request_context():
        post = factories.reply(rhona, thread.id, "What do you think, @Callum_Ross and @zoë?")
        html = post.body_html
    assert f'<a href="/members/{callum.id}"' in html and "@Callum_Ross</a>" in html
    assert f'<a href="/members/{zoe.id}"' in html
    assert len(_told(app, callum, "mention")) == 1 and len(_told(app, zoe, "mention")) == 1


def test_a_mention_inside_code_is_not_a_mention(app, people):
    rhona, callum, _zoe, thread = people
    with app.test_request_context():
        post = factories.reply(
            rhona, thread.id, "Type `@Callum_Ross` to mention.\n\n    @Callum_Ross"
        )
        assert "/members/" not in post.body_html
    assert _told(app, callum, "mention") == []


def test_an_email_address_is_not_a_mention():
    assert richtext.mentions("write to callum@example.org or @Rhona") == ["Rhona"]


def test_a_mention_of_someone_who_cannot_see_the_forum_tells_nobody_and_the_writer_hears(
    app, new_client
):
    with app.app_context():
        factories.forum(region_name="Highland", audience="region")
        fiona = factories.member(display_name="Fiona", region_name="Highland")
        factories.member(display_name="Rhona")  # Lothian: Highland's forum is closed to her
        thread = factories.thread(fiona, "highland", title="Our meet-up")
    client = sign_in_as(new_client(), fiona)
    body = {"body": "Coming, @Rhona? And @Nobody_Here?"}
    response = client.submit(f"/threads/{thread.id}/reply", body, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Nobody was told of @Rhona, @Nobody_Here" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.kind == "mention")) == 0  # fmt: skip


def test_a_thousand_mentions_are_refused_with_a_clear_message(app, people):
    rhona, _callum, _zoe, thread = people
    body = " ".join(f"@person{n}" for n in range(1000))
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        factories.reply(rhona, thread.id, body)
    (message,) = refused.value.field_errors["body"]
    assert "can mention up to 10 members; this one mentions 1000" in message


def test_mentioning_myself_tells_nobody(app, people):
    rhona, _callum, _zoe, thread = people
    with app.test_request_context():
        factories.reply(rhona, thread.id, "Note to @Rhona: follow up.")
    assert _told(app, rhona, "mention") == []


def test_a_reply_quoting_me_tells_me(app, people):
    rhona, callum, _zoe, thread = people
    with app.test_request_context():
        mine = factories.reply(callum, thread.id, "Protected time matters.")
        text, _ = threads.quote(rhona, mine.id)
        factories.reply(rhona, thread.id, text + "Agreed.")
    (told,) = _told(app, callum, "quote")
    assert told.actor_id == rhona.id


@pytest.mark.parametrize("name", ["<script>x</script>", "' OR 1=1 --", "名前", "a" * 80])
def test_odd_names_are_harmless(app, people, name):
    rhona, _callum, _zoe, thread = people
    with app.test_request_context():
        post = factories.reply(rhona, thread.id, f"Hello @{name} there")
        assert "<script>" not in post.body_html
