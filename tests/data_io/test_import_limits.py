"""Imports are bounded before they are parsed: an XLSX by what it unpacks to and the rows
its sheet declares or holds, every format by its rows; whatever is refused writes nothing."""

import io
import json
import os
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator
from io import StringIO
from itertools import chain

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from policies.data_io import limits, readers, workbooks
from policies.data_io.limits import IMPORT_MAX_ROWS, ImportFileError
from policies.data_io.loads import records_import
from policies.data_io.workbooks import XLSX_MAX_UNPACKED_BYTES
from policies.models import Statement
from tests.admin.test_records import admin_url
from tests.data_io.files import snapshot
from tests.data_io.test_imports import GOOD_ROW, STATEMENT_HEADER

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_rows(rows: Iterable[list[str]], *, first: int = 1) -> Iterator[bytes]:
    """Rows as a sheet's XML, inline strings, as openpyxl's write-only mode writes them."""
    for number, values in enumerate(rows, start=first):
        cells = "".join(
            f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
            for i, value in enumerate(values, start=1)
        )
        yield f'<row r="{number}">{cells}</row>'.encode()


def xlsx(*sheets: Iterable[bytes], dimension: str = "", parts: dict | None = None) -> bytes:
    """A workbook written by hand, each sheet's XML streamed into the zip (so a sheet of
    hundreds of megabytes costs the test little memory), with ``parts`` added."""
    names = [f"xl/worksheets/sheet{n}.xml" for n in range(1, len(sheets) + 1)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/{name}" ContentType="application/vnd.openxml'
                'formats-officedocument.spreadsheetml.worksheet+xml"/>'
                for name in names
            )
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
            + "".join(
                f'<sheet name="Sheet{n}" sheetId="{n}" r:id="rId{n}"/>'
                for n in range(1, len(sheets) + 1)
            )
            + "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELATIONSHIPS}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{OFFICE}/worksheet" '
                f'Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, len(sheets) + 1)
            )
            + "</Relationships>",
        )
        for name, rows in zip(names, sheets, strict=True):
            with archive.open(name, "w", force_zip64=True) as sheet:
                sheet.write(f'<worksheet xmlns="{MAIN}">'.encode())
                if dimension:
                    sheet.write(f'<dimension ref="{dimension}"/>'.encode())
                sheet.write(b"<sheetData>")
                for row in rows:
                    sheet.write(row)
                sheet.write(b"</sheetData></worksheet>")
        for name, content in (parts or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def repeated(row: bytes, size: int) -> Iterator[bytes]:
    """``size`` bytes of the same row, a megabyte at a time: it packs a thousand to one."""
    block = row * (1_048_576 // len(row))
    for _ in range(size // len(block)):
        yield block


HEADER = ["slug", "actor"]
BAD_ROW = b'<row><c t="inlineStr"><is><t>a-slug</t></is></c></row>'


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A sheet of 300 MB of rows that packs to a few hundred kilobytes."""
    return xlsx(repeated(BAD_ROW, 300 * 1_048_576))


def refused(name: str, data: bytes) -> list[str]:
    """The errors an import of ``data`` gives; checks that nothing was written."""
    before = snapshot()
    with pytest.raises(ImportFileError) as error:
        records_import(name=name, data=data)
    assert snapshot() == before
    return error.value.errors


def test_a_zip_bomb_is_refused_from_the_size_it_declares(seeded, bomb):
    assert len(bomb) < 1_048_576
    before = snapshot()
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as error:
            records_import(name="statements.xlsx", data=bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert snapshot() == before
    assert error.value.errors == [
        f"statements.xlsx: this workbook unpacks to 300 MB; at most "
        f"{round(XLSX_MAX_UNPACKED_BYTES / 1_048_576)} MB can be imported. "
        "Split it into smaller files."
    ]
    # Refused from the zip's directory: not even the first megabyte was unpacked.
    assert peak < 1_048_576, peak


def test_the_command_and_the_admin_refuse_it_the_same_way(seeded, bomb, tmp_path, editor_client):
    path = tmp_path / "statements.xlsx"
    path.write_bytes(bomb)
    before = snapshot()
    with pytest.raises(CommandError, match="this workbook unpacks to 300 MB"):
        call_command("import_records", str(path), "--dry-run", stdout=StringIO())
    response = editor_client.post(
        admin_url(Statement, "import"), {"file": SimpleUploadedFile("statements.xlsx", bomb)}
    )
    assert response.status_code == 200
    assert "this workbook unpacks to 300 MB" in response.context["errors"][0]
    assert "token" not in response.context
    assert snapshot() == before


def test_a_part_packed_too_tightly_is_refused(seeded):
    errors = refused("statements.xlsx", xlsx(repeated(BAD_ROW, 20 * 1_048_576)))
    assert len(errors) == 1
    assert errors[0].startswith("statements.xlsx: its part xl/worksheets/sheet1.xml unpacks to ")
    assert "times its packed size" in errors[0]


def test_a_sheet_that_declares_too_many_rows_is_refused(seeded):
    data = xlsx(sheet_rows([HEADER, ["a", "b"]]), dimension="A1:B250001")
    assert refused("statements.xlsx", data) == [
        "statements.xlsx: the first sheet declares 250,000 rows; at most 200,000 can be "
        "imported from one file. Split it into smaller files."
    ]


TOO_MANY_ROWS = (
    "statements.xlsx: more than 200,000 rows; at most 200,000 can be imported from one "
    "file. Split it into smaller files."
)


def test_a_sheet_with_too_many_rows_is_refused_before_it_is_parsed(seeded, monkeypatch):
    # Every row is bad, but none is read: the rows are counted in the XML first.
    rows = ([f"s{n}", "nobody"] for n in range(IMPORT_MAX_ROWS + 1))
    data = xlsx(chain(sheet_rows([HEADER]), sheet_rows(rows, first=2)))

    def parse(*args, **kwargs):
        raise AssertionError("openpyxl was handed the workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)
    assert refused("statements.xlsx", data) == [TOO_MANY_ROWS]


def test_rows_a_sheet_skips_count_too(seeded):
    # Two rows in the XML, numbered so that openpyxl fills the gap with empty ones: the
    # reader stops at the limit rather than read them all.
    data = xlsx(
        chain(
            sheet_rows([HEADER]),
            sheet_rows([["a", "xi-jinping"]], first=IMPORT_MAX_ROWS + 5),
        )
    )
    assert refused("statements.xlsx", data) == [TOO_MANY_ROWS]


STATEMENT = dict(
    zip(STATEMENT_HEADER.strip().split(","), GOOD_ROW.strip().split(","), strict=True)
)


def statement_rows(count: int) -> list[list[str]]:
    return [list(STATEMENT)] + [
        list((STATEMENT | {"slug": f"from-a-sheet-{n}"}).values()) for n in range(count)
    ]


@pytest.mark.parametrize("write_only", [False, True], ids=["shared-strings", "write-only"])
def test_a_workbook_within_the_limits_imports(seeded, write_only):
    # As a spreadsheet program saves it (shared strings, a declared size), and as
    # openpyxl's write-only mode does (inline strings, no size).
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    for row in statement_rows(3):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = records_import(name="statements.xlsx", data=buffer.getvalue())
    assert report.counts["statements"]["created"] == 3
    assert Statement.objects.get(slug="from-a-sheet-2").themes.count() == 2


def test_only_the_first_sheet_is_counted(seeded):
    # A second sheet past the row limit is not read, and does not stop the import.
    others = ([f"note {n}"] for n in range(IMPORT_MAX_ROWS + 10))
    data = xlsx(sheet_rows(statement_rows(2)), sheet_rows(others))
    report = records_import(name="statements.xlsx", data=data)
    assert report.counts["statements"]["created"] == 2


@pytest.mark.parametrize(
    "parts",
    [
        {"hello.txt": "not a workbook"},
        {"_rels/.rels": f'<Relationships xmlns="{RELATIONSHIPS}"/>'},
        {"_rels/.rels": "<!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>"},
        {
            "_rels/.rels": f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            "xl/workbook.xml": f'<workbook xmlns="{MAIN}"><sheets/></workbook>',
            "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELATIONSHIPS}"/>',
        },
    ],
    ids=["no-package", "no-workbook", "entities", "no-sheet"],
)
def test_a_zip_that_is_not_a_workbook_is_refused(seeded, parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    (error,) = refused("statements.xlsx", buffer.getvalue())
    assert error.startswith("statements.xlsx: not an XLSX workbook (")


def test_what_is_read_whole_is_bounded_apart_from_the_sheets(seeded, monkeypatch):
    monkeypatch.setattr(workbooks, "XLSX_MAX_WHOLE_PARTS_BYTES", 1_048_576)
    strings = f'<sst xmlns="{MAIN}"><si><t>{os.urandom(1_048_576).hex()}</t></si></sst>'
    data = xlsx(sheet_rows(statement_rows(1)), parts={"xl/sharedStrings.xml": strings})
    assert refused("statements.xlsx", data) == [
        "statements.xlsx: apart from its sheets, this workbook unpacks to 2 MB (shared text, "
        "styles, pictures); at most 1 MB can be imported. Save the sheet to import as CSV, "
        "or alone in a new workbook."
    ]


def test_a_csv_over_the_row_limit_is_refused_before_a_row_is_checked(seeded):
    # Every row names an unknown actor: only the limit is reported, so no row was checked.
    data = b"slug,actor\n" + b"".join(b"s%d,nobody\n" % n for n in range(IMPORT_MAX_ROWS + 1))
    assert refused("statements.csv", data) == [
        "statements.csv: more than 200,000 rows; at most 200,000 can be imported from one "
        "file. Split it into smaller files."
    ]


def test_a_json_file_over_the_row_limit_is_refused(seeded):
    data = json.dumps([{"slug": f"s{n}"} for n in range(IMPORT_MAX_ROWS + 1)]).encode()
    assert refused("statements.json", data) == [
        "statements.json: more than 200,000 rows; at most 200,000 can be imported from one "
        "file. Split it into smaller files."
    ]


@pytest.mark.parametrize("file_format", ["csv", "json", "xlsx"])
def test_the_limit_itself_is_allowed(seeded, monkeypatch, file_format):
    # Each reader, and the message, reads the limit as its module imported it.
    for module in (limits, readers, workbooks):
        monkeypatch.setattr(module, "IMPORT_MAX_ROWS", 3)
    rows = statement_rows(4)
    for count, outcome in ((3, "imports"), (4, "refused")):
        if file_format == "csv":
            data = "\n".join(",".join(row) for row in rows[: count + 1]).encode()
        elif file_format == "json":
            records = [
                {column: cell for column, cell in zip(rows[0], row, strict=True) if cell}
                for row in rows[1 : count + 1]
            ]
            data = json.dumps(records).encode()
        else:
            data = xlsx(sheet_rows(rows[: count + 1]))
        name = f"statements.{file_format}"
        if outcome == "imports":
            report = records_import(name=name, data=data, dry_run=True)
            assert report.counts["statements"]["created"] == 3
        else:
            assert refused(name, data) == [
                f"{name}: more than 3 rows; at most 3 can be imported from one file. "
                "Split it into smaller files."
            ]


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_text_decoded_as_it_is_read_names_the_byte_that_is_not_utf8(seeded, file_format):
    # A character cut in two where one megabyte ends, and a bad byte a hundred bytes on.
    at = limits.READ_CHUNK + 101
    data = b"a" * (limits.READ_CHUNK - 1) + "\u00e9".encode() + b"x" * 100 + b"\xff"
    (error,) = refused(f"statements.{file_format}", data)
    assert error.startswith(f"statements.{file_format}: not UTF-8 text (byte {at} cannot be read)")


@pytest.mark.parametrize(
    "text",
    [
        '[{"slug": "a"}\n {"slug": "b"}]',
        '[{"slug": "a"},\n]',
        '[{"slug": "a"}] x',
        "[\n",
        "",
        '  [{"slug": "a",\n"actor": }]',
    ],
)
def test_json_read_a_record_at_a_time_says_where_it_breaks_as_json_would(seeded, text):
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    error = expected.value
    assert refused("statements.json", text.encode()) == [
        f"statements.json: not valid JSON at line {error.lineno}, column {error.colno} "
        f"({error.msg}); the file may be truncated"
    ]


def statements_file(file_format: str, count: int) -> bytes:
    rows = statement_rows(count)
    if file_format == "csv":
        return "\n".join(",".join(row) for row in rows).encode()
    if file_format == "json":
        return json.dumps([dict(zip(rows[0], row, strict=True)) for row in rows[1:]]).encode()
    return xlsx(sheet_rows(rows))


@pytest.mark.parametrize("file_format", ["csv", "json", "xlsx"])
def test_rows_are_read_one_at_a_time(file_format):
    data = statements_file(file_format, 10_000)
    tracemalloc.start()
    try:
        rows = readers.read_rows(f"statements.{file_format}", data)
        assert sum(1 for _row in rows) == sum(1 for _row in rows) == 10_000
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # What reading may hold, as a share of the rows as CSV: a few pieces of a CSV; a JSON
    # file's text (2.4 times the CSV: its names repeat in every record); an XLSX's cells
    # as a compact table (1.3 times), and what openpyxl holds while it reads. Held as
    # dicts, as they were, the rows took nine or ten times as much.
    most = {"csv": 0.1, "json": 3, "xlsx": 4}[file_format]
    assert peak < most * len(statements_file("csv", 10_000)), peak
