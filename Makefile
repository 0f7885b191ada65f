# Two commands do all the set-up: `make run` (the site with the demo newsroom) and
# `make test` (the whole test suite). Both need only Python 3.11+ and make.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs in parallel on every core; `make test PYTEST_WORKERS=0` runs it serially.
PYTEST_WORKERS ?= auto

.PHONY: run test lint install demo clean

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
	$(PY) manage.py create_demo_users

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	NEWSROOM_ENV=development $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
