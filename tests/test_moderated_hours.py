"""Cover hours: administrators say when moderators are around, and a member writing late
sees it beside the crisis contacts, after an urgent report and in the footer."""

import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Post
from tests import factories

HOURS = "Mon–Fri 9:00–21:00 (UK time)"  # noqa: RUF001 - as administrators type it


def _set_hours(admin_client, text=HOURS):
    return admin_client.submit("/admin/crisis-contacts/hours", {"moderated_hours": text})


def _reply(app, member) -> int:
    with app.app_context():
        other = factories.member(display_name="Rhona")
        thread = factories.thread(other, title="Late nights", replies=[(other, "Still awake")])
        return db.session.scalar(sa.select(sa.func.max(Post.id)).where(Post.thread_id == thread.id))


def test_an_administrator_sets_the_hours_and_every_page_shows_them(
    app, admin_client, member_client
):
    response = _set_hours(admin_client)
    assert response.status_code == 302
    assert f"Moderators are around {HOURS}." in member_client.get("/").get_data(as_text=True)
    urgent = member_client.get("/help/urgent").get_data(as_text=True)
    assert f"Moderators are around {HOURS}" in urgent and "Samaritans" in urgent
    with app.app_context():
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "moderated_hours.update")
        ).one()
        assert entry.after == {"moderated_hours": HOURS}


def test_no_hours_said_means_no_line(member_client):
    assert "Moderators are around" not in member_client.get("/").get_data(as_text=True)


def test_hours_too_long_are_refused_beside_the_field(admin_client):
    response = _set_hours(admin_client, "x" * 201)
    assert response.status_code == 422
    assert "at most 200 characters" in response.get_data(as_text=True)


def test_only_administrators_set_the_hours(member_client, moderator_client):
    for client in (member_client, moderator_client):
        assert _set_hours(client).status_code in (403, 404)


def test_an_urgent_report_is_answered_with_the_contacts_and_the_hours(
    app, member, admin_client, member_client
):
    _set_hours(admin_client)
    post_id = _reply(app, member)
    response = member_client.submit(f"/report/post/{post_id}", {"reason": "safety", "next": "/"})
    page = member_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The moderators have been told now" in page
    assert f"Moderators are around {HOURS}" in page and "Samaritans" in page


def test_an_urgent_report_sent_with_htmx_shows_the_same(app, member, admin_client, member_client):
    _set_hours(admin_client)
    post_id = _reply(app, member)
    body = member_client.submit(
        f"/report/post/{post_id}", {"reason": "safety"}, htmx=True
    ).get_data(as_text=True)
    assert body.lstrip().startswith(f'<div id="report-form-post-{post_id}"')
    assert "The moderators have been told now" in body and "Samaritans" in body
    assert f"Moderators are around {HOURS}" in body


def test_an_ordinary_report_keeps_the_plain_thanks(app, member, member_client):
    post_id = _reply(app, member)
    body = member_client.submit(f"/report/post/{post_id}", {"reason": "spam"}, htmx=True).get_data(
        as_text=True
    )
    assert "a moderator will look at this" in body and "Samaritans" not in body
