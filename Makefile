# Cloud Ecosystem Hub — the two commands a newcomer needs are `make run` and `make test`.
# Everything else here is what those two depend on, plus benchmarks and audits.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
CHROMIUM_PATH ?= /usr/bin/chromium
PYTEST_ARGS ?=
export FLASK_APP := cloudquiz
# pytest caches its assertion-rewritten test modules as .pyc files; with bytecode writing off
# (some machines export PYTHONDONTWRITEBYTECODE=1) every process would rewrite all 130 test
# modules again (~4 s each, three processes in make check).
unexport PYTHONDONTWRITEBYTECODE
export CHROMIUM_PATH

HTMX_SRC := node_modules/htmx.org/dist/htmx.min.js
HTMX_DST := src/cloudquiz/static/vendor/htmx.min.js

.PHONY: help setup run serve db check test test-postgres chromium nginx wrk bench load audit quiz-report clean

help:
	@echo "make run    set everything up and serve http://$(HOST):$(PORT)"
	@echo "make test   set up what the tests need (Chromium included) and run the whole suite"
	@echo "make check  the fast lane: everything but the browser, Java and live-server tests"
	@echo "make test-postgres  the PostgreSQL part of the suite on a throwaway server (pg_virtualenv)"
	@echo "make bench  load benchmark (ratios to /healthz measured in the same run)"
	@echo "make load   200 simulated users for 60 s (locust, headless)"
	@echo "make audit  Lighthouse (mobile) scores of the main pages"
	@echo "make quiz-report  the question bank: kinds, exams, violations, 30 items in full"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(HTMX_DST): node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp $(HTMX_SRC) $@

instance/secret_key:
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

setup: $(VENV)/.installed $(HTMX_DST)

db: setup instance/secret_key
	SECRET_KEY=$$(cat instance/secret_key) $(BIN)/flask db upgrade
	SECRET_KEY=$$(cat instance/secret_key) $(BIN)/flask seed

# The serving stack, chosen by `make bench` (docs/performance.md): granian, 2 worker processes
# of 8 threads each. Its Rust I/O reads request bodies before a Python thread sees them, so
# stalled uploads hold no worker; HTTP/1.1 keep-alive; headers must arrive within 10 s. It never
# reads X-Forwarded-* itself: only the app's BEHIND_PROXY decides whether to trust them.
SERVER_THREADS ?= 8
ACCESS_LOG ?= --access-log

run: db
	SECRET_KEY=$$(cat instance/secret_key) $(MAKE) --no-print-directory serve

# Serve without any set-up (the database must be migrated and seeded; SECRET_KEY set):
# what `make run` ends with, and what the stalled-client test starts.
serve:
	exec $(BIN)/granian --interface wsgi --workers $(WORKERS) --blocking-threads $(SERVER_THREADS) \
		--host $(HOST) --port $(PORT) --backlog 2048 --http 1 --http1-header-read-timeout 10000 \
		--workers-kill-timeout 10 --respawn-failed-workers $(ACCESS_LOG) \
		--factory cloudquiz:create_app

# The nginx test puts deploy/nginx.conf in front of the app: Debian's nginx, installed like
# Chromium when it is missing and we are root.
nginx:
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then echo "nginx: $$(command -v nginx || echo /usr/sbin/nginx)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's nginx-light..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	else echo "No nginx: install it (apt-get install nginx-light)." >&2; exit 1; fi

chromium:
	@if [ -x "$(CHROMIUM_PATH)" ]; then echo "Chromium: $(CHROMIUM_PATH)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "No Chromium at $(CHROMIUM_PATH): install it (apt-get install chromium) or set CHROMIUM_PATH." >&2; exit 1; fi
	@# The site uses emoji icons: without a colour emoji font, screenshots show empty boxes.
	@if ! fc-list 2>/dev/null | grep -qi "emoji" && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing an emoji font for the screenshots..."; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji >/dev/null \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji >/dev/null; } \
		|| echo "(no emoji font: screenshots will show boxes for icons)"; fi

# pytest exits 5 when it collected no test: that must fail, not pass silently.
CHECK_MARKERS := not browser and not java and not live
check: setup
	$(BIN)/python -m pytest -m "$(CHECK_MARKERS)" -n auto --dist loadgroup --crawl-variants=2 $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing." >&2; exit 1; fi; exit $$rc

test: setup chromium nginx
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing." >&2; exit 1; fi; exit $$rc

test-postgres: setup
	@command -v pg_virtualenv >/dev/null || { echo "pg_virtualenv not found (apt-get install postgresql)" >&2; exit 1; }
	pg_virtualenv -o port=55432 $(BIN)/python -m pytest -m postgres $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "no PostgreSQL tests collected: failing." >&2; exit 1; fi; exit $$rc

# ----------------------------------------------------------------------------- measurements
# Each installs what it uses: wrk from Debian when root (else bench falls back to a Python load
# loop and says so), locust from the `bench` extra, Lighthouse from package.json's devDependencies.
BENCH_ARGS ?=
LOAD_USERS ?= 200
LOAD_TIME ?= 60

wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing wrk..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null \
		|| echo "wrk could not be installed: make bench will use its Python load loop." >&2; \
	else echo "wrk not installed (not root): make bench will use its Python load loop." >&2; fi

bench: setup wrk
	$(BIN)/python bench/run.py $(BENCH_ARGS)

load: setup
	$(BIN)/python bench/load.py --users $(LOAD_USERS) --time $(LOAD_TIME)

# The question bank measured: items by kind, exam and domain, violations (must be 0), 30 items.
quiz-report: db
	SECRET_KEY=$$(cat instance/secret_key) $(BIN)/flask quiz-report $(QUIZ_REPORT_ARGS)

audit: setup chromium
	CHROME_PATH=$(CHROMIUM_PATH) $(BIN)/python bench/audit.py

clean:
	rm -rf $(VENV) node_modules $(HTMX_DST) test-results .pytest_cache
