"""Server CPU and memory, read from /proc while a load runs (Linux only).

CPU is utime + stime of each process (all its threads), so a page's CPU per request is the
workers' CPU during the run divided by the requests wrk counted. Memory is the resident set
(VmRSS) sampled a few times a second, and the kernel's own peak (VmHWM) at the end.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of the process so far, or None when it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The name in parentheses may hold spaces: the fields we want follow the last ')'.
    fields = stat.rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLOCK_TICKS


def memory_mb(pid: int) -> tuple[float, float] | None:
    """(VmRSS, VmHWM) in MB, or None when the process is gone."""
    try:
        status = (PROC / str(pid) / "status").read_text()
    except OSError:
        return None
    values = {}
    for line in status.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # kB
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (gunicorn's workers, for its master)."""
    kids: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*/children"):
        try:
            kids.extend(int(p) for p in task.read_text().split())
        except OSError:
            continue
    if kids or not (PROC / str(pid)).exists():
        return sorted(set(kids))
    return _children_by_scan(pid)  # kernels without /proc/<pid>/task/<tid>/children


def _children_by_scan(parent: int) -> list[int]:
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return sorted(found)


@dataclass
class Usage:
    """What a set of processes used between ``Sampler.start`` and ``Sampler.stop``."""

    cpu_seconds: float = 0.0
    rss_peak_mb: float = 0.0  # the largest VmRSS any one process had in a sample
    hwm_mb: float = 0.0  # the largest VmHWM (the kernel's peak, since the process started)
    processes: int = 0
    samples: int = 0


@dataclass
class Sampler:
    """Samples the processes ``pids()`` names every ``interval`` seconds, in a thread.

    Processes that start during the run (a restarted worker) count from zero; a process that
    ends keeps the CPU of its last sample, so a little of its end may be missed.
    """

    pids: Callable[[], Iterable[int]]
    interval: float = 0.2
    memory: bool = True
    _first: dict[int, float] = field(default_factory=dict)
    _last: dict[int, float] = field(default_factory=dict)
    _usage: Usage = field(default_factory=Usage)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Sampler:
        for pid in self.pids():
            cpu = cpu_seconds(pid)
            if cpu is not None:
                self._first[pid] = self._last[pid] = cpu
        self._thread = threading.Thread(target=self._loop, daemon=True, name="procstat")
        self._thread.start()
        return self

    def stop(self) -> Usage:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self._sample()
        usage = self._usage
        first = self._first
        usage.cpu_seconds = sum(last - first.get(pid, 0.0) for pid, last in self._last.items())
        usage.processes = len(self._last)
        return usage

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        for pid in self.pids():
            cpu = cpu_seconds(pid)
            if cpu is None:
                continue
            self._first.setdefault(pid, 0.0)
            self._last[pid] = cpu
            mem = memory_mb(pid) if self.memory else None
            if mem:
                self._usage.rss_peak_mb = max(self._usage.rss_peak_mb, mem[0])
                self._usage.hwm_mb = max(self._usage.hwm_mb, mem[1])
        self._usage.samples += 1
