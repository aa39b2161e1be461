"""Editors, scripts and an import at once, each a process with its own connection: every
save lands or is refused with a message, and the dashboard's counts stay exact.

The writers are bench/writers.py (also `make loadtest`'s editors). They meet on a few dozen
statements, so that saves overlap: the edit-conflict check must refuse exactly the saves
made on a version someone else had replaced, and nothing else may fail.
"""

import contextlib
import json
import subprocess
import sys

import pytest

from tests.processes import ROOT, manage, own_database, production_env

pytestmark = pytest.mark.server

EDITORS = 4
CHANGES = 40  # each, or as many as fit in SECONDS
SECONDS = 25
POOL = 30  # the statements they pick from
IMPORTS = 4
WRITERS = str(ROOT / "bench" / "writers.py")


def writer(env, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, WRITERS, *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextlib.contextmanager
def editors_database(tmp_path, *, editors: int, synthetic: int = 0, **settings: str):
    """A database of the test's own with the seeds, ``synthetic`` statements and the
    editors' accounts; the environment of the app serving it, with ``settings``."""
    with own_database(tmp_path) as url:
        env = production_env(
            tmp_path,
            DATABASE_URL=url,
            DJANGO_HTTPS="0",
            DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1",
            DJANGO_LOG_LEVEL="WARNING",
            **settings,
        )
        commands = [
            ["migrate", "--noinput", "-v", "0"],
            ["collectstatic", "--noinput", "-v", "0"],
            ["load_seeds"],
        ]
        if synthetic:
            commands.append(["generate_demo_data", "--statements", str(synthetic)])
        for command in commands:
            done = manage(env, *command)
            assert done.returncode == 0, done.stderr
        prepared = subprocess.run(
            [sys.executable, WRITERS, "prepare", "--editors", str(editors)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert prepared.returncode == 0, prepared.stderr
        yield url, env


@pytest.mark.django_db
def test_concurrent_writers_lose_nothing_and_leave_the_rollups_exact(tmp_path):
    with editors_database(tmp_path, editors=EDITORS, synthetic=120) as (_url, env):
        bounds = ["--pool", str(POOL)]
        processes = [
            writer(
                env,
                "edit",
                "--editor",
                str(n),
                "--seed",
                str(n),
                "--changes",
                str(CHANGES),
                "--seconds",
                str(SECONDS),
                *bounds,
            )
            for n in range(1, EDITORS + 1)
        ]
        processes.append(writer(env, "import", "--rounds", str(IMPORTS), "--seed", "99", *bounds))
        reports = []
        for n, process in enumerate(processes):
            out, err = process.communicate(timeout=SECONDS + 60)
            assert process.returncode == 0, err
            path = tmp_path / f"writer-{n}.jsonl"
            path.write_text(out)
            reports.append(str(path))

        verified = subprocess.run(
            [sys.executable, WRITERS, "verify", *reports],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        summary = json.loads(verified.stdout)
        outcomes = summary["outcomes"]
        check = manage(env, "rebuild_rollups", "--check")
        assert check.returncode == 0, check.stderr[-1500:]
        assert summary["problems"] == [], (
            f"{summary['problem_count']} writes went wrong ({outcomes}), first: "
            + summary["problems"][0][:1500]
        )
        # Every kind of write happened, overlapping saves among them.
        for outcome in ("edit saved", "edit refused", "script saved", "import imported"):
            assert outcomes.get(outcome, 0) > 0, outcomes


SAVER = """
import json, os, sys, time
sys.path.insert(0, os.getcwd())
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from bench.writers import opened
from policies.models import Theme

theme = Theme.objects.order_by("pk").first()
user = get_user_model().objects.get(username="concurrent-editor-1")
client = Client()
client.force_login(user)  # a write, made before the database is held
data = opened(theme, user) | {"description": "Typed while the database was held"}
print("ready", flush=True)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
response = client.post(reverse("admin:policies_theme_change", args=[theme.pk]), data)
print(json.dumps({"status": response.status_code, "body": response.content.decode()}))
"""

HOLDER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")  # SQLite's one write lock, held until this process ends
print("held", flush=True)
time.sleep(60)
"""


@pytest.mark.sqlite
@pytest.mark.django_db
def test_a_save_that_stays_busy_comes_back_with_a_message_and_writes_nothing(tmp_path):
    busy = {"DJANGO_SQLITE_BUSY_SECONDS": "0.2", "DJANGO_WRITE_ATTEMPTS": "3"}
    with editors_database(tmp_path, editors=1, **busy) as (url, env):
        go = tmp_path / "go"
        saver = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(go)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert saver.stdout.readline().strip() == "ready", saver.stderr.read()
        database = url.removeprefix("sqlite:///")
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, database], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout.readline().strip() == "held"
            go.touch()
            out, err = saver.communicate(timeout=60)
        finally:
            holder.kill()
            holder.wait()
        assert saver.returncode == 0, err
        answer = json.loads(out.strip().splitlines()[-1])
        assert answer["status"] == 200  # the form again, not a 500
        assert "kept the database busy, so nothing of this was saved" in answer["body"]
        assert "Typed while the database was held" in answer["body"]  # nothing typed is lost
        described = manage(
            env,
            "shell",
            "-c",
            "from policies.models import Theme; "
            "print(Theme.objects.order_by('pk').first().description)",
        )
        assert "Typed while" not in described.stdout
