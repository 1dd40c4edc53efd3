"""Load benchmarks of peer-forum beside a bare-Flask baseline: ``make bench`` (see README).

- ``run.py``          the entry point: ``python bench/run.py --help``
- ``harness.py``      one run: databases, generator, servers, sign-in, alternating loads
- ``targets.py``      the JSON a data generator prints, and the performance targets
- ``generator.py``    the hook that fills the database (``flask bench-data``, or the demo)
- ``databases.py``    fresh SQLite files or PostgreSQL databases, removed afterwards
- ``server.py``       how gunicorn is started: the one place to change the server command
- ``browser.py``      signing in once as a browser does, for the cookie and CSRF token
- ``loadgen.py``      wrk and the Lua scripts in ``lua/``: the command, and its result
- ``procstat.py``     server CPU and memory, read from /proc during a load
- ``profile.py``      py-spy on the workers (``--profile``), and what it found
- ``report.py``       the JSON results and the table
- ``baseline_app.py`` the bare Flask + Flask-SQLAlchemy page everything is compared with
- ``live_latency.py`` live updates: publish -> received for 200 open streams (``make bench-live``)
"""
