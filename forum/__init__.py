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
    register_jobs(app)
    register_notifications()
    register_blueprints(app)
    register_errorhandlers(app)
    register_templates(app)
    register_commands(app)
    return app


def _env_instance():
    import os

    return os.environ.get("FORUM_INSTANCE_PATH") or config.ROOT / "instance"


def register_extensions(app: Flask) -> None:
    from forum import models  # noqa: F401  (registers the whole schema)
    from forum.extensions import csrf, db, htmx, limiter, login_manager
    from forum.services import database, sign_ins
    from forum.services.people import accounts

    db.init_app(app)
    database.tune_sqlite(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(accounts.load_session_member)
    sign_ins.init_app(app)


def register_security(app: Flask) -> None:
    from forum import security

    security.init_app(app)


def register_live(app: Flask) -> None:
    """Live updates: the broker, the pages' streams, and who may hear each kind of topic."""
    from forum.services.live import events, streams

    events.init_app(app)
    streams.init_app(app)
    register_live_topics()


def register_jobs(app: Flask) -> None:
    """The background job queue (Huey) and the jobs the app declares in ``forum/tasks.py``."""
    from forum import tasks
    from forum.services import jobs

    jobs.init_app(app, tasks.declared())


def register_live_topics() -> None:
    """Each kind of live topic (``services/live/topics.py``) with the rule of its area that says
    who may hear it (README, "Live updates"). Registering again replaces, so it is safe for
    every app a process builds."""
    from forum.services.forums import threads, visibility
    from forum.services.ideas import access
    from forum.services.live import events, topics
    from forum.services.moderation import review_queue
    from forum.services.notifications import inbox

    events.register_topic(topics.FORUM, visibility.may_hear_forum)
    events.register_topic(topics.THREAD, threads.may_hear_thread)
    events.register_topic(topics.BOARD, access.may_hear_board)
    events.register_topic(topics.IDEA, access.may_hear_idea)
    events.register_topic(topics.MODERATION, review_queue.may_hear_queue, every_page=True)
    events.register_topic(topics.NOTIFICATIONS, inbox.may_hear, every_page=True, per_member=True)

    from forum.services.events import access as event_access  # gatherings (issue 14)

    events.register_topic(topics.EVENT, event_access.may_hear_event)

    from forum.services.messages import conversations

    events.register_topic(topics.CONVERSATION, conversations.may_hear)


def register_notifications() -> None:
    """The kinds of notification, each with its area's rule of who may still see it."""
    from forum.services.events import notices as event_notices
    from forum.services.forums import digest, threads
    from forum.services.ideas import digest as ideas_digest
    from forum.services.ideas import notices as idea_notices
    from forum.services.people import membership, sanctions

    threads.register_notifications()
    event_notices.register_notifications()
    digest.register()
    ideas_digest.register()
    idea_notices.register_notifications()
    sanctions.register_notifications()
    membership.register_notifications()

    from forum.services.safety import alerts  # moderators told of urgent things (issue 17)

    alerts.register_notifications()


def register_blueprints(app: Flask) -> None:
    from forum import numbers

    numbers.init_app(app)  # ``<int:…>`` in every rule is bounded to what the database holds
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

    from forum.views import notifications

    app.register_blueprint(notifications.bp)

    from forum.views import idea_admin, ideas  # the ideas clinic

    app.register_blueprint(ideas.bp)
    app.register_blueprint(idea_admin.bp)

    from forum.views import search  # search (issue 15)

    app.register_blueprint(search.bp)
    from forum.views import events as event_views  # gatherings (issue 14)

    app.register_blueprint(event_views.bp)
    from forum.views import privacy  # your data and privacy

    app.register_blueprint(privacy.bp)
    from forum.views import conversations, safety  # messages; watched words, appeals, notes

    app.register_blueprint(safety.bp)
    app.register_blueprint(conversations.bp)


def register_errorhandlers(app: Flask) -> None:
    from forum.views import errors

    errors.init_app(app)


def register_templates(app: Flask) -> None:
    from forum.views import context

    context.init_app(app)


def register_commands(app: Flask) -> None:
    from forum import cli, migrating

    cli.init_app(app)
    migrating.init_app(app)  # ``flask db …``, Alembic loaded only when it runs
