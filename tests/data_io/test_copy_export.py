"""CSV exports written by PostgreSQL's COPY (``streaming.copied_csv``): the same bytes as the
generic path (``streaming.csv_lines`` over ``rows.iter_values``), whatever the values."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.data_io.rows import copies, iter_values
from policies.data_io.schema import RECORD_KINDS, RecordKind
from policies.data_io.streaming import (
    copied_csv,
    csv_lines,
    export_stream,
    permalink_affixes,
    permalinks,
)
from policies.filters import select
from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    PublicationStatus,
    Sector,
    Source,
    Statement,
    Theme,
)
from tests.factories import (
    ActorFactory,
    IndicatorFactory,
    ObservationFactory,
    PlanFactory,
    SectorFactory,
    SourceFactory,
    StatementFactory,
    TargetFactory,
    ThemeFactory,
)

SITE = "http://testserver"

# Cells a CSV writer or a spreadsheet treats specially, and text from beyond ASCII.
AWKWARD = [
    'He said "yes", then left',
    "line one\nline two",
    "windows\r\nline",
    "bare\rreturn",
    "=SUM(A1)",
    "+1",
    "-1",
    "@cmd",
    "\ttab first",
    "\rreturn first",
    "'quoted first",
    '"',
    ",",
    "",
    " spaces around ",
    "C:\\path\\",
    "\\.",
    "数字经济，做强做优做大",
    "café crème",
    "emoji 😀 here",
]


def both_paths(kind: RecordKind, queryset, *, published_only: bool) -> tuple[str, str]:
    """The file from the generic path, and from COPY."""
    generic = "".join(
        csv_lines(
            kind,
            iter_values(kind, queryset, published_only=published_only),
            permalink=permalinks(kind, SITE),
        )
    )
    copied = "".join(
        copied_csv(
            kind,
            queryset,
            published_only=published_only,
            permalink=permalink_affixes(kind, SITE),
        )
    )
    return generic, copied


def awkward_records() -> None:
    """Records of every kind with awkward text, empty and missing values, and links that
    readers may or may not see (draft plans, a target from a draft source)."""
    draft_source = SourceFactory(status=PublicationStatus.DRAFT)
    themes = [ThemeFactory(slug=slug) for slug in ("zeta", "Alpha", "-minus", "beta")]
    parent = SectorFactory(slug="parent-sector")
    sectors = [SectorFactory(slug="b-sector", parent=parent), SectorFactory(slug="a-sector")]
    published_plan = PlanFactory(slug="b-plan")
    draft_plan = PlanFactory(slug="a-plan", status=PublicationStatus.DRAFT)
    published_plan.co_issuers.set([ActorFactory(slug="z-actor"), ActorFactory(slug="a-actor")])
    published_plan.themes.set(themes)
    published_plan.sectors.set(sectors)
    targets = [
        TargetFactory(plan=published_plan, slug="shown"),
        TargetFactory(plan=draft_plan, slug="hidden-plan"),
        TargetFactory(plan=published_plan, slug="hidden-source", source=draft_source),
    ]
    for index, text in enumerate(AWKWARD):
        statement = StatementFactory(slug=f"awkward-{index:02d}")
        statement.themes.set(themes[: index % 5])
        statement.sectors.set(sectors[: index % 3])
        statement.plans.set([published_plan, draft_plan][: index % 3])
        statement.targets.set(targets[: index % 4])
        published_on = datetime.date(1 + index * 100, 1 + index % 12, 1 + index)
        Statement.objects.filter(pk=statement.pk).update(
            headline=text,
            headline_fr=AWKWARD[-1 - index],
            excerpt=text,
            text_en=text + text,
            venue=text,
            notes=text,
            notes_fr=AWKWARD[index // 2],
            delivered_on=None if index % 2 else published_on,
            published_on=published_on,
            status=PublicationStatus.DRAFT if index % 4 == 0 else PublicationStatus.PUBLISHED,
        )
    # A slug a spreadsheet would run: neutralised in its column, as stored in the address.
    StatementFactory(slug="-dash-first", origin=SourceFactory(slug="=origin"))
    for model in (Actor, Theme, Sector, Indicator, Plan, Source):
        first = model.objects.order_by("pk").first()
        assert first is not None
        text_fields = ("name", "title", "description", "notes", "publisher")
        fields = [f.name for f in model._meta.fields if f.name in text_fields]
        model.objects.filter(pk=first.pk).update(**dict.fromkeys(fields, AWKWARD[0]))
    Source.objects.filter(pk=draft_source.pk).update(title_descriptive=True, published_on=None)


@pytest.mark.postgres
def test_copy_is_taken_on_postgresql_for_the_kinds_whose_columns_it_writes(seeded):
    records = Statement.objects.all()
    assert copies(RECORD_KINDS["statements"], records)
    assert copies(RECORD_KINDS["plans"], Plan.objects.all())
    # Keys with several parts (a target's plan, an observation it revises) stay in Python.
    assert not copies(RECORD_KINDS["targets"], records)
    assert not copies(RECORD_KINDS["observations"], records)


@pytest.mark.sqlite
def test_sqlite_keeps_the_generic_path(seeded):
    assert not copies(RECORD_KINDS["statements"], Statement.objects.all())


@pytest.mark.postgres
@pytest.mark.parametrize(
    "kind", [name for name in RECORD_KINDS if name not in {"targets", "observations"}]
)
@pytest.mark.parametrize("published_only", [True, False])
def test_copy_writes_the_bytes_the_generic_path_writes(seeded, kind, published_only):
    awkward_records()
    record_kind = RECORD_KINDS[kind]
    queryset = select(QueryDict(), surface=kind, include_drafts=not published_only).records
    generic, copied = both_paths(record_kind, queryset, published_only=published_only)
    assert copied == generic
    assert generic.count("\r\n") > 2  # a header and records, each line ended as RFC 4180 says
    if kind == "statements":
        assert "'-dash-first," in copied  # the slug's column, neutralised
        assert "/statements/-dash-first/" in copied  # the address, from the slug as stored
        assert "'=origin" in copied
        assert "数字经济，做强做优做大" in copied
        assert "😀" in copied


@pytest.mark.postgres
@pytest.mark.parametrize(
    "query",
    [
        "q=digital+economy",
        "q=100%25+l%27%C3%A9tat",  # a percent sign and a quote, written into the COPY
        "sector=6g&date_after=2020-01-01",
        "kind=speech&kind=interview",
    ],
)
def test_filtered_exports_copy_the_same_bytes(seeded, query):
    awkward_records()
    queryset = select(QueryDict(query), surface="statements", include_drafts=False).records
    generic, copied = both_paths(RECORD_KINDS["statements"], queryset, published_only=True)
    assert copied == generic


@pytest.mark.postgres
def test_decimals_booleans_and_dates_are_written_as_python_writes_them(seeded):
    # A kind of observations whose keys have one part each, so that COPY writes it.
    kind = RecordKind(
        "observations",
        Observation,
        ("indicator", "period"),
        ("indicator", "period", "value", "indicator_value", "published_on", "verified", "note"),
        refs={"indicator": lambda key: Indicator()},
        order=("indicator__slug", "period", "pk"),
    )
    indicator = IndicatorFactory(slug="decimals")
    values = ["100", "0.0000", "-2.5000", "123456789012.3456", "0.0001", "7.8000"]
    for year, value in enumerate(values, start=2000):
        observation = ObservationFactory(indicator=indicator, period=str(year))
        Observation.objects.filter(pk=observation.pk).update(
            value=Decimal(value),
            indicator_value=Decimal(value) * 1000,
            verified=year % 2 == 0,
            published_on=datetime.date(year, 2, 28) if year % 3 == 0 else None,
            note=AWKWARD[year % len(AWKWARD)],
        )
    assert copies(kind, Observation.objects.all())
    generic, copied = both_paths(kind, Observation.objects.all(), published_only=True)
    assert copied == generic
    lines = copied.split("\r\n")
    assert 'decimals,2000,100,100000,,true,"He said ""yes"", then left"' in lines
    assert 'decimals,2001,0,0,2001-02-28,false,"line one\nline two"' in lines
    assert 'decimals,2003,123456789012.3456,123456789012345.6,,false,"bare\rreturn"' in lines
    assert "decimals,2004,0.0001,0.1,2004-02-28,true,'=SUM(A1)" in lines
    assert "decimals,2005,7.8,7800,,false,'+1" in lines


@pytest.mark.postgres
def test_the_copy_is_one_query_and_its_keys_one_each(seeded, client):
    awkward_records()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("policies:export", args=["statements", "csv"]))
        body = b"".join(response.streaming_content).decode()
    copies_run = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("COPY (")]
    assert len(copies_run) == 1
    assert "FORCE_QUOTE" in copies_run[0]
    assert body.startswith("slug,actor,kind,headline,")
    assert body.count("\r\n") > len(AWKWARD) // 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_export_the_reader_leaves_half_way_frees_the_connection():
    # As in production, outside a transaction: the driver cancels the COPY and reads what
    # was sent, and the connection is ready for the next query.
    actor, source = ActorFactory(), SourceFactory()
    Statement.objects.bulk_create(
        StatementFactory.build(actor=actor, source=source, slug=f"many-{n:04d}")
        for n in range(2000)
    )
    many = Statement.objects.filter(slug__startswith="many-")
    stream = export_stream(RECORD_KINDS["statements"], many, "csv", include_drafts=True)
    try:
        first = next(stream)  # the header and the first 500 lines, the COPY still going
        assert first.startswith("slug,")
        assert first.count("\r\n") == 501
    finally:
        # While it streams, the COPY holds the connection: a response is always closed
        # (by the server, when the reader hangs up) before the next query.
        stream.close()
    assert many.count() == 2000
    assert connection.connection.info.transaction_status.name == "IDLE"
    # And the next export streams whole.
    whole = "".join(copied_csv(RECORD_KINDS["statements"], many, published_only=False))
    assert whole.count("\r\n") == 2001
