"""The network's own settings, kept by administrators, and its crisis contacts."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models.base import UTCDateTime, utcnow


class SiteSettings(db.Model):
    """A single row (id 1) created by the setup page."""

    __tablename__ = "site_settings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    network_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    house_rules_source: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    house_rules_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    house_rules_version: so.Mapped[str] = so.mapped_column(sa.String(40), default="1")
    privacy_notice_source: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    privacy_notice_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    privacy_notice_version: so.Mapped[str] = so.mapped_column(sa.String(40), default="1")
    # Ideas clinic: how many active votes each member has; None means no limit (the default).
    idea_vote_budget: so.Mapped[int | None] = so.mapped_column()
    # Moderation: content reported by this many different members is hidden until a moderator
    # looks (0: never automatically), and each member's first N posts wait for approval (0: off).
    auto_hide_reports: so.Mapped[int] = so.mapped_column(default=3)
    hold_first_posts: so.Mapped[int] = so.mapped_column(default=0)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class CrisisContact(db.Model):
    """A place to turn to in a crisis, shown on the "Need urgent help?" page."""

    __tablename__ = "crisis_contacts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    description: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    phone: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    sms: so.Mapped[str] = so.mapped_column(sa.String(80), default="")
    url: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    position: so.Mapped[int] = so.mapped_column(default=0)
