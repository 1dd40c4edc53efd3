"""Where a page's time goes: with ``run.py --profile``, py-spy samples every app worker during
the page's timed run (``pip install py-spy``; it comes with the dev extras).

Each worker's samples are kept as collapsed stacks (``<page>-<pid>.txt``, one line per stack
with its count: speedscope and flamegraph tools open them), and the row of the results gets
a summary: the functions the workers were in most (self) and the project's own functions that
took most time with what they called (inclusive). py-spy runs without pausing the workers
(``--nonblocking``), but it still takes CPU from a 2-core machine: a profiled run's numbers are
for finding causes, not for the targets.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bench.server import ROOT

RATE = 100  # samples a second
OURS = ("forum/", "templates/", f"{ROOT}/forum/", f"{ROOT}/templates/")


def py_spy() -> str | None:
    """The py-spy command, from the virtual environment or the PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Profiler:
    """py-spy on each worker for ``duration`` seconds; ``finish`` waits and summarises."""

    def __init__(self, pids: list[int], duration: float, out_dir: Path, name: str):
        self.files = [out_dir / f"{name}-{pid}.txt" for pid in pids]
        out_dir.mkdir(parents=True, exist_ok=True)
        command = [py_spy() or "py-spy", "record", "--format", "raw", "--nonblocking",
                   "--rate", str(RATE), "--duration", str(max(1, round(duration)))]  # fmt: skip
        self.processes = [
            subprocess.Popen(
                [*command, "--pid", str(pid), "--output", str(path)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for pid, path in zip(pids, self.files, strict=True)
        ]

    def finish(self) -> dict[str, Any]:
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        return summarise([p for p in self.files if p.exists()])


def summarise(files: list[Path], top: int = 12) -> dict[str, Any]:
    """The most frequent leaf functions, and the project's own functions inclusive."""
    leaf: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    total = 0
    for path in files:
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            with contextlib.suppress(ValueError):
                n = int(count)
                frames = stack.split(";")
                total += n
                leaf[_short(frames[-1])] += n
                for frame in {_short(f) for f in frames if _is_ours(f)}:
                    ours[frame] += n
    share = (lambda n: round(n / total, 3)) if total else (lambda n: 0.0)
    return {
        "samples": total,
        "files": [str(p) for p in files],
        "self": [[frame, share(n)] for frame, n in leaf.most_common(top)],
        "ours_inclusive": [[frame, share(n)] for frame, n in ours.most_common(top)],
    }


def _is_ours(frame: str) -> bool:
    """The project's code and templates (py-spy shortens paths under the working folder, and
    names a template's code by its file alone)."""
    return ".html:" in frame or any(f"({prefix}" in frame for prefix in OURS)


def _short(frame: str) -> str:
    """``function (/long/path/to/file.py:12)`` -> ``function (to/file.py:12)``."""
    name, _, where = frame.partition(" (")
    parts = where.rstrip(")").split("/")
    return f"{name} ({'/'.join(parts[-2:])})" if where else name
