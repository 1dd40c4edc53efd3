"""The load: wrk (Debian's package) with the Lua scripts in ``bench/lua/``, and its result.

wrk is bounded in time (``-d``), talks to 127.0.0.1 only, and prints one ``BENCH_RESULT``
line of JSON at the end (see ``lua/common.lua``), which ``parse_wrk_output`` reads.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

LUA_DIR = Path(__file__).resolve().parent / "lua"
RESULT_PREFIX = "BENCH_RESULT "
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) peer-forum-bench/1"


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed no result."""


@dataclass(frozen=True)
class Load:
    """What every connection sends during one run: a GET of ``path``, or a POST (a write)."""

    path: str
    cookie: str = ""
    write: bool = False
    csrf: str = ""
    field: str | None = None
    form: dict[str, str] = dataclasses.field(default_factory=dict)
    htmx: bool = False

    def ok(self, status: int) -> bool:
        """Reads must answer 200 (a redirect means the session is gone); writes 2xx or 3xx."""
        return 200 <= status < 400 if self.write else status == 200


@dataclass(frozen=True)
class Shape:
    """How hard and how long: the same for the app and the baseline."""

    duration: float = 10.0
    connections: int = 16
    threads: int = 2
    timeout: float = 5.0


def wrk_binary() -> str:
    path = shutil.which("wrk")
    if not path:
        raise WrkError("wrk is not installed. On Debian: apt-get install wrk")
    return path


def wrk_command(base_url: str, load: Load, shape: Shape) -> list[str]:
    script = LUA_DIR / ("write.lua" if load.write else "read.lua")
    return [
        wrk_binary(),
        f"--threads={shape.threads}",
        f"--connections={shape.connections}",
        f"--duration={max(1, round(shape.duration))}s",
        f"--timeout={max(1, round(shape.timeout))}s",
        f"--script={script}",
        base_url.rstrip("/") + load.path,
    ]


def wrk_env(load: Load) -> dict[str, str]:
    env = {
        **os.environ,
        "BENCH_LUA_DIR": str(LUA_DIR),
        "BENCH_COOKIE": load.cookie,
        "BENCH_USER_AGENT": USER_AGENT,
    }
    if load.write:
        env.update(
            BENCH_CSRF=load.csrf,
            BENCH_FIELD=load.field or "",
            BENCH_FORM=urlencode(load.form),
            BENCH_HTMX="1" if load.htmx else "0",
            BENCH_NONCE=secrets.token_hex(4),  # fresh texts in every run, warm-ups included
        )
    return env


def run(base_url: str, load: Load, shape: Shape) -> dict[str, Any]:
    """Run wrk once and return ``summarise(parse_wrk_output(...))`` plus wrk's own CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run(
            wrk_command(base_url, load, shape),
            env=wrk_env(load),
            capture_output=True,
            text=True,
            timeout=shape.duration + shape.timeout + 30,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise WrkError(f"wrk did not finish within {exc.timeout:.0f} s") from exc
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise WrkError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    result = summarise(parse_wrk_output(done.stdout), load)
    client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["client_cpu_ms_per_req"] = _per_request(client_cpu, result["requests"])
    return result


def parse_wrk_output(text: str) -> dict[str, Any]:
    """The JSON of the ``BENCH_RESULT`` line that ``lua/common.lua`` prints.

    Raises WrkError when wrk printed none (a script error, or wrk could not connect at all).
    """
    for line in reversed(text.splitlines()):
        if line.startswith(RESULT_PREFIX):
            try:
                return json.loads(line[len(RESULT_PREFIX) :])
            except json.JSONDecodeError as exc:
                raise WrkError(f"unreadable wrk result: {line!r}") from exc
    raise WrkError(f"wrk printed no {RESULT_PREFIX.strip()} line:\n{text.strip()}")


def summarise(raw: dict[str, Any], load: Load) -> dict[str, Any]:
    """Requests per second, latency in ms and errors, from wrk's raw numbers.

    Errors are answers ``load`` does not accept plus socket errors and timeouts.
    """
    statuses = {int(k): int(v) for k, v in raw.get("statuses", {}).items()}
    bad = {status: n for status, n in statuses.items() if not load.ok(status)}
    socket = raw.get("errors", {})
    socket_errors = sum(int(socket.get(k, 0)) for k in ("connect", "read", "write", "timeout"))
    seconds = raw["duration_us"] / 1e6
    latency = raw.get("latency_us", {})
    requests = int(raw["requests"])
    return {
        "requests": requests,
        "seconds": round(seconds, 3),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": round(latency.get("p50", 0) / 1000, 2),
        "p90_ms": round(latency.get("p90", 0) / 1000, 2),
        "p99_ms": round(latency.get("p99", 0) / 1000, 2),
        "max_ms": round(latency.get("max", 0) / 1000, 2),
        "errors": sum(bad.values()) + socket_errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "socket_errors": {k: int(v) for k, v in socket.items() if k != "status" and v},
        "kib_per_req": round(raw.get("bytes", 0) / requests / 1024, 1) if requests else 0.0,
    }


def _per_request(seconds: float, requests: int) -> float | None:
    return round(seconds * 1000 / requests, 3) if requests else None


def version() -> str:
    try:
        out = subprocess.run([wrk_binary(), "--version"], capture_output=True, text=True)
    except (OSError, WrkError):
        return "not found"
    return (out.stdout or out.stderr).splitlines()[0].strip() if (out.stdout or out.stderr) else ""
