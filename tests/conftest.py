"""The suite's fixtures, its markers, and the one seeded database each worker keeps.

Seeding once. Each pytest-xdist worker (or the one pytest process) has a test database of
its own; ``django_db_setup`` migrates it and loads the seeds into it once, committed. A
``db`` test runs inside a transaction over that data and rolls back, so every test that
asks for ``seeded`` reads the seeds without paying for them.

A transactional test (``transactional_db``, ``live_server``, the browser tests) commits for
real and flushes every table when it ends. pytest-django runs those after the other tests of
a process, but ``--dist loadgroup`` hands a worker its groups (the live-server and browser
tests among them) first, so a ``db`` test can follow a flush in the same worker. Whatever the
order, the first test to use the database after a flush gets the seeds, and the editors group
that a data migration made, back before it starts (``pytest_runtest_setup`` below). So only
the transactional tests reload the seeds, as they did before.

A test about an empty database (a first load, a search that expects one match) asks for
``empty_db``: see there.
"""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import blocking_manager_key

from policies.data_io.loads import LoadReport, seed_load
from policies.models import Source
from policies.web.exports import SLOTS
from tests.factories import editors_group, empty_records, make_editor

pytest_plugins = ["tests.browser.fixtures"]

SEEDS = settings.BASE_DIR / "seeds"
SEED_REPORT = "fr-report-xi-qiushi-digital-economy-2022-01"  # a source the seeds hold


def pytest_configure(config):
    # Production mode serves hashed files from a manifest that `collectstatic` writes; the
    # suite does not run collectstatic, so it serves static files by their plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A deliberately slow password hash buys nothing in tests and costs seconds per login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Tests kept to one worker by their xdist group (`--dist loadgroup`): the browser tests share
# one chromium, the other live-server tests one live server, and the gunicorn tests (which
# pick free ports, start processes and kill them) run one at a time. Each marker is a group.
GROUPED_MARKERS = ("browser", "server")
LIVE_GROUP = "live"

UNGROUPED = pytest.StashKey[str]()


@pytest.hookimpl(wrapper=True)  # around pytest-xdist, which reads the groups
def pytest_collection_modifyitems(config, items):
    vendor = connection.vendor  # from the settings; no query
    only = {
        "postgres": ("postgresql", "needs PostgreSQL (DATABASE_URL=postgres://...)"),
        "sqlite": ("sqlite", "needs SQLite (the default database)"),
    }
    for item in items:
        for marker, (needed, reason) in only.items():
            if marker in item.keywords and vendor != needed:
                item.add_marker(pytest.mark.skip(reason=reason))
        group = next((marker for marker in GROUPED_MARKERS if marker in item.keywords), None)
        if group is None and "live_server" in getattr(item, "fixturenames", ()):
            group = LIVE_GROUP
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
    result = yield
    # pytest-xdist marks a grouped test's node id with its group; where it could not, the
    # test fails (pytest_runtest_setup) rather than silently run apart from its group.
    if getattr(config.option, "loadgroup", False):
        for item in items:
            marker = item.get_closest_marker("xdist_group")
            if marker is not None and not item.nodeid.endswith("@" + marker.args[0]):
                item.stash[UNGROUPED] = marker.args[0]
    return result


def database_use(item: pytest.Item) -> tuple[bool, bool]:
    """(uses the database, transactionally), as pytest-django decides it for ordering."""
    fixtures = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = False
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        transactional = transaction or reset_sequences
    transactional = transactional or any(
        name in fixtures
        for name in ("transactional_db", "live_server", "django_db_reset_sequences")
    )
    uses_db = marker is not None or transactional or "db" in fixtures
    return uses_db, transactional


@dataclass
class WorkerDatabase:
    """What this process's test database holds between tests."""

    report: LoadReport | None = None  # the last load of the seeds
    flushed: bool = False  # a transactional test has run since; the seeds may be gone

    def seed(self) -> None:
        editors_group()
        self.report = seed_load(directory=SEEDS)


DATABASE = WorkerDatabase()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database (one per xdist worker), migrated, then seeded once."""
    with django_db_blocker.unblock():
        DATABASE.seed()
    yield
    if connection.vendor == "postgresql":
        # Django's connections are per context, and once Playwright's sync API runs (the
        # first browser test) this thread's ORM calls get new ones: the connection that set
        # the database up stays open, idle, closed by nothing, and the database cannot be
        # dropped ("is being accessed by other users"; a warning, and a database left
        # behind). The database is this worker's own: no one else's session is ended.
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures open its transaction
def pytest_runtest_setup(item):
    if UNGROUPED in item.stash:
        pytest.fail(
            f"--dist loadgroup ignored this test's group ({item.stash[UNGROUPED]}): this "
            "pytest-xdist cannot group tests under this pytest (see the pin in pyproject.toml)"
        )
    uses_db, transactional = database_use(item)
    if not uses_db:
        return
    if DATABASE.flushed:
        with item.config.stash[blocking_manager_key].unblock():
            DATABASE.seed()
    # A transactional test flushes when it ends. (When it is a worker's first test, the
    # seeds are loaded after this, as its fixtures set the database up.)
    DATABASE.flushed = transactional


@pytest.fixture(autouse=True)
def _export_slots():
    """Every test starts with every export slot free. A server closes each response, which
    gives an export's slot back; the test client closes a streamed one only once the test
    has read it to the end, and many tests read only its status."""
    yield
    SLOTS.running = 0


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache outlives each test's rolled-back database; start every test without it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A French request leaves French active in the thread; every test starts in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def seeds_dir():
    return SEEDS


@pytest.fixture
def seeded(db) -> LoadReport:
    """The database as `load_seeds` leaves it: loaded once per worker, never per test (see
    the module's docstring); the report of that load."""
    # One query, so that seeds gone missing fail here and say so, not as a wrong count.
    assert Source.objects.filter(slug=SEED_REPORT).exists(), "the seeds are not loaded"
    assert DATABASE.report is not None
    return DATABASE.report


@pytest.fixture
def empty_db(db):
    """The database as the migrations leave it, without the seeds.

    Chosen, test by test, where the expectation is about an empty database and restating it
    against the seeds would prove less: a first load that reports what it created, a broken
    seed that must leave every table empty, a search or a tree whose exact result is the
    records the test made, synthetic data that must be all there is. Every record and its
    history is deleted inside the test's transaction, so the rollback brings the seeds back.
    """
    empty_records()


@pytest.fixture
def editor(db):
    return make_editor(username="editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
