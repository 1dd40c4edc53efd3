"""Ordered lists and slugs, shared by regions, forums, crisis contacts, warnings and idea tags.

Nothing here commits: each helper changes rows in the caller's transaction, and the service that
called it commits once (with its audit row).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any, Protocol

import sqlalchemy as sa

from forum.extensions import db


class Positioned(Protocol):
    position: Any


def slugify(name: str, *, max_length: int = 80, fallback: str = "region") -> str:
    """``name`` as a URL part: ASCII letters and digits joined by ``-``, at most ``max_length``
    characters; ``fallback`` when nothing of it is left."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:max_length] or fallback


def unique_slug(column: Any, base: str, *others: sa.ColumnElement[bool]) -> str:
    """``base``, or ``base-2``, ``base-3``...: the first that no row has in ``column`` (among the
    rows ``others`` selects, for instance all but the one being renamed). Reads, never writes."""
    slug, n = base, 2
    while db.session.scalar(sa.select(sa.exists().where(column == slug, *others))):
        slug, n = f"{base}-{n}", n + 1
    return slug


def move(items: Sequence[Positioned], item: Positioned, step: int) -> None:
    """Move ``item`` one place up (-1) or down (+1) in ``items`` and number them all from 0 in
    their new order (at either end it stays). No commit: the caller's transaction."""
    ordered = list(items)
    index = ordered.index(item)
    other = index + step
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for pos, each in enumerate(ordered):
        each.position = pos
