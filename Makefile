# Two commands do all the set-up: `make run` (the site with the demo newsroom) and
# `make test` (the whole test suite). Both need only Python 3.11+ and make; `make test` also
# needs npm, for axe-core in the accessibility tests.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs in parallel on every core; `make test PYTEST_WORKERS=0` runs it serially.
PYTEST_WORKERS ?= auto

.PHONY: run test lint install demo clean bench bench-news-day bench-suggest bench-wordpress bench-newsletter loadtest

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/.installed

.env:
	@echo "NEWSROOM_ENV=development" > .env
	@echo "Created .env for local development (NEWSROOM_ENV=development)."

demo: install .env
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py create_demo_users --site-url http://$(HOST):$(PORT)

# The mail worker (newsletter, alerts) runs beside the development server and stops with it.
run: demo
	@$(PY) manage.py mail_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# axe-core, exactly as package-lock.json pins it; reinstalled when the lock changes.
node_modules/axe-core/axe.min.js: package-lock.json
	npm ci --silent
	touch $@

# The browser tests drive Debian's chromium: installed here when missing and we are root
# (as CI is), else `make test` stops at once and says what to install.
/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	else \
		echo "The browser tests need Debian's chromium: sudo apt-get install chromium fonts-dejavu-core" >&2; exit 1; \
	fi

test: install node_modules/axe-core/axe.min.js /usr/bin/chromium
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	NEWSROOM_ENV=development $(PY) manage.py makemigrations --check --dry-run

# The benchmark (bench/README.md): a generated newsroom in PostgreSQL, gunicorn and wrk.
# `make bench ARTICLES=2000` for a quick run; BENCH_ARGS passes more options to bench.run.
ARTICLES ?= 100000

$(BIN)/.bench-installed: $(BIN)/.installed
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $@

/usr/bin/wrk:
	@echo "Installing Debian's wrk ..."
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null

bench: $(BIN)/.bench-installed /usr/bin/wrk bench-suggest
	$(PY) -m bench.run --articles $(ARTICLES) $(BENCH_ARGS)
	$(PY) -m bench.newsletter $(NEWSLETTER_ARGS)

# The page cache on a busy news day (bench/README.md): visitors, an editor publishing and
# correcting meanwhile; hit rate, requests/s, p50 and p99. About five minutes at 100,000.
bench-news-day: $(BIN)/.bench-installed /usr/bin/wrk
	$(PY) -m bench.run --articles $(ARTICLES) --news-day $(BENCH_ARGS)

# A daily alert run for 10,000 readers and 500 new articles into a local SMTP sink
# (bench/newsletter.py); NEWSLETTER_ARGS="--subscribers 1000" for a quick run.
bench-newsletter: $(BIN)/.installed
	$(PY) -m bench.newsletter $(NEWSLETTER_ARGS)

# How fast entity suggestions are: a 10,000-word text against 100,000 generated names
# (bench/suggest.py, about half a minute); `make bench` runs it first.
bench-suggest: $(BIN)/.installed
	$(PY) -m bench.suggest $(SUGGEST_ARGS)

# How fast a WordPress export moves in (bench/README.md): generated, imported, timed.
# WORDPRESS_ARGS="--database postgresql" for PostgreSQL; "--posts 1000 --images 200" for a quick run.
bench-wordpress: $(BIN)/.installed
	$(PY) -m bench.wordpress $(WORDPRESS_ARGS)

# Load and faults (loadtest/README.md): wrk on gunicorn while PostgreSQL restarts and Redis
# stops, both local; run as root. Not a test. LOADTEST_ARGS passes options to loadtest.faults.
loadtest: $(BIN)/.bench-installed
	$(PY) -m loadtest.faults $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules db.sqlite3 media staticfiles
