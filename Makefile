# OpenFlex — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

# The three processes of the application. docker-compose.yml runs exactly these
# command lines (tests/core/test_project_layout.py keeps them identical).
WEB_CMD := gunicorn openflex.wsgi:application --config openflex/gunicorn.conf.py
WORKER_CMD := celery -A openflex worker --loglevel=INFO --concurrency=2
BEAT_CMD := celery -A openflex beat --loglevel=INFO

.PHONY: help install install-dev run web worker beat test lint format check-services chromium bench chaos deploy-check clean lock audit

help:
	@echo "make run    — install, migrate, load the demo data and serve http://127.0.0.1:8000 (OPENFLEX_BIND) with worker and beat"
	@echo "make test   — lint and the whole test suite on PostgreSQL and Redis"
	@echo "make bench  — benchmarks at --scale 100000 on PostgreSQL, figures in var/bench/latest.json"
	@echo "make chaos  — kill the worker, stop Redis, terminate backends; figures in var/bench/chaos.json"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Dependencies come from the lock files (exact versions and their hashes, made by
# `make lock` from pyproject.toml), so make run, make test, CI and the Docker image
# install the same versions everywhere; the project itself is installed without deps.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Development: SQLite under var/ and kombu's filesystem broker unless DATABASE_URL /
# REDIS_URL are set. The banner's address is gunicorn's (OPENFLEX_BIND, read by
# openflex/gunicorn.conf.py). Ctrl-C or SIGTERM stops the three processes: each runs in a
# process group of its own (set -m) so that only this shell signals them, once, with
# SIGTERM, and each shuts down as under docker compose (gunicorn gracefully, Celery's warm
# shutdown); what still runs RUN_STOP_TIMEOUT seconds later is killed. (A signal sent to
# the whole group also hit Celery's pool processes, which left the worker hanging, and
# gunicorn's workers, which gunicorn then SIGKILLed.)
RUN_STOP_TIMEOUT ?= 15
run: export DJANGO_DEBUG ?= 1
run: install
	@mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@url=$$($(BIN)/python -c 'import runpy; print(runpy.run_path("openflex/gunicorn.conf.py")["site_url"]())') || exit 1; \
	echo ""; \
	echo "  OpenFlex:  $$url"; \
	echo "  Demo logins (password: openflex-demo):"; \
	for t in admin directeur chef-des-ventes vendeur secretaire gestionnaire-parc valideur-reprises; do echo "    $$t@demo.openflex.test"; done; \
	echo "  Emails sent in development: $${OPENFLEX_VAR_DIR:-var}/emails/ and Paramètres > Emails envoyés"; \
	echo "  Ctrl-C stops the web server, the Celery worker and Celery beat."; \
	echo ""
	@export PATH="$(CURDIR)/$(BIN):$$PATH"; exec </dev/null; \
	running() { for g in $$groups; do kill -0 -- -$$g 2>/dev/null && return 0; done; return 1; }; \
	stop() { \
	  trap '' INT TERM HUP; trap - EXIT; \
	  kill -TERM $$groups 2>/dev/null; \
	  for _ in $$(seq $$(( $(RUN_STOP_TIMEOUT) * 10 ))); do running || return 0; sleep 0.1; done; \
	  echo "still running $(RUN_STOP_TIMEOUT) s after SIGTERM: killed"; \
	  for g in $$groups; do kill -KILL -- -$$g 2>/dev/null; done; \
	}; \
	trap 'echo; echo "Stopping the web server, the Celery worker and Celery beat…"; stop; exit 0' INT TERM HUP; \
	trap stop EXIT; \
	set -m; $(WORKER_CMD) & $(BEAT_CMD) & $(WEB_CMD) & groups=$$(jobs -p); set +m; \
	wait -n; status=$$?; echo "a process stopped (status $$status): stopping the others"; exit $$status

web: install
	$(BIN)/$(WEB_CMD)
worker: install
	$(BIN)/$(WORKER_CMD)
beat: install
	$(BIN)/$(BEAT_CMD)

# Tests run against real PostgreSQL and Redis (DATABASE_URL / REDIS_URL, standard
# local ports by default) and drive Debian's Chromium for the browser tests.
test: install-dev chromium check-services lint
	DJANGO_SETTINGS_MODULE=openflex.settings.test $(BIN)/pytest -n auto --dist loadgroup

check-services: install-dev
	@DJANGO_SETTINGS_MODULE=openflex.settings.test $(MANAGE) check_services

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install chromium' (browser tests need /usr/bin/chromium)."; exit 1; \
	  fi; \
	fi

# Benchmarks: PostgreSQL database openflex_bench (override with BENCH_DATABASE_URL).
bench: install-dev check-services
	DJANGO_SETTINGS_MODULE=openflex.settings.bench $(MANAGE) bench --scale 100000

# After a change of dependencies in pyproject.toml: pin them again (needs PyPI).
lock: | $(BIN)/python
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 --universal -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --quiet --extra dev --generate-hashes --python-version 3.11 --universal -o requirements-dev.lock

# Known vulnerabilities of the locked versions (pip-audit asks the PyPI/OSV advisory
# database: it needs the network).
audit: install-dev
	$(BIN)/pip-audit --require-hashes --disable-pip -r requirements-dev.lock

# Chaos (on demand, not in make test): its own database openflex_chaos (override with
# CHAOS_DATABASE_URL), its own redis-server, SMTP sink, gunicorn, worker and beat.
chaos: install-dev check-services
	DJANGO_SETTINGS_MODULE=openflex.settings.chaos PATH="$(CURDIR)/$(BIN):$$PATH" $(MANAGE) chaos

deploy-check: install
	DJANGO_SETTINGS_MODULE=openflex.settings.production DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	DJANGO_ALLOWED_HOSTS=openflex.example.com $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf var/openflex.sqlite3* var/celery var/celerybeat-schedule* var/emails
