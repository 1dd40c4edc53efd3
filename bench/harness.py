"""One benchmark run on one database kind, start to finish.

Fresh databases -> ``flask db upgrade`` and the generator -> the baseline's table -> both
servers under gunicorn -> sign in once -> for every page (reads first, then writes): warm up
and load the app's page, then warm up and load the baseline's, alternating (the order flips
every round) -> results with the targets evaluated. Servers are stopped and the databases
removed on the way out, Ctrl-C included.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import platform
import secrets
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import baseline_app, databases, generator, loadgen, procstat, profile, report, targets
from bench.browser import Browser, SignInFailed
from bench.loadgen import Load, Shape, WrkError
from bench.server import ROOT, Server, gunicorn_version


@dataclass(frozen=True)
class Options:
    shape: Shape = dataclasses.field(default_factory=Shape)
    warmup: float = 2.0
    rounds: int = 1
    pages: tuple[str, ...] = ()  # empty: every page and write the generator names
    generator: str = "auto"
    generator_args: str | None = None
    server_args: str | None = None
    keep: bool = False
    profile: bool = False  # py-spy on the app's workers during each timed run
    out_dir: Path = report.RESULTS_DIR


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(kind: str, options: Options) -> dict[str, Any]:
    """Benchmark on ``kind`` (sqlite or postgresql); the result (also written as JSON).

    Raises databases.Unavailable when that kind cannot be used here.
    """
    workdir = Path(tempfile.mkdtemp(prefix=f"forum-bench-{kind}-"))
    dbs = None
    try:
        dbs = databases.sqlite(workdir) if kind == "sqlite" else databases.postgresql()
        return _run(kind, dbs, workdir, options)
    finally:
        if dbs is not None and not options.keep:
            with contextlib.suppress(Exception):
                dbs.drop()
        if options.keep:
            say(f"kept: {workdir}" + (f" and {dbs.url}" if dbs and kind != "sqlite" else ""))
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def app_env(dbs: databases.BenchDatabases, workdir: Path) -> dict[str, str]:
    """Production settings, with a fresh secret; rate limits off so the load is not refused."""
    return {
        **os.environ,
        "FORUM_ENV": "production",
        "FORUM_SECRET_KEY": secrets.token_hex(32),
        "FORUM_TRUSTED_HOSTS": "127.0.0.1",
        "FORUM_MAIL_FROM": "no-reply@forum.example.org",
        "FORUM_DATABASE_URL": dbs.url,
        "FORUM_INSTANCE_PATH": str(workdir / "instance"),
        "FORUM_RATELIMIT_ENABLED": "false",
    }


def _run(kind: str, dbs: databases.BenchDatabases, workdir: Path, options: Options) -> dict:
    started = datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
    env = app_env(dbs, workdir)
    name = generator.choose(options.generator, env)
    say(f"[{kind}] filling the database with the {name} generator...")
    spec, gen_info = generator.generate(name, env, options.generator_args)
    say(f"[{kind}] generated in {gen_info['seconds']} s; settling and seeding the baseline")
    dbs.settle()
    baseline_app.seed(dbs.baseline_url)
    names = _selected(spec, options.pages)
    # FORUM_DATABASE_URL too, so that gunicorn.conf.py gives the baseline the app's worker class.
    base_env = {
        **os.environ,
        baseline_app.URL_VARIABLE: dbs.baseline_url,
        "FORUM_DATABASE_URL": dbs.url,
    }
    loadavg_before = _loadavg()
    with (
        Server(
            "app", "forum:create_app()", env, workdir, "/help/urgent", options.server_args
        ) as app,
        Server(
            "baseline",
            "bench.baseline_app:create_app()",
            base_env,
            workdir,
            "/",
            options.server_args,
        ) as base,
    ):
        pg = dbs if kind == "postgresql" else None
        stage = Stage.signed_in(spec, app, base, pg, options)
        if options.profile:
            stamp = started.replace(":", "").replace("-", "")
            stage.profile_dir = options.out_dir / f"{stamp}-{kind}-profiles"
        say(f"[{kind}] signed in as {spec.email}; app {app.url}, baseline {base.url}")
        rows = [stage.page(name) for name in names]
        peaks = {"app": _worker_peaks(app), "baseline": _worker_peaks(base)}
        command = shlex.join(app.command).replace(f":{app.port}", ":PORT")
        command = command.replace(sys.executable, "python").replace(str(ROOT), ".")
    targets.evaluate(rows)
    result = {
        "meta": {
            "db": kind,
            "database_version": dbs.server_version(),
            "started": started,
            "finished": datetime.now().strftime("%Y-%m-%dT%H:%M:%S"),
            "generator": gen_info,
            "server": {"command": command, "worker_peak_rss_mb": peaks},
            "load": {
                "tool": loadgen.version(),
                "connections": options.shape.connections,
                "threads": options.shape.threads,
                "duration": options.shape.duration,
                "warmup": options.warmup,
                "rounds": options.rounds,
                "timeout": options.shape.timeout,
                "profiled": options.profile,
            },
            "machine": _machine(loadavg_before),
            "versions": _versions(),
            "targets_json": targets.as_dict(spec),
            "targets": targets.describe(),
        },
        "rows": rows,
    }
    if name == "demo":
        result["meta"]["note"] = (
            "demo data and the foundation's pages: a check of the harness, not the issue's scale"
        )
    result["summary"] = report.summarise(rows, peaks["app"])
    if any(row["app"].get("errors") for row in rows):
        result["meta"]["server"]["logs"] = _keep_logs(workdir, options.out_dir, started, kind)
    result["path"] = str(report.write(result, options.out_dir))
    return result


def _keep_logs(workdir: Path, out_dir: Path, started: str, kind: str) -> list[str]:
    """Copy the servers' logs beside the results, to explain the errors (a traceback)."""
    stamp = started.replace(":", "").replace("-", "")
    out_dir.mkdir(parents=True, exist_ok=True)
    kept = []
    for log in sorted(workdir.glob("gunicorn-*.log")):
        target = out_dir / f"{stamp}-{kind}-{log.name}"
        shutil.copyfile(log, target)
        kept.append(str(target))
    return kept


def _selected(spec: targets.Targets, wanted: tuple[str, ...]) -> list[str]:
    names = spec.names()
    unknown = [n for n in wanted if n not in names]
    if unknown:
        raise SystemExit(f"unknown page(s) {', '.join(unknown)}; this data has: {', '.join(names)}")
    return [n for n in names if n in wanted] if wanted else names


@dataclass
class Stage:
    """Both servers up and a member signed in: measures one page after another."""

    spec: targets.Targets
    app: Server
    base: Server
    browser: Browser
    cookie: str
    csrf: str
    pg: databases.BenchDatabases | None
    options: Options
    profile_dir: Path | None = None

    @classmethod
    def signed_in(cls, spec, app, base, pg, options) -> Stage:
        """Sign in as the generator's member; the cookie and CSRF token the loads send."""
        browser = Browser(app.url)
        browser.sign_in(spec.email, spec.password)
        csrf = browser.csrf_token("/")  # opening a page puts the token in the session cookie
        return cls(spec, app, base, browser, browser.cookie_header(), csrf, pg, options)

    def load_for(self, name: str) -> Load:
        if name in self.spec.pages:
            return Load(self.spec.pages[name], cookie=self.cookie)
        w = self.spec.writes[name]
        return Load(w.url, cookie=self.cookie, write=True, csrf=self.csrf, field=w.field,
                    form=w.form, htmx=w.htmx)  # fmt: skip

    def page(self, name: str) -> dict[str, Any]:
        """Measure one page beside the baseline; a row with ``failure`` when it cannot be."""
        load = self.load_for(name)
        kind = "write" if load.write else "read"
        row: dict[str, Any] = {"page": name, "kind": kind, "path": load.path}
        say(f"  {name} ({load.path})")
        try:
            _check(self.browser, load)
            runs = [self._round(name, load, n) for n in range(self.options.rounds)]
        except (WrkError, SignInFailed) as exc:
            say(f"    could not measure: {exc}")
            return {**row, "app": {}, "baseline": {}, "failure": str(exc)}
        row["app"] = report.combine([r["app"] for r in runs])
        row["baseline"] = report.combine([r["baseline"] for r in runs])
        if row["baseline"]["rps"]:
            row["ratio"] = round(row["app"]["rps"] / row["baseline"]["rps"], 3)
        if len(runs) > 1:
            row["rounds"] = runs
        if self.profile_dir:
            row["profile"] = profile.summarise(sorted(self.profile_dir.glob(f"{name}-*.txt")))
        a, b = row["app"], row["baseline"]
        say(f"    {a['rps']:.0f} rps (baseline {b['rps']:.0f}), p99 {a['p99_ms']:.0f} ms, "
            f"{a['errors']} errors")  # fmt: skip
        return row

    def _round(self, name: str, load: Load, n: int) -> dict[str, dict[str, Any]]:
        """The app's page and the baseline's, one after the other; the order flips each round."""
        pair = [("app", self.app, load), ("baseline", self.base, Load("/", cookie=self.cookie))]
        o = self.options
        target = (self.profile_dir, f"{name}-r{n + 1}") if self.profile_dir else None
        measured = {}
        for side, server, side_load in pair if n % 2 == 0 else pair[::-1]:
            spy = target if side == "app" else None
            measured[side] = measure(server, side_load, o.shape, o.warmup, self.pg, spy)
        return measured


def _check(browser: Browser, load: Load) -> None:
    """One request before the load, so a page that is broken is reported, not hammered."""
    if not load.write:
        browser.open(load.path)
        return
    form = dict(load.form)
    headers = {}
    if load.htmx:
        headers = {"HX-Request": "true", "X-CSRFToken": load.csrf}
    else:
        form["csrf_token"] = load.csrf
    if load.field:
        form[load.field] = f"Benchmark check {secrets.token_hex(4)}: is this path open?"
    status, _, _ = browser.request("POST", load.path, form=form, headers=headers)
    if not load.ok(status):
        raise SignInFailed(f"POST {load.path} answered {status} before the load")


def measure(
    server: Server,
    load: Load,
    shape: Shape,
    warmup: float,
    pg: databases.BenchDatabases | None = None,
    profile_to: tuple[Path, str] | None = None,
) -> dict[str, Any]:
    """Warm up, then one timed wrk run with the workers' CPU and memory sampled (and, given
    ``profile_to`` (folder, name), py-spy on each worker)."""
    if warmup > 0:
        loadgen.run(server.url, load, replace(shape, duration=warmup))
    server.check_alive()
    workers = procstat.Sampler(server.workers).start()
    backends = procstat.Sampler(pg.backend_pids, 0.5, memory=False).start() if pg else None
    spy = profile.Profiler(server.workers(), shape.duration, *profile_to) if profile_to else None
    try:
        result = loadgen.run(server.url, load, shape)
    finally:
        usage = workers.stop()
        db_cpu = backends.stop().cpu_seconds if backends else None
        if spy:
            spy.finish()
    server.check_alive()
    requests = result["requests"]
    result["cpu_ms_per_req"] = round(usage.cpu_seconds * 1000 / requests, 3) if requests else None
    result["rss_peak_mb"] = round(usage.rss_peak_mb, 1)
    result["workers_seen"] = usage.processes
    if db_cpu is not None:
        result["db_cpu_ms_per_req"] = round(db_cpu * 1000 / requests, 3) if requests else None
    return result


def _worker_peaks(server: Server) -> list[float]:
    """Each worker's VmHWM: its largest resident size since it started."""
    peaks = [procstat.memory_mb(pid) for pid in server.workers()]
    return [round(p[1], 1) for p in peaks if p]


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _machine(loadavg_before: str) -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "kernel": platform.release(),
        "loadavg_before": loadavg_before,
        "loadavg_after": _loadavg(),
    }


def _versions() -> dict[str, str]:
    found = {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "gunicorn": gunicorn_version(),
        "wrk": loadgen.version(),
    }
    for package in (
        "flask",
        "werkzeug",
        "jinja2",
        "sqlalchemy",
        "flask-sqlalchemy",
        "gevent",
        "psycopg",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[package] = metadata.version(package)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = _git("rev-parse", "--short", "HEAD")
        found["peer-forum"] = commit + ("-dirty" if _git("status", "--porcelain") else "")
    return found


def _git(*args: str) -> str:
    command = ["git", "-C", str(ROOT), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    return done.stdout.strip()
