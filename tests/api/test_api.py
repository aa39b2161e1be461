"""The read-only API over real HTTP: published records, shared filters, 400s that explain."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from policies.models import Plan, Source, Statement
from tests.factories import PlanFactory, StatementFactory, grow_dataset

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "statements",
    "plans",
    "targets",
    "observations",
    "sources",
    "actors",
    "themes",
    "sectors",
]


@pytest.fixture
def http(live_server):
    """Requests over a real socket to Django's live server (no test client shortcuts)."""
    import urllib.error
    import urllib.request

    def request(path: str, method: str = "GET") -> tuple[int, dict | str, dict]:
        req = urllib.request.Request(
            live_server.url + path, method=method, headers={"Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                body = response.read().decode()
                status, headers = response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            body = error.read().decode()
            status, headers = error.code, dict(error.headers)
        try:
            return status, json.loads(body), headers
        except json.JSONDecodeError:
            return status, body, headers

    return request


@pytest.fixture
def live_seeded(transactional_db, seeded):
    """The seeds, committed where the live server's thread reads them (tests/conftest.py)."""


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_lists_and_details(live_seeded, http, endpoint):
    status, body, headers = http(f"/api/v1/{endpoint}/")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert body["count"] == len(body["results"]) > 0
    first = body["results"][0]
    lookup = (
        first.get("slug") if endpoint in {"plans", "actors", "themes", "sectors"} else first["id"]
    )
    status, detail, _ = http(f"/api/v1/{endpoint}/{lookup}/")
    assert status == 200
    assert detail == first


def test_statement_carries_its_citation_and_lineage(live_seeded, http):
    _, body, _ = http("/api/v1/statements/?sector=6g")
    (statement,) = body["results"]
    assert statement["slug"] == "state-council-raise-digital-share-of-gdp"
    assert statement["source"] == "fr-report-xi-qiushi-digital-economy-2022-01"
    assert statement["paragraph"] == 7
    assert statement["citation"].endswith(
        f"/sources/{Source.objects.get(slug=statement['source']).pk}/#p7"
    )
    assert statement["targets"] == ["14th-fyp-digital-economy/core-industries-share-of-gdp"]
    assert statement["language"] == "fr"


def test_target_status_is_computed(live_seeded, http):
    _, body, _ = http("/api/v1/targets/?q=core")
    (target,) = body["results"]
    assert target["status"] == "on_track"
    assert target["latest_verified_value"] == "9.9000"
    assert target["latest_verified_year"] == 2023
    assert target["progress"] == pytest.approx(0.9545, abs=1e-4)


def test_filters_are_the_dashboards(live_seeded, http):
    assert http("/api/v1/statements/?actor=xi-jinping")[1]["count"] == 6
    assert http("/api/v1/statements/?theme=security&theme=governance")[1]["count"] == 4
    assert http("/api/v1/statements/?date_before=2022-01-12")[1]["count"] == 2
    assert http("/api/v1/plans/?kind=five_year_plan")[1]["count"] == 1
    assert http("/api/v1/targets/?sector=digital-infrastructure")[1]["count"] == 2


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/api/v1/statements/?sector=atlantis", "sector", "Unknown sector: “atlantis”."),
        ("/api/v1/statements/?date_after=2022-13-45", "date_after", "Enter a valid date."),
        (
            "/api/v1/plans/?kind=sonnet",
            "kind",
            "Select a valid choice. sonnet is not one of the available choices.",
        ),
        ("/api/v1/statements/?page=999", "page", "Invalid page."),
        ("/api/v1/statements/?page=abc", "page", "Invalid page."),
        (
            "/api/v1/statements/?page_size=100000",
            "page_size",
            "Give a whole number from 1 to 500.",
        ),
    ],
)
def test_malformed_values_answer_400_in_json(live_seeded, http, path, field, message):
    status, body, headers = http(path)
    assert status == 400
    assert headers["Content-Type"] == "application/json"
    assert body == {"detail": "Some filters could not be applied.", "errors": {field: [message]}}


def test_unknown_parameters_answer_400(live_seeded, http):
    status, body, _ = http("/api/v1/statements/?sectr=6g&colour=red")
    assert status == 400
    assert set(body["errors"]) == {"sectr", "colour"}
    (message,) = body["errors"]["sectr"]
    assert message.startswith("Unknown parameter; this endpoint takes: actor, date_after,")
    assert "sector" in message
    status, body, _ = http("/api/v1/themes/?sector=6g")
    assert status == 400
    assert body["errors"] == {
        "sector": ["Unknown parameter; this endpoint takes: format, page, page_size."]
    }


def test_every_surface_refuses_a_filter_in_the_same_words(live_seeded, http):
    """The API, the exports and the feeds answer one malformed filter with one document."""
    expected = {
        "detail": "Some filters could not be applied.",
        "errors": {"sector": ["Unknown sector: “atlantis”."]},
    }
    for path in (
        "/api/v1/statements/?sector=atlantis",
        "/export/statements.csv?sector=atlantis",
        "/export/observations.json?sector=atlantis",
        "/feeds/statements.atom?sector=atlantis",
        "/feeds/targets.atom?sector=atlantis",
    ):
        status, body, headers = http(path)
        assert (status, headers["Content-Type"], body) == (400, "application/json", expected), path


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_answer_405(live_seeded, http, method):
    assert http("/api/v1/statements/", method)[0] == 405
    assert http("/api/v1/plans/14th-fyp-digital-economy/", method)[0] == 405


def test_drafts_are_not_in_the_api(live_seeded, http):
    report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    draft = StatementFactory(
        status="draft", source=report, paragraph=3, excerpt="grande mais pas forte"
    )
    plan = PlanFactory(status="draft", slug="draft-plan")
    assert http(f"/api/v1/statements/{draft.pk}/")[0] == 404
    assert http("/api/v1/plans/draft-plan/")[0] == 404
    assert http("/api/v1/statements/")[1]["count"] == 8
    # Both are in the database, as drafts: the API leaves them out for that alone.
    assert Statement.objects.filter(pk=draft.pk, status="draft").exists()
    assert Plan.objects.filter(pk=plan.pk, status="draft").exists()


def test_schema_is_valid_openapi_3(live_seeded, http, tmp_path):
    status, body, _ = http("/api/v1/schema/?format=json")
    assert status == 200
    assert body["openapi"].startswith("3.")
    assert "/api/v1/statements/" in body["paths"]
    # drf-spectacular validates against the OpenAPI 3 JSON Schema; warnings fail too.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


def test_documentation_page_loads_only_local_assets(live_seeded, live_server):
    client = Client()
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page
    import re

    addresses = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert addresses
    for address in addresses:
        assert address.startswith("/"), address


def test_list_query_count_does_not_grow(seeded, django_assert_num_queries):
    client = Client()
    # count, page, then one prefetch each for themes, sectors, plans, and targets with plans
    with django_assert_num_queries(6):
        client.get("/api/v1/statements/")
    grow_dataset(10)
    with django_assert_num_queries(6):
        client.get("/api/v1/statements/")
