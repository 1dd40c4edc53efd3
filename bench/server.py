"""How the app and the baseline are served: gunicorn, 2 workers, on 127.0.0.1.

This is the one place the server command is decided (``gunicorn_command``):

1. ``BENCH_GUNICORN_ARGS`` (or ``run.py --server-args``), when given, replaces the worker
   settings below, for trying another worker class;
2. otherwise the production configuration, ``gunicorn.conf.py`` at the repository root, when
   it exists;
3. otherwise ``--worker-class gthread --threads 8``.

Whatever the settings, the command always ends with ``--workers 2`` and a bind to
127.0.0.1 on a free port (command-line options win over a configuration file), and the
baseline gets exactly the same command as the app.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench import procstat

ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = ROOT / "gunicorn.conf.py"
WORKERS = 2
FALLBACK_ARGS = ["--worker-class", "gthread", "--threads", "8"]
ARGS_VARIABLE = "BENCH_GUNICORN_ARGS"


class ServerError(RuntimeError):
    """A server did not start, or stopped during the run."""


def worker_args(override: str | None = None) -> list[str]:
    """The worker settings (see the module docstring for the order of precedence)."""
    override = override or os.environ.get(ARGS_VARIABLE)
    if override:
        return shlex.split(override)
    if CONFIG_FILE.exists():
        return ["--config", str(CONFIG_FILE)]
    return list(FALLBACK_ARGS)


def gunicorn_command(app_spec: str, port: int, override: str | None = None) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        *worker_args(override),
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        app_spec,
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn master and its workers, in a process group of their own.

    Use as a context manager: it stops the server (and kills stragglers) on the way out,
    Ctrl-C included.
    """

    def __init__(
        self,
        name: str,
        app_spec: str,
        env: dict[str, str],
        log_dir: Path,
        ready_path: str = "/",
        override: str | None = None,
    ):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = gunicorn_command(app_spec, self.port, override)
        self.env = env
        self.log_path = log_dir / f"gunicorn-{name}.log"
        self.ready_path = ready_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 60.0) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: Ctrl-C is ours to handle
            )
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        """Until the page answers (below 500) and both workers are up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if self._answers() and len(self.workers()) >= WORKERS:
                return
            time.sleep(0.2)
        raise ServerError(f"{self.name} did not become ready in {timeout:.0f} s{self._log_tail()}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + self.ready_path, timeout=5) as response:  # noqa: S310
                return response.status < 500
        except urllib.error.HTTPError as exc:
            return exc.code < 500
        except OSError:
            return False

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise ServerError(f"{self.name} exited (code {code}){self._log_tail()}")

    def workers(self) -> list[int]:
        return procstat.children(self.process.pid) if self.process else []

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM to the master (a graceful stop), then SIGKILL to whatever is left."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(grace)
            os.killpg(self.process.pid, signal.SIGKILL)  # workers that outlived the master
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return ""
        return f"\n--- last lines of {self.log_path} ---\n" + "\n".join(text)


def gunicorn_version() -> str:
    try:
        import gunicorn

        return gunicorn.__version__
    except ImportError:
        return "not installed"
