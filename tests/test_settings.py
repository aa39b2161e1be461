"""Settings from the environment: production mode refuses to start half-configured."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

STRONG_KEY = "k" * 10 + "9f8e7d6c5b4a3928171605f4e3d2c1b0a9f8e7d6c5b4a39281716"


PROBE = """
import tracker.wsgi
from django.conf import settings
print(settings.DEBUG, getattr(settings, "SECURE_SSL_REDIRECT", False))
"""


def start(env: dict[str, str], *, probe: str = PROBE) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly these variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
        ],
        env={**clean, "DJANGO_SETTINGS_MODULE": "tracker.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "example.org"}, "DJANGO_SECRET_KEY is not set"),
        (
            {"DJANGO_ALLOWED_HOSTS": "example.org", "DJANGO_SECRET_KEY": "short"},
            "DJANGO_SECRET_KEY is too weak",
        ),
        (
            {
                "DJANGO_ALLOWED_HOSTS": "example.org",
                "DJANGO_SECRET_KEY": "django-insecure-" + "x" * 50,
            },
            "DJANGO_SECRET_KEY is too weak",
        ),
        ({"DJANGO_SECRET_KEY": STRONG_KEY}, "DJANGO_ALLOWED_HOSTS is not set"),
        ({"DJANGO_DEBUG": "yes"}, "DJANGO_DEBUG must be 0 or 1"),
    ],
)
def test_production_refuses_to_serve_half_configured(env, message):
    result = start(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_with_key_and_hosts_starts_with_https_protections():
    result = start({"DJANGO_SECRET_KEY": STRONG_KEY, "DJANGO_ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_debug_mode_needs_nothing():
    result = start({"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"


def test_commands_that_serve_nothing_run_without_production_settings():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    deploy = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert deploy.returncode != 0
    assert "tracker.E001" in deploy.stderr
    assert "DJANGO_SECRET_KEY is not set" in deploy.stderr


SQLITE_PROBE = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy = cursor.fetchone()[0]
    cursor.execute("PRAGMA mmap_size")
    mapped = cursor.fetchone()[0]
print(journal, busy, connection.settings_dict["OPTIONS"]["transaction_mode"], mapped > 0)
"""


def test_sqlite_queues_its_writers_and_lets_readers_read(tmp_path):
    done = start(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_SQLITE_BUSY_SECONDS": "7.5",
        },
        probe=SQLITE_PROBE,
    )
    assert done.returncode == 0, done.stderr
    # and reads the file through a memory map (tracker/settings.py says why)
    assert done.stdout.split() == ["wal", "7500", "IMMEDIATE", "True"]
