"""People: applicants, members, moderators and administrators, and the consents they gave."""

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from forum.extensions import db
from forum.models.base import UTCDateTime, str_enum, utcnow
from forum.models.region import Region


class MemberStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class ConsentKind(StrEnum):
    HOUSE_RULES = "house_rules"
    HEALTH_DATA = "health_data"


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class Member(UserMixin, db.Model):
    __tablename__ = "members"
    __table_args__ = (sa.Index("ix_members_status_created", "status", "created_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(80))
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    region_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"))
    organisation: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[MemberStatus] = so.mapped_column(
        str_enum(MemberStatus, "member_status"), default=MemberStatus.PENDING
    )
    role: so.Mapped[Role] = so.mapped_column(str_enum(Role, "member_role"), default=Role.MEMBER)
    # Part of the id kept in the session and remember cookies: changing it ends every session.
    session_token: so.Mapped[str] = so.mapped_column(sa.String(32), default=new_session_token)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    decision_message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    suspended_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    suspension_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Messages from the moderators not read yet, kept here so the menu needs no query.
    unread_messages: so.Mapped[int] = so.mapped_column(default=0)

    region: so.Mapped[Region | None] = so.relationship(lazy="joined")
    decided_by: so.Mapped["Member | None"] = so.relationship(remote_side=[id])
    consents: so.Mapped[list["Consent"]] = so.relationship(
        cascade="all, delete-orphan", order_by="Consent.id"
    )
    # The regions a moderator looks after (none: every region). Loaded with the signed-in
    # member in the same query (``accounts.load_session_member``).
    moderated_regions: so.Mapped[list[Region]] = so.relationship(
        secondary="moderator_regions", order_by=Region.position, viewonly=True
    )

    def get_id(self) -> str:
        """Flask-Login's alternative id: a changed session token refuses old cookies."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        # Suspended and pending people may hold a session, but only to see their status page.
        return True

    @property
    def is_member(self) -> bool:
        return self.status == MemberStatus.ACTIVE

    @property
    def is_moderator(self) -> bool:
        return self.is_member and self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.is_member and self.role == Role.ADMIN

    @property
    def moderation_scope(self) -> frozenset[int] | None:
        """The regions this person moderates: None for everything (administrators and national
        moderators), their regions' ids for regional moderators, nothing for members."""
        if not self.is_moderator:
            return frozenset()
        if self.role == Role.ADMIN:
            return None
        return self._moderated_region_ids() or None

    @property
    def regions_seen(self) -> frozenset[int] | None:
        """The regions whose members-only content (a region's own forum, its ideas) this person
        may read: None for every region (national moderators and administrators); otherwise
        their own region and, for a regional moderator, the regions they moderate."""
        scope = self.moderation_scope
        if scope is None:
            return None
        own = {self.region_id} if self.region_id is not None else set()
        return frozenset(own | scope)

    @property
    def is_regional_moderator(self) -> bool:
        return bool(self.moderation_scope)

    def moderates(self, region_id: int | None) -> bool:
        """Whether this person moderates things of ``region_id`` (None: national things)."""
        scope = self.moderation_scope
        return scope is None or region_id in scope

    def _moderated_region_ids(self) -> frozenset[int]:
        state = sa.inspect(self)
        if state.detached:
            link = db.metadata.tables["moderator_regions"]  # a copy kept outside a session
            query = sa.select(link.c.region_id).where(link.c.moderator_id == self.id)
            return frozenset(db.session.scalars(query))
        return frozenset(region.id for region in self.moderated_regions)

    def end_sessions(self) -> None:
        """Refuse every session and remember cookie issued before now."""
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.status}>"


class Consent(db.Model):
    """One consent a person gave: what, to which version of the document, and when."""

    __tablename__ = "consents"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[ConsentKind] = so.mapped_column(str_enum(ConsentKind, "consent_kind"))
    document_version: so.Mapped[str] = so.mapped_column(sa.String(40))
    given_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
