"""Single-use secrets: invitations to join, password reset links and email change links.

Only a SHA-256 of each secret is stored, so a leaked database cannot be used to sign in.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models.base import UTCDateTime, str_enum, utcnow
from forum.models.member import Member
from forum.models.region import Region


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id"), index=True)
    region_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"))
    note: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    used_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    created_by: so.Mapped[Member] = so.relationship(foreign_keys=[created_by_id])
    used_by: so.Mapped[Member | None] = so.relationship(foreign_keys=[used_by_id])
    region: so.Mapped[Region | None] = so.relationship()

    def state(self, now: datetime) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "open"


class TokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password
    EMAIL_CHANGE = "email_change"


class OneTimeToken(db.Model):
    __tablename__ = "one_time_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    purpose: so.Mapped[TokenPurpose] = so.mapped_column(str_enum(TokenPurpose, "token_purpose"))
    payload: so.Mapped[str] = so.mapped_column(sa.String(320), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    member: so.Mapped[Member] = so.relationship()
