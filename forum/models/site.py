"""The network's own settings, kept by administrators, and its crisis contacts."""

from datetime import date, datetime

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
    # The accessibility statement (/accessibility); empty: the default one (services/accessibility).
    accessibility_source: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    accessibility_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    accessibility_checked_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    # Ideas clinic: how many active votes each member has; None means no limit (the default).
    idea_vote_budget: so.Mapped[int | None] = so.mapped_column()
    # Moderation: content reported by this many different members is hidden until a moderator
    # looks (0: never automatically), and each member's first N posts wait for approval (0: off).
    auto_hide_reports: so.Mapped[int] = so.mapped_column(default=3)
    hold_first_posts: so.Mapped[int] = so.mapped_column(default=0)
    # A member reported this many times in 24 hours: their region's moderators are alerted
    # (0: never). Outside the moderators' cover hours, new members' posts wait for approval.
    reports_alert_count: so.Mapped[int] = so.mapped_column(default=3)
    hold_outside_hours: so.Mapped[bool] = so.mapped_column(default=False)
    # Privacy (Admin → Privacy; shown in the privacy notice): days before the answers of
    # rejected applicants and the mail files are deleted, the cooling-off before an erasure,
    # and whether a member leaving may have their posts removed (otherwise they stay, as
    # "a former member").
    rejected_answers_days: so.Mapped[int] = so.mapped_column(default=90)
    mail_files_days: so.Mapped[int] = so.mapped_column(default=30)
    erasure_cooling_days: so.Mapped[int] = so.mapped_column(default=7)
    erasure_may_remove_posts: so.Mapped[bool] = so.mapped_column(default=True)
    # Whether members may read the earlier versions of others' posts (authors always read their
    # own, and moderators those of their regions).
    earlier_versions_public: so.Mapped[bool] = so.mapped_column(default=False)
    # When moderators are around ("Mon-Fri 9:00-21:00"), shown beside the crisis contacts, so
    # a member writing late knows when a person will read it (empty: not said).
    moderated_hours: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
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


class CoverHours(db.Model):
    """When moderators are around on one day of the week, for one region (``region_id``) or
    for the whole network (None: the national moderators), in a time zone: from ``starts``
    to ``ends`` minutes after midnight; ``ends`` at or before ``starts`` runs past midnight
    into the next day (``ends`` 1440: until midnight). One row per area and day."""

    __tablename__ = "cover_hours"
    __table_args__ = (
        sa.UniqueConstraint("region_id", "weekday"),
        # NULLs are distinct in a unique key: the national rows need an index of their own.
        sa.Index(
            "uq_cover_hours_national_weekday",
            "weekday",
            unique=True,
            sqlite_where=sa.text("region_id IS NULL"),
            postgresql_where=sa.text("region_id IS NULL"),
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_of_week"),
        sa.CheckConstraint(
            "starts >= 0 AND starts < 1440 AND ends > 0 AND ends <= 1440", name="minutes_of_day"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    region_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("regions.id", ondelete="CASCADE")
    )
    weekday: so.Mapped[int] = so.mapped_column()  # 0 Monday … 6 Sunday
    starts: so.Mapped[int] = so.mapped_column()  # minutes after midnight
    ends: so.Mapped[int] = so.mapped_column()
    time_zone: so.Mapped[str] = so.mapped_column(sa.String(64))
