"""Long filtered links through real gunicorn, with the project's gunicorn.conf.py: up to
8,190 bytes of request line Django answers them; beyond, gunicorn's own error (README)."""

import http.client
import urllib.parse

import pytest

from tests.processes import manage, production_env, serving

pytestmark = pytest.mark.server

GUNICORN_DEFAULT_LINE = 4094  # gunicorn's limit_request_line without gunicorn.conf.py
LINE_LIMIT = 8190  # gunicorn.conf.py's, gunicorn's most


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn over plain HTTP, as tests/processes.py starts it (from the project's root,
    where it reads gunicorn.conf.py), on a migrated, empty database."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    env = production_env(tmp_path, DJANGO_HTTPS="0")
    for command in (
        ["migrate", "--noinput", "-v", "0"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        done = manage(env, *command)
        assert done.returncode == 0, done.stderr
    with serving(env, tmp_path) as base:
        yield urllib.parse.urlsplit(base).port


def get(port: int, target: str) -> tuple[int, str, str]:
    """GET ``target`` (path and query, sent as they are): status, content type, body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", target, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read().decode()
    finally:
        connection.close()


def request_line(target: str) -> int:
    return len(f"GET {target} HTTP/1.1")


def test_a_long_filtered_link_is_answered_by_the_app(gunicorn):
    # 300 sectors: about 6,000 bytes, past gunicorn's default limit, within the project's.
    target = "/statements/?" + "&".join(f"sector=sector-{n:05d}" for n in range(300))
    assert GUNICORN_DEFAULT_LINE < request_line(target) < LINE_LIMIT
    status, content_type, body = get(gunicorn, target)
    assert "Request Line is too large" not in body
    # Django's answer: the list page, saying how many values a filter takes.
    assert status == 400
    assert content_type == "text/html; charset=utf-8"
    assert "Some filters could not be applied, so nothing is shown:" in body
    assert "Choose at most 50 values." in body


def test_more_than_1000_parameters_answer_the_apis_error_document(gunicorn):
    target = "/api/v1/statements/?" + "&".join(f"s={n}" for n in range(1001))
    assert GUNICORN_DEFAULT_LINE < request_line(target) < LINE_LIMIT
    status, content_type, body = get(gunicorn, target)
    assert status == 400
    assert content_type == "application/json"
    assert '"errors": {"__all__": ["This address has more than 1,000 parameters' in body


def test_a_request_line_beyond_the_limit_gets_gunicorns_own_400(gunicorn):
    target = "/statements/?q=" + "x" * LINE_LIMIT
    status, _, body = get(gunicorn, target)
    # 414 URI Too Long from the gunicorn installed here; gunicorns before it answered 400.
    assert status in (400, 414)
    assert "Request Line is too large" in body
    # The server is still serving.
    assert get(gunicorn, "/healthz")[0] == 200
