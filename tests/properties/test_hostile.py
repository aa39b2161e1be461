"""Hostile and odd input found in review: each once gave a 500, a leak or a wrong answer."""

import io
import json
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from policies.data_io.loads import records_import
from policies.data_io.readers import ImportFileError
from policies.models import Indicator, Observation, Source, Statement, Target
from tests.factories import ObservationFactory, PlanFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/statements/?page=%C2%B2", "/plans/?page=%C2%B2", "/targets/?page=%C2%B2"]
)
def test_unicode_digits_are_not_a_page_number(seeded, client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "There is no page" in response.content.decode()


def test_unicode_digits_are_not_a_page_size(seeded, client):
    assert client.get("/api/v1/statements/?page_size=%C2%B2").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/statements/?sector=%00",
        "/?theme=%00",
        "/api/v1/statements/?actor=%00",
        "/export/plans.csv?plan=%00",
        "/feeds/statements.atom?sector=a%00b",
    ],
)
def test_nul_in_a_filter_is_a_clear_400(seeded, client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize("url", ["/api/v1/plans/%00/", "/api/v1/sectors/a%00/"])
def test_nul_in_an_api_slug_is_not_found(seeded, client, url):
    assert client.get(url).status_code == 404


def test_an_empty_sector_value_is_no_filter(seeded, client):
    response = client.get("/statements/?sector=&sector=6g")
    assert response.context["page"].paginator.count == 1
    assert client.get("/statements/?sector=").context["page"].paginator.count == 8


def test_deeply_nested_json_is_refused(seeded):
    with pytest.raises(ImportFileError, match="nested too deeply"):
        records_import(name="statements.json", data=b"[" * 100_000 + b"]" * 100_000)


def test_values_that_are_not_single_values_are_refused(seeded):
    record = {"slug": "x", "name": {"nested": 1}, "kind": "person", "jurisdiction": "CN"}
    with pytest.raises(ImportFileError) as error:
        records_import(name="actors.json", data=json.dumps([record]).encode())
    assert "column name: expected a single value" in error.value.errors[0]
    record = {"slug": "x", "name": "X", "kind": "person", "jurisdiction": True}
    with pytest.raises(ImportFileError, match="column jurisdiction: expected a single value"):
        records_import(name="actors.json", data=json.dumps([record]).encode())


@pytest.mark.parametrize("character", ["\x00", "\x0b"])
def test_control_characters_in_a_cell_are_refused(seeded, character):
    data = f"slug,name,kind,jurisdiction\nx,A{character}B,person,CN\n".encode()
    with pytest.raises(ImportFileError, match="row 2, column name: contains a control character"):
        records_import(name="actors.csv", data=data)


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_formula_is_refused_by_row_and_column(seeded):
    data = xlsx([["slug", "name", "kind", "jurisdiction"], ["x", '=UPPER("a")', "person", "CN"]])
    with pytest.raises(ImportFileError, match=r"row 2, column name: holds a formula"):
        records_import(name="actors.xlsx", data=data)


def test_an_xlsx_with_broken_xml_is_refused(seeded):
    good = xlsx([["slug"], ["x"]])
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    with pytest.raises(ImportFileError, match="not an XLSX workbook"):
        records_import(name="actors.xlsx", data=broken.getvalue())


def test_a_control_character_in_stored_text_does_not_break_the_feed(seeded, client):
    Statement.objects.filter(slug="xi-big-but-not-strong").update(headline="Big\x0bbut not strong")
    response = client.get("/feeds/statements.atom")
    assert response.status_code == 200
    ET.fromstring(response.content)  # noqa: S314 (our own feed)
    assert b"Bigbut not strong" in response.content


def test_links_to_draft_plans_stay_hidden(seeded, client):
    draft_plan = PlanFactory(status="draft", slug="secret-plan", title_en="SECRET PLAN")
    # On a public indicator (indicators have pages of their own, listing every plan's
    # targets): the draft's target and its plan are what must not show there.
    indicator = Indicator.objects.get(slug="core-digital-share")
    secret_target = TargetFactory(
        plan=draft_plan, indicator=indicator, slug="secret-target", notes="SECRET NOTE"
    )
    published = Target.objects.get(plan__slug="14th-fyp-digital-economy", slug="ipv6-active-users")
    published.supersedes = secret_target
    published.save()
    statement = Statement.objects.get(slug="xi-big-but-not-strong")
    statement.plans.add(draft_plan)
    statement.targets.add(secret_target)
    for url in [
        published.get_absolute_url(),
        statement.get_absolute_url(),
        "/export/statements.csv",
        "/export/statements.json",
        "/export/targets.csv",
        "/api/v1/statements/",
        f"/api/v1/statements/{statement.pk}/",
        "/api/v1/targets/",
        indicator.get_absolute_url(),
        "/indicators/",
        f"/api/v1/indicators/{indicator.slug}/",
        f"/export/targets.csv?indicator={indicator.slug}",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"secret-" not in body.lower(), url
        assert b"SECRET" not in body, url


def test_plan_page_query_count_does_not_grow_with_observations(seeded, client):
    url = "/plans/14th-fyp-digital-economy/"
    # Each count starts from an empty cache, so both include what the cache would save.
    cache.clear()
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    for indicator in Indicator.objects.filter(targets__plan__slug="14th-fyp-digital-economy"):
        for period in ["2021-03", "2022-03", "2023-03", "2024-03", "2025-03"]:
            ObservationFactory(
                indicator=indicator, period=period, value=Decimal("9"), source=report
            )
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_two_sources_for_one_year_round_trip(seeded, client):
    Observation.objects.create(
        indicator=Indicator.objects.get(slug="core-digital-share"),
        period="2023",
        value=Decimal("9.8"),
        verified=False,
        source=Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01"),
    )
    first = b"".join(client.get("/export/observations.csv").streaming_content)
    Observation.objects.all().delete()
    records_import(name="observations.csv", data=first)
    assert b"".join(client.get("/export/observations.csv").streaming_content) == first


def test_text_that_starts_with_a_quote_round_trips(seeded, client):
    Source.objects.filter(slug="nbs-economic-census-5-digital-core-industries-2023").update(
        notes="'=not a formula"
    )
    first = b"".join(client.get("/export/sources.csv").streaming_content)
    report = records_import(name="sources.csv", data=first)
    assert report.counts["sources"]["unchanged"] == Source.objects.count()
