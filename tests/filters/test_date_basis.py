"""``date_basis``: statements dated by publication (the default) or by when they were said.

Six of Xi's statements in the seeds were delivered on 2021-10-18 and published on
2022-01-15; the State Council's two have no delivery date and were published on 2022-01-12.
Every surface that takes the statements' filters is asked over HTTP (the test client).
"""

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from policies import selectors
from policies.filters import DateBasis, select
from policies.models import Plan, Sector, Statement
from tests.factories import StatementFactory, grow_dataset

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DELIVERED_2021 = {
    "xi-focus-on-key-fields",
    "xi-world-class-digital-industry-clusters",
    "xi-big-but-not-strong",
    "xi-prevent-monopolies-and-disorderly-capital",
    "xi-unhealthy-tendencies-threaten-security",
    "xi-early-warning-and-security-system",
}
STATE_COUNCIL = {"state-council-raise-digital-share-of-gdp", "state-council-plan-challenges"}
YEAR_2021 = "date_after=2021-01-01&date_before=2021-12-31"
DELIVERED = f"date_basis=delivered&{YEAR_2021}"
BY_PUBLICATION = "Statements are dated by publication."
BY_DELIVERY = (
    "Statements are dated by when they were said (the delivery date; the publication date "
    "where there is none). Plans and targets keep their own dates."
)
REFUSED = {
    "detail": "Some filters could not be applied.",
    "errors": {
        "date_basis": ["Select a valid choice. someday is not one of the available choices."]
    },
}


def dashboard_counts(client, query: str = "") -> dict[str, int]:
    """The dashboard's three totals, as the page shows them."""
    response = client.get("/?" + query)
    assert response.status_code == 200
    found = re.findall(r"<p><strong>(\d+)</strong> (\w+)</p>", response.content.decode())
    return {kind: int(n) for n, kind in found}


def listed(client, query: str) -> set[str]:
    """The slugs of the statements /statements/ lists (one page holds all of the seeds)."""
    response = client.get("/statements/?" + query)
    assert response.status_code == 200
    links = re.findall(r'<h3><a href="/statements/([^/]+)/">', response.content.decode())
    # A statement's link is by id, or by slug (its canonical address).
    slugs = {str(pk): slug for pk, slug in Statement.objects.values_list("pk", "slug")}
    return {slugs.get(link, link) for link in links}


def test_default_basis_is_publication(seeded, client):
    assert dashboard_counts(client, YEAR_2021)["statements"] == 0
    assert listed(client, YEAR_2021) == set()
    assert dashboard_counts(client, "date_basis=published&" + YEAR_2021)["statements"] == 0
    assert select(QueryDict(YEAR_2021), surface="statements").date_basis == DateBasis.PUBLISHED
    page = client.get("/").content.decode()
    assert BY_PUBLICATION in page
    assert BY_DELIVERY not in page


def test_delivered_finds_xis_2021_statements_on_the_dashboard(seeded, client):
    published = dashboard_counts(client, YEAR_2021)
    # The plans of 2021 (a Government Work Report, the dual-gigabit plan) and their targets
    # keep their own dates under either basis.
    plans_of_2021 = Plan.objects.published().filter(published_on__year=2021)
    assert published["plans"] == plans_of_2021.count() > 0
    assert dashboard_counts(client, DELIVERED) == {
        "statements": 6,
        "plans": published["plans"],
        "targets": published["targets"],
    }
    page = client.get("/?" + DELIVERED).content.decode()
    assert BY_DELIVERY in page
    assert BY_PUBLICATION not in page
    # The form says which basis it applied.
    assert '<option value="delivered" selected>' in page


def test_plans_and_targets_keep_their_own_dates(seeded, client):
    year_2022 = "date_after=2022-01-01&date_before=2022-12-31"
    published = dashboard_counts(client, year_2022)
    delivered = dashboard_counts(client, "date_basis=delivered&" + year_2022)
    assert published["statements"] == 8
    assert delivered["statements"] == 2  # Xi's six were said in 2021
    plans_of_2022 = Plan.objects.published().filter(published_on__year=2022)
    assert delivered["plans"] == published["plans"] == plans_of_2022.count() > 0
    assert delivered["targets"] == published["targets"] > 0


def test_the_timeline_counts_statements_in_the_month_they_were_said(seeded):
    def periods(query: str) -> set[datetime.date]:
        figures = selectors.dashboard_figures(
            selection=select(QueryDict(query), surface="dashboard")
        )
        return {row["period"] for row in figures.timeline}

    assert periods(YEAR_2021) == set()
    assert periods(DELIVERED) == {datetime.date(2021, 10, 1)}
    assert periods("date_basis=delivered") == {
        datetime.date(2021, 10, 1),
        datetime.date(2022, 1, 1),
    }
    assert periods("") == {datetime.date(2022, 1, 1)}


def test_the_rollups_answer_the_publication_basis_only(seeded):
    six_g = Sector.objects.get(slug="6g")
    assert select(QueryDict(""), surface="dashboard").scope == ""
    assert select(QueryDict("date_basis=published"), surface="dashboard").scope == ""
    scoped = select(QueryDict("date_basis=published&sector=6g"), surface="dashboard")
    assert scoped.scope == f"s{six_g.pk}"
    # The rollups are keyed by publication month: under delivery dates only live queries.
    assert select(QueryDict("date_basis=delivered"), surface="dashboard").scope is None
    assert select(QueryDict("date_basis=delivered&sector=6g"), surface="dashboard").scope is None


def test_delivered_on_the_list_export_feed_and_api(seeded, client):
    assert listed(client, DELIVERED) == DELIVERED_2021
    page = client.get("/statements/?" + DELIVERED).content.decode()
    assert "6 statements" in page
    assert "Statements are dated by when they were said" in page

    response = client.get("/export/statements.csv?" + DELIVERED)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {row["slug"] for row in rows} == DELIVERED_2021

    response = client.get("/feeds/statements.atom?" + DELIVERED)
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    assert len(feed.findall(f"{ATOM}entry")) == 6

    response = client.get("/api/v1/statements/?" + DELIVERED)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert {record["slug"] for record in body["results"]} == DELIVERED_2021


def test_a_statement_without_a_delivery_date_counts_by_its_publication(seeded, client):
    day = "date_after=2022-01-12&date_before=2022-01-12"
    assert listed(client, "date_basis=delivered&" + day) == STATE_COUNCIL
    assert client.get("/api/v1/statements/?date_basis=delivered&" + day).json()["count"] == 2
    StatementFactory(slug="said-when-published", published_on=datetime.date(2021, 3, 1))
    assert listed(client, DELIVERED) == DELIVERED_2021 | {"said-when-published"}
    assert listed(client, YEAR_2021) == {"said-when-published"}


@pytest.mark.parametrize("path", ["/", "/statements/", "/sectors/digital-economy/"])
def test_an_unknown_basis_gets_the_400_page(seeded, client, path):
    response = client.get(path + "?date_basis=someday&" + YEAR_2021)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Some filters could not be applied, so nothing is shown" in page
    assert "Select a valid choice. someday is not one of the available choices." in page


@pytest.mark.parametrize(
    "path", ["/api/v1/statements/", "/export/statements.csv", "/feeds/statements.atom"]
)
def test_an_unknown_basis_gets_the_json_error_document(seeded, client, path):
    response = client.get(path + "?date_basis=someday")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == REFUSED


def test_the_schema_lists_the_basis_for_statements_only(seeded, client):
    schema = client.get("/api/v1/schema/?format=json").json()

    def parameters(path: str) -> dict[str, dict]:
        return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}

    basis = parameters("/api/v1/statements/")["date_basis"]
    assert basis["schema"]["type"] == "string"
    assert set(basis["schema"]["enum"]) == {"published", "delivered"}
    for path in ("/api/v1/plans/", "/api/v1/targets/", "/api/v1/observations/"):
        assert "date_basis" not in parameters(path)
    # Where statements are not listed it is a parameter the endpoint does not take, refused
    # like any other.
    response = client.get("/api/v1/plans/?date_basis=delivered")
    assert response.status_code == 400
    (message,) = response.json()["errors"]["date_basis"]
    assert message.startswith("Unknown parameter; this endpoint takes:")


def test_the_form_offers_the_basis_where_statements_are_listed(seeded, client):
    for path in ("/", "/statements/"):
        assert 'name="date_basis"' in client.get(path).content.decode(), path
    for path in ("/plans/", "/targets/"):
        assert 'name="date_basis"' not in client.get(path).content.decode(), path


# What a dashboard with dates costs under the publication basis too, counted on the seeds
# and on more: themes and sectors 2; statements live, not from the rollups
# (``rollups.live_counts``: by month, by month and theme, by theme and sector, by sector,
# in one query); plans' span, count, coverage and timeline 4; target count and coverage 2;
# target rows 2 (the targets, and their indicators' counted figures, ``with_series``);
# latest statements 2; the facets 7: the sector tree and its parents' subtree counts 2
# (each sector's own count, and each theme's, from the statements' counts above: no filter
# of theirs is chosen), themes named 1, actors counted and named 2, plans 1, kinds 1. On
# PostgreSQL, each of the 4 live facet counts runs in a savepoint of its own under its time
# limit (SAVEPOINT, SET LOCAL statement_timeout, ROLLBACK TO, RELEASE: 4 more each, in the
# test's transaction).
DELIVERED_DASHBOARD_QUERIES = 20 + (4 * 4 if connection.vendor == "postgresql" else 0)


def test_the_delivered_dashboard_keeps_its_query_budget(seeded, client, django_assert_num_queries):
    with django_assert_num_queries(DELIVERED_DASHBOARD_QUERIES):
        assert client.get("/?" + DELIVERED).status_code == 200
    grow_dataset(10)
    cache.clear()  # the writes commit only when the test ends, which is what empties it
    with django_assert_num_queries(DELIVERED_DASHBOARD_QUERIES):
        assert client.get("/?" + DELIVERED).status_code == 200


def test_naming_the_default_basis_costs_what_the_default_costs(seeded, client):
    """``?date_basis=published`` is still answered by the rollups, as the bare page is."""
    costs = []
    for url in ("/", "/?date_basis=published"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        costs.append(len(queries))
    assert costs[0] == costs[1] < DELIVERED_DASHBOARD_QUERIES
