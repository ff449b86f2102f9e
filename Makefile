# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
# Two stamps: `make run` installs the runtime requirements only (requirements.txt);
# `make test` and the developer targets add the test toolchain (requirements-dev.txt) on
# top. pip's own upgrade and its "newer version" check are skipped: no index is asked for
# pip itself.
STAMP  := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
PIP_QUIET := --quiet --disable-pip-version-check

.PHONY: run dev test gates static-gates pytest test-services lint typecheck fmt migrate demo demo-reset clean messages

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install $(PIP_QUIET) -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PIP) install $(PIP_QUIET) -r requirements-dev.txt
	touch $(DEV_STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

## Demo data goes into an empty database only: a restart never rewrites what people did
## (a revocation, a message, a changed password). `make demo-reset` wipes every row and
## loads the demo again (SQLite; it says what it wipes).
demo: migrate
	$(PY) manage.py seed_demo

demo-reset: migrate
	$(PY) manage.py seed_demo --reset

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
# The one list of apps (referral_hub/apps_list.py), lowest layer first.
APPS = $(shell $(PY) -m referral_hub.apps_list)
messages: $(DEV_STAMP)
	for app in $(APPS); do mkdir -p $$app/locale; done
	$(PY) manage.py makemessages -l es --add-location=file --no-obsolete \
	  --ignore=.venv --ignore=tests --ignore=bench --ignore=scripts --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

## The whole test suite (exit 0 means green): the static gates once, then every test,
## in parallel workers (pytest-xdist) except those marked `serial`, which run after, alone.
## One folder or one test: `make test PYTEST_ARGS=tests/consent` (gates skipped with
## `make pytest PYTEST_ARGS=...`); README, "Tests", says what it costs.
## The lint gates run first (a second or two: a style slip fails at once); the slower
## static gates (import contracts, complexity, mypy, migrations) run beside the parallel
## tests, whose workers leave most of a core idle while they wait on browsers and
## servers. Their output is printed after the tests'; either failing fails `make test`.
TEST_WORKERS ?= 2
GATES_LOG := .static-gates.log
test: $(DEV_STAMP)
	@$(MAKE) --no-print-directory lint
	@( $(MAKE) --no-print-directory static-gates > $(GATES_LOG) 2>&1; echo $$? > $(GATES_LOG).rc ) & \
	$(MAKE) --no-print-directory pytest; tests=$$?; wait; \
	echo "--- the static gates, run beside the tests ---"; cat $(GATES_LOG); \
	gates=$$(cat $(GATES_LOG).rc); rm -f $(GATES_LOG) $(GATES_LOG).rc; \
	echo "tests: exit $$tests; static gates: exit $$gates"; test $$tests -eq 0 && test $$gates -eq 0

## The static gates, each run once (CI runs them in its first pass only).
gates: lint static-gates

static-gates: $(DEV_STAMP)
	# The layers of docs/architecture.md as import-linter contracts (pyproject.toml),
	# written from the one list of apps (referral_hub/apps_list.py).
	$(PY) manage.py sync_layers --check
	$(VENV)/bin/lint-imports
	# No application function above cyclomatic rank C (radon/xenon); tests and generated
	# migrations are not application code.
	$(VENV)/bin/xenon --max-absolute C --max-modules B --max-average A -e "*/migrations/*,.venv/*,tests/*" .
	# mypy --strict with django-stubs and the DRF stubs; what it checks is in pyproject.toml.
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

## Persistent connections held by async-test threads would block test DB teardown.
## Bytecode caches are written (git-ignored) even where the machine sets
## PYTHONDONTWRITEBYTECODE: otherwise every test process, server and command the suite
## starts compiles the project (and pytest rewrites every test module) from source again,
## about 13 s of CPU per process.
PYTEST := PYTHONDONTWRITEBYTECODE= DB_CONN_MAX_AGE=0 $(VENV)/bin/pytest
SERIAL_FILES = $(shell grep -rl --include='test_*.py' 'pytest.mark.serial' tests)
pytest: $(DEV_STAMP)
ifeq ($(strip $(PYTEST_ARGS)),)
	# loadscope: a module's tests go to one worker together (browser modules share a
	# server, others a production server or a database copy). The modules are handed out
	# in the suite's own order, browser modules first (`_run_order`), so the workers end
	# together; xdist's reorder by test count would leave the long one-test browser
	# modules to the end. (loadgroup, with a group per module, would say the same, but
	# pytest-xdist 3.8's loadgroup silently stops grouping on pytest 9.2, its issue 1386.)
	# Only the files that mark tests `serial` are collected (collecting all takes ~10 s).
	# Exit status 5 is "no test selected": a selection without serial tests is fine.
	# Both steps share one run name (RH_TEST_RUN), so the serial step copies the migrated
	# and seeded templates the parallel step built (tests/databases.py) instead of
	# migrating again; the last step drops them, whatever the tests' outcome.
	@export RH_TEST_RUN=$$($(PY) -c 'import uuid; print(uuid.uuid4().hex[:10])'); \
	echo "test run $$RH_TEST_RUN"; \
	$(PYTEST) -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder -m "not serial" $(PYTEST_SELECT); \
	parallel=$$?; \
	$(PYTEST) -m serial $(PYTEST_SELECT) $(SERIAL_FILES); serial=$$?; \
	$(PY) -m tests.databases drop $$RH_TEST_RUN; \
	test $$parallel -eq 0 && { test $$serial -eq 0 || test $$serial -eq 5; }
else
	$(PYTEST) $(PYTEST_ARGS)
endif

## The second CI pass (DATABASE_URL and REDIS_URL set): every test that touches the
## database, the channel layer or a real service, on PostgreSQL and Redis; no static gates.
test-services: PYTEST_SELECT = --services-pass
test-services: pytest

typecheck: $(DEV_STAMP)
	$(VENV)/bin/mypy

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .celery
