"""The one way the app sends email.

A mail is first stored in the outbox (in the same transaction as the change that caused it),
then delivered by a background job (``mail.deliver``, queued when that transaction commits):
over SMTP when ``FORUM_SMTP_HOST`` is set, otherwise written as a ``.eml`` file under
``instance/mail/`` for a newcomer to read. A mail that cannot be delivered stays in the outbox
with its error and is tried again, with a growing pause, by the ``mail.sweep`` job every few
minutes (or ``flask --app forum mail deliver``). Nothing is dropped, and a page never waits for
a mail server.

Each mail is claimed before it is sent (a guarded UPDATE moves its next attempt a few minutes
on), so two workers never send the same mail, and a worker that dies mid-send leaves the mail
to be tried again after the claim runs out.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template
from jinja2 import TemplateNotFound

from forum.extensions import db
from forum.models import Member, OutboxMail, SiteSettings, utcnow
from forum.services import jobs

MAX_BACKOFF = timedelta(hours=6)
CLAIM = timedelta(minutes=10)  # how long a worker has to send a mail it claimed
# Sent even to a member taking a break: their account's safety, and their own request.
ALWAYS_SENT = frozenset(
    {
        "password_reset",
        "password_changed",
        "email_changed",
        "confirm_email",
        "erasure_requested",
        "export_ready",  # asked for by the member themselves
    }
)


def queue(
    recipient: str, template: str, *, unsubscribe_url: str = "", **context
) -> OutboxMail | None:
    """Add a mail to the outbox; the caller commits. Delivery happens after the response.

    ``mail/<template>.txt`` gives the subject (first line) and the text; a
    ``mail/<template>.html`` beside it, when there is one, the same mail as HTML (sent as an
    alternative). ``unsubscribe_url`` (mails a member may stop) becomes the RFC 8058 one-click
    ``List-Unsubscribe`` headers.

    A mail about a ``member`` who is taking a break is not sent (None), unless it is about
    their account's safety (``ALWAYS_SENT``): what it says waits for them on the site (their
    messages, their status page)."""
    member = context.get("member")
    if isinstance(member, Member) and template not in ALWAYS_SENT and member.on_break(utcnow()):
        return None
    subject, _, body = render_template(f"mail/{template}.txt", **context).partition("\n\n")
    subject = " ".join(subject.split())[:200]  # one line, whatever names it contains
    try:
        html = render_template(f"mail/{template}.html", **{**context, "subject": subject})
    except TemplateNotFound:
        html = ""
    mail = OutboxMail(
        recipient=recipient,
        subject=subject,
        body=body.strip() + "\n",
        html=html,
        unsubscribe_url=unsubscribe_url[:600],
    )
    db.session.add(mail)
    jobs.enqueue_after_commit("mail.deliver")
    return mail


def deliver_due(now: datetime | None = None, limit: int = 50) -> tuple[int, int]:
    """Send every mail that is due (the ``mail.deliver`` and ``mail.sweep`` jobs). Returns
    (delivered, failed); a failure stays in the outbox and waits longer each time."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(OutboxMail.id)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.next_attempt_at <= now)
        .order_by(OutboxMail.id)
        .limit(limit)
    ).all()
    db.session.rollback()  # end the reading transaction before the claims
    delivered = failed = 0
    for mail_id in due:
        mail = _claim(mail_id, now)
        if mail is None:
            continue  # another worker has it
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


def _claim(mail_id: int, now: datetime) -> OutboxMail | None:
    """Take one due mail for this worker, or None if another took it first (commits)."""
    claimed = db.session.execute(
        sa.update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.sent_at.is_(None),
            OutboxMail.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + CLAIM)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(OutboxMail, mail_id)


def _message(mail: OutboxMail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender()
    if current_app.config.get("MAIL_REPLY_TO"):
        msg["Reply-To"] = current_app.config["MAIL_REPLY_TO"]
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = mail.created_at
    msg["Message-ID"] = make_msgid(idstring=str(mail.id))
    if mail.unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(mail.body)
    if mail.html:
        msg.add_alternative(mail.html, subtype="html")
    return msg


def sender() -> str:
    """Who mails come from: the network by name at ``MAIL_FROM`` (unless that names itself)."""
    address = current_app.config["MAIL_FROM"]
    if "<" in address:
        return address
    site = db.session.get(SiteSettings, 1)
    name = " ".join(site.network_name.split()) if site else "peer-forum"
    return formataddr((name, address))


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
