"""Load benchmarks of peer-forum beside a bare-Flask baseline: ``make bench`` (see README).

- ``run.py``        the entry point: ``python bench/run.py --help``
- ``harness.py``    one run: databases, generator, servers, sign-in, alternating wrk loads
- ``targets.py``    the targets JSON a generator prints, and the performance targets themselves
- ``server.py``     how gunicorn is started (the one place to change the server command)
- ``loadgen.py``    wrk: the command, and reading its result
- ``procstat.py``   server CPU and memory, read from /proc while a load runs
- ``report.py``     the JSON results and the table
- ``baseline_app.py`` the bare Flask + Flask-SQLAlchemy page everything is compared with
"""
