"""Messages between members: conversations of two or a few members.

- A **conversation** has its members (``ConversationMember``): each may leave it (``left_at``:
  they no longer read it or receive its messages) or mute it (no notifications), and has
  read it up to a message (``last_read_id``).
- A **message** is Markdown made safe (``RichBody``), with content warnings as posts have;
  moderators can hide one that was reported (``Hideable``). Moderators read a message only
  when it is reported, and then only it and the messages just before it: no page shows them
  a conversation.
- ``MessageSetting`` records a member who turned messages off.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models.base import Hideable, RichBody, UTCDateTime, utcnow
from forum.models.forum import ContentWarning
from forum.models.member import Member

message_warnings = sa.Table(
    "message_warnings",
    db.metadata,
    sa.Column(
        "message_id",
        sa.ForeignKey("messages.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
    ),
    sa.Column(
        "warning_id",
        sa.ForeignKey("content_warnings.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
    ),
)


class Conversation(db.Model):
    __tablename__ = "conversations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    subject: so.Mapped[str] = so.mapped_column(sa.String(150), default="")
    started_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_message_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_message_id: so.Mapped[int] = so.mapped_column(default=0)

    members: so.Mapped[list[ConversationMember]] = so.relationship(
        back_populates="conversation", order_by="ConversationMember.joined_at"
    )


class ConversationMember(db.Model):
    __tablename__ = "conversation_members"
    __table_args__ = (sa.Index("ix_conversation_members_member", "member_id", "left_at"),)

    conversation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    joined_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    left_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    muted: so.Mapped[bool] = so.mapped_column(default=False)
    last_read_id: so.Mapped[int] = so.mapped_column(default=0)

    conversation: so.Mapped[Conversation] = so.relationship(back_populates="members")
    member: so.Mapped[Member] = so.relationship()

    @property
    def has_left(self) -> bool:
        return self.left_at is not None


class Message(RichBody, Hideable, db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        sa.Index("ix_messages_conversation_id", "conversation_id", "id"),
        sa.Index("ix_messages_author_created", "author_id", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    conversation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE")
    )
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    warning_note: so.Mapped[str] = so.mapped_column(sa.String(200), default="")

    conversation: so.Mapped[Conversation] = so.relationship()
    author: so.Mapped[Member] = so.relationship(foreign_keys=[author_id])
    warnings: so.Mapped[list[ContentWarning]] = so.relationship(
        secondary=message_warnings, order_by="ContentWarning.position"
    )


class MessageSetting(db.Model):
    """A member's choice about messages: ``messages_off`` means nobody can start one with them."""

    __tablename__ = "message_settings"

    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    messages_off: so.Mapped[bool] = so.mapped_column(default=False)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
