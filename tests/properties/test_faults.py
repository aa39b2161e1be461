"""Faults, for real: the database gone while the server runs, an import killed half-way."""

import csv
import io
import signal
import subprocess
import sys
import time

import pytest

from tests.processes import ROOT, fetch, manage, production_env, serving

pytestmark = pytest.mark.server


def test_with_the_database_down_health_is_503_and_pages_leak_nothing(tmp_path):
    # A PostgreSQL server that is not there: nothing listens on port 1.
    env = production_env(
        tmp_path, DATABASE_URL="postgres://tracker:hunter2@127.0.0.1:1/tracker", DJANGO_HTTPS="0"
    )
    done = manage(env, "collectstatic", "--noinput", "-v", "0")
    assert done.returncode == 0, done.stderr
    with serving(env, tmp_path) as base:
        health = fetch(base + "/healthz", Host="127.0.0.1")
        assert health.status == 503
        assert health.body == b'{"status": "unavailable", "database": "down"}'
        for path in ("/", "/statements/", "/api/v1/statements/", "/export/statements.csv"):
            page = fetch(base + path, Host="127.0.0.1")
            assert page.status == 500, path
            body = page.body.decode()
            assert "Something went wrong" in body, path
            for secret in (
                "Traceback",
                "OperationalError",
                "hunter2",
                "127.0.0.1:1",
                "psycopg",
            ):
                assert secret not in body, (path, secret)
            assert env["DJANGO_SECRET_KEY"] not in body


def new_statements(client, count: int) -> bytes:
    """``count`` new statements: the seeds' own, exported, under new slugs."""
    exported = b"".join(client.get("/export/statements.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(exported)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    for n in range(count):
        row = rows[n % len(rows)]
        writer.writerow(row | {"slug": f"killed-{n}-{row['slug']}"})
    return out.getvalue().encode()


def count_statements(env: dict[str, str]) -> int:
    counted = manage(
        env,
        "shell",
        "-c",
        "from policies.models import Statement; print(Statement.objects.count())",
    )
    assert counted.returncode == 0, counted.stderr
    return int(counted.stdout.split()[-1])  # after the shell's own notices


@pytest.mark.django_db
def test_an_import_killed_half_way_leaves_the_database_as_it_was(seeded, client, tmp_path):
    env = production_env(tmp_path, DJANGO_HTTPS="0")
    for command in (["migrate", "--noinput"], ["load_seeds"]):
        done = manage(env, *command)
        assert done.returncode == 0, done.stderr
    before = count_statements(env)
    (tmp_path / "statements.csv").write_bytes(new_statements(client, 30_000))
    database = tmp_path / "db.sqlite3"
    wal = database.with_name(database.name + "-wal")

    importer = subprocess.Popen(
        [sys.executable, "manage.py", "import_records", str(tmp_path / "statements.csv")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Killed once it has begun writing (pages of an open write go to SQLite's write-ahead
    # log, which is empty until then).
    for _ in range(600):
        if (wal.exists() and wal.stat().st_size) or importer.poll() is not None:
            break
        time.sleep(0.05)
    assert importer.poll() is None, "the import ended before it could be killed"
    time.sleep(0.5)  # a few batches into the file
    importer.send_signal(signal.SIGKILL)
    importer.wait(timeout=10)

    assert count_statements(env) == before
    check = manage(env, "rebuild_rollups", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
