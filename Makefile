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
	@echo "DEBUG=1" > .env
	@echo "Created .env for local development (DEBUG=1)."

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
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
