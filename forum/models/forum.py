"""Forums, their threads and posts, content warnings, and what each member has read.

Counters (``thread_count``, ``post_count``, ``reply_count``, ``last_post_*``) are kept by the
services in the same transaction as the post, with ``x = x + 1`` statements, so concurrent
replies leave them exact; ``flask forums recount`` rebuilds them from the posts if ever needed.

``Thread.first_post_id`` and ``Thread.last_post_id`` are plain integers, not foreign keys: a
thread and its posts would otherwise point at each other (a cycle that makes inserts and
SQLite migrations awkward). Post ids only grow, so "unread" is ``last_post_id > last read``.
"""

from datetime import datetime
from enum import StrEnum
from typing import cast

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models.base import Hideable, RichBody, UTCDateTime, str_enum, utcnow
from forum.models.member import Member
from forum.models.region import Region


class ForumAudience(StrEnum):
    EVERYONE = "everyone"  # every member may see and post
    REGION = "region"  # only members of the forum's region (and moderators)


class Forum(db.Model):
    __tablename__ = "forums"
    __table_args__ = (
        sa.CheckConstraint(
            "audience = 'everyone' OR region_id IS NOT NULL", name="region_audience_has_region"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    description: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    position: so.Mapped[int] = so.mapped_column(default=0)
    # A region's own sub-forum; None for national forums.
    region_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"), unique=True)
    audience: so.Mapped[ForumAudience] = so.mapped_column(
        str_enum(ForumAudience, "forum_audience"), default=ForumAudience.EVERYONE
    )
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    thread_count: so.Mapped[int] = so.mapped_column(default=0)
    post_count: so.Mapped[int] = so.mapped_column(default=0)
    last_post_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # A member's first post here waits for a moderator before others see it.
    hold_first_posts: so.Mapped[bool] = so.mapped_column(default=False)
    # A moderators' room: a national forum only moderators and administrators see.
    staff_only: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    region: so.Mapped[Region | None] = so.relationship()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_regional(self) -> bool:
        return self.region_id is not None

    def __repr__(self) -> str:
        return f"<Forum {self.slug}>"


class ContentWarning(db.Model):
    """A subject some readers want to be warned about (administrators keep the list)."""

    __tablename__ = "content_warnings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    # Archived warnings are no longer offered to writers; posts that carry one keep it.
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<ContentWarning {self.name}>"


post_warnings = sa.Table(
    "post_warnings",
    db.metadata,
    sa.Column(
        "post_id", sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, nullable=False
    ),
    sa.Column(
        "warning_id",
        sa.ForeignKey("content_warnings.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
    ),
)


class Thread(Hideable, db.Model):
    """A thread. Hiding it (``Hideable``) hides its title and every post from members.

    ``held_at``: the opening post waits for a moderator's approval; until then only its author
    and the moderators see the thread, and it is not counted in its forum. ``held_count`` is
    how many of its posts wait, so a thread page looks for them only when there are some.
    """

    __tablename__ = "threads"
    __table_args__ = (
        # The forum page: pinned first, then latest activity.
        sa.Index("ix_threads_listing", "forum_id", "pinned", "last_post_at"),
        # The forum index: each forum's latest thread, and threads with news since a date.
        sa.Index("ix_threads_activity", "forum_id", "last_post_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    forum_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("forums.id"))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(150))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    pinned: so.Mapped[bool] = so.mapped_column(default=False)
    locked: so.Mapped[bool] = so.mapped_column(default=False)
    # Set when the author removes the opening post: the title is no longer shown to members.
    removed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reply_count: so.Mapped[int] = so.mapped_column(default=0)
    first_post_id: so.Mapped[int | None] = so.mapped_column()
    last_post_id: so.Mapped[int | None] = so.mapped_column()
    last_post_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_post_author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    held_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    held_count: so.Mapped[int] = so.mapped_column(default=0)

    forum: so.Mapped[Forum] = so.relationship()
    author: so.Mapped[Member] = so.relationship(foreign_keys=[author_id])
    last_post_author: so.Mapped[Member | None] = so.relationship(foreign_keys=[last_post_author_id])
    # The warnings of the opening post, which stand for the whole thread in lists.
    warnings: so.Mapped[list[ContentWarning]] = so.relationship(
        secondary=post_warnings,
        primaryjoin="Thread.first_post_id == post_warnings.c.post_id",
        secondaryjoin="ContentWarning.id == post_warnings.c.warning_id",
        order_by="ContentWarning.position",
        viewonly=True,
    )

    # How far the member asking has read it (the id of the last post read; None if never
    # opened), set by the queries that load it with ``listing.with_read_state``. Not a column:
    # typed for mypy without an annotation the ORM would try to map.
    read_up_to = cast(int | None, None)
    # Set by the same queries: the member's level for it (``forums.watching``), whether it
    # comes from its forum, and (tracked or watched) how many posts are new since they read.
    watch_level = "normal"
    watch_inherited = False
    new_posts = cast(int | None, None)
    # The ``@names`` of its opening post nobody was told of (set when it is started).
    unreached_mentions = cast(tuple[str, ...], ())

    @property
    def post_count(self) -> int:
        return self.reply_count + 1

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def title_withheld_from(self, member: Member) -> bool:
        """Whether ``member`` reads "removed by its author" instead of the title: its author
        removed the opening post, and only the moderators of its forum's region still read what
        it said."""
        return self.is_removed and not member.moderates(self.forum.region_id)

    @property
    def is_held(self) -> bool:
        return self.held_at is not None

    def __repr__(self) -> str:
        return f"<Thread {self.id}>"


class Post(RichBody, Hideable, db.Model):
    """A post. ``held_at``: waiting for a moderator's approval (only its author and the
    moderators see it; counters move when it is approved). Turned down, it stays held and
    hidden, with the reason for its author."""

    __tablename__ = "posts"
    __table_args__ = (
        # A thread's pages, "posts after N", and a post's position in its thread.
        sa.Index("ix_posts_thread_id_id", "thread_id", "id"),
        # The ids of one page of a thread's shown posts, from the index alone (held_at IS NULL
        # is part of the key): the last page of a long thread costs what the first does.
        sa.Index("ix_posts_thread_shown", "thread_id", "held_at", "id"),
        # The same member posting the same text twice within minutes.
        sa.Index("ix_posts_author_created", "author_id", "created_at"),
        # Posts waiting for approval (a handful among many): the queue and its badge.
        sa.Index("ix_posts_held", "held_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    thread_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    edited_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Removed by its author: members see a note instead; moderators can still read it.
    deleted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    warning_note: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    held_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    thread: so.Mapped[Thread] = so.relationship()
    author: so.Mapped[Member] = so.relationship(foreign_keys=[author_id])
    warnings: so.Mapped[list[ContentWarning]] = so.relationship(
        secondary=post_warnings, order_by="ContentWarning.position"
    )
    # Whether the member reading has muted the author (set by the queries that show posts).
    muted: so.Mapped[bool | None] = so.query_expression()
    # The ``@names`` nobody was told of (set when it is written, for the writer to hear).
    unreached_mentions = cast(tuple[str, ...], ())

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_held(self) -> bool:
        return self.held_at is not None

    @property
    def waits_for_approval(self) -> bool:
        return self.held_at is not None and self.hidden_at is None

    @property
    def is_opening(self) -> bool:
        return self.thread is not None and self.thread.first_post_id == self.id

    def __repr__(self) -> str:
        return f"<Post {self.id} in {self.thread_id}>"


class PostRevision(RichBody, db.Model):
    """A version of a post as it was before its author edited it (moderators can read them)."""

    __tablename__ = "post_revisions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    post_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str | None] = so.mapped_column(sa.String(150))  # opening posts only
    warning_names: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    warning_note: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    written_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)  # when this version was made
    replaced_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class WarningChoice(StrEnum):
    SHOW = "show"  # always show these posts
    ASK = "ask"  # show the warning, open the post with one action (the default)
    HIDE = "hide"  # leave these posts out


class WarningPreference(db.Model):
    """A member's choice for one content warning; no row means "ask me"."""

    __tablename__ = "warning_preferences"

    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    warning_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("content_warnings.id", ondelete="CASCADE"), primary_key=True
    )
    choice: so.Mapped[WarningChoice] = so.mapped_column(str_enum(WarningChoice, "warning_choice"))


class ThreadRead(db.Model):
    """How far a member has read a thread: one row per (member, thread), moved only forward."""

    __tablename__ = "thread_reads"

    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_post_id: so.Mapped[int] = so.mapped_column(default=0)
