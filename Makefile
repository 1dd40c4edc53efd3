# peer-forum: `make run` starts the app on http://127.0.0.1:5000 (SQLite under instance/),
# `make test` runs the whole suite (lint, import rules and types, SQLite, then PostgreSQL when a
# server answers), `make bench` the load benchmarks (options: make bench BENCH_ARGS="--db sqlite --duration 5").
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export FLASK_APP := forum

.PHONY: run serve test test-sqlite test-postgres lint format bench bench-live bench-inproc demo clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment. On Debian: sudo apt-get install python3-venv"; exit 1; }

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask setup-token
	$(BIN)/flask start --host 127.0.0.1 --port 5000

# Production server (README, "Running in production"): gevent on PostgreSQL, threads on SQLite.
serve: $(STAMP)
	$(BIN)/gunicorn -c gunicorn.conf.py

demo: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-sqlite: $(STAMP)
	$(BIN)/pytest

test-postgres: $(STAMP)
	$(BIN)/pytest --db postgresql

test: lint test-sqlite test-postgres

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Live-update latency with 200 open streams (needs PostgreSQL and Redis on this machine).
bench-live: $(STAMP)
	$(BIN)/python bench/live_latency.py

clean:
	rm -rf $(VENV) artifacts

# CPU per page in one process (Flask's test client, no HTTP) against the bare-Flask baseline;
# the data are made once and kept in bench/.inproc/ (options: BENCH_ARGS="--db sqlite --fresh").
bench-inproc: $(STAMP)
	$(BIN)/python bench/inproc.py $(BENCH_ARGS)
