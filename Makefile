# KTTT: two commands set everything up (README.md):
#   make run    create .venv, install, migrate, load the demo once, serve http://127.0.0.1:8000/
#   make test   install the test tools, lint, type-check, run the suite on SQLite then PostgreSQL 15
# Every install is stamped against its lock file, so the second run installs nothing.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
KTTT := $(BIN)/kttt
# Installer: uv (fast; installed into the venv from PyPI) or pip. `make run PIP=pip` forces
# pip; if uv cannot be installed the build falls back to pip by itself.
PIP ?= uv
UV_VERSION ?= 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra pytest arguments, e.g. `make test-sqlite PYTEST_ARGS="-k import -x"`.
PYTEST_ARGS ?=
# pytest-xdist workers: "auto" = one per core; 0 runs in one process (easier to debug).
PYTEST_WORKERS ?= auto
# Lock files are compiled for any platform with Python 3.11+ (markers keep them portable).
LOCK_FLAGS := --quiet --universal --python-version 3.11
export UV_LINK_MODE ?= copy
export UV_CUSTOM_COMPILE_COMMAND := make lock

.PHONY: help run serve install install-dev lock lint format test test-sqlite test-postgres \
	system-deps clean bench-load bench-load-sqlite

help:
	@echo "make run            set up (first time) and serve KTTT with demo data on http://$(HOST):$(PORT)/"
	@echo "make test           install test tools and run lint, mypy, tests on SQLite and PostgreSQL 15"
	@echo "make lint           ruff format --check, ruff check, mypy"
	@echo "make format         ruff format + ruff check --fix"
	@echo "make test-sqlite    pytest on SQLite only (PYTEST_ARGS=..., PYTEST_WORKERS=0 to debug)"
	@echo "make test-postgres  pytest on a throwaway PostgreSQL 15 cluster"
	@echo "make lock           recompile requirements/*.txt from pyproject.toml"
	@echo "make bench-load     load benchmark: PostgreSQL 15, 100.000 cooperatives, 50 users + an import"
	@echo "make bench-load-sqlite  the same on SQLite with the demo and LOAD_WRITERS writers"
	@echo "make clean          remove .venv and caches (keeps var/: your data)"

# --- environment -------------------------------------------------------------------------

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "KTTT needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) -V 2>&1)." \
	       "Run with PYTHON=/path/to/python3.11." >&2; exit 1; }
	@echo "==> Creating $(VENV)"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "python3 -m venv failed. On Debian/Ubuntu: apt-get install python3-venv" >&2; exit 1; }

# $(call install,REQUIREMENTS,MODE): MODE "sync" makes the venv exactly the lock (tests, CI);
# "install" only adds what is missing (so `make run` after `make test` keeps the test tools).
# The project itself is then installed editable, without dependencies (they are all locked).
define install
	@echo "==> Installing $(1) into $(VENV)"
	@if [ "$(PIP)" = uv ] && { [ -x $(BIN)/uv ] && [ "$$($(BIN)/uv --version | cut -d' ' -f2)" = "$(UV_VERSION)" ] \
	      || $(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"; }; then \
	  $(BIN)/uv pip $(if $(filter sync,$(2)),sync,install --quiet -r) $(1) --python $(BIN)/python \
	    $(if $(filter sync,$(2)),--quiet,); \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .; \
	else \
	  [ "$(PIP)" = uv ] && echo "uv could not be installed; using pip" >&2; \
	  $(BIN)/python -m pip install --quiet -r $(1); \
	  $(BIN)/python -m pip install --quiet --no-deps -e .; \
	fi
endef

$(VENV)/.installed-base: requirements/base.txt pyproject.toml | $(BIN)/python
	$(call install,requirements/base.txt,install)
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt pyproject.toml | $(BIN)/python
	$(call install,requirements/dev.txt,sync)
	@touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

# Pinned lock files that both `uv pip sync` and plain `pip install -r` read. dev.txt is
# constrained by base.txt so that both agree on every shared package.
lock: | $(BIN)/python
	@[ -x $(BIN)/uv ] || $(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile $(LOCK_FLAGS) pyproject.toml -o requirements/base.txt
	$(BIN)/uv pip compile $(LOCK_FLAGS) pyproject.toml --extra dev -c requirements/base.txt \
	  -o requirements/dev.txt

# --- run ---------------------------------------------------------------------------------

# A desktop-like install: DEBUG stays off, gunicorn serves the app and WhiteNoise the
# collected static files, as in production. Data lives in var/ and survives every re-run.
# A .env file (see .env.example) is read if present; its values override the defaults.
run: $(VENV)/.installed-base
	@bash scripts/system-deps.sh run || true
	@set -a; [ ! -f .env ] || . ./.env; set +a; \
	mkdir -p "$${KTTT_VAR_DIR:-var}"; \
	echo "==> Migrating the database"; \
	$(KTTT) migrate --noinput --verbosity 0; \
	demo="$$($(KTTT) load_demo --if-empty)"; \
	$(KTTT) collectstatic --noinput --verbosity 0; \
	accounts="$${KTTT_VAR_DIR:-var}/demo-accounts.txt"; \
	if [ -n "$$demo" ]; then echo "$$demo"; elif [ -f "$$accounts" ]; then cat "$$accounts"; fi
	@$(MAKE) serve

# Workers, threads, timeout and logs: gunicorn.conf.py, which GUNICORN_CMD_ARGS overrides
# (e.g. GUNICORN_CMD_ARGS="--workers 3"); the address: HOST and PORT.
serve: $(VENV)/.installed-base
	@set -a; [ ! -f .env ] || . ./.env; set +a; \
	var="$${KTTT_VAR_DIR:-var}"; \
	if [ -z "$${SECRET_KEY:-}" ]; then \
	  mkdir -p "$$var"; \
	  [ -s "$$var/secret_key" ] || (umask 077; $(BIN)/python -c \
	    'import secrets; print(secrets.token_urlsafe(50))' > "$$var/secret_key"); \
	  export SECRET_KEY="$$(cat "$$var/secret_key")"; \
	fi; \
	echo "==> KTTT is at http://$(HOST):$(PORT)/ (Ctrl+C stops it; data stays in var/)"; \
	exec $(BIN)/gunicorn kttt.wsgi --config gunicorn.conf.py --bind $(HOST):$(PORT)

# --- checks ------------------------------------------------------------------------------

# Runs every step even when one fails, then says which failed: one CI run shows everything.
# Debian packages the tests need are installed first (as root, only when missing).
test: $(VENV)/.installed-dev
	@start=$$(date +%s); failed=""; \
	bash scripts/system-deps.sh || failed="$$failed system-deps"; \
	$(MAKE) lint || failed="$$failed lint"; \
	$(MAKE) test-sqlite || failed="$$failed pytest-sqlite"; \
	$(MAKE) test-postgres || failed="$$failed pytest-postgresql"; \
	echo "==> make test took $$(( $$(date +%s) - start )) s"; \
	if [ -n "$$failed" ]; then echo "==> FAILED:$$failed" >&2; exit 1; fi; \
	echo "==> All checks passed"

lint: $(VENV)/.installed-dev
	@failed=""; \
	echo "==> ruff format --check"; $(BIN)/ruff format --check . || failed="$$failed ruff-format"; \
	echo "==> ruff check"; $(BIN)/ruff check . || failed="$$failed ruff-check"; \
	echo "==> mypy kttt"; $(BIN)/mypy kttt || failed="$$failed mypy"; \
	if [ -n "$$failed" ]; then echo "==> lint FAILED:$$failed" >&2; exit 1; fi

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# pytest exits 5 when it collected nothing; that is a failure here like any non-zero code.
PYTEST = $(BIN)/pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS)) $(PYTEST_ARGS)

test-sqlite: $(VENV)/.installed-dev
	@echo "==> pytest on SQLite"
	@env -u DATABASE_URL $(PYTEST)

# tests/pg.py starts a PostgreSQL 15 cluster in a temporary directory, runs the command with
# DATABASE_URL pointing at it, then stops and deletes it whatever happened.
test-postgres: $(VENV)/.installed-dev
	@echo "==> pytest on PostgreSQL 15"
	@$(BIN)/python -m tests.pg -- $(PYTEST)

system-deps:
	@bash scripts/system-deps.sh

# --- benchmarks (docs/performance.md) ----------------------------------------------------

LOAD_WRITERS ?= 10
LOAD_SECONDS ?= 120
LOAD_DIR ?= $(CURDIR)/var/load

# A throwaway PostgreSQL 15 cluster with the national synthetic set (about 2 minutes to
# build), then 50 readers for LOAD_SECONDS while the administrator imports 30.000 rows.
bench-load: $(VENV)/.installed-dev
	@rm -rf $(LOAD_DIR)/pg && mkdir -p $(LOAD_DIR)/pg
	@KTTT_VAR_DIR=$(LOAD_DIR)/pg $(BIN)/python -m tests.pg -- bash -c '$(KTTT) migrate -v0 && \
	  $(KTTT) synth --entities 100000 --years 2021-2025 --seed 1 && \
	  $(BIN)/python benchmarks/load_bench.py --areas 20,21,22,23,24,25,26,27,28,29 \
	    --seconds $(LOAD_SECONDS) --keep $(LOAD_DIR)/pg/run'

# A fresh SQLite demo: 50 readers of Huyện Phong Thổ, LOAD_WRITERS writers, an import.
bench-load-sqlite: $(VENV)/.installed-dev
	@rm -rf $(LOAD_DIR)/sqlite && mkdir -p $(LOAD_DIR)/sqlite
	@export KTTT_VAR_DIR=$(LOAD_DIR)/sqlite; $(KTTT) migrate -v0 && \
	  $(KTTT) load_demo --password "$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(12))')" > /dev/null && \
	  $(BIN)/python benchmarks/load_bench.py --areas 109 --writers $(LOAD_WRITERS) \
	    --seconds $(LOAD_SECONDS) --keep $(LOAD_DIR)/sqlite/run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
	find kttt tests -name __pycache__ -type d -prune -exec rm -rf {} +
