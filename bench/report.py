"""The results of one database's run: a JSON file under ``bench/results/`` and a table."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from bench import targets

RESULTS_DIR = Path(__file__).resolve().parent / "results"

COLUMNS = (
    # header, width, how to get the value from a row
    ("page", 22, lambda r: r["page"]),
    ("rps", 8, lambda r: _num(r["app"].get("rps"), 1)),
    ("base rps", 9, lambda r: _num(r["baseline"].get("rps"), 1)),
    ("ratio", 6, lambda r: "-" if r.get("ratio") is None else f"{r['ratio']:.0%}"),
    ("p50 ms", 7, lambda r: _num(r["app"].get("p50_ms"), 1)),
    ("p99 ms", 7, lambda r: _num(r["app"].get("p99_ms"), 1)),
    ("cpu ms/req", 10, lambda r: _num(r["app"].get("cpu_ms_per_req"), 2)),
    ("base cpu", 8, lambda r: _num(r["baseline"].get("cpu_ms_per_req"), 2)),
    ("db ms/req", 9, lambda r: _num(r["app"].get("db_cpu_ms_per_req"), 2)),
    ("rss MB", 7, lambda r: _num(r["app"].get("rss_peak_mb"), 0)),
    ("errors", 7, lambda r: _num(r["app"].get("errors"), 0)),
    ("verdict", 7, lambda r: r.get("verdict", "")),
)


def _num(value: Any, digits: int) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def combine(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One measurement from several rounds of the same load: the median of each number,
    and the sum of requests and errors."""
    if len(rounds) == 1:
        return dict(rounds[0])
    combined: dict[str, Any] = {}
    for key, value in rounds[0].items():
        values = [r.get(key) for r in rounds]
        if key in ("requests", "errors"):
            combined[key] = sum(v or 0 for v in values)
        elif isinstance(value, int | float) and all(isinstance(v, int | float) for v in values):
            combined[key] = round(statistics.median(values), 3)
        else:
            combined[key] = value
    return combined


def table(result: dict[str, Any]) -> str:
    """The rows of one database's run, its targets and every miss spelt out."""
    meta = result["meta"]
    lines = [
        f"peer-forum benchmark on {meta['db']} ({meta['database_version']}), "
        f"generator {meta['generator']['name']}, {meta['started']}",
        f"server: {meta['server']['command']}",
        f"load: wrk {meta['load']['connections']} connections, {meta['load']['threads']} threads, "
        f"{meta['load']['duration']:g} s per run after {meta['load']['warmup']:g} s warm-up, "
        f"{meta['load']['rounds']} round(s), app and baseline alternating"
        + (" (profiled with py-spy: it costs CPU)" if meta["load"].get("profiled") else ""),
        f"machine: {meta['machine']['cpus']} CPUs, load average {meta['machine']['loadavg_before']}"
        f" before, {meta['machine']['loadavg_after']} after",
        "",
    ]
    header = "  ".join(
        f"{name:>{width}}" if i else f"{name:<{width}}"
        for i, (name, width, _) in enumerate(COLUMNS)
    )
    lines += [header, "-" * len(header)]
    for row in result["rows"]:
        cells = []
        for i, (_, width, get) in enumerate(COLUMNS):
            try:
                cell = str(get(row))
            except (KeyError, TypeError):
                cell = "-"
            cells.append(f"{cell:>{width}}" if i else f"{cell:<{width}}")
        lines.append("  ".join(cells))
    t = targets.describe()
    lines += [
        "",
        f"targets: reads >= {t['read_min_ratio_to_baseline']:.0%} of baseline rps, "
        f"p99 < {t['read_max_p99_ms']:g} ms; writes >= {t['write_min_ratio_to_baseline']:.0%}; "
        f"worker RSS < {t['worker_max_rss_mb']:g} MB; no errors; longest thread's last page "
        f"p50 <= {t['thread_longest_last_max_p50_vs_thread']}x a typical thread's",
    ]
    for row in result["rows"]:
        for miss in row.get("misses", []):
            lines.append(f"  {row['verdict']} {row['page']}: {miss}")
        if row.get("profile", {}).get("ours_inclusive"):
            top = ", ".join(f"{f} {s:.0%}" for f, s in row["profile"]["ours_inclusive"][:4])
            lines.append(f"  profile {row['page']}: {top}")
    summary = result["summary"]
    peaks = meta["server"]["worker_peak_rss_mb"]
    lines.append(
        "worker peaks (VmHWM): "
        + "; ".join(f"{side} {', '.join(f'{p:.0f}' for p in mb)} MB" for side, mb in peaks.items())
    )
    lines += [f"  MISS {miss}" for miss in summary.get("worker_peak_misses", [])]
    if meta["server"].get("logs"):
        lines.append("server logs (for the errors): " + ", ".join(meta["server"]["logs"]))
    lines.append(
        f"{summary['passed']} of {summary['rows']} pass"
        + (f"; {summary['missed']} miss" if summary["missed"] else "")
        + (f"; {summary['errored']} could not be measured" if summary["errored"] else "")
    )
    return "\n".join(lines)


def summarise(rows: list[dict[str, Any]], app_worker_peaks: list[float]) -> dict[str, Any]:
    verdicts = [row.get("verdict") for row in rows]
    return {
        "rows": len(rows),
        "passed": verdicts.count("PASS"),
        "missed": verdicts.count("MISS"),
        "errored": verdicts.count("ERROR"),
        "worker_peak_misses": targets.worker_peak_misses(app_worker_peaks),
    }


def write(result: dict[str, Any], out_dir: Path = RESULTS_DIR) -> Path:
    """Save as ``<out_dir>/<timestamp>-<db>.json``; the path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = result["meta"]["started"].replace(":", "").replace("-", "")
    path = out_dir / f"{stamp}-{result['meta']['db']}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
