"""Production serving over real HTTP: gunicorn, whitenoise and the deploy checks."""

import contextlib
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse

import pytest
from django.conf import settings

from tests.test_settings import STRONG_KEY

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


def test_deploy_checks_pass_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@contextlib.contextmanager
def serving(env: dict[str, str], tmp_path):
    """gunicorn on a free port with ``env``, once it answers /healthz (any status); its URL."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [GUNICORN, "tracker.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
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


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn serving a migrated, empty database and collected static files."""
    env = production_env(tmp_path)
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v", "0"]):
        done = manage(env, *command)
        assert done.returncode == 0, done.stderr
    with serving(env, tmp_path) as base:
        assert fetch(base + "/healthz", Host="127.0.0.1").status == 200
        yield base


def fetch(url: str, **headers: str) -> http.client.HTTPResponse:
    """One request, its redirects not followed; the body is read."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_gunicorn_serves_pages_and_compressed_static_files(gunicorn):
    # Behind a TLS proxy, as in production: the proxy says the request came over HTTPS.
    proxied = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    health = fetch(gunicorn + "/healthz", **proxied)
    assert health.status == 200
    assert health.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    page = fetch(gunicorn + "/", **proxied)
    assert page.status == 200
    html = page.body.decode()
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    # Static files have hashed names, come compressed and may be cached for ever.
    css = re.search(r'href="(/static/css/tracker\.[0-9a-f]+\.css)"', html).group(1)
    static = fetch(gunicorn + css, **proxied, **{"Accept-Encoding": "gzip"})
    assert static.status == 200
    assert static.headers["Content-Encoding"] == "gzip"
    assert "immutable" in static.headers["Cache-Control"]
    assert "max-age=315360000" in static.headers["Cache-Control"]
    # Plain HTTP is sent to HTTPS.
    plain = fetch(gunicorn + "/statements/", Host="127.0.0.1")
    assert plain.status == 301
    assert plain.headers["Location"] == "https://127.0.0.1/statements/"


def test_gunicorn_refuses_to_start_with_a_weak_key(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY="changeme")
    result = subprocess.run(
        [GUNICORN, "tracker.wsgi", "--bind", f"127.0.0.1:{free_port()}", "--workers", "1"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr
    assert STRONG_KEY not in result.stderr  # no key is ever printed
