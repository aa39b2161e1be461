"""XLSX import files: bounded before they are parsed, then read once into a compact table.

A workbook is a zip of XML parts. Before openpyxl parses anything, ``xlsx_table`` refuses
one that would cost too much to read: from the sizes its zip directory declares (whole,
per part, and apart from the sheets, which openpyxl reads whole), and from the first
sheet's declared and actual rows, counted in its XML as it streams.
"""

from __future__ import annotations

import datetime
import io
import marshal
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from policies.data_io.cells import restore_formula
from policies.data_io.limits import (
    IMPORT_MAX_BYTES,
    IMPORT_MAX_ROWS,
    READ_CHUNK,
    ImportFileError,
    too_many_rows,
)

# The most an XLSX may unpack to: the row limit's rows with a kilobyte of markup each (a
# statement's 21 cells as inline strings, the most long-winded way spreadsheets write
# them), plus the cell text a CSV under IMPORT_MAX_BYTES holds: 235 MB. The sizes come
# from the zip's directory, and they hold: zipfile stops unpacking an entry at the size it
# declares (and then refuses its checksum), so no part grows past them while it is parsed.
XLSX_MAX_UNPACKED_BYTES = IMPORT_MAX_ROWS * 1024 + IMPORT_MAX_BYTES


# openpyxl streams a sheet in read-only mode but reads every other part whole (the shared
# strings, the styles, the workbook), at two or three times its size in memory: together
# they may unpack to no more than this. 100,000 statements, each with its own slug,
# headline and English text, make 25 MB of shared strings.
XLSX_MAX_WHOLE_PARTS_BYTES = 64 * 1024 * 1024


# A spreadsheet's XML packs about ten to one; a part of more than a megabyte packed a
# hundred times tighter is made to be unpacked, not read (or is a sheet of empty rows).
XLSX_MAX_COMPRESSION_RATIO = 100


XLSX_RATIO_FLOOR_BYTES = 1024 * 1024


# A sheet declares its size (<dimension ref="A1:U1201"/>) before its rows, in its first few
# hundred bytes; this much is read to find it.
XLSX_HEAD_BYTES = 64 * 1024


# What zipfile, the XML parsers and openpyxl raise for a file that is not a workbook, or a
# damaged one (a compression method zipfile lacks, an encrypted part): the editor is told
# so. ImportFileError, which says what is wrong with a readable workbook, is none of these.
_UNREADABLE = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    ParseError,
    SyntaxError,
    IndexError,
    NotImplementedError,
    RuntimeError,
)


def xlsx_table(name: str, data: bytes) -> tuple[list[str], list[bytes]]:
    """The first sheet's header, and its rows (the sheet's row number, then each cell as
    text) a thousand to a piece, each piece marshalled and packed with zlib: a fifth of
    the size of the same rows as CSV, and unpacked again in a millisecond or two. (marshal
    only ever reads back what this function wrote.)"""
    _check_workbook(name, data)
    from openpyxl import load_workbook

    table: list[bytes] = []
    piece: list[list[Any]] = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        try:
            sheet = workbook.worksheets[0]
            header = next(sheet.iter_rows(max_row=1), None)
            if not header or not any(cell.value for cell in header):
                raise ImportFileError(
                    [f"{name}: the first sheet is empty; its first row must name the columns"]
                )
            columns = [
                str(cell.value).strip() if cell.value is not None else "" for cell in header
            ]
            while columns and not columns[-1]:
                columns.pop()
            # A sheet that declares its size has every row padded to its width: read no
            # further than the last named column, which is all a record takes.
            rows = sheet.iter_rows(min_row=2, max_col=len(columns) if sheet.max_column else None)
            for number, cells in enumerate(rows, start=2):
                if number > IMPORT_MAX_ROWS + 1:
                    raise ImportFileError([too_many_rows(name)])
                if all(cell.value in (None, "") for cell in cells):
                    continue
                values = []
                for column, cell in zip(columns, cells, strict=False):
                    if column and cell.data_type == "f":
                        # A formula's result is not stored in files most tools write:
                        # refuse it rather than import a blank.
                        raise ImportFileError(
                            [
                                f"{name}, row {number}, column {column}: holds a formula "
                                f"({str(cell.value)[:40]}); paste its value instead"
                            ]
                        )
                    values.append(_cell_text(cell.value) if column else "")
                piece.append([number, *values])
                if len(piece) == 1000:
                    table.append(zlib.compress(marshal.dumps(piece), 1))
                    piece.clear()
            table.append(zlib.compress(marshal.dumps(piece), 1))
        finally:
            workbook.close()
    except _UNREADABLE as error:
        raise _not_a_workbook(name, error) from None
    return columns, table


def table_rows(columns: list[str], table: list[bytes]) -> Iterator[tuple[str, dict]]:
    for packed in table:
        # marshal reads back only what xlsx_table wrote, in this process.
        for number, *values in marshal.loads(zlib.decompress(packed)):  # noqa: S302
            # As the sheet gives it: a row shorter than the header leaves its last columns
            # out, and they take their defaults.
            yield (
                f"row {number}",
                {column: value for column, value in zip(columns, values, strict=False) if column},
            )


def _not_a_workbook(name: str, error: Exception) -> ImportFileError:
    return ImportFileError(
        [f"{name}: not an XLSX workbook ({type(error).__name__}); save it as .xlsx"]
    )


def _megabytes(size: int) -> str:
    return number_format(round(size / 1_048_576), force_grouping=True)


def _check_workbook(name: str, data: bytes) -> None:
    """Refuse an XLSX past the limits from what its zip directory declares and from the
    first sheet's XML, streamed; openpyxl has parsed nothing yet."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise _not_a_workbook(name, error) from None
    with archive:
        parts = archive.infolist()
        unpacked = sum(part.file_size for part in parts)
        if unpacked > XLSX_MAX_UNPACKED_BYTES:
            raise ImportFileError(
                [
                    _(
                        "%(file)s: this workbook unpacks to %(size)s MB; at most %(max)s MB "
                        "can be imported. Split it into smaller files."
                    )
                    % {
                        "file": name,
                        "size": _megabytes(unpacked),
                        "max": _megabytes(XLSX_MAX_UNPACKED_BYTES),
                    }
                ]
            )
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > XLSX_RATIO_FLOOR_BYTES and ratio > XLSX_MAX_COMPRESSION_RATIO:
                raise ImportFileError(
                    [
                        _(
                            "%(file)s: its part %(part)s unpacks to %(ratio)s times its packed "
                            "size, which a spreadsheet's data never does. Delete any empty "
                            "rows or formatting below the data, or save the sheet as CSV, "
                            "and try again."
                        )
                        % {
                            "file": name,
                            "part": part.filename,
                            "ratio": number_format(round(ratio), force_grouping=True),
                        }
                    ]
                )
        whole = sum(part.file_size for part in parts if not _SHEET_PART.search(part.filename))
        if whole > XLSX_MAX_WHOLE_PARTS_BYTES:
            raise ImportFileError(
                [
                    _(
                        "%(file)s: apart from its sheets, this workbook unpacks to %(size)s MB "
                        "(shared text, styles, pictures); at most %(max)s MB can be imported. "
                        "Save the sheet to import as CSV, or alone in a new workbook."
                    )
                    % {
                        "file": name,
                        "size": _megabytes(whole),
                        "max": _megabytes(XLSX_MAX_WHOLE_PARTS_BYTES),
                    }
                ]
            )
        try:
            sheet = _first_sheet(archive)
            _check_sheet_rows(name, archive, sheet)
        except _UNREADABLE as error:
            raise _not_a_workbook(name, error) from None


# Where every spreadsheet program puts its sheets; anything else counts as read whole.
_SHEET_PART = re.compile(r"(^|/)worksheets/[^/]+\.xml$")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """{id: (type, part it points to)} from a part's relationships."""
    folder, base = posixpath.split(part)
    root = fromstring(archive.read(posixpath.join(folder, "_rels", f"{base}.rels")))
    found = {}
    for element in root:
        target = element.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[element.get("Id", "")] = (element.get("Type", ""), posixpath.normpath(target))
    return found


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The part holding the workbook's first worksheet, which openpyxl reads as ours."""
    package = _relationships(archive, "")
    workbook = next((t for kind, t in package.values() if kind.endswith("/officeDocument")), "")
    if not workbook:
        raise KeyError("no workbook")
    sheets = _relationships(archive, workbook)
    names = set(archive.namelist())
    for element in fromstring(archive.read(workbook)).iter():
        if _local(element.tag) != "sheet":
            continue
        rel = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
        kind, target = sheets.get(rel, ("", ""))
        if kind.endswith("/worksheet") and target in names:
            return target
    raise IndexError("no worksheet")


# A row's start tag, with or without a namespace prefix (not <rowBreaks>), and how long one
# can be: a tag cut in two where one piece of the stream ends is counted in the next.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?row[\s/>]")
_ROW_TAG_LONGEST = 37
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?dimension\b[^>]*?\bref=\"([^\"]*)\"")


def _check_sheet_rows(name: str, archive: zipfile.ZipFile, part: str) -> None:
    """Refuse a sheet that declares more rows than the limit, or has more: its XML is
    streamed a megabyte at a time, and only its row tags are counted."""
    header_and_limit = IMPORT_MAX_ROWS + 1
    with archive.open(part) as sheet:
        chunk = sheet.read(XLSX_HEAD_BYTES)
        dimension = _DIMENSION.search(chunk)
        declared = max(map(int, re.findall(rb"\d+", dimension[1])), default=0) if dimension else 0
        if declared > header_and_limit:
            raise ImportFileError(
                [
                    _(
                        "%(file)s: the first sheet declares %(rows)s rows; at most %(max)s can "
                        "be imported from one file. Split it into smaller files."
                    )
                    % {
                        "file": name,
                        "rows": number_format(declared - 1, force_grouping=True),
                        "max": number_format(IMPORT_MAX_ROWS, force_grouping=True),
                    }
                ]
            )
        rows, tail = 0, b""
        while chunk:
            window = tail + chunk
            rows += sum(
                1
                for tag in _ROW_TAG.finditer(window, max(0, len(tail) - _ROW_TAG_LONGEST))
                if tag.end() > len(tail)
            )
            if rows > header_and_limit:
                raise ImportFileError([too_many_rows(name)])
            tail = window[-_ROW_TAG_LONGEST:]
            chunk = sheet.read(READ_CHUNK)


def _cell_text(value: Any) -> Any:
    """A spreadsheet cell as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return restore_formula(str(value))
