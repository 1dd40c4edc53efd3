"""What is indexed: one ``SearchDocument`` per post, thread (its title), idea and idea comment.

Documents are written by the services that write the text, in the same transaction
(``index(thing)`` after the flush that gave it an id): a post, reply or edit, a new thread or
a renamed one, an idea or its edit, a comment or its edit. Services rather than database
triggers, because the words indexed are the *sanitised* text (the stored safe HTML with its
tags stripped), which only Python computes; the engine's own structures (FTS5 table, tsvector)
are then kept in step by the database itself (triggers, a generated column).

Adding a kind (events, say) is one ``register(Kind(...))`` here and one query branch in
``services.search``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.dialects import postgresql, sqlite

from forum.extensions import db
from forum.models import Idea, IdeaComment, Post, SearchDocument, Thread
from forum.models.search import FTS_TABLE

# Private-use characters that mark matched words in engine output; never kept in documents.
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKERS = re.compile(f"[{MARK_START}{MARK_END}]")
_BATCH = 2000


@dataclass(frozen=True)
class Kind:
    name: str  # stored in search_documents.kind
    model: type
    title: Callable[[Any], str]
    html: Callable[[Any], str]
    columns: Callable[[], tuple]  # (id, title, html, created_at) columns for rebuild()


KINDS: dict[str, Kind] = {}
_BY_MODEL: dict[type, Kind] = {}


def register(kind: Kind) -> None:
    KINDS[kind.name] = kind
    _BY_MODEL[kind.model] = kind


register(
    Kind("post", Post, lambda p: "", lambda p: p.body_html,
         lambda: (Post.id, sa.literal(""), Post.body_html, Post.created_at))
)  # fmt: skip
register(
    Kind("thread", Thread, lambda t: t.title, lambda t: "",
         lambda: (Thread.id, Thread.title, sa.literal(""), Thread.created_at))
)  # fmt: skip
register(
    Kind("idea", Idea, lambda i: i.title, lambda i: i.body_html,
         lambda: (Idea.id, Idea.title, Idea.body_html, Idea.created_at))
)  # fmt: skip
register(
    Kind("comment", IdeaComment, lambda c: "", lambda c: c.body_html,
         lambda: (IdeaComment.id, sa.literal(""), IdeaComment.body_html,
                  IdeaComment.created_at))
)  # fmt: skip


def plain_text(html: str) -> str:
    """The words of sanitised HTML, tags stripped and entities decoded (escaped again when
    shown); list items and paragraphs stay apart."""
    html = re.sub(r"</(li|p|h\d|td|th|blockquote|pre)>", r" </\1>", html or "")
    return _MARKERS.sub("", Markup(html).striptags())  # noqa: S704 - text only


def _upsert():
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(SearchDocument)
    return insert.on_conflict_do_update(
        index_elements=["kind", "target_id"],
        set_={"title": insert.excluded.title, "body": insert.excluded.body},
    )


def index(thing: Any) -> None:
    """Write (or rewrite) ``thing``'s document in the current transaction; never commits.
    ``thing`` must have its id (flushed)."""
    kind = _BY_MODEL[type(thing)]
    row = {
        "kind": kind.name,
        "target_id": thing.id,
        "title": _MARKERS.sub("", kind.title(thing) or ""),
        "body": plain_text(kind.html(thing)),
    }
    db.session.execute(_upsert(), [row])


def _in_time_order() -> list[tuple[str, int]]:
    """(kind, id) of everything indexable, oldest first: documents are made in that order, so
    a document's id follows the time its thing was written, as it does when the services
    index them one by one (``engines.matches`` takes the newest matches by id)."""
    keys: list[tuple[Any, str, int]] = []
    for kind in KINDS.values():
        key, _title, _html, created = kind.columns()
        keys.extend((when, kind.name, i) for i, when in db.session.execute(sa.select(key, created)))
    keys.sort()
    return [(name, i) for _when, name, i in keys]


def _batch(keys: list[tuple[str, int]]) -> list[dict]:
    wanted: dict[str, list[int]] = {}
    for name, i in keys:
        wanted.setdefault(name, []).append(i)
    made = {}
    for name, ids in wanted.items():
        key, title, html, _created = KINDS[name].columns()
        for i, t, h in db.session.execute(sa.select(key, title, html).where(key.in_(ids))):
            made[(name, i)] = {"kind": name, "target_id": i, "title": _MARKERS.sub("", t or ""),
                               "body": plain_text(h)}  # fmt: skip
    return [made[k] for k in keys if k in made]


def rebuild() -> dict[str, int]:
    """Make every document again from the things themselves (after an upgrade, or bulk loaded
    data), oldest first, in the caller's transaction. Returns how many of each kind."""
    db.session.execute(sa.delete(SearchDocument))
    counts = dict.fromkeys(KINDS, 0)
    keys = _in_time_order()
    for start in range(0, len(keys), _BATCH):
        batch = _batch(keys[start : start + _BATCH])
        if batch:
            db.session.execute(sa.insert(SearchDocument), batch)
        for row in batch:
            counts[row["kind"]] += 1
    if db.session.get_bind().dialect.name == "sqlite":  # compact the FTS5 index afterwards
        optimize = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"  # noqa: S608
        db.session.execute(sa.text(optimize))
    return counts


def forget(model: type, target_id: int) -> None:
    """Drop the document of a thing whose words are gone (a removed comment)."""
    kind = _BY_MODEL[model]
    db.session.execute(
        sa.delete(SearchDocument).where(
            SearchDocument.kind == kind.name, SearchDocument.target_id == target_id
        )
    )
