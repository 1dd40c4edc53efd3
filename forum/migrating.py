"""Database migrations: Alembic, through Flask-Migrate, loaded only when something migrates.

A web worker never migrates, and importing Alembic (with Mako and Pygments) costs each
process about 11 MB (issue 16). So ``create_app`` registers ``flask db …`` as a stand-in
that loads Flask-Migrate's own command group when it runs, and code that migrates (the tests'
set-up, the benchmarks) calls ``upgrade`` here:

    with app.app_context():
        migrating.upgrade()
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

from forum import config, models
from forum.extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(_Commands("db", help="Perform database migrations (Alembic)."))


def configure(app: Flask) -> Any:
    """Flask-Migrate on ``app`` (once); its settings are ``app.extensions["migrate"]``."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(
            app,
            db,
            directory=str(config.ROOT / "migrations"),
            render_as_batch=True,
            compare_type=True,
            render_item=models.base.render_migration_item,
            include_name=models.search.include_name,  # the search engines' own objects
        )
    return app.extensions["migrate"]


def upgrade(revision: str = "head") -> None:
    """Migrate the current app's database to ``revision`` (in an app context)."""
    configure(current_app._get_current_object())  # type: ignore[attr-defined]
    from flask_migrate import upgrade as flask_migrate_upgrade

    flask_migrate_upgrade(revision=revision)


class _Commands(click.Group):
    """``flask db``: hands its command line to Flask-Migrate's group, loaded at that moment.
    Listing the app's commands (``flask --help``) shows only this group's help."""

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[no-untyped-def]
        if parent is None:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
        else:
            app = parent.ensure_object(ScriptInfo).load_app()
        configure(app)
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)
