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
    # The profile other members read (Account → Your profile): a short bio, optional pronouns.
    bio: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    pronouns: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    # The zone the member reads times in (an IANA name; "" means the event's own zone).
    time_zone: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    # A move to a region whose forum is for its members only, waiting for a moderator of it.
    requested_region_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("regions.id"))
    region_requested_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[MemberStatus] = so.mapped_column(
        str_enum(MemberStatus, "member_status"), default=MemberStatus.PENDING
    )
    role: so.Mapped[Role] = so.mapped_column(str_enum(Role, "member_role"), default=Role.MEMBER)
    # Copied into each of the member's sign-ins: changing it ends them all.
    session_token: so.Mapped[str] = so.mapped_column(sa.String(32), default=new_session_token)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    decision_message: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    suspended_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    suspension_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Messages from the moderators not read yet, kept here so the menu needs no query.
    unread_messages: so.Mapped[int] = so.mapped_column(default=0)
    # Starting a thread or replying tracks it (``WatchLevel.TRACKING``) unless they chose a
    # level already: Account → Notifications, "When I start or reply to a thread".
    track_on_post: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    # Privacy rights (forum.services.privacy): a break until this time (no notifications,
    # a gentle page on sign-in); an erasure asked for, due after the cooling-off (signing in
    # cancels it), removing their posts or keeping them as "a former member"; and done.
    break_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    erasure_requested_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    erasure_due_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, index=True)
    erasure_removes_posts: so.Mapped[bool] = so.mapped_column(default=False)
    erased_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Set while the member's consent to health data is withdrawn: they may read, not post
    # (``posting.check_rate``); the consents themselves keep the history.
    health_consent_withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    region: so.Mapped[Region | None] = so.relationship(lazy="joined", foreign_keys=[region_id])
    requested_region: so.Mapped[Region | None] = so.relationship(foreign_keys=[requested_region_id])
    decided_by: so.Mapped["Member | None"] = so.relationship(remote_side=[id])
    consents: so.Mapped[list["Consent"]] = so.relationship(
        cascade="all, delete-orphan", order_by="Consent.id"
    )
    # The regions a moderator looks after (none: every region). Loaded with the signed-in
    # member in the same query (``accounts.load_session_member``).
    moderated_regions: so.Mapped[list[Region]] = so.relationship(
        secondary="moderator_regions", order_by=Region.position, viewonly=True
    )

    # This browser's sign-in (``sign_ins.CurrentSignIn``), set when the member signs in or is
    # loaded from a cookie; not a column.
    sign_in = None

    # Members are the same when they are the same row (SQLAlchemy's identity map), not when
    # Flask-Login's ids (one per sign-in) agree.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def get_id(self) -> str:
        """Flask-Login's alternative id: the key of this browser's sign-in, which the session
        and remember cookies carry, so that ending the sign-in refuses both. Raises
        RuntimeError for a member who is not signed in here (``sign_ins.start`` first)."""
        if self.sign_in is None:
            raise RuntimeError(f"member {self.id} has no sign-in on this browser")
        return self.sign_in.key

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
        state: so.InstanceState[Member] = sa.inspect(self)
        if state.detached:
            link = db.metadata.tables["moderator_regions"]  # a copy kept outside a session
            query = sa.select(link.c.region_id).where(link.c.moderator_id == self.id)
            return frozenset(db.session.scalars(query))
        return frozenset(region.id for region in self.moderated_regions)

    def on_break(self, now: datetime) -> bool:
        """Whether the member is taking a break now: send them no notifications and no emails
        (except those about their account's safety: a password or email change)."""
        return self.break_until is not None and now < self.break_until

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def erasure_pending(self) -> bool:
        return self.erasure_due_at is not None and self.erased_at is None

    @property
    def has_health_consent(self) -> bool:
        """Whether the member's consent to the health data they share stands (withdrawn, they
        may read but no longer post: forum.services.privacy.consent)."""
        return any(
            c.kind == ConsentKind.HEALTH_DATA and c.withdrawn_at is None for c in self.consents
        )

    def end_sessions(self) -> None:
        """Refuse every sign-in made before now (their rows no longer match the new token;
        ``sign_ins.end_all`` also deletes them)."""
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
