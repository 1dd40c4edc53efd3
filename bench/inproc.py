"""``make bench-inproc``: what a page costs in CPU, in one process, with no HTTP (issue 16).

    python bench/inproc.py                         # SQLite, then PostgreSQL
    python bench/inproc.py --db sqlite --pages thread,forum_index --requests 80
    python bench/inproc.py --profile thread        # cProfile one page, top functions

The app (production settings, like ``make bench``) and the bare-Flask baseline
(``bench/baseline_app.py``) run in this process behind Flask's test client, signed in as the
generator's member. For every page: a warm-up, then ``--requests`` GETs, each timed with
``time.process_time``; the table shows the median CPU per request, its ratio to the
baseline's, the median wall time and the SQL statements a request runs. The ratio hardly moves
with machine noise, which is why it is the number to watch while working (target: every read
page <= 2.5x the baseline).

The data are the benchmark's (``flask bench-data`` at the issue-8 sizes, as ``make bench``),
kept between runs in ``--data`` (default ``bench/.inproc/``: a SQLite file, or a PostgreSQL
database named ``forum_inproc``) because filling them takes minutes; ``--fresh`` makes them
again (do that after a migration).

Adding a page is one line in ``PAGES``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import pstats
import re
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Run as a script: the repository on the path instead of bench/ (whose profile.py would
# shadow the standard library one cProfile imports).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

# The pages, in the table's order: (name, path). A path of None takes the generator's page of
# that name (bench/targets.py); a fixed path is for a page the generator does not name.
PAGES: tuple[tuple[str, str | None], ...] = (
    ("forum_index", None),
    ("forum", None),
    ("thread", None),
    ("thread_longest_first", None),
    ("thread_longest_last", None),
    ("ideas_trending", None),
    ("ideas_top", None),
    ("idea", None),
    ("notifications", "/notifications"),
    ("events", "/events/"),
    ("search", "/search?q=meeting"),
)

BASE_URL = "https://127.0.0.1"  # production cookies are Secure: the test client speaks https
DEFAULT_DATA = Path(__file__).resolve().parent / ".inproc"
PG_NAME = "forum_inproc"
FORM_TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
TARGET_RATIO = 2.5


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the data ------------------------------------------------------------------------------


def _env(url: str, instance: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FORUM_ENV": "production",
        "FORUM_SECRET_KEY": secrets.token_hex(32),
        "FORUM_TRUSTED_HOSTS": "127.0.0.1",
        "FORUM_MAIL_FROM": "no-reply@forum.example.org",  # production refuses to start without
        "FORUM_DATABASE_URL": url,
        "FORUM_INSTANCE_PATH": str(instance),
        "FORUM_RATELIMIT_ENABLED": "false",
    }


def prepare(kind: str, data: Path, fresh: bool, size_args: str | None) -> dict[str, Any]:
    """The forum's and the baseline's database URLs and the generator's targets, made once."""
    from bench import baseline_app, databases, generator

    folder = data / kind
    folder.mkdir(parents=True, exist_ok=True)
    targets_file = folder / "targets.json"
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'forum.db'}"
        baseline_url = f"sqlite:///{folder / 'baseline.db'}"
        if fresh:
            for name in ("forum.db", "forum.db-wal", "forum.db-shm", "baseline.db"):
                (folder / name).unlink(missing_ok=True)
            targets_file.unlink(missing_ok=True)
    else:
        base = databases.PG_ADMIN_URL.rsplit("/", 1)[0]
        url, baseline_url = f"{base}/{PG_NAME}", f"{base}/{PG_NAME}_baseline"
        if fresh or not targets_file.exists():
            _pg_recreate([PG_NAME, f"{PG_NAME}_baseline"])
            targets_file.unlink(missing_ok=True)
    env = _env(url, folder / "instance")
    if not targets_file.exists():
        say(f"[{kind}] filling the database with bench-data (minutes; kept in {folder})")
        spec, info = generator.generate("bench-data", env, size_args)
        dbs = databases.BenchDatabases(kind, url, baseline_url)
        dbs.settle()
        baseline_app.seed(baseline_url)
        targets_file.write_text(json.dumps(json.loads(spec.to_json()) | {"generator": info}))
        say(f"[{kind}] generated in {info['seconds']} s")
    return {
        "env": env,
        "baseline_url": baseline_url,
        "targets": json.loads(targets_file.read_text()),
    }


def _pg_recreate(names: list[str]) -> None:
    from bench import databases

    engine = databases._engine(databases.PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        raise databases.Unavailable(f"PostgreSQL: {exc}") from exc
    finally:
        engine.dispose()


# --- measuring -----------------------------------------------------------------------------


class Statements:
    """Counts the SQL statements engines run (per request: reset, then read)."""

    def __init__(self) -> None:
        self.count = 0

    def listen(self, engine) -> None:
        from sqlalchemy import event

        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, *_args) -> None:
        self.count += 1


def measure(get: Callable[[], Any], requests: int, warmup: int, sql: Statements) -> dict:
    for _ in range(warmup):
        get()
    cpu, wall, queries = [], [], []
    for _ in range(requests):
        sql.count = 0
        c0, w0 = time.process_time(), time.perf_counter()
        get()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        queries.append(sql.count)
    return {
        "cpu_ms": statistics.median(cpu) * 1000,
        "wall_ms": statistics.median(wall) * 1000,
        "queries": statistics.median(queries),
    }


def _checked(client, path: str) -> Callable[[], Any]:
    def get():
        response = client.get(path)
        if response.status_code != 200:
            where = response.headers.get("Location", "")
            raise RuntimeError(f"GET {path} answered {response.status_code} {where}".strip())
        return response

    return get


class Client:
    """Flask's test client on ``BASE_URL`` (https, the trusted host), cookies kept."""

    def __init__(self, app) -> None:
        self.client = app.test_client()

    def get(self, path: str):
        return self.client.get(path, base_url=BASE_URL)

    def post(self, path: str, data: dict[str, str]):
        # Over https, Flask-WTF checks that a POST comes from the same site (Referer).
        referrer = {"Referer": BASE_URL + path}
        return self.client.post(path, data=data, base_url=BASE_URL, headers=referrer)


def sign_in(client, email: str, password: str) -> None:
    page = client.get("/signin").get_data(as_text=True)
    token = FORM_TOKEN.search(page)
    if not token:
        raise RuntimeError("GET /signin carries no CSRF token")
    form = {"csrf_token": html.unescape(token.group(1)), "email": email, "password": password}
    response = client.post("/signin", data=form)
    where = response.headers.get("Location", "")
    if response.status_code not in (302, 303) or "/signin" in where or "/status" in where:
        raise RuntimeError(f"signing in as {email} answered {response.status_code} -> {where}")


def apps(prepared: dict[str, Any]):
    """The forum app (signed-in client) and the baseline app (client), in this process."""
    from bench import baseline_app

    os.environ.update(prepared["env"])
    from forum import create_app

    app = create_app()
    base = baseline_app.create_app(prepared["baseline_url"])
    return app, base


def run(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    prepared = prepare(kind, args.data, args.fresh, args.generator_args)
    app, base = apps(prepared)
    generated = prepared["targets"]["pages"]
    wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
    pages = [
        (name, path or generated[name])
        for name, path in PAGES
        if (path or name in generated) and (not wanted or name in wanted)
    ]
    sql = Statements()
    member = prepared["targets"]["member"]
    rows: list[dict[str, Any]] = []
    with app.app_context():
        from forum.extensions import db

        sql.listen(db.engine)
    with base.app_context():
        from bench.baseline_app import db as base_db

        sql.listen(base_db.engine)

    client, base_client = Client(app), Client(base)
    sign_in(client, member["email"], member["password"])
    if args.profile:
        return profile(client, dict(pages)[args.profile], args)
    baseline = measure(_checked(base_client, "/"), args.requests, args.warmup, sql)
    rows.append({"page": "baseline", "path": "/ (bare Flask)", **baseline, "ratio": 1.0})
    for name, path in pages:
        result = measure(_checked(client, path), args.requests, args.warmup, sql)
        rows.append(
            {"page": name, "path": path, **result, "ratio": result["cpu_ms"] / baseline["cpu_ms"]}
        )
    return {"db": kind, "requests": args.requests, "warmup": args.warmup, "rows": rows}


def profile(client, path: str, args: argparse.Namespace) -> dict[str, Any]:
    import cProfile  # after the path is set: bench/profile.py is not the standard one

    get = _checked(client, path)
    for _ in range(args.warmup):
        get()
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(args.requests):
        get()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats(args.sort).print_stats(args.top)
    if args.profile_out:
        stats.dump_stats(args.profile_out)
    return {}


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['db']}: median of {result['requests']} requests after {result['warmup']} "
        f"warm-up, in one process (target: every page <= {TARGET_RATIO}x the baseline's CPU)",
        "",
        f"{'page':<22} {'CPU ms':>8} {'x base':>7} {'wall ms':>8} {'SQL':>4}  path",
    ]
    for row in result["rows"]:
        flag = "" if row["page"] == "baseline" or row["ratio"] <= TARGET_RATIO else "  MISS"
        lines.append(
            f"{row['page']:<22} {row['cpu_ms']:>8.2f} {row['ratio']:>6.1f}x {row['wall_ms']:>8.2f}"
            f" {row['queries']:>4g}  {row['path']}{flag}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument("--pages", default="", help="comma-separated page names (default all)")
    p.add_argument("--requests", type=int, default=40, help="timed requests per page (40)")
    p.add_argument("--warmup", type=int, default=10, help="untimed requests before them (10)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="where the data are kept")
    p.add_argument("--fresh", action="store_true", help="make the data again")
    p.add_argument("--generator-args", default=None, help="sizes for bench-data")
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument("--profile", default=None, metavar="PAGE", help="cProfile this page instead")
    p.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative)")
    p.add_argument("--top", type=int, default=40, help="cProfile lines to print (40)")
    p.add_argument("--profile-out", default=None, help="write the cProfile stats here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from bench import databases

    args = parse_args(argv)
    results = []
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        try:
            result = run(kind, args)
        except databases.Unavailable as exc:
            print(f"\n{kind}: skipped, {exc}.\n", flush=True)
            continue
        if result:
            results.append(result)
            print("\n" + table(result) + "\n", flush=True)
    if args.json and results:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
