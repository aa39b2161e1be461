"""Writes: loading the reviewed seeds, and importing records from CSV, XLSX or JSON files.

Both read rows as ``policies.records`` defines them and load them in one transaction: a
broken record stops everything with the file, the record, the column and the reason, and
nothing is written. A record that an editor has changed since it was seeded is kept as the
editor left it, so reloading the seeds never undoes someone's work.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from policies import rollups
from policies.records import (
    OUTCOMES,
    RECORD_KINDS,
    Lookups,
    NewRecords,
    RecordError,
    RecordKind,
    describe_validation,
    key_label,
    load_record,
    resolve_record,
)

SEED_CHANGE_REASON = "load_seeds"
IMPORT_CHANGE_REASON = "import_records"
# Larger files are refused before they are read: split them, or import from the shell in
# parts. 100,000 statements fit well within it.
IMPORT_MAX_BYTES = 40 * 1024 * 1024
MAX_REPORTED_ERRORS = 20
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SeedError(Exception):
    """A seed file or record that cannot be loaded; the message says where and why."""


class ImportFileError(Exception):
    """A file that cannot be imported; ``errors`` lists where and why, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class LoadReport:
    """What a load did (or, in a dry run, would do), counted per kind and outcome."""

    counts: dict[str, Counter] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    # (position, key, outcome, changed fields) of each row, for an import preview.
    rows: list[tuple[str, str, str, list[str]]] = field(default_factory=list)

    def add(self, kind: RecordKind, outcome: str) -> None:
        self.counts.setdefault(kind.label, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{label}: " + ", ".join(f"{c[o]} {o}" for o in OUTCOMES if c[o])
            for label, c in self.counts.items()
        ]


# ---------------------------------------------------------------------------------------
# Seeds


class SeedYamlLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so Django parses them and reports bad ones well."""


SeedYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def seed_load(*, directory: Path, dry_run: bool = False) -> LoadReport:
    """Load every seed file in ``directory`` in one transaction; with ``dry_run``, roll back.

    Raises SeedError naming the file, record and reason at the first record that does not
    load; nothing is written then.
    """
    report = LoadReport()
    with transaction.atomic():
        with rollups.deferred():
            for kind in RECORD_KINDS.values():
                path = directory / "records" / f"{kind.name}.yaml"
                seen: dict[tuple, int] = {}
                lookups = Lookups(kind)
                for position, record in enumerate(_read_yaml(path), start=1):
                    where = f"{path}, record {position}"
                    if isinstance(record, dict) and record.get("slug"):
                        where += f" ({record['slug']})"
                    try:
                        if not isinstance(record, dict):
                            raise RecordError(
                                f"expected a mapping of field names to values, found {record!r}"
                            )
                        values, many = resolve_record(
                            kind,
                            record,
                            from_text=False,
                            extra=_text_file_reader(directory) if "text" in kind.columns else None,
                            lookups=lookups,
                        )
                        outcome, key, _changed = load_record(
                            kind,
                            values,
                            many,
                            change_reason=SEED_CHANGE_REASON,
                            keep_edits_by_others=True,
                        )
                    except RecordError as error:
                        raise SeedError(f"{where}: {error}") from None
                    except ValidationError as error:
                        raise SeedError(f"{where}: {_join(describe_validation(error))}") from None
                    if key in seen:
                        raise SeedError(f"{where}: the same record as record {seen[key]} again")
                    seen[key] = position
                    report.add(kind, outcome)
                    if outcome == "kept":
                        report.kept.append(f"{kind.model._meta.verbose_name} {key_label(key)}")
        if dry_run:
            transaction.set_rollback(True)
    return report


def _join(problems: list[tuple[str | None, str]]) -> str:
    return "; ".join(f"{column}: {message}" if column else message for column, message in problems)


def _read_yaml(path: Path) -> list[Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SeedError(f"{path}: the seed file is missing") from None
    except UnicodeDecodeError as error:
        raise SeedError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    try:
        records = yaml.load(text, Loader=SeedYamlLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        raise SeedError(f"{path}: not valid YAML: {error}") from None
    if records is None:
        return []
    if not isinstance(records, list):
        raise SeedError(f"{path}: expected a list of records, found {type(records).__name__}")
    return records


def _text_file_reader(directory: Path):
    """Seeds may hold a source's text in a file beside them: ``text_file: sources/x.txt``."""

    def read(relative: Any) -> tuple[str, str]:
        path = (directory / str(relative)).resolve()
        if directory.resolve() not in path.parents:
            raise RecordError(f"{relative!r} is outside the seeds directory", column="text_file")
        try:
            return "text", path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise RecordError(f"{path} does not exist", column="text_file") from None
        except UnicodeDecodeError:
            raise RecordError(f"{path} is not UTF-8 text", column="text_file") from None
        except OSError as error:
            raise RecordError(
                f"{path} cannot be read ({error.strerror})", column="text_file"
            ) from None

    return {"text_file": read}


# ---------------------------------------------------------------------------------------
# Imports


def import_kind_for(name: str, kind: str | None) -> RecordKind:
    """The kind named, or the one the file's name says (``statements.csv``)."""
    wanted = kind or Path(name).name.split(".")[0]
    if wanted not in RECORD_KINDS:
        raise ImportFileError(
            [
                f"{name}: cannot tell what the file holds"
                + (f" ({wanted!r} is not a kind)" if kind else "")
                + f"; name it after its kind or give one of: {', '.join(RECORD_KINDS)}"
            ]
        )
    return RECORD_KINDS[wanted]


def records_import(
    *,
    name: str,
    data: bytes,
    kind: str | None = None,
    dry_run: bool = False,
) -> LoadReport:
    """Import one file of records, all or nothing; with ``dry_run``, report and roll back.

    ``name`` is the file's name, which gives its format (.csv, .xlsx, .json) and, without
    ``kind``, what it holds. Raises ImportFileError listing every row that does not load
    (up to MAX_REPORTED_ERRORS), each with its row, column and reason; nothing is written.
    """
    record_kind = import_kind_for(name, kind)
    if len(data) > IMPORT_MAX_BYTES:
        raise ImportFileError(
            [
                f"{name}: the file is {len(data) / 1_048_576:.1f} MB; the limit is "
                f"{IMPORT_MAX_BYTES // 1_048_576} MB. Split it into smaller files."
            ]
        )
    rows, from_text = read_rows(name, data)
    report = LoadReport()
    errors: list[str] = []
    seen: dict[tuple, str] = {}
    lookups = Lookups(record_kind)
    lookups.prefetch(
        (record for _p, record in rows if isinstance(record, dict)), from_text=from_text
    )
    with transaction.atomic():
        with rollups.deferred():
            # New records of a batched kind are written a thousand at a time; records that
            # exist already are compared and updated one by one, as any other kind.
            new = (
                NewRecords(record_kind, change_reason=IMPORT_CHANGE_REASON)
                if record_kind.batched
                else None
            )
            existing = new.existing_keys(record for _p, record in rows) if new else set()
            for position, record in rows:
                where = f"{name}, {position}"
                try:
                    values, many = resolve_record(
                        record_kind, record, from_text=from_text, lookups=lookups
                    )
                    if new is not None and values[record_kind.key[0]] not in existing:
                        key = new.add(where, values, many)
                        outcome, changed = "created", list(values)
                    else:
                        outcome, key, changed = load_record(
                            record_kind,
                            values,
                            many,
                            change_reason=IMPORT_CHANGE_REASON,
                            keep_edits_by_others=False,
                        )
                except RecordError as error:
                    errors.append(_located(where, error.column, error.message))
                except ValidationError as error:
                    errors.extend(_located(where, c, m) for c, m in describe_validation(error))
                else:
                    if key in seen:
                        errors.append(f"{where}: the same record as {seen[key]} again")
                    seen[key] = position
                    report.add(record_kind, outcome)
                    report.rows.append((position, key_label(key), outcome, changed))
                # Once a row is refused nothing will be kept: the rest are only checked.
                if new is not None and new.full:
                    errors.extend(_refused(new.flush(write=not errors)))
                if len(errors) >= MAX_REPORTED_ERRORS:
                    errors.append(f"{name}: stopped after {MAX_REPORTED_ERRORS} errors.")
                    break
            if new is not None:
                errors.extend(_refused(new.flush(write=not errors)))
        if errors or dry_run:
            transaction.set_rollback(True)
    if not rows:
        errors.append(f"{name}: the file holds no records.")
    if errors:
        raise ImportFileError(errors)
    return report


def _refused(rows: list[tuple[str, ValidationError]]) -> list[str]:
    return [
        _located(where, column, message)
        for where, error in rows
        for column, message in describe_validation(error)
    ]


def _located(where: str, column: str | None, message: str) -> str:
    return f"{where}, column {column}: {message}" if column else f"{where}: {message}"


def read_rows(name: str, data: bytes) -> tuple[list[tuple[str, dict]], bool]:
    """(position, record) pairs from a CSV, XLSX or JSON file, and whether cells are text."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return _csv_rows(name, data), True
    if suffix == ".xlsx":
        return _xlsx_rows(name, data), True
    if suffix == ".json":
        return _json_rows(name, data), False
    raise ImportFileError(
        [f"{name}: unknown format {suffix or '(none)'}; use .csv, .xlsx or .json"]
    )


def restore_formula(value: Any) -> Any:
    """Undo the exports' guard against spreadsheet formulas: the ' they put before a cell
    starting with = + - @ tab, carriage return, or ' itself."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in (*FORMULA_PREFIXES, "'"):
        return value[1:]
    return value


def _csv_rows(name: str, data: bytes) -> list[tuple[str, dict]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            [
                f"{name}: not UTF-8 text (byte {error.start} cannot be read); save the file "
                "as UTF-8 CSV and try again"
            ]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header:
            raise ImportFileError(
                [f"{name}: the file is empty; the first row must name the columns"]
            )
        header = [column.strip() for column in header]
        rows = []
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                raise ImportFileError(
                    [
                        f"{name}, row {line}: {len(values)} cells where the header has "
                        f"{len(header)}; the file may be truncated or a cell unquoted"
                    ]
                )
            rows.append(
                (
                    f"row {line}",
                    {c: restore_formula(v) for c, v in zip(header, values, strict=True)},
                )
            )
    except csv.Error as error:
        raise ImportFileError(
            [f"{name}, row {reader.line_num}: not valid CSV ({error}); the file may be truncated"]
        ) from None
    return rows


def _xlsx_rows(name: str, data: bytes) -> list[tuple[str, dict]]:
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        try:
            return _sheet_rows(name, workbook.worksheets[0])
        finally:
            workbook.close()
    except ImportFileError:
        raise
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        ParseError,
        SyntaxError,
        IndexError,
    ) as error:
        raise ImportFileError(
            [f"{name}: not an XLSX workbook ({type(error).__name__}); save it as .xlsx"]
        ) from None


def _sheet_rows(name: str, sheet: Any) -> list[tuple[str, dict]]:
    rows_of_cells = sheet.iter_rows()
    header = next(rows_of_cells, None)
    if not header or not any(cell.value for cell in header):
        raise ImportFileError(
            [f"{name}: the first sheet is empty; its first row must name the columns"]
        )
    columns = [str(cell.value).strip() if cell.value is not None else "" for cell in header]
    rows = []
    for number, cells in enumerate(rows_of_cells, start=2):
        if all(cell.value in (None, "") for cell in cells):
            continue
        record = {}
        for column, cell in zip(columns, cells, strict=False):
            if not column:
                continue
            if cell.data_type == "f":
                # A formula's result is not stored in files most tools write: refuse it
                # rather than import a blank.
                raise ImportFileError(
                    [
                        f"{name}, row {number}, column {column}: holds a formula "
                        f"({str(cell.value)[:40]}); paste its value instead"
                    ]
                )
            record[column] = _cell_text(cell.value)
        rows.append((f"row {number}", record))
    return rows


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


def _json_rows(name: str, data: bytes) -> list[tuple[str, dict]]:
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportFileError(
            [f"{name}: not UTF-8 text (byte {error.start} cannot be read)"]
        ) from None
    except RecursionError:
        raise ImportFileError([f"{name}: nested too deeply to be a list of records"]) from None
    except json.JSONDecodeError as error:
        raise ImportFileError(
            [
                f"{name}: not valid JSON at line {error.lineno}, column {error.colno} "
                f"({error.msg}); the file may be truncated"
            ]
        ) from None
    if not isinstance(records, list):
        raise ImportFileError(
            [f"{name}: expected a list of records, found {type(records).__name__}"]
        )
    rows = []
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise ImportFileError(
                [f"{name}, record {position}: expected an object, found {record!r:.60}"]
            )
        rows.append((f"record {position}", record))
    return rows
