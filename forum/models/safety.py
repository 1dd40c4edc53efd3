"""Safety: the words administrators watch for, the alerts a signpost word leaves for the
moderators, members' appeals against a sanction, and moderators' notes on a member.

- A **watched word** is a word or phrase (``*`` at the end of a word matches any ending) and
  what happens when a member writes it: ``block`` (refused, with the reason), ``hold`` (waits
  for a moderator's approval), ``flag`` (posted, and a report from the system goes to the
  queue) or ``signpost`` (the crisis contacts are shown, and a moderator is to be alerted).
  Its ``normalized`` form is unique, so the same phrase cannot be watched twice.
- A **safety alert** is one member's writing that used a signpost word: a moderator of its
  region must be told (``alerted_at`` stays empty until the notifications have done so).
- An **appeal** is one member's one request to look again at one sanction (its audit entry):
  the unique key makes a second one impossible. It goes to a moderator other than the one
  who acted (``acted_by_id``).
- A **moderator note** is what a moderator wants colleagues to know about a member; only
  moderators read them, and writing one is recorded in the audit log.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models.base import UTCDateTime, str_enum, utcnow
from forum.models.member import Member


class WatchAction(StrEnum):
    BLOCK = "block"
    HOLD = "hold"
    FLAG = "flag"
    SIGNPOST = "signpost"

    @property
    def label(self) -> str:
        return WATCH_ACTION_LABELS[self]


WATCH_ACTION_LABELS = {
    WatchAction.BLOCK: "Block: refuse it, with the reason",
    WatchAction.HOLD: "Hold for a moderator's approval",
    WatchAction.FLAG: "Flag: post it, and report it to the moderators",
    WatchAction.SIGNPOST: "Signpost: show the crisis contacts, and alert a moderator",
}


class WatchedWord(db.Model):
    __tablename__ = "watched_words"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    phrase: so.Mapped[str] = so.mapped_column(sa.String(200))
    normalized: so.Mapped[str] = so.mapped_column(sa.String(400), unique=True)
    action: so.Mapped[WatchAction] = so.mapped_column(str_enum(WatchAction, "watch_action"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class SafetyAlert(db.Model):
    """A member wrote a signpost word: the moderators of ``region_id`` are to be told."""

    __tablename__ = "safety_alerts"
    __table_args__ = (sa.Index("ix_safety_alerts_waiting", "alerted_at", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    target_kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    target_id: so.Mapped[int] = so.mapped_column()
    region_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"))
    phrases: so.Mapped[str] = so.mapped_column(sa.String(400), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    alerted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    member: so.Mapped[Member] = so.relationship()


class AppealState(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the sanction stands
    OVERTURNED = "overturned"  # the sanction was lifted


class Appeal(db.Model):
    __tablename__ = "appeals"
    __table_args__ = (
        sa.UniqueConstraint("member_id", "audit_entry_id"),
        sa.Index("ix_appeals_queue", "state", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    # The sanction appealed against: its audit entry, what it was, and who acted.
    audit_entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("audit_entries.id"))
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    acted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    region_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    state: so.Mapped[AppealState] = so.mapped_column(
        str_enum(AppealState, "appeal_state"), default=AppealState.OPEN
    )
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    response: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    member: so.Mapped[Member] = so.relationship(foreign_keys=[member_id])
    acted_by: so.Mapped[Member | None] = so.relationship(foreign_keys=[acted_by_id])
    decided_by: so.Mapped[Member | None] = so.relationship(foreign_keys=[decided_by_id])

    @property
    def is_open(self) -> bool:
        return self.state == AppealState.OPEN


class ModeratorNote(db.Model):
    __tablename__ = "moderator_notes"
    __table_args__ = (sa.Index("ix_moderator_notes_member", "member_id", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    author_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    author: so.Mapped[Member | None] = so.relationship(foreign_keys=[author_id])
