"""Whole numbers that come from outside: ids in paths, ``after=`` and ``page=`` in query strings,
ids in forms and in live topics.

Every id column is an ``integer`` on PostgreSQL (32 bits), so nothing larger can name a row.
A number the database cannot hold never reaches it: a path with one matches no route (404),
and ``whole`` refuses it like any other malformed value (the caller's default applies, or 400).
Only ASCII digits count: Python's ``int()`` would also read ``"٣"``, ``" 3"`` or ``"+3"``.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer, the smallest id column on any database we support
_MAX_DIGITS = len(str(MAX_ID))


def whole(text: object) -> int:
    """``text`` as a whole number from 0 to MAX_ID. Raises ValueError for anything else
    (negative, too big, not ASCII digits), so it works as werkzeug's ``type=``:
    ``request.args.get("after", 0, type=whole)`` gives 0 for a value it cannot use."""
    value = str(text)
    if not (0 < len(value) <= _MAX_DIGITS and value.isascii() and value.isdigit()):
        raise ValueError(f"not a whole number up to {MAX_ID}: {value[:40]!r}")
    number = int(value)
    if number > MAX_ID:
        raise ValueError(f"{number} is larger than {MAX_ID}")
    return number


def whole_or_none(text: object) -> int | None:
    """``whole(text)``, or None when it is not one (for optional values and live topics)."""
    try:
        return whole(text)
    except ValueError:
        return None


class BoundedIntConverter(IntegerConverter):
    """The ``<int:…>`` of every route: ASCII digits up to MAX_ID. Anything else (a number too
    big for the database, a sign, another script's digits) matches no route, so it is a 404."""

    regex = f"[0-9]{{1,{_MAX_DIGITS}}}"

    def __init__(self, map, **options) -> None:
        super().__init__(map, **options)
        self.max = MAX_ID if self.max is None else min(self.max, MAX_ID)


def init_app(app) -> None:
    """Before any blueprint is registered: ``<int:…>`` means the bounded converter."""
    app.url_map.converters["int"] = BoundedIntConverter
