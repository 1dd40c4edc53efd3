"""Column types and helpers shared by every model."""

from collections.abc import Mapping
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum import richtext


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (use the function itself as a column default)."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """Aware UTC datetimes on every database (SQLite keeps no offset, so it is restored here)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use forum.models.base.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(enum_cls, name: str) -> sa.Enum:
    """A portable enum column: a VARCHAR with a CHECK constraint, stored by value."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


def render_migration_item(type_, obj, autogen_context):
    """Alembic: write our column types as plain SQLAlchemy types in migration files."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


class RichBody:
    """Mixin for member-written Markdown: the source as typed and its safe HTML, side by side.

    ``set_body`` is the only way to change them; templates mark only ``body_html`` safe.
    ``body_rules`` records the sanitising rules version, so ``flask richtext rerender`` knows
    what to bring up to date when the rules change.
    """

    body_source: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    body_rules: so.Mapped[int] = so.mapped_column(default=0)

    def set_body(self, source: str, mentions: Mapping[str, str] | None = None) -> None:
        """Render ``source`` once; ``mentions`` (name casefolded → link) links ``@names``."""
        self.body_source = source
        self.body_html = richtext.render(source, mentions=mentions)
        self.body_rules = richtext.RULES_VERSION


class Hideable:
    """Mixin for what moderators can hide: hidden things are kept, only no longer shown.

    ``hidden_by_id`` is None when the app hid it by itself (after several members reported
    it), until a moderator looks. Members see "hidden by a moderator"; the author sees it with
    the reason; moderators of its region see everything.
    """

    hidden_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    hidden_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("members.id"))
    hidden_reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def hidden_automatically(self) -> bool:
        return self.hidden_at is not None and self.hidden_by_id is None
