# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed

.PHONY: run dev test lint typecheck fmt migrate demo clean messages

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

## The app on the embedded default (SQLite + in-memory channel layer), demo data loaded:
## daphne and a Celery worker with beat (filesystem broker), both under scripts/run.py.
run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) scripts/run.py

## `make run` with Django's debug pages (tracebacks, the URL list on a 404) instead of the
## app's error pages: for developers only, never for people trying the app.
dev: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG_PAGES=1 $(PY) scripts/run.py

## Spanish catalogues: `make messages` extracts every app's strings into its own
## <app>/locale/es/LC_MESSAGES/django.po (run from the root, so an app's module named
## like another app cannot shadow it), then compiles every catalogue (the .mo files are
## committed, so a fresh machine needs no gettext).
APPS := referral_hub people outbox audit directory families endorsement consent referrals messaging intake notices indicators
messages: $(STAMP)
	for app in $(APPS); do mkdir -p $$app/locale; done
	$(PY) manage.py makemessages -l es --add-location=file --no-obsolete \
	  --ignore=.venv --ignore=tests --ignore=bench --ignore=scripts --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

## The whole test suite (exit 0 means green).
test: $(STAMP)
	$(VENV)/bin/ruff check .
	# The layers of ARCHITECTURE.md as import-linter contracts (pyproject.toml).
	$(VENV)/bin/lint-imports
	# No application function above cyclomatic rank C (radon/xenon); tests and generated
	# migrations are not application code.
	$(VENV)/bin/xenon --max-absolute C --max-modules B --max-average A -e "*/migrations/*,.venv/*,tests/*" .
	# mypy --strict with django-stubs and the DRF stubs; what it checks is in pyproject.toml.
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	# Persistent connections held by async-test threads would block test DB teardown.
	DB_CONN_MAX_AGE=0 $(VENV)/bin/pytest $(PYTEST_ARGS)

typecheck: $(STAMP)
	$(VENV)/bin/mypy

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .celery
