"""search documents and the engines' index

- ``search_documents``: one row per post, thread (its title), idea and idea comment, with its
  words as plain text (forum/models/search.py).
- SQLite: ``search_fts``, an FTS5 external-content table over it (porter unicode61), kept in
  step by three triggers.
- PostgreSQL: ``tsv``, a generated tsvector column (english; title weight A, body B), and its
  GIN index.
- Backfill: a document for everything already written (``flask search rebuild`` does the same
  at any time).

Revision ID: 0008_search
Revises: 0007_notifications
"""
import re

from alembic import op
import sqlalchemy as sa
from markupsafe import Markup


revision = '0008_search'
down_revision = '0007_notifications'
branch_labels = None
depends_on = None

FTS = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, content='search_documents', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
)"""
TRIGGERS = [
    """CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
]
TSV = """
ALTER TABLE search_documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
) STORED"""
# kind: (table, title, html); documents are made oldest first, so their ids follow time
SOURCES = {
    "post": ("posts", "''", "body_html"),
    "thread": ("threads", "title", "''"),
    "idea": ("ideas", "title", "body_html"),
    "comment": ("idea_comments", "''", "body_html"),
}
MARKERS = re.compile("[\ue000\ue001]")


def _plain(html):
    html = re.sub(r"</(li|p|h\d|td|th|blockquote|pre)>", r" </\1>", html or "")
    return MARKERS.sub("", Markup(html).striptags())


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('kind', 'target_id', name=op.f('uq_search_documents_kind_target_id'))
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(TSV)
        op.execute("CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)")
    else:
        op.execute(FTS)
        for trigger in TRIGGERS:
            op.execute(trigger)
    documents = sa.table(
        "search_documents", sa.column("kind"), sa.column("target_id"), sa.column("title"),
        sa.column("body"),
    )
    keys = []
    for kind, (table, _title, _html) in SOURCES.items():
        rows = bind.execute(sa.text(f"SELECT created_at, id FROM {table}"))
        keys.extend((when, kind, i) for when, i in rows)
    keys.sort()
    for start in range(0, len(keys), 2000):
        chunk = keys[start:start + 2000]
        made = {}
        for kind, (table, title, html) in SOURCES.items():
            ids = [i for _when, k, i in chunk if k == kind]
            if not ids:
                continue
            rows = bind.execute(
                sa.text(f"SELECT id, {title}, {html} FROM {table} WHERE id IN :ids")
                .bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": ids},
            )
            for i, t, h in rows:
                made[(kind, i)] = {"kind": kind, "target_id": i,
                                   "title": MARKERS.sub("", t or ""), "body": _plain(h)}
        batch = [made[(k, i)] for _when, k, i in chunk if (k, i) in made]
        if batch:
            bind.execute(documents.insert(), batch)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        for name in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS search_documents_{name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table('search_documents')
