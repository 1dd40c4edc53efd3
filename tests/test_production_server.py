"""gunicorn.conf.py picks a server that holds hundreds of open streams without starving pages."""

import runpy

import pytest

from tests.live_servers import ROOT

PG = "postgresql://forum@127.0.0.1/forum"
REDIS = "redis://127.0.0.1:6379/0"


def settings(monkeypatch, **env) -> dict:
    for name in ("FORUM_DATABASE_URL", "FORUM_REDIS_URL", "FORUM_WEB_WORKERS", "FORUM_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_postgresql_runs_gevent_workers_that_hold_many_connections(monkeypatch):
    conf = settings(monkeypatch, FORUM_DATABASE_URL=PG, FORUM_REDIS_URL=REDIS)
    assert conf["worker_class"] == "gevent"
    assert conf["worker_connections"] >= 1000
    assert 1 <= conf["workers"] <= 4
    assert conf["preload_app"] is False  # gevent must patch before psycopg is imported
    assert conf["wsgi_app"] == "forum:create_app()"


def test_without_redis_there_is_one_worker(monkeypatch):
    assert settings(monkeypatch, FORUM_DATABASE_URL=PG)["workers"] == 1


def test_several_workers_without_redis_are_refused(monkeypatch):
    with pytest.raises(SystemExit, match="need Redis"):
        settings(monkeypatch, FORUM_DATABASE_URL=PG, FORUM_WEB_WORKERS="2")


def test_sqlite_runs_one_process_with_many_threads(monkeypatch):
    conf = settings(monkeypatch)
    assert conf["worker_class"] == "gthread"
    assert conf["workers"] == 1 and conf["threads"] >= 250
    with pytest.raises(SystemExit, match="need Redis"):
        settings(monkeypatch, FORUM_WEB_WORKERS="2")
    # WAL lets several processes share the file; Redis carries live events between them.
    two = settings(monkeypatch, FORUM_REDIS_URL=REDIS, FORUM_WEB_WORKERS="2")
    assert two["workers"] == 2 and two["worker_class"] == "gthread"


def test_binds_to_the_local_host_unless_told(monkeypatch):
    assert settings(monkeypatch)["bind"] == ["127.0.0.1:8000"]
    assert settings(monkeypatch, FORUM_BIND="0.0.0.0:80")["bind"] == ["0.0.0.0:80"]
