"""One mail service: files under instance/mail by default, SMTP when configured, never dropped."""

import smtplib
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from forum.extensions import db
from forum.models import OutboxMail, utcnow
from forum.services import mail, site_settings


def queue_one(app):
    with app.test_request_context():
        mail.queue(
            "priya@example.org", "password_changed", member=SimpleNamespace(display_name="Priya")
        )
        db.session.commit()


def test_without_smtp_mail_is_written_as_a_file(app, tmp_path):
    queue_one(app)
    with app.test_request_context():
        assert mail.deliver_due() == (1, 0)
    files = list((tmp_path / "instance" / "mail").glob("*.eml"))
    assert len(files) == 1
    text = files[0].read_text()
    assert "To: priya@example.org" in text and "Hello Priya" in text


def test_mail_that_cannot_be_sent_is_kept_and_retried(app, monkeypatch):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1)  # nothing listens there
    queue_one(app)
    with app.test_request_context():
        assert mail.deliver_due() == (0, 1)
        kept = db.session.scalar(sa.select(OutboxMail))
        assert kept.sent_at is None and kept.attempts == 1 and kept.last_error
        assert kept.next_attempt_at > utcnow()
        assert mail.deliver_due() == (0, 0)  # not due yet: it waits before retrying

    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self, context):
            pass

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    with app.test_request_context():
        later = utcnow() + timedelta(hours=1)
        assert mail.deliver_due(now=later) == (1, 0)
        assert db.session.scalar(sa.select(OutboxMail)).sent_at is not None
    assert sent[0]["To"] == "priya@example.org"


def test_mail_deliver_command_retries_the_outbox(app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=1)
    queue_one(app)
    result = app.test_cli_runner().invoke(args=["mail", "deliver"])
    assert "0 sent, 1 failed" in result.output


def test_names_cannot_inject_mail_headers(ctx):
    site_settings.settings().network_name = "Network\r\nBcc: everyone@example.org"
    db.session.commit()
    mail.queue("priya@example.org", "welcome", member=SimpleNamespace(display_name="P"))
    db.session.commit()
    queued = db.session.scalar(sa.select(OutboxMail))
    assert "\n" not in queued.subject and "\r" not in queued.subject
    assert mail.deliver_due() == (1, 0)
