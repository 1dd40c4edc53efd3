"""Background jobs: asked for inside a transaction, run only once it commits; mail goes out by
job, a page never waits for (or fails because of) a mail server, and no mail is sent twice."""

import smtplib
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import url_for
from huey import MemoryHuey, SqliteHuey

from forum import tasks
from forum.extensions import db
from forum.models import OutboxMail, utcnow
from forum.services import jobs, mail
from tests import factories


def _queue_mail():
    mail.queue("priya@example.org", "password_changed", member=SimpleNamespace(display_name="P"))


def test_a_job_asked_for_in_a_transaction_waits_for_its_commit(app):
    huey = jobs.huey_of(app)
    with app.test_request_context():
        _queue_mail()
        assert huey.pending_count() == 0  # not before the commit
        db.session.commit()
    assert huey.pending_count() == 1


def test_a_rolled_back_change_queues_no_job(app):
    huey = jobs.huey_of(app)
    with app.test_request_context():
        _queue_mail()
        db.session.rollback()
        db.session.commit()
    assert huey.pending_count() == 0


def test_the_same_job_asked_for_twice_in_one_transaction_runs_once(app):
    with app.test_request_context():
        _queue_mail()
        _queue_mail()
        db.session.commit()
    assert jobs.huey_of(app).pending_count() == 1


def test_an_unknown_job_fails_when_asked_for_not_after_the_commit(app):
    with app.test_request_context(), pytest.raises(KeyError):
        jobs.enqueue_after_commit("no.such.job")


def test_the_mail_job_sends_what_the_outbox_holds(app, outbox, run_jobs, tmp_path):
    with app.test_request_context():
        _queue_mail()
        db.session.commit()
    assert outbox()[0].sent_at is None
    assert run_jobs() == 1
    assert outbox()[0].sent_at is not None
    assert len(list((tmp_path / "instance" / "mail").glob("*.eml"))) == 1


def test_a_broken_mail_server_never_fails_the_page_and_the_mail_waits(
    app, client, outbox, run_jobs
):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1)  # nothing listens there
    with app.app_context():
        factories.member(email="ahmed@example.org")
    response = client.submit("/reset", {"email": "ahmed@example.org"})
    assert response.status_code in {200, 302}
    run_jobs()
    (kept,) = outbox()
    assert kept.sent_at is None and kept.attempts == 1 and "ConnectionRefused" in kept.last_error


def test_two_workers_never_send_one_mail_twice(app, monkeypatch):
    with app.test_request_context():
        for _ in range(20):
            _queue_mail()
        db.session.commit()
    sent = []
    lock = threading.Lock()

    def transport(message):
        with lock:
            sent.append(message["Message-ID"])

    monkeypatch.setattr(mail, "_transport", transport)

    def worker():
        with app.test_request_context(method="POST"):
            mail.deliver_due()
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == 20 and len(set(sent)) == 20


def test_a_mail_whose_worker_died_is_tried_again_after_its_claim(app, outbox):
    with app.test_request_context():
        _queue_mail()
        db.session.commit()
        mail_id = db.session.scalar(sa.select(OutboxMail.id))
        assert mail._claim(mail_id, utcnow()) is not None  # claimed, then the worker died
        assert mail.deliver_due() == (0, 0)  # another worker leaves it alone for now
        assert mail.deliver_due(now=utcnow() + mail.CLAIM + timedelta(seconds=1)) == (1, 0)


def test_a_failing_mail_job_is_retried_by_huey(app):
    declared = {job.name: job for job in tasks.declared()}
    assert declared["mail.deliver"].every is None
    task = app.extensions["jobs"][1]["mail.deliver"].task_class
    assert task.default_retries == app.config["JOBS_RETRIES"]
    assert task.default_retry_delay == app.config["JOBS_RETRY_SECONDS"]


def test_the_outbox_is_swept_every_five_minutes(app):
    sweep = {job.name: job for job in tasks.declared()}["mail.sweep"]
    minute = sweep.every
    assert minute(utcnow().replace(minute=5, second=0)) and not minute(utcnow().replace(minute=6))


def test_the_queue_lives_beside_the_database_by_default_and_in_memory_for_tests(make_app):
    assert isinstance(jobs.huey_of(make_app()), MemoryHuey)
    app = make_app(JOBS_BACKEND="sqlite")
    assert isinstance(jobs.huey_of(app), SqliteHuey)
    assert jobs.huey_of(app).storage.filename.endswith("jobs.db")


def test_an_unknown_backend_stops_the_app_with_a_clear_message(make_app):
    with pytest.raises(RuntimeError, match="JOBS_BACKEND must be one of"):
        make_app(JOBS_BACKEND="carrier-pigeon")


def test_jobs_run_with_links_on_the_public_address(app):
    seen = []
    job = jobs.Job("test.link", lambda: seen.append(url_for("pages.urgent_help", _external=True)))
    jobs.init_app(app, [*tasks.declared(), job])
    with app.app_context():
        jobs.enqueue("test.link")
    jobs.run_pending(app)
    assert seen == ["http://forum.test/help/urgent"]


def test_jobs_run_command_drains_the_queue(app):
    with app.test_request_context():
        _queue_mail()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert "1 job run." in result.output


def test_smtp_errors_count_as_a_failed_attempt(app, monkeypatch, outbox, run_jobs):
    def refuse(message):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(mail, "_transport", refuse)
    with app.test_request_context():
        _queue_mail()
        db.session.commit()
    run_jobs()
    assert outbox()[0].attempts == 1 and outbox()[0].sent_at is None


def test_the_periodic_jobs_of_gatherings_and_privacy_are_declared():
    declared = {job.name: job for job in tasks.declared()}
    for name in ("events.reminders", "events.purge_access_answers", "privacy.erase_due",
                 "privacy.retention", "notifications.digests"):  # fmt: skip
        assert declared[name].every is not None, name
