"""``make bench``: load the forum beside a bare-Flask baseline, on SQLite and on PostgreSQL.

    python bench/run.py                        # everything, both databases
    python bench/run.py --db sqlite --duration 5 --pages thread,reply

Each database's results go to ``bench/results/<timestamp>-<db>.json``, and a table with the
targets and PASS/MISS per page is printed. PostgreSQL is skipped, with the reason, when no
server answers. The README's "Benchmarks" section says what is measured and why.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from bench import generator, report, server

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument("--pages", default="", help="comma-separated page or write names (default all)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds per timed run (10)")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up before each (2)")
    p.add_argument("--rounds", type=int, default=1, help="app/baseline pairs per page (1)")
    p.add_argument("--connections", type=int, default=16, help="open connections (16)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds before wrk gives up (5)")
    p.add_argument(
        "--generator",
        choices=["auto", "bench-data", "demo"],
        default="auto",
        help="auto: flask bench-data when the app has it, else seed-demo",
    )
    p.add_argument(
        "--generator-args",
        default=None,
        help=f"sizes for bench-data (default: {generator.BENCH_DATA_ARGS})",
    )
    p.add_argument(
        "--server-args",
        default=None,
        help=f"gunicorn worker settings to use instead (or ${server.ARGS_VARIABLE})",
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="py-spy the app's workers during each timed run (pip install py-spy)",
    )
    p.add_argument("--keep", action="store_true", help="keep the databases and server logs")
    p.add_argument("--out", type=Path, default=report.RESULTS_DIR, help="where results go")
    return p.parse_args(argv)


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    from bench import databases, harness, loadgen, profile, report
    from bench.loadgen import Shape

    args = parse_args(argv)
    try:
        loadgen.wrk_binary()
    except loadgen.WrkError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.profile and not profile.py_spy():
        print("--profile needs py-spy: .venv/bin/pip install py-spy", file=sys.stderr)
        return 2
    options = harness.Options(
        shape=Shape(args.duration, args.connections, args.threads, args.timeout),
        warmup=args.warmup,
        rounds=max(1, args.rounds),
        pages=tuple(p.strip() for p in args.pages.split(",") if p.strip()),
        generator=args.generator,
        generator_args=args.generator_args,
        server_args=args.server_args,
        keep=args.keep,
        profile=args.profile,
        out_dir=args.out,
    )
    # A stop from outside (kill, CI) cleans up like Ctrl-C: servers stopped, databases dropped.
    signal.signal(signal.SIGTERM, _interrupt)
    failed = False
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        try:
            result = harness.run(kind, options)
        except databases.Unavailable as exc:
            print(f"\n{kind}: skipped, {exc}.\n", flush=True)
            continue
        except KeyboardInterrupt:
            print(f"\n{kind}: interrupted; servers stopped and databases removed.", flush=True)
            return 130
        except Exception as exc:
            failed = True
            print(f"\n{kind}: the run failed: {type(exc).__name__}: {exc}\n", flush=True)
            continue
        print("\n" + report.table(result) + f"\nresults: {result['path']}\n", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
