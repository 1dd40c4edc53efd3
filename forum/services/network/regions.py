"""Regions: the network's places, each with its own sub-forum, kept in an order by administrators.

Every change is recorded in the audit log (``actor`` is who made it; None for the command line).
"""

from __future__ import annotations

import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    Member,
    Region,
    utcnow,
)
from forum.services import audit, ordering
from forum.services.errors import NotFound, ValidationFailed, required_text
from forum.services.forums import manage


def regions(include_archived: bool = False) -> list[Region]:
    query = sa.select(Region).order_by(Region.position, Region.name)
    if not include_archived:
        query = query.where(Region.archived_at.is_(None))
    return list(db.session.scalars(query))


def save_region(name: str, region_id: int | None = None, actor: Member | None = None) -> Region:
    """Add a region (at the end of the list) or rename one. Names are unique.

    A new region gets its sub-forum in the same transaction; a renamed region's forum follows
    the new name unless an administrator gave the forum a name of its own.
    """
    name = required_text(name, "name", 80)
    clash = db.session.scalar(
        sa.select(Region).where(sa.func.lower(Region.name) == name.lower(), Region.id != region_id)
    )
    if clash:
        raise ValidationFailed({"name": "There is already a region with this name."})
    if region_id is None:
        last = db.session.scalar(sa.select(sa.func.max(Region.position))) or 0
        region = Region(
            name=name,
            slug=ordering.unique_slug(Region.slug, ordering.slugify(name)),
            position=last + 1,
        )
        db.session.add(region)
        manage.create_region_forum(region)
        db.session.flush()
        audit.record(actor, "region.add", "region", region.id, summary=f"the region {name}")
    else:
        region = _region(region_id)
        old_name, region.name = region.name, name
        manage.region_renamed(region, old_name)
        audit.record(
            actor,
            "region.rename",
            "region",
            region.id,
            summary=f"the region {name}",
            before={"name": old_name},
            after={"name": name},
        )
    db.session.commit()
    return region


def _region(region_id: int) -> Region:
    region = db.session.get(Region, region_id)
    if region is None:
        raise NotFound("That region no longer exists.")
    return region


def set_region_archived(region_id: int, archived: bool, actor: Member | None = None) -> Region:
    """Archived regions are no longer offered to applicants; their members keep them.

    The region's forum is left as it is: its members still belong to the region, so they keep
    their forum. Administrators archive the forum separately when it should fall silent.
    """
    region = _region(region_id)
    before = {"archived": region.is_archived}
    region.archived_at = utcnow() if archived else None
    audit.record(
        actor,
        "region.archive" if archived else "region.restore",
        "region",
        region.id,
        summary=f"the region {region.name}",
        before=before,
        after={"archived": archived},
    )
    db.session.commit()
    return region


def move_region(region_id: int, step: int, actor: Member | None = None) -> None:
    """Move a region one place up (-1) or down (+1) in the list."""
    region = _region(region_id)
    audit.record(
        actor, "region.move", "region", region.id, summary=f"the region {region.name}",
        before={"position": region.position}, after={"step": step},
    )  # fmt: skip
    ordering.move(regions(include_archived=True), region, step)
    db.session.commit()
