"""Production serving over real HTTP: gunicorn, whitenoise and the deploy checks."""

import re
import subprocess

import pytest

from tests.processes import GUNICORN, ROOT, fetch, free_port, manage, production_env, serving
from tests.test_settings import STRONG_KEY


def test_deploy_checks_pass_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


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


@pytest.mark.server
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


@pytest.mark.server
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


@pytest.mark.server
def test_the_api_rate_is_counted_once_for_every_worker_in_redis(tmp_path):
    # The machine's Redis (CI starts it too), in a database of the suite's own.
    import redis

    url = "redis://127.0.0.1:6379/15"
    store = redis.Redis.from_url(url)
    store.flushdb()
    env = production_env(
        tmp_path, DJANGO_HTTPS="0", REDIS_URL=url, DJANGO_API_ANON_RATE="6/minute"
    )
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        done = manage(env, *command)
        assert done.returncode == 0, done.stderr
    with serving(env, tmp_path, workers=2) as base:
        statuses = [fetch(base + "/api/v1/themes/", Host="127.0.0.1") for _ in range(12)]
    assert [r.status for r in statuses] == [200] * 6 + [429] * 6
    assert int(statuses[-1].headers["Retry-After"]) > 0
    assert b"throttled" in statuses[-1].body
    # The count lives in Redis, where both workers read and write it.
    assert list(store.scan_iter("*throttle_anon*")), "no count in Redis"
    store.flushdb()
