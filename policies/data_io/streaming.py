"""Exports: the filtered records as CSV or JSON, streamed row by row.

The columns are the importer's (``policies.data_io.schema``), so an exported file imports
back as it was. CSV cells that a spreadsheet would run as a formula are prefixed with
``'``; the importer takes the prefix off again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import models
from django.db.models import QuerySet

from policies.data_io.cells import FIRST_CHARACTERS_NEUTRALISED
from policies.data_io.rows import iter_rows, iter_values
from policies.data_io.schema import RecordKind

FORMATS = ("csv", "json")


CSV_BATCH = 500


def _cell_writer(kind: RecordKind, column: str) -> Callable[[Any], Any] | None:
    """What a column's values need before the CSV writer (which writes None as empty), for
    columns other than text (text is handled inline in ``csv_lines``, and so are the joined
    keys of many-to-many columns)."""
    if column in kind.many:
        return None
    if isinstance(kind.fields[column], models.BooleanField):
        return lambda value: "true" if value else ("" if value is None else "false")
    return None  # numbers and dates are already written as they should be


def _is_text(kind: RecordKind, column: str) -> bool:
    if column in kind.many:  # the keys come joined, or None (records.iter_values)
        return True
    return column in kind.refs or isinstance(
        kind.fields[column], (models.CharField, models.TextField)
    )


def csv_lines(kind: RecordKind, rows: Iterable[list]) -> Iterator[str]:
    """The header, then the rows (lists in column order) as CSV, a few hundred lines per
    piece as they are produced (one piece per line made the response's own overhead the
    largest cost)."""
    buffer = io.StringIO()
    # RFC 4180 line ends: with "\r\n" as the terminator, a field holding a bare "\r" is
    # quoted too, so it cannot split a row in two.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(kind.columns)
    cells = [
        (index, cell)
        for index, column in enumerate(kind.columns)
        if (cell := _cell_writer(kind, column)) is not None
    ]
    texts = [index for index, column in enumerate(kind.columns) if _is_text(kind, column)]
    for count, row in enumerate(rows, start=1):
        for index in texts:
            # neutralise(), inlined: this runs for most cells of a million rows.
            text = row[index]
            if text and text[0] in FIRST_CHARACTERS_NEUTRALISED:
                row[index] = "'" + text
        for index, cell in cells:
            row[index] = cell(row[index])
        writer.writerow(row)
        if count % CSV_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array written one record per line, so it streams and still parses whole."""
    yield "["
    first = True
    for row in rows:
        yield ("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "\n]\n"


def export_stream(
    kind: RecordKind, queryset: QuerySet, file_format: str, *, include_drafts: bool
) -> Iterator[str]:
    if file_format == "csv":
        return csv_lines(kind, iter_values(kind, queryset, published_only=not include_drafts))
    return json_chunks(iter_rows(kind, queryset, published_only=not include_drafts))
