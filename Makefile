# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= $(shell PYENV_VERSION=3.13.0 pyenv which python3 2>/dev/null || command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := .make
FRAMEWORK := fixtures/frameworks/value-curve-equity-v1.yaml
ACTION_STEPS := fixtures/action_steps/value-curve-equity-v1.yaml
CATALOGS := $(wildcard locale/*/LC_MESSAGES/*.po)
# The plotly.js the pages draw charts with, built from npm's plotly.js (assets/plotly.js).
PLOTLY_BUNDLE := assets/dist/plotly-valuecurve.min.js

.PHONY: run test setup db demo lint bench bench-load bench-documents bench-cohorts bench-outcomes bench-survey bench-http lighthouse clean

run: demo $(STAMP)/system
	@$(MANAGE) demo_logins
	@echo "Serving http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(MANAGE) runserver 127.0.0.1:8000

test: setup $(STAMP)/system
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(STAMP)/python $(STAMP)/node $(STAMP)/messages $(PLOTLY_BUNDLE)

# The imports also load the translations beside each file (value-curve-equity-v1.es.yaml and
# so on, one per language of settings.LANGUAGES) when they exist.
db: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) import_framework $(FRAMEWORK) --skip-existing
	$(MANAGE) import_action_steps $(ACTION_STEPS)

demo: db
	$(MANAGE) seed_demo --skip-existing

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(MANAGE) makemigrations --check --dry-run

bench: db
	$(BIN)/python bench/run.py

bench-documents: db $(STAMP)/system
	$(BIN)/python bench/documents.py

bench-cohorts: setup
	$(BIN)/python bench/cohorts.py

bench-outcomes: setup
	$(BIN)/python bench/outcomes.py

# The survey's answer page: its weight and time to first byte while 200 answers are posted.
bench-survey: setup
	$(BIN)/python bench/survey.py

# Each main page's throughput as a ratio to a floor Django page, served as in production
# (gunicorn, DEBUG off) and driven by wrk at 1, 4 and 16 connections; DATABASE_URL for PostgreSQL.
bench-http: setup $(STAMP)/system $(STAMP)/bench-system
	$(BIN)/python bench/throughput.py $(BENCH_HTTP_ARGS)

# 50 signed-in leaders for 5 minutes against two app servers and two task workers on the local
# PostgreSQL and Redis (loopback only); LOAD_TIME=60s for a quick run. Not part of `make test`.
LOAD_USERS ?= 50
LOAD_TIME ?= 5m
bench-load: setup
	$(BIN)/python bench/load.py --users $(LOAD_USERS) --run-time $(LOAD_TIME)

# Lighthouse scores of each role's main pages, served as in production (gunicorn, DEBUG off).
lighthouse: setup $(STAMP)/system
	$(BIN)/python bench/lighthouse.py

$(STAMP)/python: pyproject.toml
	@mkdir -p $(STAMP)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	@touch $@

# The translations' .mo files, from the project's own catalogs (LOCALE_PATHS, locale/) only:
# --ignore='*' keeps compilemessages from walking the tree into the installed packages.
$(STAMP)/messages: $(CATALOGS) $(STAMP)/python $(STAMP)/system
	@mkdir -p $(STAMP)
	$(MANAGE) compilemessages --ignore='*'
	@touch $@

$(STAMP)/node: package.json package-lock.json
	@mkdir -p $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(PLOTLY_BUNDLE): $(STAMP)/node assets/plotly.js
	npm run --silent build

# Debian packages: Chromium (the browser tests and Lighthouse), fonts
# for Latin, Vietnamese, Chinese and Arabic text in PDFs, poppler-utils (the PDF tests), Java
# (the W3C Nu HTML Checker the browser tests run), gettext (the catalogs, and the pseudo-locale
# test that extracts and compiles one).
SYSTEM_PACKAGES := chromium fonts-dejavu-core fonts-noto-core fonts-noto-cjk poppler-utils openjdk-17-jre-headless gettext
$(STAMP)/system:
	@mkdir -p $(STAMP)
	dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES))
	@touch $@

# Only for the benchmarks: wrk, the HTTP load generator of `make bench-http`.
BENCH_PACKAGES := wrk
$(STAMP)/bench-system:
	@mkdir -p $(STAMP)
	dpkg -s $(BENCH_PACKAGES) >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BENCH_PACKAGES))
	@touch $@

clean:
	rm -rf $(VENV) node_modules $(STAMP) staticfiles db.sqlite3 assets/dist .mypy_cache
