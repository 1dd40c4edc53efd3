"""Moderation and safety: reports and the cases they open, the audit log, moderators' regions,
messages from the moderators, and mutes.

- A **report** is one member's concern about one thing (a post, thread, idea, comment or
  member). The unique key (reporter, kind, target) makes a second report of the same thing by
  the same person impossible, whatever the timing.
- A **case** groups every report of one thing: the queue shows one row per open case, with the
  count and the reasons. When a moderator handles it, it closes; a later report opens it again
  (a new ``round``, so a moderator acting on what they saw before cannot close the new one by
  mistake).
- An **audit entry** records a moderation or administration action with the state before and
  after. The app has no way to change or remove one: the ORM refuses it (see the events below).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models.base import UTCDateTime, str_enum, utcnow
from forum.models.member import Member
from forum.models.region import Region


class TargetKind(StrEnum):
    POST = "post"
    THREAD = "thread"
    IDEA = "idea"
    COMMENT = "comment"
    MEMBER = "member"
    MESSAGE = "message"  # a private message: moderators read it only once it is reported

    @property
    def label(self) -> str:
        return {"comment": "comment on an idea", "message": "private message"}.get(
            self.value, self.value
        )

    @property
    def is_content(self) -> bool:
        return self != TargetKind.MEMBER


class ReportReason(StrEnum):
    SAFETY = "safety"
    UNKIND = "unkind"
    PERSONAL = "personal"
    SPAM = "spam"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    ReportReason.SAFETY: "I'm worried about someone's safety",
    ReportReason.UNKIND: "It's unkind or harassing",
    ReportReason.PERSONAL: "It shares someone's personal details",
    ReportReason.SPAM: "It's spam or advertising",
    ReportReason.OTHER: "Something else",
}


class CaseState(StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"  # a moderator looked and no action was needed
    ACTIONED = "actioned"  # a moderator acted (hid, warned, locked...)


class ModerationCase(db.Model):
    """Every report of one thing; one row in the queue while it is open."""

    __tablename__ = "moderation_cases"
    __table_args__ = (
        sa.UniqueConstraint("target_kind", "target_id"),
        sa.Index("ix_moderation_cases_queue", "state", "urgent", "last_report_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    target_kind: so.Mapped[TargetKind] = so.mapped_column(str_enum(TargetKind, "case_kind"))
    target_id: so.Mapped[int] = so.mapped_column()
    # The region whose moderators may handle it (None: national moderators only). Kept in step
    # with the thing reported (moving a thread moves its cases), so the queue is one query.
    region_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"), index=True)
    state: so.Mapped[CaseState] = so.mapped_column(
        str_enum(CaseState, "case_state"), default=CaseState.OPEN
    )
    round: so.Mapped[int] = so.mapped_column(default=1)
    urgent: so.Mapped[bool] = so.mapped_column(default=False)
    report_count: so.Mapped[int] = so.mapped_column(default=0)  # in this round
    opened_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_report_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    auto_hidden: so.Mapped[bool] = so.mapped_column(default=False)
    handled_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    handled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    outcome: so.Mapped[str] = so.mapped_column(sa.String(200), default="")

    handled_by: so.Mapped[Member | None] = so.relationship()
    region: so.Mapped[Region | None] = so.relationship()

    @property
    def is_open(self) -> bool:
        return self.state == CaseState.OPEN

    def __repr__(self) -> str:
        return f"<ModerationCase {self.target_kind}:{self.target_id} {self.state}>"


class Report(db.Model):
    """One member's concern about one thing, with a reason from the list and a note."""

    __tablename__ = "reports"
    __table_args__ = (
        sa.UniqueConstraint("reporter_id", "target_kind", "target_id"),
        sa.Index("ix_reports_case", "case_id", "state"),
        sa.Index("ix_reports_reporter", "reporter_id", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("moderation_cases.id", ondelete="CASCADE")
    )
    # None: the system (a watched word), not a member.
    reporter_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    target_kind: so.Mapped[TargetKind] = so.mapped_column(str_enum(TargetKind, "report_kind"))
    target_id: so.Mapped[int] = so.mapped_column()
    reason: so.Mapped[ReportReason] = so.mapped_column(str_enum(ReportReason, "report_reason"))
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    state: so.Mapped[CaseState] = so.mapped_column(
        str_enum(CaseState, "report_state"), default=CaseState.OPEN
    )

    reporter: so.Mapped[Member | None] = so.relationship()
    case: so.Mapped[ModerationCase] = so.relationship()

    @property
    def is_urgent(self) -> bool:
        """A worry about someone's safety: its case goes to the urgent lane, and the
        moderators are told at once."""
        return self.reason == ReportReason.SAFETY


class AuditEntry(db.Model):
    """One moderation or administration action: who, when, what, on what, why, before, after.

    Append-only: written by ``forum.services.audit.record`` and never changed (the ORM events
    below refuse updates and deletes).
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entries_target", "target_kind", "target_id", "id"),
        sa.Index("ix_audit_entries_actor", "actor_id", "id"),
        sa.Index("ix_audit_entries_action", "action", "id"),
        sa.Index("ix_audit_entries_created", "created_at"),
        sa.Index("ix_audit_entries_region", "region_id", "id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # None: done by the app itself (hidden after reports, a suspension that ran out).
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    target_kind: so.Mapped[str] = so.mapped_column(sa.String(30))
    target_id: so.Mapped[int | None] = so.mapped_column()
    # The region whose moderators may read it (what was acted on was there); None: national
    # things and the network's administration, for administrators and national moderators.
    region_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"))
    summary: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    before: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    after: so.Mapped[dict | None] = so.mapped_column(sa.JSON)

    actor: so.Mapped[Member | None] = so.relationship()


@sa.event.listens_for(AuditEntry, "before_update")
@sa.event.listens_for(AuditEntry, "before_delete")
def _audit_is_append_only(_mapper, _connection, entry: AuditEntry) -> None:
    raise PermissionError(f"Audit entry {entry.id} cannot be changed or removed.")


class ModeratorRegion(db.Model):
    """A region a moderator looks after. A moderator without any moderates everything."""

    __tablename__ = "moderator_regions"

    moderator_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    region_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ModeratorMessage(db.Model):
    """A private message from the moderators to one member (a warning, usually)."""

    __tablename__ = "moderator_messages"
    __table_args__ = (sa.Index("ix_moderator_messages_member", "member_id", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    sent_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    # What it is about, if anything: a post, thread, idea or comment of theirs.
    about_kind: so.Mapped[str] = so.mapped_column(sa.String(20), default="")
    about_id: so.Mapped[int | None] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    read_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    sent_by: so.Mapped[Member | None] = so.relationship(foreign_keys=[sent_by_id])


class Mute(db.Model):
    """``muter`` no longer sees ``muted``'s posts unless they open them. Only the muter knows."""

    __tablename__ = "mutes"

    muter_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    muted_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    muted: so.Mapped[Member] = so.relationship(foreign_keys=[muted_id])
