"""Notifications: what the bell counts and the Notifications page lists
(``forum.services.notifications``), and which kinds each member has switched off."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models.base import UTCDateTime, str_enum, utcnow
from forum.models.event import Event
from forum.models.forum import Forum, Post, Thread
from forum.models.idea import Idea
from forum.models.member import Member


class Notification(db.Model):
    """One thing one member is told about: a reply to their thread, say.

    ``key`` names the cause (``reply:post:42``): with the member it is unique, so a job run
    twice, or a post approved after being held, never tells anyone twice. What it is about is
    one of ``thread``/``post``/``idea``/``event`` (deleted with it); whether the member may
    still see it is checked whenever it is shown, never only when it was written.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "key"),
        sa.Index("ix_notifications_member_unread", "member_id", "read_at", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    key: so.Mapped[str] = so.mapped_column(sa.String(160))
    actor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL")
    )
    thread_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("threads.id", ondelete="CASCADE"), index=True
    )
    post_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    idea_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), index=True
    )
    event_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Told by email right away (``EmailMode.INSTANT``): set when the mail that carried it
    # was queued, so a retried job mails nothing twice.
    mailed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    actor: so.Mapped[Member | None] = so.relationship(foreign_keys=[actor_id])
    thread: so.Mapped[Thread | None] = so.relationship()
    post: so.Mapped[Post | None] = so.relationship()
    idea: so.Mapped[Idea | None] = so.relationship()
    event: so.Mapped[Event | None] = so.relationship()


class NotificationSetting(db.Model):
    """A kind of notification a member has switched off (no row: on, the default)."""

    __tablename__ = "notification_settings"

    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    on_site: so.Mapped[bool] = so.mapped_column(default=True)


class EmailMode(StrEnum):
    """What a member is sent by email (no row: ``WEEKLY``, the default for new members)."""

    NEVER = "never"
    DAILY = "daily"
    WEEKLY = "weekly"
    INSTANT = "instant"  # right away for mentions and replies to me, bundled per thread


class EmailPreference(db.Model):
    """How a member wants to hear by email, and when they were last sent a digest."""

    __tablename__ = "email_preferences"

    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    mode: so.Mapped[EmailMode] = so.mapped_column(
        str_enum(EmailMode, "email_mode"), default=EmailMode.WEEKLY
    )
    digest_sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)


class DigestSend(db.Model):
    """One digest mailed to one member for one period (``daily:2026-12-03``,
    ``weekly:2026-W49``): the primary key makes a digest job run twice send one mail."""

    __tablename__ = "digest_sends"

    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    period: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
    sent_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    items: so.Mapped[int] = so.mapped_column(default=0)


class WatchLevel(StrEnum):
    """How closely a member follows a thread or a forum (as Discourse names them)."""

    WATCHING = "watching"  # a notification for every new post
    TRACKING = "tracking"  # a count of new posts in lists, no notification
    NORMAL = "normal"  # only mentions, quotes and replies to me (no row: this)
    MUTED = "muted"  # no notifications at all from it


class Watch(db.Model):
    """A member's chosen level for one thread or one forum (exactly one of the two).

    A thread's own row wins over its forum's; neither means ``NORMAL``. Unique per member and
    target, so choosing again replaces the level (an upsert), never adds a row.
    """

    __tablename__ = "watches"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "thread_id"),
        sa.UniqueConstraint("member_id", "forum_id"),
        sa.CheckConstraint("(thread_id IS NULL) <> (forum_id IS NULL)", name="one_target"),
        sa.Index("ix_watches_thread_level", "thread_id", "level"),
        sa.Index("ix_watches_forum_level", "forum_id", "level"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    thread_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("threads.id", ondelete="CASCADE")
    )
    forum_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("forums.id", ondelete="CASCADE")
    )
    level: so.Mapped[WatchLevel] = so.mapped_column(str_enum(WatchLevel, "watch_level"))
    chosen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    thread: so.Mapped[Thread | None] = so.relationship()
    forum: so.Mapped[Forum | None] = so.relationship()
