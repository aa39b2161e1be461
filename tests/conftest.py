import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from policies.data_io.loads import seed_load
from tests.factories import make_editor

pytest_plugins = ["tests.browser.fixtures"]


def pytest_configure(config):
    # Production mode serves hashed files from a manifest that `collectstatic` writes; the
    # suite does not run collectstatic, so it serves static files by their plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # A deliberately slow password hash buys nothing in tests and costs seconds per login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    return settings.BASE_DIR / "seeds"


@pytest.fixture
def seeded(db, seeds_dir):
    """The database as `load_seeds` leaves it."""
    return seed_load(directory=seeds_dir)


@pytest.fixture
def editor(db):
    return make_editor(username="editor")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
