"""Sign-ins: one row for each browser a member is signed in on (``forum.services.sign_ins``)."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models.base import UTCDateTime, utcnow
from forum.models.member import Member


class SignIn(db.Model):
    """One sign-in on one browser, which its session cookie and its "keep me signed in" cookie
    both name (``<id>:<secret>``; only a SHA-256 of the secret is kept here).

    Deleting the row ends it: both cookies are refused on their next request, wherever they
    were copied to. It also ends when the member's ``session_token`` changes (a password
    change, a suspension), after ``SIGN_IN_IDLE_DAYS`` without a visit, and
    ``SIGN_IN_REMEMBERED_DAYS`` (or, not remembered, ``SIGN_IN_BROWSER_HOURS``) after it
    began. No address and no location are kept: ``device`` is what the browser says it is.
    """

    __tablename__ = "sign_ins"
    __table_args__ = (
        sa.Index("ix_sign_ins_member", "member_id", "last_seen_at"),
        sa.Index("ix_sign_ins_last_seen", "last_seen_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    member_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("members.id", ondelete="CASCADE"))
    secret_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    # The member's session token when they signed in: a new one ends every older sign-in.
    member_token: so.Mapped[str] = so.mapped_column(sa.String(32))
    remembered: so.Mapped[bool] = so.mapped_column(default=False)
    device: so.Mapped[str] = so.mapped_column(sa.String(80), default="")  # "Firefox on Windows"
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    member: so.Mapped[Member] = so.relationship()

    def __repr__(self) -> str:
        return f"<SignIn {self.id} of member {self.member_id}>"
