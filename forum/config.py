"""Settings: safe defaults, then ``FORUM_*`` environment variables, then the caller's overrides.

Every setting can be given as an environment variable with the ``FORUM_`` prefix, for example
``FORUM_DATABASE_URL=postgresql://...`` or ``FORUM_ENV=production``. Values are parsed as JSON
when they can be (``FORUM_RATELIMIT_ENABLED=false``), otherwise kept as strings.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The app cannot start safely with the settings it was given."""


class Defaults:
    ENV = "development"  # development | production | testing
    DATABASE_URL: str | None = None  # default: SQLite under instance/
    REDIS_URL: str | None = None  # enables Redis for rate limits and live updates
    SECRET_KEY: str | None = None
    TRUSTED_HOSTS: list[str] | None = None
    PROXY_FIX = False  # trust one proxy's X-Forwarded-* headers
    TIMEZONE = "Europe/London"  # how times are shown to members
    EVENTS_ACCESS_ANSWERS_DAYS = 30  # access answers are deleted this many days after an event
    EXPORT_INLINE_MAX = 5000  # a member's export with more things is made by a job and mailed
    EXPORT_LINK_DAYS = 7  # how long the link to such an export works

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    MAX_CONTENT_LENGTH = 512 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "forum_session"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    REMEMBER_COOKIE_NAME = "forum_remember"  # lasts SIGN_IN_REMEMBERED_DAYS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_REFRESH_EACH_REQUEST = False
    # Sign-ins (forum/services/sign_ins.py), enforced by the server whatever the cookies say:
    SIGN_IN_IDLE_DAYS = 14  # a sign-in not used for this long ends
    SIGN_IN_REMEMBERED_DAYS = 90  # "keep me signed in" lasts this long at most
    SIGN_IN_BROWSER_HOURS = 24  # without it, this long at most (and until the browser closes)
    # A long reply may be written over more than an hour: the token lives as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_HEADERS = ["X-CSRFToken"]

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_SIGNIN = "6 per minute;30 per hour"  # per account, strictly
    # Per address, loosely: a room of members on one venue's Wi-Fi signs in together.
    RATELIMIT_SIGNIN_ADDRESS = "60 per minute;300 per hour"
    RATELIMIT_RESET = "5 per minute;20 per hour"
    RATELIMIT_APPLY = "5 per minute;20 per hour"
    RATELIMIT_REPORTS = "10 per minute;60 per hour"  # per member
    POSTING_LIMITS = "1 per 5 seconds;60 per hour"  # threads, replies, ideas and comments
    POSTING_LIMITS_NEW_MEMBER = "1 per 5 seconds;10 per hour"  # in a member's first day
    # Messages: a newcomer (joined fewer than these days ago, or with fewer posts) may message
    # the moderators only; 0 turns each rule off.
    MESSAGES_NEWCOMER_DAYS = 7
    MESSAGES_NEWCOMER_POSTS = 3
    # Outside the cover hours (with the setting on), a new member's posts wait for approval: one
    # who joined fewer than these days ago, or has fewer approved posts.
    NEW_MEMBER_DAYS = 7
    NEW_MEMBER_POSTS = 5

    # Background jobs (forum/services/jobs.py, declared in forum/tasks.py), run by Huey:
    JOBS_BACKEND = "sqlite"  # sqlite (instance/jobs.db) | redis (REDIS_URL) | memory | immediate
    JOBS_SQLITE_PATH: str | None = None  # default: instance/jobs.db
    JOBS_QUEUE_NAME = "peer-forum"  # one per network sharing a Redis
    JOBS_WORKERS = 2  # threads of a worker (flask jobs worker, or inside flask start)
    JOBS_RETRIES = 5
    JOBS_RETRY_SECONDS = 60
    NOTIFY_MAIL_MINUTES = 10  # mail "right away": at most one per thread this often
    # Where members reach the site, for the links in mails built by background jobs. Default:
    # https://<first of TRUSTED_HOSTS> in production, http://127.0.0.1:5000 otherwise.
    PUBLIC_URL: str | None = None

    # Mails come from the network by name at this address ("Name <address>" to choose the name
    # too); required in production. Development writes as no-reply@localhost.
    MAIL_FROM: str | None = None
    # Where replies to mails go: an address the moderators read. Without it mails carry no
    # Reply-To and never ask to be replied to.
    MAIL_REPLY_TO: str | None = None
    SMTP_HOST: str | None = None  # without it, mails are written under instance/mail/
    SMTP_PORT = 587
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = True
    SMTP_TIMEOUT = 10

    # Live updates (forum/services/live/): server-sent events through an in-process broker,
    # or Redis pub/sub when REDIS_URL is set (needed as soon as there is more than one process).
    LIVE_HEARTBEAT_SECONDS = 15  # a stream sends something at least this often
    LIVE_RECHECK_SECONDS = 60  # and checks its member's session and access this often
    LIVE_STREAM_MAX_SECONDS = 1800  # then ends; the browser reconnects and misses nothing
    LIVE_POLL_SECONDS = 30  # pages whose stream is blocked refresh their live parts this often
    LIVE_REPLAY_SIZE = 1000  # recent events kept for reconnecting pages
    LIVE_QUEUE_SIZE = 500  # events waiting for one slow stream before it is told to refresh
    LIVE_REDIS_PREFIX = "forum:live"  # Redis keys and channel; one per network sharing a Redis

    # SQLite: connections one process opens at most (0: SQLAlchemy's own pool of 5 + 10). One
    # process runs Python one thread at a time, so more connections than cores only add memory
    # (each reading connection holds megabytes of search index while it works: 16 at once
    # grew a worker by 40 MB) and contention: with 2, sixteen concurrent searches ran 60% more
    # requests in the same time (issue 16). Requests beyond them wait for a free one. Tests
    # keep SQLAlchemy's pool unless they set this.
    SQLITE_CONNECTIONS = 2

    # Posts and idea cards rendered once for every reader who sees them the same way
    # (views/fragments.py): how many of each to keep per process (a few KB each); 0 renders
    # every one every time.
    FRAGMENT_CACHE = 512

    PASSWORD_RESET_HOURS = 2
    EMAIL_CHANGE_HOURS = 24
    INVITATION_DAYS = 14
    # argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane): strong, and small enough
    # that a sign-in does not push a worker's memory high.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456  # KiB
    ARGON2_PARALLELISM = 1
    MIN_PASSWORD_STRENGTH = 3  # zxcvbn score 0..4


def load(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill ``app.config`` and derive the settings that depend on others.

    Raises ConfigError when production is missing a secret or its trusted hosts.
    """
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("FORUM")
    if overrides:
        app.config.update(overrides)
    cfg = app.config
    env = cfg["ENV"]
    if env not in {"development", "production", "testing"}:
        raise ConfigError(f"FORUM_ENV must be development, production or testing, not {env!r}.")
    cfg["TESTING"] = cfg.get("TESTING", False) or env == "testing"
    cfg["SQLALCHEMY_DATABASE_URI"] = database_uri(cfg.get("DATABASE_URL"), Path(app.instance_path))
    _sqlite_pool(cfg, asked="SQLITE_CONNECTIONS" in (overrides or {}))
    cfg["RATELIMIT_STORAGE_URI"] = cfg.get("REDIS_URL") or "memory://"
    cfg["REMEMBER_COOKIE_DURATION"] = timedelta(days=cfg["SIGN_IN_REMEMBERED_DAYS"])
    if isinstance(cfg.get("TRUSTED_HOSTS"), str):
        cfg["TRUSTED_HOSTS"] = [h.strip() for h in cfg["TRUSTED_HOSTS"].split(",") if h.strip()]
    if env == "production":
        _production(app)
    else:
        if not cfg.get("SECRET_KEY"):
            cfg["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
        cfg["MAIL_FROM"] = cfg.get("MAIL_FROM") or "no-reply@localhost"
    if not cfg.get("PUBLIC_URL"):
        hosts = cfg.get("TRUSTED_HOSTS")
        production = env == "production" and hosts
        cfg["PUBLIC_URL"] = f"https://{hosts[0]}" if production else "http://127.0.0.1:5000"


def _sqlite_pool(cfg, *, asked: bool) -> None:
    """A SQLite file's pool: ``SQLITE_CONNECTIONS`` kept, none beyond. Not for an in-memory
    database, nor for tests unless they ask (their threads may each hold one, idle in a
    transaction, while a live server answers the browser)."""
    uri, size = cfg["SQLALCHEMY_DATABASE_URI"], int(cfg["SQLITE_CONNECTIONS"] or 0)
    if cfg["TESTING"] and not asked:
        return
    if size <= 0 or not uri.startswith("sqlite:///") or ":memory:" in uri:
        return
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "pool_size": size,
        "max_overflow": 0,
        **cfg.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }


def _production(app: Flask) -> None:
    cfg = app.config
    if not cfg.get("SECRET_KEY") or len(str(cfg["SECRET_KEY"])) < 32:
        raise ConfigError(
            "FORUM_SECRET_KEY is not set (or shorter than 32 characters). In production the app "
            "will not start without it. Generate one with: "
            "python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if not cfg.get("TRUSTED_HOSTS"):
        raise ConfigError(
            "FORUM_TRUSTED_HOSTS is not set. In production list the host names the forum is "
            "served on (for example FORUM_TRUSTED_HOSTS=forum.example.org), so links in emails "
            "can never carry a spoofed host."
        )
    _mail_addresses(cfg)
    cfg["DEBUG"] = False
    cfg["SESSION_COOKIE_SECURE"] = True
    cfg["REMEMBER_COOKIE_SECURE"] = True
    cfg["PREFERRED_URL_SCHEME"] = "https"


def _mail_addresses(cfg) -> None:
    """The sender must be a real address of the network's; a Reply-To, if any, an address."""
    sender = str(cfg.get("MAIL_FROM") or "")
    address = sender.rpartition("<")[2].rstrip(">").strip()
    if not _is_address(address) or address.lower().endswith(("@localhost", ".local")):
        raise ConfigError(
            "FORUM_MAIL_FROM is not set to a real address. In production mails are sent from "
            "the network's name at this address (for example FORUM_MAIL_FROM=no-reply@"
            "forum.example.org), and a mail server will not accept them from localhost."
        )
    reply_to = cfg.get("MAIL_REPLY_TO")
    if reply_to and not _is_address(str(reply_to)):
        raise ConfigError(
            f"FORUM_MAIL_REPLY_TO must be one email address the moderators read, not "
            f"{reply_to!r} (or leave it unset: mails then never ask to be replied to)."
        )


def _is_address(text: str) -> bool:
    local, at, domain = text.partition("@")
    spaced = any(c.isspace() or c in "<>,;" for c in text)
    return bool(local and at and ("." in domain.strip(".") or domain == "localhost")) and not spaced


def database_uri(url: str | None, instance: Path) -> str:
    """The SQLAlchemy URL: PostgreSQL through psycopg 3, or SQLite under instance/ by default."""
    if not url:
        instance.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance / 'forum.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance: Path) -> str:
    """A random key made once for this installation and kept in instance/ (development only)."""
    return secret_file(instance / "secret_key", lambda: secrets.token_hex(32))


def secret_file(path: Path, make) -> str:
    """The secret kept in ``path``; made with ``make()`` by whichever process comes first
    (created exclusively, readable by the owner only), then read by everyone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(make())
    return path.read_text().strip()
