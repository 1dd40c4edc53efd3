"""peer-forum: a calm, closed community for peer support networks."""

from __future__ import annotations

from typing import Any

from flask import Flask

from forum import config
from forum.templating import ForumFlask


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``overrides`` win over defaults and ``FORUM_*`` environment variables."""
    instance = (overrides or {}).get("INSTANCE_PATH") or _env_instance()
    app = ForumFlask(
        __name__,
        instance_path=str(instance),
        template_folder=str(config.ROOT / "templates"),
        static_folder=str(config.ROOT / "static"),
    )
    config.load(app, overrides)
    register_extensions(app)
    register_security(app)
    register_live(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_templates(app)
    register_commands(app)
    return app


def _env_instance():
    import os

    return os.environ.get("FORUM_INSTANCE_PATH") or config.ROOT / "instance"


def register_extensions(app: Flask) -> None:
    from forum import models  # registers the whole schema, for Alembic too
    from forum.extensions import csrf, db, htmx, limiter, login_manager, migrate
    from forum.services import accounts, database

    db.init_app(app)
    database.tune_sqlite(app)
    migrate.init_app(
        app,
        db,
        directory=str(config.ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=models.base.render_migration_item,
    )
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(accounts.load_session_member)


def register_security(app: Flask) -> None:
    from forum import security

    security.init_app(app)


def register_live(app: Flask) -> None:
    from forum.services import live

    live.init_app(app)


def register_blueprints(app: Flask) -> None:
    from forum.views import (
        account,
        admin,
        auth,
        compose,
        forums,
        live,
        membership,
        moderation,
        pages,
        setup,
    )

    modules = (account, admin, auth, compose, forums, live, membership, moderation, pages, setup)
    for module in modules:
        app.register_blueprint(module.bp)
    compose.init_app(app)

    from forum.views import audit, members, moderation_actions, reports  # moderation and safety

    for module in (audit, members, moderation_actions, reports):
        app.register_blueprint(module.bp)

    from forum.views import idea_admin, ideas  # the ideas clinic

    app.register_blueprint(ideas.bp)
    app.register_blueprint(idea_admin.bp)


def register_errorhandlers(app: Flask) -> None:
    from forum.views import errors

    errors.init_app(app)


def register_templates(app: Flask) -> None:
    from forum.views import context

    context.init_app(app)


def register_commands(app: Flask) -> None:
    from forum import cli

    cli.init_app(app)
