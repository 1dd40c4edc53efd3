"""The moderators' one review queue: reports grouped by what was reported, urgent ones first
with the crisis contacts, posts waiting for approval, applications; the badge on every page;
partials with stable ids for live updates; members get 404 everywhere under /moderation."""

import re

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter, IntegerConverter

from forum.extensions import db
from forum.models import Report
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def reported(app, member):
    """Ahmed's reply, reported by two members (one worried about safety), and a thread."""
    with app.test_request_context():
        author = factories.member(display_name="Rhona")
        thread = factories.thread(author, title="Feeling low tonight", replies=[(member, "Hi")])
        reply_id = db.session.scalar(
            sa.select(sa.func.max(factories.Post.id)).where(factories.Post.thread_id == thread.id)
        )
        one, two = factories.member(), factories.member()
        factories.report(one, "thread", thread.id, "safety", "She said she has a plan.")
        factories.report(two, "thread", thread.id, "unkind")
        factories.report(one, "post", reply_id, "spam", "Selling <b>pills</b>")
    return thread, reply_id


def test_queue_groups_reports_by_thing_with_count_and_reasons(reported, moderator_client):
    thread, reply_id = reported
    page = moderator_client.get("/moderation/").get_data(as_text=True)
    assert f'id="report-thread-{thread.id}"' in page
    assert f'id="report-post-{reply_id}"' in page
    assert page.count(f'id="report-thread-{thread.id}"') == 1  # two reports, one row
    assert "reported by 2 members" in page
    assert "I&#39;m worried about someone&#39;s safety" in page
    assert "It&#39;s unkind or harassing" in page
    assert "Selling &lt;b&gt;pills&lt;/b&gt;" in page  # notes are escaped


def test_safety_reports_sit_at_the_top_with_crisis_contacts_and_what_to_do(
    reported, moderator_client
):
    thread, reply_id = reported
    page = moderator_client.get("/moderation/").get_data(as_text=True)
    urgent = page[page.index('id="queue-urgent"') : page.index('id="queue-reports"')]
    assert f'id="report-thread-{thread.id}"' in urgent
    assert f'id="report-post-{reply_id}"' not in urgent
    assert "Samaritans" in urgent and "116 123" in urgent
    assert "What to do" in urgent and "call 999" in urgent
    assert 'class="tag tag-urgent">Urgent' in urgent


def test_reported_text_is_folded_away_until_the_moderator_opens_it(reported, moderator_client):
    page = moderator_client.get("/moderation/").get_data(as_text=True)
    row = re.search(r'<details class="reported-text">\s*<summary>(.*?)</summary>', page, re.S)
    assert row and "Show the reported text" in row.group(1)
    assert "<details open" not in page


def test_badge_counts_reports_held_posts_and_applications_in_one_query(
    app, reported, moderator_client, count_queries
):
    with app.app_context():
        factories.member(status="pending")
    with count_queries() as statements:
        page = moderator_client.get("/ideas/mine").get_data(as_text=True)
    badge = re.search(r'id="moderation-badge"[^>]*>(\d+)', page)
    assert badge.group(1) == "3"  # two reported things, one application
    # (the bell's count reads moderation_cases too: an urgent case's alert goes once it closes)
    badge_counts = [s for s in statements if "moderation_cases" in s and "notifications" not in s]
    assert len(badge_counts) == 1


def test_partials_return_each_section_and_row_alone(reported, moderator_client):
    thread, _reply_id = reported
    for name in ("urgent", "reports", "held", "applications"):
        body = moderator_client.htmx_get(f"/moderation/queue/{name}").get_data(as_text=True)
        assert body.lstrip().startswith("<section") or body.lstrip().startswith("\n"), name
        assert f'id="queue-{name}"' in body
        assert "<html" not in body
    with moderator_client.application.app_context():
        case = factories.open_case("thread", thread.id)
    row = moderator_client.get(f"/moderation/cases/{case.id}/row").get_data(as_text=True)
    assert row.lstrip().startswith(f'<article id="report-thread-{thread.id}"')
    assert 'id="moderation-badge"' in moderator_client.get("/moderation/badge").get_data(
        as_text=True
    )


def _moderation_urls(app):
    adapter = app.url_map.bind("forum.test")
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/moderation") or rule.rule.startswith("/admin")):
            continue
        values = {}
        for arg, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                values[arg] = sorted(converter.items)[0]
            elif isinstance(converter, IntegerConverter):
                values[arg] = 1
            else:
                values[arg] = "hide"
        url = adapter.build(rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


def test_members_get_404_on_every_moderation_url(app, reported, member_client):
    checked = 0
    for method, url in _moderation_urls(app):
        if method == "GET":
            response = member_client.get(url)
        else:
            response = member_client.submit(url, {"reason": "x", "case": "1"})
        assert response.status_code == 404, (method, url, response.status_code)
        checked += 1
    assert checked > 30
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 3


def test_every_moderation_action_needs_csrf(app, reported, moderator, new_client):
    thread, _reply_id = reported
    plain = new_client()
    sign_in_as(plain, moderator)
    response = plain.post(f"/moderation/thread/{thread.id}/hide", data={"reason": "No token"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(factories.Thread, thread.id).hidden_at is None


def test_queue_page_for_a_moderator_with_nothing_waiting(moderator_client):
    page = moderator_client.get("/moderation/").get_data(as_text=True)
    assert "Nothing urgent right now." in page
    assert "No reports waiting. Thank you." in page
    assert "No posts are waiting for approval." in page
    assert "No applications are waiting" in page
