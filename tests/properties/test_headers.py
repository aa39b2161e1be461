"""Security headers on every kind of response, with the production settings' values."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from policies.models import Statement
from tests.test_settings import STRONG_KEY, start

pytestmark = pytest.mark.django_db

HTTPS_SETTINGS = [
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]


@pytest.fixture(scope="module")
def production():
    """The HTTPS settings exactly as production mode computes them, from a fresh process."""
    values = ", ".join(f"{name!r}: getattr(settings, {name!r}, None)" for name in HTTPS_SETTINGS)
    probe = f"from django.conf import settings; import json; print(json.dumps({{{values}}}))"
    result = start(
        {"DJANGO_SECRET_KEY": STRONG_KEY, "DJANGO_ALLOWED_HOSTS": "example.org"}, probe=probe
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def urls() -> list[str]:
    statement = Statement.objects.published().first()
    return [
        "/",
        "/statements/",
        statement.get_absolute_url(),
        # An old id address: a permanent redirect carries the headers too.
        f"/statements/{statement.pk}/",
        "/export/statements.csv",
        "/api/v1/statements/",
        "/api/v1/docs/",
        "/feeds/statements.atom",
        "/themes.css",
        "/healthz",
        "/admin/login/",
        "/admin/policies/statement/",
        "/admin/policies/target/queue/",
        "/no-such-page/",
    ]


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.parametrize("who", ["reader", "administrator"])
def test_every_response_carries_the_headers(seeded, client, admin_user, production, who):
    assert production["SECURE_HSTS_SECONDS"] == 31_536_000
    if who == "administrator":
        client.force_login(admin_user)
    with override_settings(**production):
        for url in urls():
            response = client.get(url, secure=True)
            assert response.status_code in {200, 301, 302, 404}, url
            policy = directives(response["Content-Security-Policy"])
            assert policy["script-src"] == ["'self'"], url
            assert policy["object-src"] == ["'none'"], url
            assert policy["base-uri"] == ["'none'"], url
            assert policy["frame-ancestors"] == ["'none'"], url
            # Nothing unsafe but style attributes (which plotly.js sets; see settings.py).
            unsafe = {
                name for name, values in policy.items() if any("unsafe" in v for v in values)
            }
            assert unsafe <= {"style-src-attr"}, url
            assert policy["style-src-elem"] == ["'self'"], url
            assert response["Strict-Transport-Security"] == (
                "max-age=31536000; includeSubDomains; preload"
            ), url
            assert response["X-Content-Type-Options"] == "nosniff", url
            assert response["Referrer-Policy"] == "same-origin", url
            assert response["X-Frame-Options"] == "DENY", url


def test_plain_http_is_sent_to_https_in_production(seeded, client, production):
    with override_settings(**production):
        response = client.get("/statements/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/statements/"


def test_cookies_are_secure_http_only_and_same_site(seeded, client, admin_user, production):
    with override_settings(**production):
        page = client.get("/admin/login/", secure=True)
        csrf = page.cookies["csrftoken"]
        login = client.post(
            "/admin/login/",
            {
                "username": admin_user.username,
                "password": "password",
                "csrfmiddlewaretoken": page.context["csrf_token"],
            },
            secure=True,
        )
    assert login.status_code == 302
    session = login.cookies["sessionid"]
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


def test_theme_colours_are_a_stylesheet_that_cannot_be_escaped(seeded, client):
    from policies.models import Theme

    # A slug written straight to the database, past validation, is left out.
    Theme.objects.filter(slug="security").update(slug='x"] { } body { display: none')
    css = client.get(reverse("policies:theme_styles")).content.decode()
    assert '[data-theme="governance"] { --tag: #' in css
    assert "display: none" not in css
    assert len(css.splitlines()) == Theme.objects.count()  # the swatch rule, and one less
