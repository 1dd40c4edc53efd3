"""The live-latency benchmark still runs (a tiny run: 3 streams, 3 events); its numbers are
measured with `make bench-live`, never asserted here."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PG_ADMIN_URL
from tests.live_servers import ROOT

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]


def test_live_latency_benchmark_delivers_every_event_to_every_stream(redis_url, tmp_path):
    run = subprocess.run(
        [sys.executable, "bench/live_latency.py", "--subscribers", "3", "--events", "3",
         "--page-requests", "5", "--interval", "0.01", "--redis-url", redis_url,
         "--results", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "FORUM_BENCH_PG_URL": PG_ADMIN_URL},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout[run.stdout.index("{") :])
    assert result["subscribers_connected"] == 3
    assert result["deliveries"] == result["deliveries_expected"] == 9
    assert set(result["latency_ms"]) == {"p50", "p90", "p99", "max"}
    assert result["page"] == "/" and result["page_ms_alone"]["p50"] > 0
    assert result["page_ms_with_streams_open"]["p99"] > 0 and result["page_p50_ratio"] > 0
    assert list(tmp_path.glob("live_latency-*.json"))
