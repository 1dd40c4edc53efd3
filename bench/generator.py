"""Filling the fresh database, and learning from the generator which pages to load.

``bench-data`` runs ``flask --app forum bench-data`` with the issue's sizes
(``BENCH_DATA_ARGS``) and reads the targets JSON it prints (``bench/targets.py`` documents
it). ``demo`` fills the database with ``flask seed-demo`` and loads a few pages instead: a
quick check of the harness, not the issue's scale. ``auto`` (the default) takes
``bench-data`` when the app has it.

Both first run ``flask db upgrade`` on the empty database.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from typing import Any

from bench import targets as targets_mod
from bench.server import ROOT

BENCH_DATA_COMMAND = "bench-data"
BENCH_DATA_ARGS = "--members 2000 --threads 5000 --posts 200000 --ideas 5000 --votes 100000"

# The foundation's pages, and the htmx Markdown preview as a stand-in write (it takes the
# CSRF token both ways and stores nothing): enough to check the harness end to end.
DEMO_TARGETS = {
    "pages": {"home": "/", "account": "/account/", "urgent_help": "/help/urgent"},
    "writes": {
        "preview_form": {"url": "/compose/preview", "field": "body"},
        "preview_htmx": {"url": "/compose/preview", "field": "body", "htmx": True},
    },
    "member": {"email": "ahmed@demo.example.org", "password": "calm harbour lantern 2026"},
}


class GeneratorError(RuntimeError):
    """A generator step failed, or printed no usable targets."""


def flask(args: list[str], env: dict[str, str], timeout: float = 1800) -> str:
    """Run ``flask --app forum ARGS`` in the repository; its stdout."""
    command = [sys.executable, "-m", "flask", "--app", "forum", *args]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise GeneratorError(
            f"{shlex.join(command[2:])} failed ({done.returncode}):\n"
            f"{done.stderr.strip() or done.stdout.strip()}"
        )
    return done.stdout


def has_bench_data(env: dict[str, str]) -> bool:
    try:
        flask([BENCH_DATA_COMMAND, "--help"], env, timeout=60)
    except GeneratorError:
        return False
    return True


def choose(kind: str, env: dict[str, str]) -> str:
    if kind != "auto":
        return kind
    return "bench-data" if has_bench_data(env) else "demo"


def generate(
    kind: str, env: dict[str, str], size_args: str | None = None
) -> tuple[targets_mod.Targets, dict[str, Any]]:
    """Migrate, fill, and return the targets with a record of what ran and how long it took."""
    flask(["db", "upgrade"], env)
    started = time.monotonic()
    if kind == "bench-data":
        args = [BENCH_DATA_COMMAND, *shlex.split(size_args or BENCH_DATA_ARGS)]
        targets = targets_mod.parse(extract_json(flask(args, env)))
    elif kind == "demo":
        args = ["seed-demo"]
        flask(args, env)
        targets = targets_mod.parse(DEMO_TARGETS)
    else:
        raise GeneratorError(f"unknown generator {kind!r}: use auto, bench-data or demo")
    info = {"name": kind, "command": "flask " + shlex.join(args), "seconds": 0.0}
    info["seconds"] = round(time.monotonic() - started, 1)
    return targets, info


def extract_json(stdout: str) -> dict[str, Any]:
    """The last JSON object in a command's output (progress lines may come before it)."""
    text = stdout.strip()
    with_json = None
    try:
        with_json = json.loads(text)
    except json.JSONDecodeError:
        lines = text.splitlines()
        for start in range(len(lines) - 1, -1, -1):
            if lines[start].lstrip().startswith("{"):
                try:
                    with_json = json.loads("\n".join(lines[start:]))
                    break
                except json.JSONDecodeError:
                    continue
    if not isinstance(with_json, dict):
        raise GeneratorError(f"the generator printed no JSON object:\n{text[-2000:]}")
    return with_json
