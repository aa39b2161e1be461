"""Import and export round trips, and every kind of bad file refused whole."""

import csv
import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from policies import units
from policies.data_io.limits import IMPORT_MAX_BYTES
from policies.data_io.loads import records_import
from policies.data_io.readers import ImportFileError
from policies.data_io.schema import RECORD_KINDS
from policies.data_io.streaming import export_stream
from policies.models import Observation, Source, Statement, Target
from tests.data_io.files import snapshot, target_csv
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    SourceFactory,
    StatementFactory,
    empty_records,
    grow_dataset,
    make_editor,
)

pytestmark = pytest.mark.django_db


def export_all(client, file_format: str) -> dict[str, bytes]:
    return {
        kind: b"".join(
            client.get(
                reverse("policies:export", args=[kind, file_format]), {"drafts": "1"}
            ).streaming_content
        )
        for kind in RECORD_KINDS
    }


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor(username="exporter"))
    return client


@pytest.mark.parametrize("file_format", ["csv", "json"])
@pytest.mark.parametrize("generated", [False, True], ids=["seeds", "generated"])
def test_round_trip_is_identical(seeded, editor_client, file_format, generated):
    if generated:
        grow_dataset(12)
        # Drafts and cells a spreadsheet would run as formulas travel too.
        StatementFactory(
            source=Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01"),
            paragraph=3,
            excerpt="grande mais pas forte",
            headline='=HYPERLINK("http://evil.example")',
            status="draft",
        )
        # A revised figure, and a figure in another unit than its indicator's.
        indicator = IndicatorFactory(slug="a-level", unit="wan-people", kind="level")
        earlier = ObservationFactory(indicator=indicator, period="2024", value=Decimal("1200"))
        ObservationFactory(
            indicator=indicator,
            period="2024",
            value=Decimal("1256"),
            source=SourceFactory(),
            supersedes=earlier,
        )
        ObservationFactory(
            indicator=indicator,
            period="2025-06",
            value=Decimal("7000000"),
            unit="people",
            source=None,
            verified=False,
        )
    first = export_all(editor_client, file_format)
    assert b"indicator_name" in first["targets"]  # the read-only columns travel, and are skipped
    assert b"gigabit-users" in first["indicators"]
    empty_records()
    for kind, data in first.items():
        records_import(name=f"{kind}.{file_format}", data=data)
    second = export_all(editor_client, file_format)
    assert second == first
    assert Statement.objects.filter(headline__startswith="=HYPERLINK").exists() == generated


def test_xlsx_import_reads_what_the_csv_export_writes(seeded, editor_client):
    data = b"".join(editor_client.get("/export/targets.csv").streaming_content)
    rows = list(csv.reader(io.StringIO(data.decode())))
    header = rows[0]
    first, second = rows[1], rows[2]
    first[header.index("value")] = 11  # a number cell, as a spreadsheet keeps it
    # The read-only columns are derived again, whatever the file says.
    second[header.index("target_value")] = 999
    second[header.index("indicator_name")] = "Something else"
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = records_import(name="targets.xlsx", data=buffer.getvalue())
    assert report.counts["targets"]["updated"] == 1
    changed = Target.objects.get(
        plan__slug=first[header.index("plan")], slug=first[header.index("slug")]
    )
    assert changed.value == 11
    assert changed.target_value == units.convert(
        Decimal(11), from_unit=changed.unit, to_unit=changed.indicator.unit
    )
    kept = Target.objects.get(
        plan__slug=second[header.index("plan")], slug=second[header.index("slug")]
    )
    assert str(kept.target_value.normalize()) != "999"
    assert kept.indicator.name_en != "Something else"


def test_dry_run_writes_nothing(seeded, editor_client):
    data = b"".join(editor_client.get("/export/actors.json").streaming_content)
    data = data.replace(b'"Xi Jinping"', b'"Xi Jinping (corrected)"')
    before = snapshot()
    report = records_import(name="actors.json", data=data, dry_run=True)
    assert report.counts["actors"]["updated"] == 1
    assert snapshot() == before


STATEMENT_HEADER = (
    "slug,actor,kind,headline,excerpt,wording,text_en,source,paragraph,origin,venue,delivered_on,"
    "published_on,themes,sectors,plans,targets,status,notes\n"
)
GOOD_ROW = (
    "new-one,xi-jinping,essay,A headline,grande mais pas forte,paraphrase,big but not strong,"
    "fr-report-xi-qiushi-digital-economy-2022-01,3,,,,2022-01-15,security|governance,6g,,,"
    "published,\n"
)


def statements_csv(row: str = GOOD_ROW) -> bytes:
    return (STATEMENT_HEADER + GOOD_ROW.replace("new-one", "first-good") + row).encode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "statements.csv",
            statements_csv(GOOD_ROW.replace(",6g,", ",atlantis,")),
            "statements.csv, row 3, column sectors: unknown sector 'atlantis'",
        ),
        (
            "statements.csv",
            statements_csv(GOOD_ROW.replace("2022-01-15", "15/01/2022")),
            "statements.csv, row 3, column published_on: “15/01/2022” value has an invalid "
            "date format.",
        ),
        (
            "targets.csv",
            target_csv(value="ten"),
            "targets.csv, row 3, column value: “ten” value must be a decimal number.",
        ),
        (
            "targets.csv",
            target_csv(baseline_year="2028"),
            "targets.csv, row 3: The target year must come after the baseline year.",
        ),
        (
            "statements.csv",
            statements_csv(GOOD_ROW.replace("new-one", "first-good")),
            "statements.csv, row 3: the same record as row 2 again",
        ),
        (
            "statements.csv",
            statements_csv(GOOD_ROW.replace("grande mais pas forte", "grande mais faible")),
            "statements.csv, row 3, column excerpt: The excerpt does not occur verbatim in "
            "paragraph 3",
        ),
        (
            "statements.csv",
            (STATEMENT_HEADER + GOOD_ROW.replace("big but", "gro\u00df but")).encode("latin-1"),
            "statements.csv: not UTF-8 text",
        ),
        (
            "statements.csv",
            statements_csv(GOOD_ROW[:40]),
            "statements.csv, row 3: 5 cells where the header has 19; the file may be truncated",
        ),
        (
            "statements.csv",
            statements_csv('x,"never closed\n'),
            "statements.csv, row 3: not valid CSV (unexpected end of data)",
        ),
        ("statements.json", b'[{"slug": "a", "actor": "xi-ji', "statements.json: not valid JSON"),
        (
            "statements.xlsx",
            b"PK\x03\x04 but not a workbook",
            "statements.xlsx: not an XLSX workbook",
        ),
        ("statements.xlsx", b"slug,actor\n", "statements.xlsx: not an XLSX workbook"),
        ("statements.txt", b"slug\n", "statements.txt: unknown format .txt"),
        ("records.csv", b"slug\n", "records.csv: cannot tell what the file holds"),
        (
            "statements.csv",
            STATEMENT_HEADER.replace("notes", "colour").encode() + GOOD_ROW.encode(),
            "statements.csv, row 2: unknown column(s) colour",
        ),
        ("statements.csv", b"", "statements.csv: the file is empty"),
        ("statements.csv", b" " * (IMPORT_MAX_BYTES + 1), "the limit is 40 MB"),
    ],
)
def test_bad_files_are_refused_whole(seeded, name, data, message):
    before = snapshot()
    with pytest.raises(ImportFileError) as error:
        records_import(name=name, data=data)
    assert any(message in line for line in error.value.errors), error.value.errors
    assert snapshot() == before
    # The good row before the bad one was not kept either.
    assert not Statement.objects.filter(slug="first-good").exists()
    assert not Target.objects.filter(slug="new-target").exists()
    assert not Observation.objects.filter(period="2031").exists()


def test_every_bad_row_is_reported(seeded):
    rows = GOOD_ROW.replace("new-one", "two").replace(
        "2022-01-15", "2022-02-30"
    ) + GOOD_ROW.replace(",6g,", ",nowhere,")
    with pytest.raises(ImportFileError) as error:
        records_import(name="statements.csv", data=statements_csv(rows))
    assert [line.split(":")[0] for line in error.value.errors] == [
        "statements.csv, row 3, column published_on",
        "statements.csv, row 4, column sectors",
    ]


def test_command_imports_and_exits_non_zero_on_bad_input(seeded, tmp_path):
    good = tmp_path / "statements.csv"
    good.write_bytes(statements_csv())
    out = StringIO()
    call_command("import_records", str(good), "--dry-run", stdout=out)
    assert "statements: 2 created" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    assert not Statement.objects.filter(slug="new-one").exists()

    call_command("import_records", str(good), stdout=StringIO())
    assert Statement.objects.get(slug="new-one").themes.count() == 2

    bad = tmp_path / "mine.csv"
    bad.write_bytes(target_csv(value="ten"))
    with pytest.raises(CommandError) as error:
        call_command("import_records", str(bad), "--model", "targets", stdout=StringIO())
    assert "Nothing was imported." in str(error.value)
    assert "mine.csv, row 3, column value" in str(error.value)

    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_records", str(tmp_path / "missing.csv"), stdout=StringIO())


def test_command_refuses_a_huge_file_before_reading_it(seeded, tmp_path):
    huge = tmp_path / "statements.csv"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse: nothing is really written
    with pytest.raises(CommandError, match=r"the file is 50\.0 MB; the limit is 40 MB"):
        call_command("import_records", str(huge), stdout=StringIO())


def test_json_import_takes_lists_and_typed_values(seeded):
    records = [
        {
            "slug": "json-one",
            "actor": "xi-jinping",
            "kind": "essay",
            "headline": "From JSON",
            "excerpt": "grande mais pas forte",
            "text_en": "big but not strong",
            "source": "fr-report-xi-qiushi-digital-economy-2022-01",
            "paragraph": 3,
            "published_on": "2022-01-15",
            "themes": ["security"],
            "status": "published",
        }
    ]
    report = records_import(name="statements.json", data=json.dumps(records).encode())
    assert report.counts["statements"]["created"] == 1
    assert Statement.objects.get(slug="json-one").status == "published"


# New statements are written in batches (data_io.writing.NewRecords): the same records, links,
# history, counts and search entries as one save each, and the same refusals.


def test_new_statements_are_written_as_one_save_from_the_admin_would(seeded, monkeypatch):
    from policies import rollups
    from policies.data_io import writing
    from policies.data_io.writing import NewRecords
    from policies.search import matching_statements

    monkeypatch.setattr(NewRecords, "BATCH_SIZE", 2)  # three batches for five rows
    existing = Statement.objects.get(slug="xi-big-but-not-strong")
    rows = "".join(
        GOOD_ROW.replace("new-one", f"new-{n}").replace("A headline", f"Zeppelin {n}")
        for n in range(4)
    )
    # One row names a statement that exists: it is compared and updated in place.
    exported = "".join(
        export_stream(
            RECORD_KINDS["statements"],
            Statement.objects.filter(pk=existing.pk),
            "csv",
            include_drafts=True,
        )
    )
    (row,) = csv.DictReader(io.StringIO(exported))
    update = io.StringIO()
    # Written under the file's older header, without the French columns: files made before
    # those columns existed still import, and leave the French as it is.
    columns = STATEMENT_HEADER.strip().split(",")
    csv.DictWriter(update, fieldnames=columns, extrasaction="ignore").writerow(
        row | {"headline": "Changed headline"}
    )
    update = update.getvalue()
    # Bulk writes send no signals: each batch must empty the cached pages itself.
    told = []
    monkeypatch.setattr(writing, "data_changed", lambda: told.append(True))
    report = records_import(name="statements.csv", data=statements_csv(rows + update))

    assert report.lines() == ["statements: 5 created, 1 updated"]
    assert Statement.objects.get(pk=existing.pk).headline == "Changed headline"
    for n in range(4):
        statement = Statement.objects.get(slug=f"new-{n}")
        assert sorted(statement.themes.values_list("slug", flat=True)) == [
            "governance",
            "security",
        ]
        assert list(statement.sectors.values_list("slug", flat=True)) == ["6g"]
        (record,) = statement.history.all()
        assert record.history_type == "+"
        assert record.history_change_reason == "import_records"
        assert record.headline == f"Zeppelin {n}"
        assert sorted(link.theme.slug for link in record.themes.all()) == [
            "governance",
            "security",
        ]
        assert [link.sector_id for link in record.sectors.all()] == [statement.sectors.get().pk]
    assert rollups.stale_keys() == []
    assert matching_statements(Statement.objects.all(), "zeppelin").count() == 4
    assert len(told) == 3


def test_a_row_the_database_refuses_is_named_and_nothing_is_kept(seeded, monkeypatch):
    from policies.data_io.writing import NewRecords

    monkeypatch.setattr(NewRecords, "BATCH_SIZE", 2)
    good = "".join(GOOD_ROW.replace("new-one", f"good-{n}") for n in range(3))
    late = GOOD_ROW.replace("new-one", "late").replace(",,,2022-01-15", ",,2022-02-01,2022-01-15")
    no_actor = GOOD_ROW.replace("new-one", "nobody").replace("xi-jinping", "")
    before = snapshot()
    with pytest.raises(ImportFileError) as error:
        records_import(name="statements.csv", data=statements_csv(good + late + no_actor))
    # Row 6 waits in a batch that is never written, once row 7 has failed: it is checked.
    assert sorted(error.value.errors) == [
        "statements.csv, row 6: A statement cannot be delivered after it was published.",
        "statements.csv, row 7, column actor: This field cannot be null.",
    ]
    # The first two batches were written before row 6 was read: the rollback takes them.
    assert snapshot() == before
    assert not Statement.objects.filter(slug__startswith="good-").exists()
