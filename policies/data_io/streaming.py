"""Exports: the filtered records as CSV or JSON, streamed row by row.

The columns are the importer's (``policies.data_io.schema``), so an exported file imports
back as it was; the read-only columns beside them (a permalink, a target's indicator name
and value in the indicator's unit) are skipped on import, and derived again. CSV cells that
a spreadsheet would run as a formula are prefixed with ``'``; the importer takes the prefix
off again.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.urls import reverse

from policies.data_io.cells import FIRST_CHARACTERS_NEUTRALISED
from policies.data_io.rows import iter_rows, iter_values
from policies.data_io.schema import PERMALINK, RecordKind

FORMATS = ("csv", "json")


CSV_BATCH = 500


def _cell_writer(kind: RecordKind, column: str) -> Callable[[Any], Any] | None:
    """What a column's values need before the CSV writer (which writes None as empty), for
    columns other than text (text is handled inline in ``csv_lines``, and so are the joined
    keys of many-to-many columns)."""
    if column in kind.many:
        return None
    if isinstance(kind.field_of(column), models.BooleanField):
        return lambda value: "true" if value else ("" if value is None else "false")
    return None  # numbers and dates are already written as they should be


def _is_text(kind: RecordKind, column: str) -> bool:
    if column in kind.many:  # the keys come joined, or None (records.iter_values)
        return True
    return column in kind.refs or isinstance(
        kind.field_of(column), (models.CharField, models.TextField)
    )


def permalinks(kind: RecordKind, site: str) -> Callable[[str], str] | None:
    """The page address of a record of ``kind``, from its slug, on ``site`` (scheme and
    host); None for a kind without a permalink. Reversed once, not per row."""
    if kind.permalink is None:
        return None
    probe = reverse(kind.permalink, args=["slug"])
    prefix, _, suffix = probe.rpartition("slug")
    return lambda slug: f"{site}{prefix}{slug}{suffix}"


def csv_lines(
    kind: RecordKind, rows: Iterable[list], *, permalink: Callable[[str], str] | None = None
) -> Iterator[str]:
    """The header, then the rows (lists in the kind's exported column order) as CSV, a few
    hundred lines per piece as they are produced (one piece per line made the response's
    own overhead the largest cost)."""
    buffer = io.StringIO()
    # RFC 4180 line ends: with "\r\n" as the terminator, a field holding a bare "\r" is
    # quoted too, so it cannot split a row in two.
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = kind.exported
    writer.writerow([*columns, PERMALINK] if permalink else columns)
    slug = columns.index("slug") if permalink else 0
    cells = [
        (index, cell)
        for index, column in enumerate(columns)
        if (cell := _cell_writer(kind, column)) is not None
    ]
    texts = [index for index, column in enumerate(columns) if _is_text(kind, column)]
    for count, row in enumerate(rows, start=1):
        # From the slug as stored, before a leading "-" is neutralised below.
        address = permalink(row[slug]) if permalink else None
        for index in texts:
            # neutralise(), inlined: this runs for most cells of a million rows.
            text = row[index]
            if text and text[0] in FIRST_CHARACTERS_NEUTRALISED:
                row[index] = "'" + text
        for index, cell in cells:
            row[index] = cell(row[index])
        if address:
            row.append(address)
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
    kind: RecordKind,
    queryset: QuerySet,
    file_format: str,
    *,
    include_drafts: bool,
    site: str | None = None,
) -> Iterator[str]:
    """The records as a file. With ``site`` (the scheme and host readers reach the tracker
    at), records with a page carry its permanent address as a last column."""
    permalink = permalinks(kind, site) if site is not None else None
    if file_format == "csv":
        return csv_lines(
            kind,
            iter_values(kind, queryset, published_only=not include_drafts),
            permalink=permalink,
        )
    rows = iter_rows(kind, queryset, published_only=not include_drafts)
    if permalink:
        rows = ({**row, PERMALINK: permalink(row["slug"])} for row in rows)
    return json_chunks(rows)
