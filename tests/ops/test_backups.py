"""A backup restored into an empty database holds everything, on both databases."""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.processes import manage, production_env

ROOT = settings.BASE_DIR

# What a restore must bring back, counted in a fresh process.
COUNT = """
from django.contrib.auth.models import User
from policies import rollups
from policies.models import Source, Actor, Theme, Sector, Plan, Target, Observation, Statement
from policies.search import matching_statements
models = [Source, Actor, Theme, Sector, Plan, Target, Observation, Statement]
counts = [m.objects.count() for m in models] + [m.history.count() for m in models]
counts += [User.objects.count(), len(rollups.stale_keys())]
counts.append(matching_statements(Statement.objects.all(), "numérique").count())
print(" ".join(map(str, counts)))
"""


def counts(env: dict[str, str]) -> list[int]:
    done = manage(env, "shell", "-c", COUNT)
    assert done.returncode == 0, done.stderr
    return [int(n) for n in done.stdout.splitlines()[-1].split()]


def fill(env: dict[str, str]) -> None:
    for command in (
        ["migrate", "--noinput"],
        ["load_seeds"],
        [
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            "User.objects.create_superuser('root', 'root@example.org', 'a-long-test-pw-42')",
        ],
    ):
        done = manage(env, *command)
        assert done.returncode == 0, done.stderr


def round_trip(source: dict[str, str], target: dict[str, str], file) -> None:
    fill(source)
    before = counts(source)
    assert before[-1] > 0  # the search finds something
    assert before[-2] == 0  # the rollups agree with the records
    made = manage(source, "backup_db", str(file))
    assert made.returncode == 0, made.stderr
    # Nothing is ever restored over data.
    refused = manage(source, "restore_db", str(file))
    assert refused.returncode != 0
    assert "restore only into an empty one" in refused.stderr
    restored = manage(target, "restore_db", str(file))
    assert restored.returncode == 0, restored.stderr
    assert counts(target) == before
    # The restored database is current: no migration is missing.
    check = manage(target, "migrate", "--check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_sqlite_backup_restores_everything(tmp_path):
    source = production_env(tmp_path, DJANGO_HTTPS="0")
    target = production_env(
        tmp_path, DJANGO_HTTPS="0", DATABASE_URL=f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    )
    round_trip(source, target, tmp_path / "tracker.backup")


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database")
    env = production_env(tmp_path, DJANGO_HTTPS="0")
    done = manage(env, "restore_db", str(junk))
    assert done.returncode != 0
    assert "is not a backup of this app" in done.stderr


@pytest.mark.postgres
def test_postgresql_backup_restores_everything(tmp_path, django_db_blocker):
    server = urlsplit(os.environ["DATABASE_URL"])
    names = [f"tracker_backup_{os.getpid()}_{n}" for n in ("source", "target")]
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        source, target = (
            production_env(
                tmp_path,
                DJANGO_HTTPS="0",
                DATABASE_URL=urlunsplit(server._replace(path=f"/{name}")),
            )
            for name in names
        )
        round_trip(source, target, tmp_path / "tracker.dump")
    finally:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
