"""Database connection settings that make SQLite fit for a busy evening."""

import math
import sqlite3

import sqlalchemy as sa
from flask import Flask, has_request_context, request

from forum.extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def tune_sqlite(app: Flask) -> None:
    """Make SQLite safe under concurrent requests.

    WAL lets readers go on while one member writes; a busy timeout makes a writer wait its
    turn instead of failing with "database is locked". Transactions of requests that change
    things (POST and friends) begin with ``BEGIN IMMEDIATE``, taking the write lock up front:
    a deferred transaction that reads and then writes could otherwise fail at once when
    another writer got in between (SQLITE_BUSY_SNAPSHOT), which no timeout can cure. Reading
    requests keep plain deferred transactions and never wait for writers.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        _ensure_ln(dbapi_connection)

    @sa.event.listens_for(engine, "begin")
    def _begin(connection):
        writing = has_request_context() and request.method not in READ_METHODS
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _ensure_ln(dbapi_connection) -> None:
    """``ln()`` for SQL on SQLite builds without its math functions (trending scores use it)."""
    try:
        dbapi_connection.execute("SELECT ln(1)")
    except sqlite3.OperationalError:
        dbapi_connection.create_function("ln", 1, math.log, deterministic=True)


def insert_for(model):
    """``INSERT`` with ``ON CONFLICT`` support for the database in use (PostgreSQL or SQLite)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)
