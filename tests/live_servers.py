"""Real app processes for live-update tests: gunicorn on free ports, signed-in sessions, and a
small reader of server-sent events. Used by tests/test_live_processes.py and
bench/live_latency.py."""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

ROOT = Path(__file__).resolve().parent.parent
SECRET = "live-test-secret-key-" + "x" * 20
WAIT = 60.0  # seconds allowed for something that takes well under one on a quiet machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Session:
    """A signed-in member, as cookie and CSRF token, for any app process sharing SECRET and the
    database of ``app`` (where the sign-in is made)."""

    def __init__(self, app: Flask, member):
        from forum.services import sign_ins

        with app.app_context():
            key = sign_ins.start(member, remembered=False, user_agent="Live tests").key
        raw = secrets.token_hex(20)
        signer = Flask("live-tests")
        signer.secret_key = SECRET
        serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
        data = {"_user_id": key, "_fresh": True, "csrf_token": raw}
        self.cookie = f"forum_session={serializer.dumps(data)}"
        self.csrf = URLSafeTimedSerializer(SECRET, salt="wtf-csrf-token").dumps(raw)


def production_env(instance: Path, **env: str) -> dict[str, str]:
    """The environment of an app process with production settings that Session can sign into."""
    return {
        **os.environ,
        "FORUM_ENV": "production",
        "FORUM_SECRET_KEY": SECRET,
        "FORUM_TRUSTED_HOSTS": "127.0.0.1",
        "FORUM_MAIL_FROM": "no-reply@forum.example.org",
        "FORUM_INSTANCE_PATH": str(instance),
        "FORUM_RATELIMIT_ENABLED": "false",
        "FORUM_ARGON2_TIME_COST": "1",
        "FORUM_ARGON2_MEMORY_COST": "1024",
        "FORUM_ARGON2_PARALLELISM": "1",
        **env,
    }


class AppProcess:
    """The app under gunicorn with the production settings file, on a free local port."""

    def __init__(self, tmp: Path, **env: str):
        self.port = free_port()
        self.log = tmp / f"gunicorn-{self.port}.log"
        self.env = production_env(
            tmp / f"instance-{self.port}", FORUM_BIND=f"127.0.0.1:{self.port}", **env
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> AppProcess:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log.read_text()}")
            with contextlib.suppress(OSError):
                if self.request("GET", "/help/urgent").status == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def request(
        self,
        method: str,
        path: str,
        session: Session | None = None,
        htmx: bool = False,
        form: dict[str, str] | None = None,
    ) -> http.client.HTTPResponse:
        """One request on a new connection (``form``: fields sent as a browser's form would,
        with the session's CSRF token); the response is read in full."""
        headers = {"Host": "127.0.0.1"}
        body = None
        if session:
            headers["Cookie"] = session.cookie
            headers["X-CSRFToken"] = session.csrf
        if htmx:
            headers["HX-Request"] = "true"
        if form is not None:
            fields = {**form, **({"csrf_token": session.csrf} if session else {})}
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.body = response.read().decode()
        conn.close()
        return response


class EventStream:
    """An open /live stream, read event by event."""

    def __init__(self, server: AppProcess, session: Session, topics: list[str]):
        query = "&".join(f"topic={t}" for t in topics)
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        self.conn.request("GET", f"/live?{query}", headers={"Cookie": session.cookie})
        self.response = self.conn.getresponse()
        assert self.response.status == 200, self.response.read()

    def next_event(self) -> dict[str, str]:
        """The next event (its fields); waits at most WAIT seconds (heartbeats come sooner)."""
        fields: dict[str, str] = {}
        while True:
            line = self.response.readline().decode()
            if not line:
                raise EOFError("the stream ended")
            line = line.rstrip("\n")
            if not line:
                if "event" in fields:
                    return fields
                continue
            name, _, value = line.partition(": ")
            fields[name] = value

    def wait_for(self, name: str) -> dict[str, str]:
        """Read until an event called ``name`` arrives (or fail after WAIT seconds)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            event = self.next_event()
            if event["event"] == name:
                return event
        raise AssertionError(f"no {name!r} event arrived")

    def close(self) -> None:
        self.conn.close()
