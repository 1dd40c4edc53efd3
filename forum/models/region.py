"""Regions of the network: applicants choose one, and each has its own sub-forum."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models.base import UTCDateTime, utcnow


class Region(db.Model):
    __tablename__ = "regions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Region {self.slug}>"
