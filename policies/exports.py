"""Exports: the filtered records as CSV or JSON, streamed row by row.

The columns are the importer's (``policies.records``), so an exported file imports back as
it was. CSV cells that a spreadsheet would run as a formula are prefixed with ``'``; the
importer takes the prefix off again.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from policies import selectors
from policies.filters import PlanFilter, StatementFilter, TargetFilter, TrackerFilterSet, filtered
from policies.models import Actor, Observation, Sector, Source, Target, Theme
from policies.records import MANY_SEPARATOR, RecordKind, iter_rows
from policies.services import FORMULA_PREFIXES

FORMATS = ("csv", "json")


def export_queryset(
    kind: RecordKind, data: QueryDict, *, include_drafts: bool
) -> tuple[QuerySet, TrackerFilterSet | None]:
    """The records of ``kind`` an export holds, and the filterset that chose them (if any).

    Readers get published records; editors (``include_drafts``) get drafts too. Reference
    data (sources, actors, themes, sectors) is exported whole.
    """
    if kind.name == "statements":
        base = kind.model.objects.all() if include_drafts else selectors.published_statements()
        filterset = StatementFilter(data, queryset=base)
        return filtered(filterset), filterset
    if kind.name == "plans":
        base = kind.model.objects.all() if include_drafts else selectors.published_plans()
        filterset = PlanFilter(data, queryset=base)
        return filtered(filterset), filterset
    if kind.name in {"targets", "observations"}:
        # Observations follow their targets' filters: what a reader sees is what downloads.
        base = Target.objects.all() if include_drafts else selectors.published_targets()
        filterset = TargetFilter(data, queryset=base)
        targets = filtered(filterset)
        if kind.name == "targets":
            return targets, filterset
        return Observation.objects.filter(target__in=targets), filterset
    reference = {"sources": Source, "actors": Actor, "themes": Theme, "sectors": Sector}
    return reference[kind.name].objects.all(), None


class _Echo:
    """A file-like object that hands each written line straight back."""

    def write(self, value: str) -> str:
        return value


def neutralise(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection). A cell that
    already starts with ' is prefixed too, so the importer can always take one off."""
    return "'" + value if value.startswith((*FORMULA_PREFIXES, "'")) else value


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return neutralise(MANY_SEPARATOR.join(value))
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def csv_lines(kind: RecordKind, rows: Iterable[dict]) -> Iterator[str]:
    """The header, then one CSV line per row, as they are produced."""
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow(kind.columns)
    for row in rows:
        yield writer.writerow([csv_cell(row[column]) for column in kind.columns])


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
    rows = iter_rows(kind, queryset, published_only=not include_drafts)
    return csv_lines(kind, rows) if file_format == "csv" else json_chunks(rows)
