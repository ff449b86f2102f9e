"""Shared fixtures. Tests needing real services use ``postgres_url``/``redis_url``:
when the service is unreachable they skip locally but FAIL when ``CI`` is set."""

from __future__ import annotations

import copy
import inspect
import os
import socket
import uuid
from urllib.parse import urlparse

import pytest

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/referral_hub"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _worker_number() -> int:
    """0 without pytest-xdist; n for worker ``gw<n>``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") else 0


def _own_redis_databases() -> None:
    """Parallel workers (``pytest -n``) must not share a Redis database: the cache is
    cleared between tests, channel-layer groups are named after case ids, and the job
    queue is flushed by the worker tests. Each worker takes the database after the one
    ``REDIS_URL`` names (0, 1, 2...), and its browser servers their own (5, 6, 7...).
    pytest-django has read the settings before this file loads, but nothing has used
    Redis yet: the settings module is read again with the worker's ``REDIS_URL``, so
    the cache, the channel layer, its prefix and the job broker all follow from it as
    they do in a deployment. PostgreSQL needs nothing: pytest-django names each worker's
    test database apart."""
    number = _worker_number()
    os.environ.setdefault("E2E_REDIS_DB", str(5 + number))
    redis_url = os.environ.get("REDIS_URL")
    if not (redis_url and number):
        return
    parsed = urlparse(redis_url)
    base = int(parsed.path.strip("/") or 0)
    os.environ["REDIS_URL"] = parsed._replace(path=f"/{base + number}").geturl()
    import importlib

    from django.conf import settings

    module = importlib.reload(importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"]))
    for name in dir(module):
        if name.isupper():
            setattr(settings, name, getattr(module, name))


_own_redis_databases()


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), timeout=2):
            return True
    except OSError:
        return False


def require_service(url: str, what: str) -> str:
    if _reachable(url):
        return url
    message = f"{what} at {url} is not reachable"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set: service-backed tests must run)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url() -> str:
    return require_service(os.environ.get("REDIS_URL") or DEFAULT_REDIS, "Redis")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return require_service(os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES, "PostgreSQL")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~0.3 s a password; tests hash many. Production hashing is untouched."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _default_language():
    """A page request activates its reader's language in the thread that served it and
    leaves it there; a later test in the same process must not inherit a Spanish one."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Transactional tests flush and recreate content types and permissions with new ids;
    a cached ContentType (guardian's permission rows point at it) would be stale."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _jobs_run_inline():
    """Celery tasks run in the calling process (eager), so a test sees the outbox kick's
    effect at once; worker tests (tests/operations) switch to a real worker."""
    from referral_hub.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Throttle counters and axes state live in the cache: no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_configure(config):
    """The process that starts the run names it; pytest-xdist's workers inherit the name
    (they start after this), so they share the run's database templates. A name given
    from outside (``make pytest`` gives its two steps, parallel and serial, one name)
    is kept, and whoever gave it drops the templates at the end."""
    from tests import timing

    timing.register(config)
    services_pass = config.getoption("--services-pass", default=False)
    if (
        services_pass
        and os.environ.get("CI")
        and not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))
    ):
        # The services pass on SQLite would pass while testing nothing of PostgreSQL.
        raise pytest.UsageError("--services-pass under CI needs DATABASE_URL and REDIS_URL set")
    if not hasattr(config, "workerinput") and not os.environ.get("RH_TEST_RUN"):
        os.environ["RH_TEST_RUN"] = uuid.uuid4().hex[:10]
        config._rh_names_run = True


def pytest_unconfigure(config):
    if getattr(config, "_rh_names_run", False):
        from tests.databases import drop_run

        drop_run(os.environ["RH_TEST_RUN"])


@pytest.fixture(scope="session")
def demo_databases():
    """Migrated, demo-seeded databases, one template per backend per test run, copied per
    use (``tests/databases.py``): for servers and tools that need committed data."""
    from tests.databases import DemoDatabases

    return DemoDatabases(os.environ["RH_TEST_RUN"])


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    demo_databases,
):
    """Each worker's test database is a copy of one database migrated once per run
    (``tests/databases.py``), not migrated by each worker: on PostgreSQL a ``CREATE
    DATABASE ... TEMPLATE``, on SQLite the run's migrated file loaded into the worker's
    in-memory database. Django's own test-database creation runs as before (its
    ``migrate`` finds nothing to apply, the post-migrate steps and the teardown run as
    usual); only the step that makes the empty database makes a migrated copy instead.
    ``--reuse-db``, ``--nomigrations`` and a SQLite test database in a file are left as
    they were."""
    from django.db import connections

    connection = connections["default"]
    if not django_db_use_migrations or (django_db_keepdb and not django_db_createdb):
        return
    if connection.vendor == "sqlite":
        _load_sqlite_from_template(connection, demo_databases)
        return
    database_url = os.environ.get("DATABASE_URL", "")
    if connection.vendor != "postgresql" or not database_url:
        return
    creation = connection.creation

    def create_from_template(verbosity=1, autoclobber=False, keepdb=False):
        name = creation._get_test_db_name()
        demo_databases.clone(database_url, demo_databases.migrated(database_url), name)
        return name

    creation._create_test_db = create_from_template


def _load_sqlite_from_template(connection, demo_databases) -> None:
    """The in-memory test database starts as a copy of the run's migrated SQLite file:
    the first connection Django opens to it (for its ``migrate``) is filled by SQLite's
    backup from the file, before anything else reads it."""
    import sqlite3
    from contextlib import closing

    from django.db.backends.signals import connection_created

    creation = connection.creation
    make_empty = creation._create_test_db

    def create_from_template(verbosity=1, autoclobber=False, keepdb=False):
        name = make_empty(verbosity, autoclobber, keepdb)
        if not creation.is_in_memory_db(name):
            return name
        template = demo_databases.migrated_sqlite()

        def fill(sender, connection, **kwargs):
            if connection.alias != creation.connection.alias or connection.settings_dict["NAME"] != name:
                return
            connection_created.disconnect(fill)
            with closing(sqlite3.connect(template)) as source:
                source.backup(connection.connection)

        connection_created.connect(fill, weak=False)
        return name

    creation._create_test_db = create_from_template


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def seed_demo_world() -> dict:
    """Run every app's ``<app>.demo.seed`` in dependency order, as ``seed_demo`` does, and
    return the ``world`` dict of the objects the apps seeded."""
    from django.conf import settings

    from referral_hub.management.commands.seed_demo import seeds

    world: dict = {"password": settings.DEMO_PASSWORD}

    class _Null:
        def write(self, *args, **kwargs):
            return None

    for seed in seeds():
        seed(world, _Null())
    return world


# --- The demo world, seeded once per worker --------------------------------------------
# Seeding the demo world costs about half a second; some 1,000 tests use it. Tests that
# run inside a transaction (plain ``db`` tests) share one seeding: the first of them opens
# an outer transaction and seeds it, and each test then runs in a savepoint inside it that
# is rolled back (Django's ``setUpTestData`` pattern, one level up). The collection order
# below puts those tests together; the outer transaction is rolled back before any test
# that must not see the world. Tests that need real commits (``transaction=True``: sockets,
# threads, daphne) seed their own copy as before.


# A test marked ``demo_scenario(build)`` shares a world one step further on: ``build(world)``
# runs once on the fresh demo world (a revocation, a court order...) and its answer is
# ``world["scenario"]``; the module's tests with the same ``build`` then each roll back to
# that state rather than building it again (the route walks build theirs ~240 times).


def _scenario_of(item):
    marker = item.get_closest_marker("demo_scenario")
    return marker.args[0] if marker else None


def _seed(scenario) -> dict:
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        world = seed_demo_world()
        if scenario is not None:
            world["scenario"] = scenario(world)
        world["role_sessions"] = _role_sessions()
    return world


def _role_sessions() -> dict[str, str]:
    from tests.routes.walk import role_sessions

    return role_sessions()


class _DemoWorld:
    atomic = None
    pristine: dict | None = None
    scenario = None
    blocker = None

    @classmethod
    def open(cls, scenario=None) -> dict:
        from django.db import transaction

        if cls.pristine is not None and cls.scenario is not scenario:
            cls.close()
        if cls.pristine is None:
            atomic = transaction.atomic()
            # As Django's TestCase marks its own: a durable atomic inside stays legal.
            atomic._from_testcase = True
            atomic.__enter__()
            cls.atomic = atomic
            cls.scenario = scenario
            cls.pristine = _seed(scenario)
        return cls.pristine

    @classmethod
    def close(cls) -> None:
        from django.db import transaction

        if cls.atomic is None:
            return
        with cls.blocker.unblock():
            transaction.set_rollback(True)
            cls.atomic.__exit__(None, None, None)
        cls.atomic = None
        cls.pristine = None
        cls.scenario = None


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


def _uses_db(item) -> bool:
    return bool(item.get_closest_marker("django_db")) or bool(
        {"db", "transactional_db"} & set(item.fixturenames)
    )


def shares_demo_world(item) -> bool:
    return "demo" in item.fixturenames and not _is_transactional(item)


def _run_order(item) -> int:
    if item.get_closest_marker("e2e"):
        # The longest tests first, so parallel workers end together (README, "Tests").
        return -1
    if _is_transactional(item):
        return 2
    if shares_demo_world(item):
        return 1
    return 0 if _uses_db(item) else 3


def pytest_addoption(parser):
    parser.addoption(
        "--services-pass",
        action="store_true",
        help="Only the tests that touch the database, the channel layer or a real service "
        "(the second CI pass, on PostgreSQL and Redis): see README, 'Tests'.",
    )


_SERVICE_FIXTURES = {
    "postgres_url",
    "redis_url",
    "live_server_factory",
    "live_server_module",
    "demo_template",
}


def touches_services(item) -> bool:
    """Whether a test can behave differently on PostgreSQL and Redis: it uses the
    database (pytest-django refuses database access to any other test), a real service
    or server, or the channel layer (an async test, or a module that imports Channels)."""
    if _uses_db(item) or item.get_closest_marker("services") or item.get_closest_marker("e2e"):
        return True
    if _SERVICE_FIXTURES & set(item.fixturenames):
        return True
    function = getattr(item, "function", None)
    if function is not None and inspect.iscoroutinefunction(function):
        return True
    module = getattr(item, "module", None)
    return (
        any(
            (getattr(value, "__module__", None) or getattr(value, "__name__", "")).split(".")[0] == "channels"
            for value in vars(module).values()
        )
        if module is not None
        else True
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests (the longest) first, then plain database tests, then those sharing
    the demo world, then transactional ones, then the rest (pytest-django's order, with
    the demo world's tests kept together and after the plain ones). The
    shared world is set up before the test's own transaction: its fixture goes first.
    With ``--services-pass``, the tests that cannot touch a service are deselected.

    Every test keeps its own id: schemathesis names each generated test
    ``test_x[GET /path]`` but leaves its node id ``test_x``, and pytest-xdist keys tests
    by node id, so it ran ONE test per fuzz function and dropped the rest without a
    word (10 of 509 API fuzz tests ran in parallel runs). The id is completed from the
    name, and two tests still sharing an id stop the run."""
    _unique_node_ids(items)
    if config.getoption("--services-pass"):
        kept = [item for item in items if touches_services(item)]
        config.hook.pytest_deselected(items=[item for item in items if not touches_services(item)])
        items[:] = kept
    items.sort(key=_run_order)
    for item in items:
        if shares_demo_world(item):
            names = item.fixturenames
            names.remove("_demo_world")
            names.insert(0, "_demo_world")


def _unique_node_ids(items) -> None:
    for item in items:
        module, _, last = item.nodeid.rpartition("::")
        if module and last != item.name and item.name.startswith(f"{last}["):
            # pytest 9 builds a node id from the original name and a callspec's params;
            # schemathesis gives no callspec, so the operation becomes the params here.
            item._id = item.parent.id.child(last).with_params(item.name[len(last) + 1 : -1])
    seen: dict[str, int] = {}
    for item in items:
        seen[item.nodeid] = seen.get(item.nodeid, 0) + 1
    shared = sorted(nodeid for nodeid, count in seen.items() if count > 1)
    if shared:
        raise pytest.UsageError(
            "tests sharing a node id (pytest-xdist would run one of each): " + ", ".join(shared[:10])
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if nextitem is not None and not shares_demo_world(nextitem):
        _DemoWorld.close()


@pytest.fixture(scope="session")
def _demo_world_session(django_db_setup, django_db_blocker):
    _DemoWorld.blocker = django_db_blocker
    yield _DemoWorld
    _DemoWorld.close()


@pytest.fixture
def _demo_world(request, _demo_world_session, django_db_blocker):
    if not shares_demo_world(request.node):
        return None
    with django_db_blocker.unblock():
        return _DemoWorld.open(_scenario_of(request.node))


@pytest.fixture
def demo(request, _demo_world, db):
    """The demo world (``seed_demo``), as a dict of the objects the apps seeded: a fresh
    copy of the shared world's objects (the database rolls back to it after each test),
    or, in a transactional test, a world seeded for this test alone. Under a
    ``demo_scenario`` marker, the world after the scenario (its answer in ``"scenario"``)."""
    if _demo_world is not None:
        return copy.deepcopy(_demo_world)
    scenario = _scenario_of(request.node)
    world = seed_demo_world()
    if scenario is not None:
        world["scenario"] = scenario(world)
    world["role_sessions"] = _role_sessions()
    return world
