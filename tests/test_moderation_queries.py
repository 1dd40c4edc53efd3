"""Moderators' pages run a fixed number of queries however much waits: the queue for 2 reported
things and for 30, a thing's moderation page, the audit log, "My reports"."""

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Post
from forum.services import site_settings
from tests import factories


def _fill(app, member, count: int) -> int:
    """``count`` reported replies (of every kind of reason), posts waiting and applications."""
    with app.test_request_context():
        site_settings.settings().auto_hide_reports = 0
        db.session.commit()
        author = factories.member(display_name="Author")
        thread = factories.thread(author, title="Busy thread")
        idea = factories.idea(author, "An idea to report")
        for n in range(count):
            reply = factories.reply(author, thread.id, f"Reply {n}").id
            factories.report(member, "post", reply, ("safety", "unkind", "spam")[n % 3], "Note")
            factories.report(factories.member(), "post", reply, "personal")
            comment = factories.comment(author, idea.id, f"Comment {n}").id
            factories.report(member, "comment", comment, "spam")
            factories.report(member, "member", factories.member().id, "unkind")
            factories.member(status="pending")
        return db.session.scalar(sa.select(sa.func.max(Post.id)))


def _count(count_queries, client, url) -> int:
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


@pytest.mark.slow
def test_the_queue_runs_the_same_queries_for_few_and_many(
    app, member, moderator_client, member_client, count_queries
):
    last = _fill(app, member, 2)
    urls = ["/moderation/", "/moderation/audit", f"/moderation/post/{last}", "/reports/mine"]
    small = {url: _count(count_queries, moderator_client, url) for url in urls[:3]}
    small["/reports/mine"] = _count(count_queries, member_client, urls[3])
    _fill(app, member, 30)
    large = {url: _count(count_queries, moderator_client, url) for url in urls[:3]}
    large["/reports/mine"] = _count(count_queries, member_client, urls[3])
    print("queries:", small)
    assert large == small
    assert small["/moderation/"] <= 20  # sections (cases, reports, kinds, appeals), bell, room
