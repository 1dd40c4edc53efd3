"""The two contracts of the benchmark: what a data generator tells the harness, and the
performance targets the results are held to (issue 8).

What a generator prints
-----------------------
A generator (``flask --app forum bench-data ...``) fills an empty, migrated database and prints
one JSON object on stdout (other lines before it are allowed, the last object wins)::

    {
      "pages": {
        "forum_index": "/",
        "forum": "/forums/lothian",
        "thread": "/threads/123?page=1",
        "thread_longest_first": "/threads/7?page=1",
        "thread_longest_last": "/threads/7?page=400",
        "ideas_trending": "/ideas/?sort=trending",
        "ideas_top": "/ideas/?sort=top",
        "idea": "/ideas/42"
      },
      "writes": {
        "reply": {"url": "/threads/456/reply", "field": "body"},
        "vote": {"url": "/ideas/43/vote", "form": {"vote": "1"}, "htmx": true}
      },
      "member": {"email": "member17@bench.example.org", "password": "..."}
    }

- ``pages``: name -> path. Each is loaded with GET by the signed-in member and must answer
  200 (a redirect means the session was lost, so it counts as an error). The names above are
  the ones the targets know; other names are measured too and held to the read targets.
- ``writes``: name -> how to POST it, as a browser would. ``url`` (required) is the path;
  ``field`` (optional) names a form field that gets a fresh, unique text on every request, so
  duplicate checks never refuse it; ``form`` (optional) holds fixed form fields; ``htmx``
  (optional, default false) sends it as htmx does (``HX-Request: true`` and the CSRF token in
  the ``X-CSRFToken`` header) instead of a ``csrf_token`` form field. Answers 2xx and 3xx
  count as done, anything else as an error. Point writes at a thread and an idea that are not
  among ``pages``: replies make their thread longer. Writes run after every page.
- ``member``: an active member who can sign in with this email and password.

``Targets.to_json()`` writes exactly this shape, for a generator that wants to build it in
Python and check it with ``parse``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass
from typing import Any

# The page names the issue defines, in the order the table shows them.
READ_PAGES = (
    "forum_index",
    "forum",
    "thread",
    "thread_longest_first",
    "thread_longest_last",
    "ideas_trending",
    "ideas_top",
    "idea",
)
WRITE_PAGES = ("reply", "vote")

# Targets: 2 cores, 2 workers, 16 connections, signed in, issue-8 data.
READ_MIN_RATIO = 0.50  # of the baseline's requests per second, in the same run
READ_MAX_P99_MS = 100.0
WORKER_MAX_RSS_MB = 100.0
LONGEST_LAST_MAX_FACTOR = 1.2  # longest thread's last page vs a typical thread (p50 latency)
WRITE_MIN_RATIO = 0.25
MAX_ERRORS = 0


class TargetsError(ValueError):
    """The generator's JSON does not have the documented shape."""


@dataclass(frozen=True)
class Write:
    url: str
    field: str | None = None
    form: dict[str, str] = dataclasses.field(default_factory=dict)
    htmx: bool = False


@dataclass(frozen=True)
class Targets:
    pages: dict[str, str]
    writes: dict[str, Write]
    email: str
    password: str

    def to_json(self) -> str:
        writes = {}
        for name, w in self.writes.items():
            spec: dict[str, Any] = {"url": w.url}
            if w.field:
                spec["field"] = w.field
            if w.form:
                spec["form"] = w.form
            if w.htmx:
                spec["htmx"] = True
            writes[name] = spec
        member = {"email": self.email, "password": self.password}
        return json.dumps({"pages": self.pages, "writes": writes, "member": member}, indent=2)

    def names(self) -> list[str]:
        """Every page and write name: known reads first, other reads, then writes."""
        known = [n for n in READ_PAGES if n in self.pages]
        return known + [n for n in self.pages if n not in known] + list(self.writes)


def _path(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.startswith("/"):
        raise TargetsError(f"{where} must be a path starting with '/', not {value!r}")
    return value


def parse(data: str | dict[str, Any]) -> Targets:
    """Check and read a generator's JSON (a string or the decoded object).

    Raises TargetsError naming the first thing that is missing or of the wrong kind.
    """
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise TargetsError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise TargetsError("the targets must be a JSON object")
    pages = data.get("pages")
    if not isinstance(pages, dict) or not pages:
        raise TargetsError("'pages' must be an object of page name -> path, with at least one")
    pages = {str(name): _path(path, f"pages.{name}") for name, path in pages.items()}
    writes = {}
    for name, spec in (data.get("writes") or {}).items():
        if not isinstance(spec, dict):
            raise TargetsError(f"writes.{name} must be an object with at least 'url'")
        unknown = set(spec) - {"url", "field", "form", "htmx"}
        if unknown:
            raise TargetsError(f"writes.{name} has unknown keys: {', '.join(sorted(unknown))}")
        form = spec.get("form") or {}
        if not isinstance(form, dict):
            raise TargetsError(f"writes.{name}.form must be an object of field -> value")
        writes[str(name)] = Write(
            url=_path(spec.get("url"), f"writes.{name}.url"),
            field=spec.get("field") or None,
            form={str(k): str(v) for k, v in form.items()},
            htmx=bool(spec.get("htmx", False)),
        )
    clash = set(pages) & set(writes)
    if clash:
        raise TargetsError(f"names used for both a page and a write: {', '.join(sorted(clash))}")
    member = data.get("member")
    if not isinstance(member, dict) or not member.get("email") or not member.get("password"):
        raise TargetsError("'member' must give the 'email' and 'password' of an active member")
    return Targets(pages, writes, str(member["email"]), str(member["password"]))


def describe() -> dict[str, Any]:
    """The targets as recorded in every results file."""
    return {
        "read_min_ratio_to_baseline": READ_MIN_RATIO,
        "read_max_p99_ms": READ_MAX_P99_MS,
        "worker_max_rss_mb": WORKER_MAX_RSS_MB,
        "thread_longest_last_max_p50_vs_thread": LONGEST_LAST_MAX_FACTOR,
        "write_min_ratio_to_baseline": WRITE_MIN_RATIO,
        "max_errors": MAX_ERRORS,
    }


def evaluate(rows: list[dict[str, Any]]) -> None:
    """Give every result row of one database its ``misses`` (why, and by how much) and a
    ``verdict``: PASS, MISS, or ERROR when the page could not be measured at all."""
    by_page = {row["page"]: row for row in rows}
    for row in rows:
        if row.get("failure"):
            row["misses"], row["verdict"] = [row["failure"]], "ERROR"
            continue
        row["misses"] = _misses(row, by_page)
        row["verdict"] = "MISS" if row["misses"] else "PASS"


def _misses(row: dict[str, Any], by_page: dict[str, dict[str, Any]]) -> list[str]:
    app, misses = row["app"], []
    write = row["kind"] == "write"
    minimum = WRITE_MIN_RATIO if write else READ_MIN_RATIO
    ratio = row.get("ratio")
    if ratio is not None and ratio < minimum:
        misses.append(
            f"rps {ratio:.0%} of baseline, target >= {minimum:.0%} "
            f"(short by {minimum - ratio:.0%} of baseline)"
        )
    if not write and app["p99_ms"] >= READ_MAX_P99_MS:
        misses.append(
            f"p99 {app['p99_ms']:.0f} ms, target < {READ_MAX_P99_MS:.0f} ms "
            f"({app['p99_ms'] / READ_MAX_P99_MS - 1:+.0%})"
        )
    rss = app.get("rss_peak_mb")
    if rss is not None and rss >= WORKER_MAX_RSS_MB:
        misses.append(f"worker RSS {rss:.0f} MB, target < {WORKER_MAX_RSS_MB:.0f} MB")
    if app["errors"] > MAX_ERRORS:
        misses.append(f"{app['errors']} errors of {app['requests']} requests, target 0")
    typical = by_page.get("thread")
    if row["page"] == "thread_longest_last" and typical and not typical.get("failure"):
        factor = app["p50_ms"] / typical["app"]["p50_ms"] if typical["app"]["p50_ms"] else 0
        row["vs_thread_p50"] = round(factor, 3)
        if factor > LONGEST_LAST_MAX_FACTOR:
            misses.append(
                f"p50 {factor:.2f}x a typical thread's, target <= {LONGEST_LAST_MAX_FACTOR}x"
            )
    return misses


def worker_peak_misses(peaks: list[float]) -> list[str]:
    """The memory target against each app worker's own peak over the whole run (VmHWM, which
    includes moments no sample caught, such as hashing the password at sign-in)."""
    if peaks and max(peaks) >= WORKER_MAX_RSS_MB:
        return [
            f"app worker peak {max(peaks):.0f} MB over the whole run (VmHWM), "
            f"target < {WORKER_MAX_RSS_MB:.0f} MB"
        ]
    return []


def as_dict(targets: Targets) -> dict[str, Any]:
    """The targets as recorded in a results file (without the password)."""
    return {
        "pages": targets.pages,
        "writes": {name: asdict(w) for name, w in targets.writes.items()},
        "member": targets.email,
    }
