# Strata — the two commands are `make run` and `make test`; everything else is optional.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install migrate seed lint bench web worker beat clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Strata needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Development server on the embedded default: SQLite under var/, tasks run in-process.
run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_catalog --if-empty
	@echo ""
	@echo "  Strata is starting on http://$(HOST):$(PORT)/"
	@echo "  Create an admin user for http://$(HOST):$(PORT)/admin/ with:"
	@echo "      DEBUG=1 $(PY) manage.py createsuperuser"
	@echo ""
	@# Live numbers: with GITHUB_TOKENS set, refresh_loop refreshes the whole catalog in the
	@# background and keeps it fresh while the server runs (without one it says how to add one).
	$(PY) manage.py refresh_loop & loop=$$!; \
	trap 'kill $$loop 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DEBUG=1 $(PY) -m mypy
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py import_catalog

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DEBUG=1 $(PY) -m mypy

bench: install
	@command -v wrk >/dev/null || (command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) || \
		echo "bench: wrk (Debian's package) is not installed; Python threads stand in as the load"
	$(PY) -m benchmarks.run

# Production entry points (docker-compose.yml runs these same targets).
web: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_catalog --if-empty
	$(PY) manage.py install_schedules
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3}

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=$${WORKER_CONCURRENCY:-2}

beat: install
	$(PY) manage.py install_schedules
	$(VENV)/bin/celery -A config beat --loglevel=INFO

clean:
	rm -rf $(VENV) var/strata.sqlite3 var/static
