"""The app in processes of its own: manage.py commands and gunicorn, each with a production
environment and a database of its own (a SQLite file under the test's tmp_path unless a test
names another), so they never touch the test database and run in any pytest-xdist worker."""

import contextlib
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse

import pytest
from django.conf import settings
from django.db import connection

ROOT = settings.BASE_DIR
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        **extra,
    }


@contextlib.contextmanager
def own_database(tmp_path):
    """The URL of an empty database of the test's own, of the suite's kind: a SQLite file
    under ``tmp_path``, or a new database on the suite's PostgreSQL server, dropped after."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    import psycopg

    db = settings.DATABASES["default"]
    server = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or "",
    }
    name = f"own_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{server['password']}" if server["password"] else ""
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(env: dict[str, str], tmp_path, *, workers: int = 1):
    """gunicorn on a free port with ``env``, once it answers /healthz (any status); its URL."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [GUNICORN, "tracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    # Probed over plain HTTP, as a load balancer does: not redirected.
                    fetch(base + "/healthz", Host="127.0.0.1")
                    break
                except ConnectionError:
                    time.sleep(0.1)  # not listening yet
            else:
                pytest.fail("gunicorn did not answer within 10 s:\n" + log_path.read_text())
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)


def fetch(url: str, **headers: str) -> http.client.HTTPResponse:
    """One request, its redirects not followed; the body is read."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response
