"""The two engines behind one interface, picked by the database the app runs on.

- ``matches(terms)``: a CTE of the documents that match, with ``doc_id``, ``kind``,
  ``target_id`` and ``rank`` (lower is a better match on both engines);
- ``headlines(doc_ids, terms)``: for one page of results, each document's title and an excerpt
  with the matched words marked, as safe ``Markup``.

**SQLite**: an FTS5 external-content table (``porter unicode61`` tokenizer: "supervise" finds
"supervision", accents folded), ranked by bm25 with a title weighing four times the body;
excerpts from FTS5's ``snippet``. **PostgreSQL**: the ``tsv`` column (``english``
configuration, title weight A, body B) with its GIN index, each term through
``websearch_to_tsquery`` and combined with ``tsquery_and``/``_or``/``_not`` so that
``OR`` groups as on SQLite; ranked by ``ts_rank``, excerpts by ``ts_headline``.

Highlighting is safe by construction: engines wrap matched words in two private-use
characters (stripped from every document when indexed), the text is escaped, and only then
are the markers turned into ``<mark>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa
from markupsafe import Markup, escape

from forum.extensions import db
from forum.models import SearchDocument
from forum.models.search import FTS_TABLE, TSV_COLUMN
from forum.services.search_index import terms as parsing
from forum.services.search_index.documents import MARK_END, MARK_START

CONFIG = "english"
SNIPPET_TOKENS = 28
SHORT_BODY = 240  # characters: PostgreSQL shows such a text whole, marked
_HEADLINE = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=30, MinWords=12, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)
_TITLE_HEADLINE = f'StartSel="{MARK_START}", StopSel="{MARK_END}", HighlightAll=true'
_MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.DOTALL)
_STRAY = re.compile(f"[{MARK_START}{MARK_END}]")


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _fts():
    return sa.literal_column(FTS_TABLE)


def _tsquery(terms: parsing.Terms) -> sa.ColumnElement:
    def one(term: parsing.Term) -> sa.ColumnElement:
        return sa.func.websearch_to_tsquery(
            sa.literal_column(f"'{CONFIG}'"), parsing.websearch(term)
        )

    def any_of(group: list[parsing.Term]) -> sa.ColumnElement:
        query = one(group[0])
        for term in group[1:]:
            query = sa.func.tsquery_or(query, one(term))
        return query

    query = any_of(terms.groups[0])
    for group in terms.groups[1:]:
        query = sa.func.tsquery_and(query, any_of(group))
    for term in terms.excluded:
        query = sa.func.tsquery_and(query, sa.func.tsquery_not(one(term)))
    return query


def _tsv() -> sa.ColumnElement:
    return sa.literal_column(f"{SearchDocument.__tablename__}.{TSV_COLUMN}")


def matches(terms: parsing.Terms, *, ranked: bool = False, limit: int | None = None) -> sa.CTE:
    """The matching documents (``doc_id``, ``kind``, ``target_id``, ``rank``) as a CTE.

    ``rank`` costs a score per match (bm25, ts_rank): without ``ranked`` it is 0. The CTE is
    MATERIALIZED: the engine finds the matches first, once, and each kind's branch joins them
    by primary key (left to itself, SQLite's planner would walk every post and ask FTS5 about
    each one, 40 times slower on the benchmark data).

    ``limit``: only the newest (or, ranked, the best) that many matches go on to be joined
    and filtered: a word in a fifth of 200,000 posts then costs what a rare one does.
    Documents' ids follow the time their things were written (``documents.rebuild``).
    """
    doc = SearchDocument
    if _postgres():
        query = _tsquery(terms)
        score: sa.ColumnElement = -sa.func.ts_rank(_tsv(), query) if ranked else sa.literal(0.0)
        found = sa.select(doc.id.label("doc_id"), doc.kind, doc.target_id, score.label("rank"))
        found = found.where(_tsv().op("@@")(query))
        if limit:
            found = found.order_by(score if ranked else doc.id.desc()).limit(limit)
        return found.cte("matches").prefix_with("MATERIALIZED")
    fts = sa.table(FTS_TABLE, sa.column("rowid"))
    rank: sa.ColumnElement = (
        sa.func.bm25(_fts(), sa.literal_column("4.0"), sa.literal_column("1.0"))
        if ranked
        else sa.literal(0.0)
    )
    stmt = (
        sa.select(doc.id.label("doc_id"), doc.kind, doc.target_id, rank.label("rank"))
        .select_from(fts)
        .join(doc, doc.id == fts.c.rowid)
        .where(_fts().op("MATCH")(parsing.fts5(terms)))
    )
    if limit:
        stmt = stmt.order_by(rank if ranked else fts.c.rowid.desc()).limit(limit)
    return stmt.cte("matches").prefix_with("MATERIALIZED")


def mark(text: str | None) -> Markup:
    """Escape ``text``, then turn the engine's markers into ``<mark>`` (unpaired ones go)."""
    escaped = str(escape(text or ""))
    return Markup(_STRAY.sub("", _MARKED.sub(r"<mark>\1</mark>", escaped)))  # noqa: S704


def headlines(doc_ids: Iterable[int], terms: parsing.Terms) -> dict[int, tuple[Markup, Markup]]:
    """``{doc_id: (title, excerpt)}`` with matched words marked, for one page of results."""
    ids = sorted(set(doc_ids))
    if not ids:
        return {}
    doc = SearchDocument
    if _postgres():
        query = _tsquery(terms)
        config: sa.ColumnElement = sa.literal_column(f"'{CONFIG}'")
        _whole = sa.func.ts_headline(config, doc.body, query, _TITLE_HEADLINE)
        stmt = sa.select(
            doc.id,
            sa.func.ts_headline(config, doc.title, query, _TITLE_HEADLINE),
            sa.case(  # fragments of a short text shrink to the matched words: show it whole
                (sa.func.length(doc.body) <= SHORT_BODY, _whole),
                else_=sa.func.ts_headline(config, doc.body, query, _HEADLINE),
            ),
        ).where(doc.id.in_(ids))
    else:
        fts = sa.table(FTS_TABLE, sa.column("rowid"))
        stmt = sa.select(
            fts.c.rowid,
            sa.func.highlight(_fts(), 0, MARK_START, MARK_END),
            sa.func.snippet(_fts(), 1, MARK_START, MARK_END, "…", SNIPPET_TOKENS),
        ).where(_fts().op("MATCH")(parsing.fts5(terms)), fts.c.rowid.in_(ids))
    return {i: (mark(title), mark(body)) for i, title, body in db.session.execute(stmt)}
