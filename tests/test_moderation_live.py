"""The review queue is live: on every "moderation" event each section asks what arrived since the
newest rows it shows (reports, urgent reports, posts waiting, applications) and what happened to
the rows it shows. New rows come back as the same partials the page includes; a row another
moderator handled becomes a note saying who did what; a row that moved between "urgent" and the
rest leaves; the counts follow. Only the moderator's regions, as everywhere in the queue."""

import re

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import ModerationCase, Post, Report
from forum.services import site_settings
from tests import factories
from tests.conftest import sign_in_as


@pytest.fixture
def thread(app, member):
    with app.test_request_context():
        return factories.thread(factories.member(display_name="Rhona"), title="A hard week")


def _newest_report(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Report.id), 0)))


def _case(app, kind, target_id) -> ModerationCase:
    with app.app_context():
        return factories.open_case(kind, target_id)


def _updates(client, name, after=0, shown=()):
    query = "&".join([f"after={after}", *(f"shown={i}" for i in shown)])
    response = client.htmx_get(f"/moderation/queue/{name}/updates?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _report(app, kind, target_id, reason="unkind", reporter=None):
    with app.test_request_context():
        factories.report(reporter or factories.member(), kind, target_id, reason)


def test_every_section_of_the_queue_page_listens_for_new_rows(moderator_client):
    page = moderator_client.get("/moderation/").get_data(as_text=True)
    for list_id, url in (("urgent-cases", "/moderation/queue/urgent/updates"),
                         ("report-cases", "/moderation/queue/reports/updates"),
                         ("held-posts", "/moderation/queue/held/updates"),
                         ("applications", "/moderation/applications/updates")):  # fmt: skip
        incoming = re.search(rf'<div id="{list_id}-incoming"[^>]*>', page)
        assert incoming, list_id
        assert f'hx-get="{url}"' in incoming.group(0)
        assert "sse:moderation" in incoming.group(0)
        assert f'data-live-show="{list_id}"' in page
    assert re.search(r'sse-connect="[^"]*topic=moderation', page)


def test_a_report_made_after_the_page_arrives_as_a_new_row(app, thread, moderator_client):
    after = _newest_report(app)
    assert 'id="report-thread' not in _updates(moderator_client, "reports", after)
    _report(app, "thread", thread.id)
    body = _updates(moderator_client, "reports", after)
    case = _case(app, "thread", thread.id)
    assert f'<article id="report-thread-{thread.id}"' in body
    assert f'name="shown" value="{case.id}"' in body
    assert "reported by 1 member" in body
    assert "1 reported thing waiting." in body  # the counts, out of band
    assert 'id="report-thread' not in _updates(moderator_client, "urgent", after)


def test_reported_again_the_row_comes_back_with_a_newer_live_id(app, thread, moderator_client):
    _report(app, "thread", thread.id)
    first = _newest_report(app)
    _report(app, "thread", thread.id, "spam")
    body = _updates(moderator_client, "reports", first)
    live_id = re.search(rf'id="report-thread-{thread.id}"[^>]*data-live-id="(\d+)"', body)
    assert int(live_id.group(1)) == _newest_report(app) > first
    assert "reported by 2 members" in body


def test_a_safety_report_arrives_in_the_urgent_section_with_what_to_do(
    app, thread, moderator_client
):
    _report(app, "thread", thread.id)
    case = _case(app, "thread", thread.id)
    after = _newest_report(app)
    _report(app, "thread", thread.id, "safety")
    urgent = _updates(moderator_client, "urgent", after)
    assert f'<article id="report-thread-{thread.id}"' in urgent
    assert 'id="urgent-guide" hx-swap-oob="true"' in urgent and "Samaritans" in urgent
    assert "Someone may be at risk" in urgent
    # the reports section shows it too: it leaves there
    reports = _updates(moderator_client, "reports", after, shown=[case.id])
    assert f'<article id="report-thread-{thread.id}" hx-swap-oob="delete">' in reports


def test_a_row_another_moderator_handled_becomes_a_note_saying_who(
    app, thread, moderator, moderator_client
):
    _report(app, "thread", thread.id)
    case = _case(app, "thread", thread.id)
    with app.test_request_context():
        colleague = factories.member(display_name="Morag", role="moderator")
        factories.act(colleague, "thread", thread.id, "dismiss", case=case.id)
    body = _updates(moderator_client, "reports", _newest_report(app), shown=[case.id])
    note = re.search(rf'<article id="report-thread-{thread.id}"[^>]*>(.*?)</article>', body, re.S)
    assert 'hx-swap-oob="true"' in note.group(0)
    assert "Morag" in note.group(1) and "already handled this" in note.group(1)
    assert "No reports waiting. Thank you." in body


def test_a_post_waiting_for_approval_arrives_and_leaves_with_who_approved_it(
    app, moderator_client, new_client
):
    with app.app_context():
        site_settings.settings().hold_first_posts = 1
        db.session.commit()
        factories.forum("Introductions")
        newcomer = factories.member(display_name="Eilidh")
    sign_in_as(new_client(), newcomer).submit(
        "/forums/introductions/new", {"title": "Hello from Orkney", "body": "Hi all."}
    )
    with app.app_context():
        post = db.session.scalar(sa.select(Post))
    body = _updates(moderator_client, "held", 0)
    assert f'<article id="held-{post.id}"' in body and f'data-live-id="{post.id}"' in body
    assert "1 post waiting for approval." in body
    assert f'id="held-{post.id}"' not in _updates(moderator_client, "held", post.id)
    with app.test_request_context():
        colleague = factories.member(display_name="Morag", role="moderator")
        factories.act(colleague, "thread", post.thread_id, "approve")
    body = _updates(moderator_client, "held", post.id, shown=[post.id])
    note = re.search(rf'<article id="held-{post.id}"[^>]*>(.*?)</article>', body, re.S)
    assert "Morag" in note.group(1) and "approved it" in note.group(1)
    assert "No posts are waiting for approval." in body


def test_a_regional_moderator_hears_only_of_her_regions(app, regional_client, moderator):
    with app.test_request_context():
        factories.forum("Introductions")
        author = factories.member(region_name="Lothian")
        lothian = factories.thread(author, "lothian", title="In Lothian")
        highland = factories.thread(factories.member(region_name="Highland"), "highland")
    _report(app, "thread", lothian.id)
    _report(app, "thread", highland.id)
    elsewhere = _case(app, "thread", lothian.id)
    with app.test_request_context():
        factories.act(moderator, "thread", lothian.id, "dismiss", case=elsewhere.id)
    body = _updates(regional_client, "reports", 0, shown=[elsewhere.id])
    assert f'id="report-thread-{highland.id}"' in body
    assert f"report-thread-{lothian.id}" not in body  # neither as a row nor as a note
    assert moderator.display_name not in body


def test_updates_cost_the_same_queries_for_one_new_row_or_ten(app, moderator_client, count_queries):
    with app.test_request_context():
        author = factories.member()
        threads = [factories.thread(author, title=f"Thread {n}") for n in range(11)]
    _report(app, "thread", threads[0].id)
    with count_queries() as one:
        _updates(moderator_client, "reports", 0)
    for t in threads[1:]:
        _report(app, "thread", t.id)
    with count_queries() as ten:
        assert _updates(moderator_client, "reports", 0).count('<article id="report-thread') == 11
    assert len(ten) == len(one)
