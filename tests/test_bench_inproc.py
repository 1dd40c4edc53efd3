"""``make bench-inproc`` (bench/inproc.py): its page list and its table. The measuring itself
runs against the benchmark's data, never in the tests."""

from bench import inproc, targets


def test_every_page_the_targets_know_is_measured_once():
    names = [name for name, _ in inproc.PAGES]
    assert len(names) == len(set(names))
    assert set(targets.READ_PAGES) <= set(names)


def test_the_table_gives_the_ratio_and_marks_a_page_over_the_target():
    result = {
        "db": "sqlite",
        "requests": 40,
        "warmup": 10,
        "rows": [
            {
                "page": "baseline",
                "path": "/",
                "cpu_ms": 1.0,
                "wall_ms": 1.1,
                "queries": 1,
                "ratio": 1.0,
            },
            {
                "page": "idea",
                "path": "/ideas/2",
                "cpu_ms": 2.0,
                "wall_ms": 2.2,
                "queries": 9,
                "ratio": 2.0,
            },
            {
                "page": "thread",
                "path": "/threads/1",
                "cpu_ms": 9.0,
                "wall_ms": 9.5,
                "queries": 8,
                "ratio": 9.0,
            },
        ],
    }
    lines = inproc.table(result).splitlines()
    idea = next(line for line in lines if line.startswith("idea"))
    thread = next(line for line in lines if line.startswith("thread"))
    assert "2.0x" in idea and "MISS" not in idea
    assert "9.0x" in thread and thread.endswith("MISS")
