"""Retention: the answers of applicants turned down go after a set time (90 days by default),
sent mail after N days (files on the embedded default, rows in the outbox); administrators set
the times under Admin → Privacy and the privacy notice shows them."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Member, OutboxMail, utcnow
from forum.services import site_settings
from forum.services.errors import ValidationFailed
from forum.services.privacy import retention
from tests import factories


def _rejected(days_ago: int) -> Member:
    return factories.member(
        status="rejected", organisation="A charity", reason="My own story of illness",
        decided_at=utcnow() - timedelta(days=days_ago), decision_message="Not this time",
    )  # fmt: skip


def test_rejected_answers_are_deleted_after_the_set_time(ctx):
    old, recent = _rejected(91), _rejected(10)
    active = factories.member(reason="Why I joined")
    assert retention.clean_up().answers == 1
    db.session.expire_all()
    gone = db.session.get(Member, old.id)
    assert (gone.organisation, gone.reason, gone.decision_message) == ("", "", "")
    assert gone.email == old.email  # recognised if they apply again
    assert db.session.get(Member, recent.id).reason == "My own story of illness"
    assert db.session.get(Member, active.id).reason == "Why I joined"


def test_the_time_is_the_administrators_choice(ctx, admin):
    old = _rejected(20)
    retention.update(
        admin, rejected_answers_days=14, mail_files_days=30, erasure_cooling_days=7,
        erasure_may_remove_posts=True,
    )  # fmt: skip
    assert retention.clean_up().answers == 1
    db.session.expire_all()
    assert db.session.get(Member, old.id).reason == ""


def test_old_mail_files_and_sent_mail_are_deleted(app, ctx):
    folder = Path(app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    old_file, new_file = folder / "old.eml", folder / "new.eml"
    old_file.write_text("old")
    new_file.write_text("new")
    long_ago = (utcnow() - timedelta(days=40)).timestamp()
    os.utime(old_file, (long_ago, long_ago))
    now = utcnow()
    month = timedelta(days=31)
    db.session.add_all([
        OutboxMail(recipient="a@example.org", subject="Old", body="x", sent_at=now - month),
        OutboxMail(recipient="b@example.org", subject="New", body="x", sent_at=now),
        OutboxMail(recipient="c@example.org", subject="Unsent", body="x", created_at=now - month),
    ])  # fmt: skip
    db.session.commit()
    done = retention.clean_up()
    assert (done.mail_files, done.outbox) == (1, 1)
    assert not old_file.exists() and new_file.exists()
    subjects = set(db.session.scalars(sa.select(OutboxMail.subject)))
    assert subjects == {"New", "Unsent"}  # nothing undelivered is dropped


@pytest.mark.parametrize(
    "values",
    [
        {"rejected_answers_days": 0}, {"rejected_answers_days": None},
        {"mail_files_days": 100_000}, {"erasure_cooling_days": 61},
    ],
)  # fmt: skip
def test_settings_out_of_range_are_refused(ctx, admin, values):
    given = {"rejected_answers_days": 90, "mail_files_days": 30, "erasure_cooling_days": 7,
             "erasure_may_remove_posts": True, **values}  # fmt: skip
    with pytest.raises(ValidationFailed):
        retention.update(admin, **given)


def test_admin_changes_the_settings_and_the_notice_shows_them(app, admin_client, client):
    saved = admin_client.submit(
        "/admin/privacy",
        {"rejected_answers_days": "60", "mail_files_days": "14", "erasure_cooling_days": "10"},
    )
    assert saved.status_code == 302
    with app.app_context():
        site = site_settings.required()
        assert (site.rejected_answers_days, site.mail_files_days) == (60, 14)
        assert site.erasure_cooling_days == 10 and not site.erasure_may_remove_posts
        assert db.session.scalar(
            sa.select(AuditEntry.action).where(AuditEntry.action == "privacy_settings.update")
        )
    notice = client.get("/apply/privacy-notice").get_data(as_text=True)
    assert "deleted 60 days later" in notice and "14 days after" in notice
    assert "erased 10 days later" in notice


def test_bad_numbers_keep_the_form(admin_client):
    refused = admin_client.submit(
        "/admin/privacy",
        {"rejected_answers_days": "ninety", "mail_files_days": "-1", "erasure_cooling_days": "7"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'value="-1"' in page


def test_only_administrators_open_admin_privacy(member_client, moderator_client):
    assert member_client.get("/admin/privacy").status_code == 404
    assert moderator_client.get("/admin/privacy").status_code == 404


def test_the_commands_run(app):
    runner = app.test_cli_runner()
    assert "0 account(s) erased" in runner.invoke(args=["privacy", "erase-due"]).output
    assert "application(s) cleared" in runner.invoke(args=["privacy", "retention"]).output
