"""More GET parameters than Django reads answer like a refused filter: a page that says what
to change, or the API's JSON error document, never Django's bare "Bad Request (400)"."""

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

pytestmark = pytest.mark.django_db

MESSAGE = (
    "This address has more than 1,000 parameters, more than the tracker reads. "
    "Remove some filters (each value chosen counts as one) and try again."
)


def too_many() -> dict[str, list[str]]:
    """One parameter more than Django reads, as a long shared link carries them."""
    return {"sector": [f"s{n}" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)]}


def test_the_limit_is_djangos_own():
    # The message names 1,000: the limit must be the one Django enforces.
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000


PAGES = [
    reverse("policies:dashboard"),
    reverse("policies:statement_list"),
    reverse("policies:target_list"),
    reverse("policies:sector_detail", args=["6g"]),
    reverse("policies:statement_detail", args=["any-slug"]),
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_in_the_site_layout_with_what_to_change(
    client, django_assert_num_queries, path
):
    # Answered before any view runs: no filter is read, no query made.
    with django_assert_num_queries(0):
        response = client.get(path, too_many())
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.templates[0].name == "policies/too_many_parameters.html"
    page = response.content.decode()
    assert 'class="site-header"' in page  # the site's layout, not Django's bare page
    assert "Bad Request (400)" not in page
    # The box a refused filter shows, and the way out of it.
    assert '<div class="errors" role="alert">' in page
    assert "Some filters could not be applied, so nothing is shown:" in page
    assert f"<li>{MESSAGE}</li>" in page
    assert f'<a href="{path}">Clear all filters</a>' in page
    # Like every response: the Content-Security-Policy is still sent.
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_french_page_answers_in_french(client):
    response = client.get("/fr/statements/", too_many())
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert '<a href="/fr/statements/">' in page
    # The number as French writes it (the sentence itself is translated in the .po files).
    assert "1\u00a0000" in page


MACHINE_READABLE = [
    reverse("policies:export", args=["statements", "csv"]),
    reverse("policies:export", args=["targets", "json"]),
    "/fr/export/plans.csv",
    reverse("feeds:statements"),
    reverse("feeds:targets"),
    "/api/v1/statements/",
    "/api/v1/themes/",
    "/api/v1/",
]


@pytest.mark.parametrize("path", MACHINE_READABLE)
def test_the_api_exports_and_feeds_answer_the_json_error_document(client, path):
    response = client.get(path, too_many())
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "errors"}
    # The document a malformed filter gets (tests/api/test_api.py), for no one parameter.
    if path.startswith("/fr/"):
        assert body["detail"].startswith("Certains filtres")
        assert list(body["errors"]) == ["__all__"]
    else:
        assert body == {
            "detail": "Some filters could not be applied.",
            "errors": {"__all__": [MESSAGE]},
        }


def test_one_parameter_fewer_is_read_by_the_filters(seeded, client):
    """At the limit, the filters read the parameters and refuse them for their own reason."""
    many = {"sector": [f"s{n}" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)]}
    response = client.get(reverse("policies:statement_list"), many)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose at most 50 values." in page
    assert MESSAGE not in page
    api = client.get("/api/v1/statements/", many)
    assert api.status_code == 400
    assert api.json()["errors"] == {"sector": ["Choose at most 50 values."]}


def test_a_refused_host_still_gets_djangos_plain_400(client):
    """The page above is drawn by the middleware, not as 400.html: Django would draw that for
    a host not in ALLOWED_HOSTS too, and the site's layout cannot be drawn for one."""
    response: HttpResponse = client.get("/statements/", HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
