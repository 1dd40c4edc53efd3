"""The ideas clinic: ideas, the votes and comments they gather, their tags and their history.

Counters (``vote_count``, ``comment_count``) and ``trending_score`` are stored on the idea so
the board can sort by them with an index; ``forum.services.ideas.voting`` and
``forum.services.ideas.comments`` change them in the same transaction as the rows they count.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from markupsafe import Markup

from forum.extensions import db
from forum.models.base import Hideable, RichBody, UTCDateTime, str_enum, utcnow
from forum.models.member import Member
from forum.models.region import Region

EXCERPT_LENGTH = 220


class IdeaStatus(StrEnum):
    OPEN = "open"
    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DECLINED = "declined"
    MERGED = "merged"  # set by merging only, never chosen from the list

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def takes_votes(self) -> bool:
        """Votes are open until an idea is done, declined or merged into another."""
        return self not in CLOSED_STATUSES


CLOSED_STATUSES = frozenset({IdeaStatus.DONE, IdeaStatus.DECLINED, IdeaStatus.MERGED})
# The statuses a moderator may choose (merging has its own action).
CHOOSABLE_STATUSES = tuple(s for s in IdeaStatus if s != IdeaStatus.MERGED)

idea_tag_links = sa.Table(
    "idea_tag_links",
    db.metadata,
    sa.Column("idea_id", sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("idea_tags.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_idea_tag_links_tag", "tag_id", "idea_id"),
)


class IdeaTag(db.Model):
    """A label kept by moderators (events, speakers, training...)."""

    __tablename__ = "idea_tags"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)

    def __repr__(self) -> str:
        return f"<IdeaTag {self.slug}>"


class Idea(RichBody, Hideable, db.Model):
    """An idea for the network; its description is ``body_source``/``body_html``."""

    __tablename__ = "ideas"
    __table_args__ = (
        sa.Index("ix_ideas_trending", "trending_score", "id"),
        sa.Index("ix_ideas_status_trending", "status", "trending_score"),
        sa.Index("ix_ideas_top", "vote_count", "id"),
        sa.Index("ix_ideas_newest", "created_at", "id"),
        sa.Index("ix_ideas_discussed", "comment_count", "id"),
        sa.Index("ix_ideas_author", "author_id", "created_at"),
        # Counting the board's ideas (every filter of visible_clause is in it) without reading
        # the ideas themselves, descriptions and all.
        sa.Index("ix_ideas_board", "status", "region_id", "hidden_at", "author_id"),
        sa.CheckConstraint("vote_count >= 0", name="vote_count_not_negative"),
        sa.CheckConstraint("comment_count >= 0", name="comment_count_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(120))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id"))
    region_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    status: so.Mapped[IdeaStatus] = so.mapped_column(
        str_enum(IdeaStatus, "idea_status"), default=IdeaStatus.OPEN
    )
    vote_count: so.Mapped[int] = so.mapped_column(default=0)
    comment_count: so.Mapped[int] = so.mapped_column(default=0)
    # log2(1 + votes + comments/2) + freshness: see forum.services.ideas.trending_sql
    trending_score: so.Mapped[float] = so.mapped_column(default=0.0)
    freshness: so.Mapped[float] = so.mapped_column(default=0.0)
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    merged_into_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("ideas.id"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    author: so.Mapped[Member] = so.relationship(foreign_keys=[author_id])
    region: so.Mapped[Region | None] = so.relationship()
    tags: so.Mapped[list[IdeaTag]] = so.relationship(
        secondary=idea_tag_links, order_by=IdeaTag.name
    )
    merged_into: so.Mapped[Idea | None] = so.relationship(remote_side=[id])

    @property
    def takes_votes(self) -> bool:
        return self.status.takes_votes

    @property
    def excerpt(self) -> str:
        """The start of the description as plain text (escaped again when shown)."""
        return excerpt_of(self.body_html)

    def __repr__(self) -> str:
        return f"<Idea {self.id} {self.status}>"


def excerpt_of(body_html: str) -> str:
    """The start of a sanitised description as plain text (escaped again when shown)."""
    html = re.sub(r"</li>\s*(?=<li)", ", </li>", body_html)  # list items stay apart
    text = Markup(html).striptags()  # noqa: S704 - sanitised HTML, text only
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[:EXCERPT_LENGTH].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


class IdeaVote(db.Model):
    """One member backs one idea: the primary key makes a second vote impossible."""

    __tablename__ = "idea_votes"
    __table_args__ = (sa.Index("ix_idea_votes_member", "member_id", "created_at"),)

    idea_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class IdeaComment(RichBody, Hideable, db.Model):
    """A comment on an idea, in Markdown. Removed by its author, it stays as a placeholder."""

    __tablename__ = "idea_comments"
    __table_args__ = (
        sa.Index("ix_idea_comments_idea", "idea_id", "id"),
        sa.Index("ix_idea_comments_author", "author_id", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    idea_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id"))
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    edited_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    deleted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    author: so.Mapped[Member] = so.relationship(foreign_keys=[author_id])
    idea: so.Mapped[Idea] = so.relationship()
    # Whether the member reading has muted the author (set by the queries that show comments).
    muted: so.Mapped[bool | None] = so.query_expression()

    @property
    def is_removed(self) -> bool:
        return self.deleted_at is not None

    def is_editable_by(self, member: Member | None) -> bool:
        return (
            member is not None
            and member.id == self.author_id
            and not self.is_removed
            and not self.is_hidden
        )


class IdeaStatusChange(RichBody, db.Model):
    """One step in an idea's history: who moved it from which status to which, and why.

    The public response is ``body_source``/``body_html`` (it may be empty).
    """

    __tablename__ = "idea_status_changes"
    __table_args__ = (sa.Index("ix_idea_status_changes_idea", "idea_id", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    idea_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    changed_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id"))
    from_status: so.Mapped[IdeaStatus] = so.mapped_column(str_enum(IdeaStatus, "idea_from_status"))
    to_status: so.Mapped[IdeaStatus] = so.mapped_column(str_enum(IdeaStatus, "idea_to_status"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    changed_by: so.Mapped[Member] = so.relationship()
    idea: so.Mapped[Idea] = so.relationship(viewonly=True)


class IdeaTitleTerm(db.Model):
    """The significant words of an idea's title, so similar ideas are found with an index."""

    __tablename__ = "idea_title_terms"

    term: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
    idea_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True, index=True
    )
