"""The benchmark harness (bench/), without any load: reading wrk, the targets contract, the
verdicts and the report. ``make bench`` runs the benchmark itself; the suite never does."""

import json
import os

import pytest

from bench import baseline_app, generator, loadgen, procstat, report, server, targets
from bench.browser import Browser
from bench.loadgen import Load, WrkError

WRK_STDOUT = """\
Running 10s test @ http://127.0.0.1:40111/threads/12
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    31.60ms   10.42ms  99.76ms   77.29%
    Req/Sec   253.21     27.47   310.00     92.68%
  5050 requests in 10.00s, 39.32MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    505.00
Transfer/sec:      3.93MB
BENCH_RESULT {"latency_us":{"p999":97318,"mean":31595.666,"stdev":10420.425,"p50":29527,\
"p99":83241,"p90":44279,"min":2202,"max":99755},"errors":{"read":0,"write":0,"status":3,\
"connect":0,"timeout":1},"duration_us":10000000,"requests":5050,"bytes":41233288,\
"statuses":{"200":5040,"302":7,"500":3}}
"""

GENERATOR_JSON = {
    "pages": {
        "forum_index": "/",
        "forum": "/forums/lothian",
        "thread": "/threads/123",
        "thread_longest_first": "/threads/7",
        "thread_longest_last": "/threads/7?page=400",
        "ideas_trending": "/ideas?sort=trending",
        "ideas_top": "/ideas?sort=top",
        "idea": "/ideas/42",
    },
    "writes": {
        "reply": {"url": "/threads/456/reply", "field": "body"},
        "vote": {"url": "/ideas/43/vote", "htmx": True},
    },
    "member": {"email": "member17@bench.example.org", "password": "a long bench password"},
}


# --- wrk -------------------------------------------------------------------------------------


def test_wrk_result_line_gives_rps_latency_and_every_status():
    raw = loadgen.parse_wrk_output(WRK_STDOUT)
    result = loadgen.summarise(raw, Load("/threads/12"))
    assert result["requests"] == 5050
    assert result["rps"] == 505.0
    assert result["p50_ms"] == 29.53 and result["p99_ms"] == 83.24
    assert result["statuses"] == {"200": 5040, "302": 7, "500": 3}


def test_a_read_that_redirects_is_an_error_but_a_write_that_redirects_is_done():
    raw = loadgen.parse_wrk_output(WRK_STDOUT)
    # 7 redirects (the session was lost) + 3 server errors + 1 timeout
    assert loadgen.summarise(raw, Load("/threads/12"))["errors"] == 11
    # a reply answers 303 to the thread: only the 3 server errors and the timeout count
    assert loadgen.summarise(raw, Load("/threads/12/reply", write=True))["errors"] == 4


def test_wrk_without_a_result_line_is_a_clear_error():
    with pytest.raises(WrkError, match="no BENCH_RESULT"):
        loadgen.parse_wrk_output("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_write_loads_carry_the_csrf_token_and_fresh_texts(monkeypatch):
    monkeypatch.setattr(loadgen, "wrk_binary", lambda: "/usr/bin/wrk")
    load = Load("/ideas/43/vote", cookie="forum_session=abc", write=True, csrf="tok", htmx=True)
    env = loadgen.wrk_env(load)
    assert env["BENCH_COOKIE"] == "forum_session=abc" and env["BENCH_CSRF"] == "tok"
    assert env["BENCH_HTMX"] == "1"
    assert loadgen.wrk_env(load)["BENCH_NONCE"] != env["BENCH_NONCE"]
    command = loadgen.wrk_command("http://127.0.0.1:4000", load, loadgen.Shape(duration=5))
    assert command[-1] == "http://127.0.0.1:4000/ideas/43/vote"
    assert "--connections=16" in command and "--duration=5s" in command
    assert command[-2].endswith("write.lua")


# --- the targets contract --------------------------------------------------------------------


def test_generator_json_in_the_documented_shape_is_read():
    spec = targets.parse(json.dumps(GENERATOR_JSON))
    assert spec.pages["thread_longest_last"] == "/threads/7?page=400"
    assert spec.writes["reply"].field == "body" and not spec.writes["reply"].htmx
    assert spec.writes["vote"].htmx
    assert spec.email == "member17@bench.example.org"
    assert spec.names()[:3] == ["forum_index", "forum", "thread"]
    assert spec.names()[-2:] == ["reply", "vote"]
    assert targets.parse(spec.to_json()) == spec


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pages": {}}, "at least one"),
        ({"pages": {"thread": "threads/1"}}, "starting with '/'"),
        ({"member": {"email": "a@b.c"}}, "password"),
        ({"writes": {"vote": {"url": "/v", "method": "PUT"}}}, "unknown keys: method"),
        ({"writes": {"thread": {"url": "/t/1/reply"}}}, "both a page and a write: thread"),
    ],
)
def test_generator_json_with_a_mistake_names_it(change, message):
    with pytest.raises(targets.TargetsError, match=message):
        targets.parse({**GENERATOR_JSON, **change})


def test_the_targets_json_is_found_after_progress_lines():
    printed = "Creating 2000 members...\nposts: 200000 in 41 s\n" + json.dumps(
        GENERATOR_JSON, indent=2
    )
    assert generator.extract_json(printed) == GENERATOR_JSON
    with pytest.raises(generator.GeneratorError):
        generator.extract_json("done, nothing to say\n")


def test_the_demo_stand_in_is_a_valid_targets_json():
    assert targets.parse(generator.DEMO_TARGETS).writes["preview_htmx"].htmx


# --- verdicts --------------------------------------------------------------------------------


def _row(page, rps=300.0, base=400.0, p50=20.0, p99=60.0, errors=0, kind="read", rss=80.0):
    app = {"rps": rps, "p50_ms": p50, "p99_ms": p99, "errors": errors, "requests": 3000,
           "rss_peak_mb": rss, "cpu_ms_per_req": 2.5}  # fmt: skip
    return {"page": page, "kind": kind, "path": "/", "app": app,
            "baseline": {"rps": base, "cpu_ms_per_req": 1.0}, "ratio": rps / base}  # fmt: skip


def test_a_page_within_every_target_passes():
    rows = [_row("thread"), _row("reply", rps=110, kind="write", p99=400)]
    targets.evaluate(rows)
    assert [r["verdict"] for r in rows] == ["PASS", "PASS"]


def test_misses_say_which_target_and_by_how_much():
    rows = [
        _row("forum", rps=180, p99=134),
        _row("idea", errors=2, rss=120),
        _row("vote", rps=80, kind="write"),
    ]
    targets.evaluate(rows)
    assert all(r["verdict"] == "MISS" for r in rows)
    forum, idea, vote = (r["misses"] for r in rows)
    assert forum == [
        "rps 45% of baseline, target >= 50% (short by 5% of baseline)",
        "p99 134 ms, target < 100 ms (+34%)",
    ]
    assert idea == ["worker RSS 120 MB, target < 100 MB", "2 errors of 3000 requests, target 0"]
    assert vote == ["rps 20% of baseline, target >= 25% (short by 5% of baseline)"]


def test_the_longest_threads_last_page_is_held_to_a_typical_threads():
    rows = [_row("thread", p50=20), _row("thread_longest_last", p50=30)]
    targets.evaluate(rows)
    assert rows[1]["verdict"] == "MISS" and rows[1]["vs_thread_p50"] == 1.5
    assert "p50 1.50x a typical thread's" in rows[1]["misses"][0]
    rows = [_row("thread", p50=20), _row("thread_longest_last", p50=23)]
    targets.evaluate(rows)
    assert rows[1]["verdict"] == "PASS"


def test_a_page_that_could_not_be_measured_is_an_error():
    rows = [{"page": "idea", "kind": "read", "failure": "GET /ideas/1 answered 404"}]
    targets.evaluate(rows)
    assert rows[0]["verdict"] == "ERROR" and rows[0]["misses"] == ["GET /ideas/1 answered 404"]


def test_worker_memory_is_held_to_its_peak_over_the_whole_run():
    assert targets.worker_peak_misses([93.0, 95.5]) == []
    assert "152 MB" in targets.worker_peak_misses([152.4, 93.7])[0]


# --- the report ------------------------------------------------------------------------------


def _result(rows):
    targets.evaluate(rows)
    meta = {
        "db": "sqlite",
        "database_version": "SQLite 3.40.1",
        "started": "2026-11-25T20:54:48",
        "generator": {"name": "bench-data"},
        "server": {"command": "python -m gunicorn ...", "worker_peak_rss_mb": {"app": [90.0]}},
        "load": {"connections": 16, "threads": 2, "duration": 10.0, "warmup": 2.0, "rounds": 1},
        "machine": {"cpus": 2, "loadavg_before": "0.5 0.4 0.3", "loadavg_after": "2.1 1 0.5"},
    }
    return {"meta": meta, "rows": rows, "summary": report.summarise(rows, [90.0])}


def test_the_table_shows_each_page_its_verdict_and_every_miss():
    result = _result([_row("thread"), _row("forum", rps=100, p99=250)])
    text = report.table(result)
    lines = text.splitlines()
    thread = next(line for line in lines if line.startswith("thread "))
    assert "300.0" in thread and "75%" in thread and thread.endswith("PASS")
    assert next(line for line in lines if line.startswith("forum ")).endswith("MISS")
    assert "  MISS forum: p99 250 ms, target < 100 ms (+150%)" in lines
    assert "1 of 2 pass; 1 miss" in text
    assert "load average 0.5 0.4 0.3 before" in text


def test_results_are_written_as_json_named_by_time_and_database(tmp_path):
    path = report.write(_result([_row("thread")]), tmp_path)
    assert path.name == "20261125T205448-sqlite.json"
    assert json.loads(path.read_text())["rows"][0]["verdict"] == "PASS"


def test_rounds_combine_to_medians_and_totals():
    rounds = [
        {"rps": 100.0, "p99_ms": 50.0, "requests": 1000, "errors": 0, "statuses": {"200": 1000}},
        {"rps": 300.0, "p99_ms": 90.0, "requests": 3000, "errors": 1, "statuses": {"200": 2999}},
        {"rps": 200.0, "p99_ms": 70.0, "requests": 2000, "errors": 0, "statuses": {"200": 2000}},
    ]
    combined = report.combine(rounds)
    assert combined["rps"] == 200.0 and combined["p99_ms"] == 70.0
    assert combined["requests"] == 6000 and combined["errors"] == 1


# --- servers, processes, the browser, the baseline -------------------------------------------


def test_server_command_prefers_an_override_then_the_config_file(monkeypatch, tmp_path):
    monkeypatch.delenv(server.ARGS_VARIABLE, raising=False)
    monkeypatch.setattr(server, "CONFIG_FILE", tmp_path / "gunicorn.conf.py")
    assert server.worker_args() == server.FALLBACK_ARGS
    (tmp_path / "gunicorn.conf.py").write_text("workers = 4\n")
    assert server.worker_args() == ["--config", str(tmp_path / "gunicorn.conf.py")]
    monkeypatch.setenv(server.ARGS_VARIABLE, "--worker-class gevent")
    command = server.gunicorn_command("forum:create_app()", 4001)
    # the override replaces the worker settings; 2 workers on loopback always win
    assert command[3:9] == [
        "--worker-class", "gevent", "--workers", "2", "--bind", "127.0.0.1:4001"
    ]  # fmt: skip
    assert command[-1] == "forum:create_app()"


def test_process_cpu_and_memory_are_read_from_proc():
    assert procstat.cpu_seconds(os.getpid()) > 0
    rss, hwm = procstat.memory_mb(os.getpid())
    assert 0 < rss <= hwm
    assert procstat.cpu_seconds(2**22 + 7) is None  # no such process
    usage = procstat.Sampler(lambda: [os.getpid()], interval=0.01).start()
    sum(i * i for i in range(200_000))
    usage = usage.stop()
    assert usage.processes == 1 and usage.rss_peak_mb > 0 and usage.cpu_seconds >= 0


def test_the_bench_browser_keeps_secure_cookies_and_forgets_deleted_ones():
    browser = Browser("http://127.0.0.1:4000")
    browser._keep("forum_session=eyJ.abc-1_2; Secure; HttpOnly; Path=/; SameSite=Lax")
    browser._keep("other=1; Path=/")
    assert browser.cookie_header() == "forum_session=eyJ.abc-1_2; other=1"
    browser._keep("other=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/")
    assert browser.cookie_header() == "forum_session=eyJ.abc-1_2"


def test_the_baseline_renders_the_newest_25_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'baseline.db'}"
    baseline_app.seed(url, rows=40)
    app = baseline_app.create_app(url)
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("<li>") == 25
    with app.app_context():
        baseline_app.db.engine.dispose()


def test_each_name_in_the_generator_json_becomes_the_load_a_browser_would_send():
    from bench.harness import Options, Stage

    spec = targets.parse(GENERATOR_JSON)
    stage = Stage(spec, None, None, None, "forum_session=abc", "tok", None, Options())
    thread = stage.load_for("thread")
    assert (thread.path, thread.write) == ("/threads/123", False)
    assert thread.cookie == "forum_session=abc"
    reply, vote = stage.load_for("reply"), stage.load_for("vote")
    assert reply.write and reply.field == "body" and not reply.htmx and reply.csrf == "tok"
    assert vote.write and vote.htmx and vote.path == "/ideas/43/vote"


def test_a_profile_names_the_hot_functions_and_our_own_inclusive(tmp_path):
    from bench import profile

    (tmp_path / "thread-r1-101.txt").write_text(
        "run (gunicorn/workers/gthread.py:553);show (forum/views/threads.py:20);"
        "render (jinja2/environment.py:1295);root (thread.html:12) 30\n"
        "run (gunicorn/workers/gthread.py:553);show (forum/views/threads.py:20);"
        "execute (sqlalchemy/engine/base.py:1400) 50\n"
        "run (gunicorn/workers/gthread.py:553);write (gunicorn/util.py:348) 20\n"
    )
    summary = profile.summarise([tmp_path / "thread-r1-101.txt"])
    assert summary["samples"] == 100
    assert summary["self"][0] == ["execute (engine/base.py:1400)", 0.5]
    assert summary["ours_inclusive"] == [
        ["show (views/threads.py:20)", 0.8],
        ["root (thread.html:12)", 0.3],
    ]


def test_server_logs_are_kept_beside_the_results_to_explain_errors(tmp_path):
    from bench.harness import _keep_logs

    work = tmp_path / "work"
    work.mkdir()
    (work / "gunicorn-app.log").write_text("Traceback (most recent call last):\n")
    kept = _keep_logs(work, tmp_path / "results", "2026-11-25T20:54:48", "postgresql")
    assert [p.rsplit("/", 1)[1] for p in kept] == ["20261125T205448-postgresql-gunicorn-app.log"]
    assert "Traceback" in (tmp_path / "results" / kept[0].rsplit("/", 1)[1]).read_text()
