# Two commands: `make run` (set up and serve with demo data) and `make test` (set up and run every test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run test lint bench clean venv

# The pinned requirements are installed by uv (itself pinned, installed by pip into the venv): the same packages in
# seconds instead of the minute or two pip takes on 2 cores (docs/performance.md). Where uv cannot be installed,
# pip installs them.
UV_VERSION := 0.13.9
# uv compiles the installed packages' bytecode at install (17 s of CPU once) instead of every test process compiling
# what it imports (about 15 s of CPU each on a fresh venv: docs/performance.md).
INSTALL = $(if $(wildcard $(VENV)/bin/uv),$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY),$(PY) -m pip install --quiet)

# Python keeps compiled bytecode (__pycache__, ignored by git) even where the environment says not to
# (PYTHONDONTWRITEBYTECODE is set on some build machines): without it every test worker, every subprocess the tests
# start and every `manage.py` recompiles Django and the project on start, 4 × slower to start.
unexport PYTHONDONTWRITEBYTECODE

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更高版本")'
	$(PYTHON) -m venv $(VENV)
	-$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.stamp-base: requirements/base.txt | $(VENV)/bin/python
	$(INSTALL) -r requirements/base.txt
	@touch $@

$(VENV)/.stamp-test: requirements/test.txt requirements/base.txt $(VENV)/.stamp-base
	$(INSTALL) -r requirements/test.txt
	@touch $@

venv: $(VENV)/.stamp-base

## Set up (venv, pinned dependencies, SQLite database, demo data) and serve on 127.0.0.1:$(PORT) with a job worker.
run: $(VENV)/.stamp-base
	@mkdir -p var/static
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py signing_setup
	$(PY) manage.py demo_load
	$(PY) manage.py run_platform

## Set up the test dependencies and run every test (unit, HTTP, browser). DATABASE_URL selects PostgreSQL.
test: $(VENV)/.stamp-test
	@$(PY) -m compileall -q -j 2 src
	BUREAU_TESTING=1 $(PY) -m pytest -q -n 2 --dist loadgroup $(PYTEST_ARGS)

## Lint: ruff, the import contracts (import-linter, pyproject.toml) and the type check (mypy with django-stubs).
lint: $(VENV)/.stamp-test
	$(VENV)/bin/ruff check .
	PYTHONPATH=src $(VENV)/bin/lint-imports
	BUREAU_TESTING=1 $(VENV)/bin/mypy

clean:
	rm -rf var/bureau.sqlite3* var/media var/mail
