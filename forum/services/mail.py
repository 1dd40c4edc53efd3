"""The one way the app sends email.

A mail is first stored in the outbox (in the same transaction as the change that caused it),
then delivered: over SMTP when ``FORUM_SMTP_HOST`` is set, otherwise written as a ``.eml`` file
under ``instance/mail/`` for a newcomer to read. A mail that cannot be delivered stays in the
outbox with its error and is retried later, with a growing pause, by the next request that sends
mail or by ``flask --app forum mail deliver`` (run it from cron in production). Nothing is dropped.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, g, render_template

from forum.extensions import db
from forum.models import OutboxMail, utcnow

MAX_BACKOFF = timedelta(hours=6)


def queue(recipient: str, template: str, **context) -> OutboxMail:
    """Add a mail to the outbox; the caller commits. Delivery happens after the response."""
    subject, _, body = render_template(f"mail/{template}.txt", **context).partition("\n\n")
    subject = " ".join(subject.split())[:200]  # one line, whatever names it contains
    mail = OutboxMail(recipient=recipient, subject=subject, body=body.strip() + "\n")
    db.session.add(mail)
    g.mail_queued = True
    return mail


def deliver_due(now: datetime | None = None, limit: int = 50) -> tuple[int, int]:
    """Try every mail that is due. Returns (delivered, failed); failures stay for a retry."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(OutboxMail)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.id)
        .limit(limit)
    ).all()
    delivered = failed = 0
    for mail in due:
        try:
            _transport(_message(mail))
        except (OSError, smtplib.SMTPException) as exc:
            mail.attempts += 1
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            mail.next_attempt_at = now + min(MAX_BACKOFF, timedelta(minutes=2**mail.attempts))
            current_app.logger.warning("mail %s to %s not sent: %s", mail.id, mail.recipient, exc)
            failed += 1
        else:
            mail.attempts += 1
            mail.sent_at = now
            delivered += 1
        db.session.commit()
    return delivered, failed


def _message(mail: OutboxMail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = mail.created_at
    msg["Message-ID"] = make_msgid(idstring=str(mail.id))
    msg.set_content(mail.body)
    return msg


def _transport(msg: EmailMessage) -> None:
    cfg = current_app.config
    if not cfg.get("SMTP_HOST"):
        _write_file(msg)
        return
    with smtplib.SMTP(cfg["SMTP_HOST"], int(cfg["SMTP_PORT"]), timeout=cfg["SMTP_TIMEOUT"]) as s:
        if cfg["SMTP_STARTTLS"]:
            s.starttls(context=ssl.create_default_context())
        if cfg.get("SMTP_USERNAME"):
            s.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
        s.send_message(msg)


def _write_file(msg: EmailMessage) -> None:
    folder = Path(current_app.instance_path) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%d-%H%M%S-%f")
    (folder / f"{stamp}.eml").write_bytes(bytes(msg))
