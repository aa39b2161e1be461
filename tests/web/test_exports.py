"""Exports: filtered, streamed, published-only for readers, safe to open in a spreadsheet."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from policies.data_io.schema import PERMALINK, RECORD_KINDS
from policies.models import Observation, Source, Statement, Target
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PlanFactory,
    SourceFactory,
    StatementFactory,
    TargetFactory,
    make_editor,
)

pytestmark = pytest.mark.django_db


def download(client, kind: str, file_format: str, **params) -> tuple[int, bytes]:
    response = client.get(reverse("policies:export", args=[kind, file_format]), params)
    if isinstance(response, StreamingHttpResponse):
        return response.status_code, b"".join(response.streaming_content)
    return response.status_code, response.content


@pytest.mark.parametrize("kind", list(RECORD_KINDS))
@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_every_kind_exports_streamed_with_the_import_columns(seeded, client, kind, file_format):
    response = client.get(reverse("policies:export", args=[kind, file_format]))
    assert response.status_code == 200
    assert response.streaming
    # Named for what it holds: the kind, no filter, and the day (tests/web/test_take_away.py).
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="{kind}-{day}.{file_format}"'
    body = b"".join(response.streaming_content).decode()
    # The importer's columns, with the read-only ones for readers beside them.
    columns = list(RECORD_KINDS[kind].exported)
    assert set(RECORD_KINDS[kind].columns) <= set(columns)
    if RECORD_KINDS[kind].permalink:
        # Records with a page carry its permanent address last; imports skip it.
        columns.append(PERMALINK)
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0] == columns
        assert len(rows) > 1
    else:
        records = json.loads(body)
        assert records
        assert list(records[0]) == columns


def test_exports_honour_the_filters(seeded, client):
    _, body = download(client, "statements", "csv", sector="electronic-information-manufacturing")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [row["slug"] for row in rows] == ["xi-focus-on-key-fields"]
    _, body = download(client, "targets", "json", sector="e-commerce")
    assert {t["slug"] for t in json.loads(body)} == {
        "online-retail-sales",
        "e-commerce-transactions",
    }
    # Observations by their indicator's sector (a sector includes its subtree).
    _, body = download(client, "observations", "json", sector="ipv6")
    ipv6 = Observation.objects.filter(indicator__sector__slug="ipv6")
    assert len(json.loads(body)) == ipv6.count() > 0
    assert {o["indicator"] for o in json.loads(body)} == set(
        ipv6.values_list("indicator__slug", flat=True)
    )
    _, body = download(client, "plans", "json", q="29号")
    assert [p["document_number"] for p in json.loads(body)] == ["国发〔2021〕29号"]


def test_bad_filters_get_a_400_with_reasons(seeded, client):
    status, body = download(client, "statements", "csv", date_after="2022-13-45", sector="zz")
    assert status == 400
    assert json.loads(body)["errors"] == {
        "sector": ["Unknown sector: “zz”."],
        "date_after": ["Enter a valid date."],
    }


def test_unknown_kind_or_format_is_404(seeded, client):
    assert client.get("/export/users.csv").status_code == 404
    assert client.get("/export/statements.xml").status_code == 404


def test_drafts_are_exported_to_editors_only(seeded, client):
    report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    StatementFactory(
        slug="secret-draft",
        status="draft",
        source=report,
        paragraph=3,
        excerpt="grande mais pas forte",
    )
    PlanFactory(slug="secret-plan", status="draft")
    for kind in ["statements", "plans"]:
        _, body = download(client, kind, "csv")
        assert b"secret-" not in body
    # A reader who asks for drafts is told why not.
    refused = client.get("/export/statements.csv", {"drafts": "1"})
    assert refused.status_code == 403
    assert "signed-in editors only" in refused.json()["detail"]
    client.force_login(make_editor(username="ed"))
    # The link beside a page holds what the page shows, for an editor too ...
    _, body = download(client, "statements", "csv")
    assert b"secret-draft" not in body
    # ... and drafts come when asked for, in a file that says so.
    response = client.get("/export/statements.csv", {"drafts": "1"})
    assert b"secret-draft" in b"".join(response.streaming_content)
    assert response["Cache-Control"] == "private, no-store"
    assert "statements-with-drafts-" in response["Content-Disposition"]


def test_formula_in_a_headline_is_neutralised_in_the_file(seeded, client):
    report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    StatementFactory(
        headline='=HYPERLINK("http://evil.example")',
        source=report,
        paragraph=3,
        excerpt="grande mais pas forte",
    )
    _, body = download(client, "statements", "csv")
    assert b"'=HYPERLINK(" in body
    assert b',"=HYPERLINK' not in body
    assert b",=HYPERLINK" not in body


def test_export_query_count_does_not_grow_with_rows(seeded, client, django_assert_num_queries):
    from tests.factories import grow_dataset

    grow_dataset(5)
    # A count (a large export waits for a slot), one query for the rows (each row's linked
    # ids are subqueries of it), and one for the keys of each many-to-many column: themes,
    # sectors, plans, targets.
    with django_assert_num_queries(6):
        download(client, "statements", "csv")
    grow_dataset(40)
    with django_assert_num_queries(6):
        download(client, "statements", "csv")


def hang_up(response) -> None:
    """Close a response unread, as the server does when the reader goes away. (Without
    the test client's request_finished, as Django's own wrapper does: it would close the
    test's database connection, in the middle of its transaction.)"""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_large_exports_past_the_per_process_limit_are_refused_until_one_ends(
    seeded, client, settings
):
    settings.EXPORTS_AT_ONCE = 2
    settings.EXPORT_SMALL_ROWS = 1  # every export of the seeds' statements counts as large
    url = reverse("policies:export", args=["statements", "csv"])
    running = [client.get(url), client.get(url)]  # streaming, not yet read
    refused = client.get(url)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(settings.EXPORT_RETRY_SECONDS)
    assert "Too many exports" in refused.json()["detail"]

    # One read to the end (the response closed) frees its slot; one abandoned unread too.
    b"".join(running[0].streaming_content)
    assert client.get(url).status_code == 200  # takes the freed slot, left unread
    hang_up(running[1])
    assert download(client, "statements", "csv")[0] == 200

    # With every slot taken, an export of no more than EXPORT_SMALL_ROWS still streams.
    held = [client.get(url), client.get(url)]
    assert client.get(url).status_code == 429
    settings.EXPORT_SMALL_ROWS = 10_000
    assert client.get(url).status_code == 200
    for response in held:
        hang_up(response)


def test_editors_exports_are_not_limited(seeded, client, settings):
    settings.EXPORTS_AT_ONCE = 1
    settings.EXPORT_SMALL_ROWS = 1  # large, as a reader's would count
    client.force_login(make_editor())
    url = reverse("policies:export", args=["statements", "csv"])
    responses = [client.get(url) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_statement_and_plan_exports_carry_slug_permalinks(seeded, client, file_format):
    for kind, slug, path in [
        ("statements", "xi-big-but-not-strong", "/statements/xi-big-but-not-strong/"),
        ("plans", "14th-fyp-digital-economy", "/plans/14th-fyp-digital-economy/"),
    ]:
        _, body = download(client, kind, file_format)
        text = body.decode()
        rows = (
            list(csv.DictReader(io.StringIO(text))) if file_format == "csv" else json.loads(text)
        )
        by_slug = {row["slug"]: row[PERMALINK] for row in rows}
        assert by_slug[slug] == f"http://testserver{path}"
        # And the address answers with the record itself, not a redirect.
        assert client.get(path).status_code == 200


def test_a_slug_a_spreadsheet_would_run_keeps_a_true_permalink(seeded, client):
    Statement.objects.filter(slug="xi-big-but-not-strong").update(slug="-dash-first")
    _, body = download(client, "statements", "csv")
    (row,) = [r for r in csv.DictReader(io.StringIO(body.decode())) if "dash" in r["slug"]]
    assert row["slug"] == "'-dash-first", "neutralised for spreadsheets"
    assert row[PERMALINK] == "http://testserver/statements/-dash-first/"


def rows_of(body: bytes, file_format: str) -> list[dict]:
    text = body.decode()
    return list(csv.DictReader(io.StringIO(text))) if file_format == "csv" else json.loads(text)


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_a_targets_indicator_is_its_slug_with_its_name_and_value_beside_it(
    db, client, file_format
):
    indicator = IndicatorFactory(
        slug="test-gigabit", name_en="Test gigabit users", unit="wan-households", kind="level"
    )
    TargetFactory(
        plan=PlanFactory(slug="test-plan"),
        slug="gigabit",
        indicator=indicator,
        value=Decimal("0.6"),
        unit="yi-households",
        baseline_value=Decimal("0.064"),
    )
    _, body = download(client, "targets", file_format, indicator="test-gigabit")
    (row,) = rows_of(body, file_format)
    columns = list(row)
    at = columns.index("indicator")
    assert columns[at : at + 6] == [
        "indicator",
        "indicator_name",
        "target_value",
        "indicator_unit",
        "value",
        "unit",
    ]
    assert (row["indicator"], row["indicator_name"]) == ("test-gigabit", "Test gigabit users")
    assert (row["target_value"], row["indicator_unit"]) == ("6000", "wan-households")
    assert (row["value"], row["unit"], row["baseline_value"]) == ("0.6", "yi-households", "0.064")
    assert set(RECORD_KINDS["targets"].skipped_on_import) == {
        "indicator_name",
        "target_value",
        "indicator_unit",
    }


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_indicators_export_with_their_permalinks(seeded, client, file_format):
    _, body = download(client, "indicators", file_format)
    rows = {row["slug"]: row for row in rows_of(body, file_format)}
    gigabit = rows["gigabit-users"]
    assert (gigabit["unit"], gigabit["kind"]) == ("wan-households", "level")
    assert gigabit[PERMALINK] == "http://testserver/indicators/gigabit-users/"
    # Reference data, exported whole: a filter of the records is no filter of the series.
    assert len(rows) == len(
        rows_of(download(client, "indicators", file_format, q="x")[1], file_format)
    )


def test_observations_export_by_indicator_with_the_value_in_its_unit(db, client):
    indicator = IndicatorFactory(slug="test-users", unit="yi-users", kind="level")
    ObservationFactory(
        indicator=indicator, period="2025-06", value=Decimal("83400"), unit="wan-users"
    )
    ObservationFactory(indicator=IndicatorFactory())
    _, body = download(client, "observations", "csv", indicator="test-users")
    (row,) = rows_of(body, "csv")
    assert (row["indicator"], row["period"]) == ("test-users", "2025-06")
    assert (row["value"], row["unit"], row["indicator_value"]) == ("83400", "wan-users", "8.34")
    assert list(row)[list(row).index("unit") + 1] == "indicator_value"


@pytest.mark.parametrize("kind", ["targets", "observations"])
def test_an_unknown_indicator_is_refused_by_the_exports(db, client, kind):
    status, body = download(client, kind, "csv", indicator="atlantis")
    assert status == 400
    assert json.loads(body)["errors"] == {"indicator": ["Unknown indicator: “atlantis”."]}


def test_observations_are_exported_whatever_plan_sets_targets_on_them(db, client):
    """Figures are public on their own: no plan needs to be published for them."""
    lonely = ObservationFactory(indicator=IndicatorFactory(slug="lonely"))
    TargetFactory(plan=PlanFactory(status="draft"), indicator=lonely.indicator)
    _, body = download(client, "observations", "json", indicator="lonely")
    assert [row["source"] for row in json.loads(body)] == [lonely.source.slug]
    _, body = download(client, "targets", "json", indicator="lonely")
    assert json.loads(body) == []  # the draft plan's target stays hidden


def grow_series(times: int) -> None:
    for _ in range(times):
        indicator = IndicatorFactory()
        TargetFactory(indicator=indicator)
        for period in ("2021", "2022-06"):
            ObservationFactory(indicator=indicator, period=period, source=SourceFactory())


@pytest.mark.parametrize("kind", ["targets", "observations", "indicators"])
def test_series_exports_cost_a_fixed_number_of_queries(
    seeded, client, django_assert_num_queries, kind
):
    # A count (a large export waits for a slot) and one query for the rows, their keys and
    # read-only columns read by joins.
    grow_series(2)
    with django_assert_num_queries(2):
        download(client, kind, "csv")
    grow_series(10)
    with django_assert_num_queries(2):
        _, body = download(client, kind, "csv")
    model = RECORD_KINDS[kind].model
    assert len(rows_of(body, "csv")) == (
        Target.objects.of_published_plans().count() if model is Target else model.objects.count()
    )
