"""The baseline: the least a Flask page can do. One table, the newest 25 rows selected through
Flask-SQLAlchemy and rendered through a Jinja template; no sessions, no CSRF, no security
headers. Every page of the forum is compared with it in the same run.

Served like the app: ``gunicorn 'bench.baseline_app:create_app()'`` with the same worker
settings, on the same kind of database (``BENCH_BASELINE_DATABASE_URL``: a SQLite file or a
PostgreSQL database of its own). ``seed(url)`` creates and fills the table.
"""

from __future__ import annotations

import os
import random
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy

URL_VARIABLE = "BENCH_BASELINE_DATABASE_URL"
ROWS = 10_000


class Base(so.DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    __tablename__ = "baseline_item"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    author: so.Mapped[str] = so.mapped_column(sa.String(80))
    excerpt: so.Mapped[str] = so.mapped_column(sa.Text)
    replies: so.Mapped[int]
    created_at: so.Mapped[datetime] = so.mapped_column(index=True)


def create_app(url: str | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))
    app.config["SQLALCHEMY_DATABASE_URI"] = _sqlalchemy_url(url or os.environ[URL_VARIABLE])
    db.init_app(app)

    @app.get("/")
    def index():
        items = db.session.scalars(sa.select(Item).order_by(Item.created_at.desc()).limit(25))
        return render_template("baseline.html", items=items)

    return app


def _sqlalchemy_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


VOCABULARY = (
    "peer support drop-in recovery college group evening rota volunteers training funding "
    "carers leaflet referral waiting list tea room listening supervision wellbeing walk "
    "community hub service user involvement lived experience plan review"
)
WORDS = VOCABULARY.split()


def seed(url: str, rows: int = ROWS) -> None:
    """Create the table and fill it with ``rows`` rows of plausible text (deterministic)."""
    app = create_app(url)
    rng = random.Random(8)
    start = datetime(2026, 1, 1)
    with app.app_context():
        db.create_all()
        batch = [
            {
                "title": " ".join(rng.choices(WORDS, k=rng.randint(4, 9))).capitalize(),
                "author": f"Member {rng.randint(1, 2000)}",
                "excerpt": " ".join(rng.choices(WORDS, k=40)).capitalize() + ".",
                "replies": rng.randint(0, 120),
                "created_at": start + timedelta(minutes=17 * n),
            }
            for n in range(rows)
        ]
        db.session.execute(sa.insert(Item), batch)
        db.session.commit()
        db.engine.dispose()
