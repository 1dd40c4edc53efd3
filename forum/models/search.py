"""The search index's documents: one row per searchable thing (a post, a thread's title, an
idea, an idea comment), holding its words as plain text.

Only the words live here; who may see a document, and everything filters need (forum, region,
author, date), is read from the thing itself at query time, so moving, hiding or removing
something never has to touch the index. The engine's own objects sit beside this table and
are created by the migration, not by the models (``ENGINE_OBJECTS``):

- SQLite: ``search_fts``, an FTS5 external-content table over ``title`` and ``body``, and the
  three triggers that keep it in step with every insert, update and delete here;
- PostgreSQL: ``tsv``, a generated ``tsvector`` column, and its GIN index.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db

FTS_TABLE = "search_fts"
TSV_COLUMN = "tsv"
TSV_INDEX = "ix_search_documents_tsv"


class SearchDocument(db.Model):
    __tablename__ = "search_documents"
    __table_args__ = (sa.UniqueConstraint("kind", "target_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))  # see services.search_index.KINDS
    target_id: so.Mapped[int] = so.mapped_column()
    title: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    def __repr__(self) -> str:
        return f"<SearchDocument {self.kind} {self.target_id}>"


def engine_object(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic's ``include_name``: False for the engine's objects that the search migration
    made by hand (SQLite's FTS5 table and its shadow tables; PostgreSQL's ``tsv`` column and
    its index), so comparing models and database, or autogenerating, leaves them alone."""
    if name is None:
        return False
    if type_ == "table":
        return name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")
    if type_ == "column":
        return name == TSV_COLUMN and parent_names.get("table_name") == "search_documents"
    if type_ == "index":
        return name == TSV_INDEX
    return False


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    return not engine_object(name, type_, parent_names)
