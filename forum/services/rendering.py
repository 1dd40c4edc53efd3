"""Bring stored HTML up to date after the sanitising rules change (``flask richtext rerender``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from forum import richtext
from forum.extensions import Base, db
from forum.models import SiteSettings
from forum.models.base import RichBody

BATCH = 500


def rich_models() -> list[type[RichBody]]:
    """Every model that stores member-written Markdown through ``RichBody``."""
    return sorted(
        (m.class_ for m in Base.registry.mappers if issubclass(m.class_, RichBody)),
        key=lambda cls: cls.__name__,
    )


def rerender_stored(everything: bool = False) -> dict[str, int]:
    """Re-render rows made under older rules (or all rows); returns how many per model."""
    counts: dict[str, int] = {}
    for model in rich_models():
        counts[model.__name__] = _rerender(model, everything)
    site = db.session.get(SiteSettings, 1)
    if site is not None:
        site.house_rules_html = richtext.render(site.house_rules_source)
        site.privacy_notice_html = richtext.render(site.privacy_notice_source)
        site.accessibility_html = richtext.render(site.accessibility_source, headings_from=2)
        db.session.commit()
    return counts


def _rerender(model: Any, everything: bool) -> int:  # a mapped RichBody model
    done, last_id = 0, 0
    while True:
        query = sa.select(model).where(model.id > last_id).order_by(model.id).limit(BATCH)
        if not everything:
            query = query.where(model.body_rules < richtext.RULES_VERSION)
        rows = db.session.scalars(query).all()
        if not rows:
            return done
        for row in rows:
            row.set_body(row.body_source)
        last_id = rows[-1].id
        done += len(rows)
        db.session.commit()
