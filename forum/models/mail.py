"""Outgoing mail, kept until it is delivered."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models.base import UTCDateTime, utcnow


class OutboxMail(db.Model):
    __tablename__ = "outbox_mail"
    __table_args__ = (sa.Index("ix_outbox_mail_due", "sent_at", "next_attempt_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    # The same mail as HTML (sent as a multipart/alternative), when its template has one.
    html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Mails a member may stop (digests, notifications): the one-click link of RFC 8058.
    unsubscribe_url: so.Mapped[str] = so.mapped_column(sa.String(600), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
