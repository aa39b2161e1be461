"""Loads: the reviewed seeds, and records imported from CSV, XLSX or JSON files.

Both read rows as ``policies.data_io.schema`` defines them and load them in one
transaction: a broken record stops everything with the file, the record, the column and the
reason, and nothing is written. A record that an editor has changed since it was seeded is
kept as the editor left it, so reloading the seeds never undoes someone's work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from policies.data_io.cells import RecordError
from policies.data_io.keys import ResolvedKeys, resolve_record
from policies.data_io.limits import IMPORT_MAX_BYTES
from policies.data_io.naming import key_label
from policies.data_io.readers import (
    ImportFileError,
    ImportRows,
    SeedError,
    read_rows,
    read_yaml,
    text_file_reader,
)
from policies.data_io.schema import OUTCOMES, RECORD_KINDS, RecordKind
from policies.data_io.writing import (
    NewRecords,
    changed_since,
    describe_validation,
    load_record,
    lock_existing,
)
from policies.writes import retrying

SEED_CHANGE_REASON = "load_seeds"


IMPORT_CHANGE_REASON = "import_records"


MAX_REPORTED_ERRORS = 20


# The rows a load report describes one by one (an import preview shows them); past these it
# only counts them. All of a 100,000-row import's took 20 MB of a web worker's memory.
REPORTED_ROWS = 500


@dataclass
class LoadReport:
    """What a load did (or, in a dry run, would do), counted per kind and outcome."""

    counts: dict[str, Counter] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    # (position, key, outcome, changed fields) of the first REPORTED_ROWS rows, for an
    # import preview, and how many rows there were in all.
    rows: list[tuple[str, str, str, list[str]]] = field(default_factory=list)
    row_count: int = 0
    # The version of each existing record the rows name, as the load found it (by key):
    # a preview's, given back when the import is confirmed, refuses records changed since.
    versions: dict[str, int] = field(default_factory=dict)

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


def seed_load(*, directory: Path, dry_run: bool = False) -> LoadReport:
    """Load every seed file in ``directory`` in one transaction; with ``dry_run``, roll back.

    Raises SeedError naming the file, record and reason at the first record that does not
    load; nothing is written then.
    """
    return retrying(lambda: _seed_records(directory, dry_run))


def _seed_records(directory: Path, dry_run: bool) -> LoadReport:
    report = LoadReport()
    for kind in RECORD_KINDS.values():
        path = directory / "records" / f"{kind.name}.yaml"
        seen: dict[tuple, int] = {}
        lookups = ResolvedKeys(kind)
        for position, record in enumerate(read_yaml(path), start=1):
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
                    extra=text_file_reader(directory) if "text" in kind.columns else None,
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
    seen_versions: dict[str, int] | None = None,
) -> LoadReport:
    """Import one file of records, all or nothing; with ``dry_run``, report and roll back.

    ``name`` is the file's name, which gives its format (.csv, .xlsx, .json) and, without
    ``kind``, what it holds. Raises ImportFileError listing every row that does not load
    (up to MAX_REPORTED_ERRORS), each with its row, column and reason; nothing is written.

    ``seen_versions`` (a preview's ``report.versions``) makes the import refuse, whole, if
    any record it names was changed after the preview: the edit-conflict check, for imports.
    """
    record_kind = import_kind_for(name, kind)
    if len(data) > IMPORT_MAX_BYTES:
        raise ImportFileError(
            [
                f"{name}: the file is {len(data) / 1_048_576:.1f} MB; the limit is "
                f"{IMPORT_MAX_BYTES // 1_048_576} MB. Split it into smaller files."
            ]
        )
    rows = read_rows(name, data)
    keys = FileKeys.read(record_kind, rows)
    if not keys.count:
        raise ImportFileError([f"{name}: the file holds no records."])
    report, errors = retrying(
        lambda: _import_rows(
            record_kind,
            rows,
            keys,
            name=name,
            dry_run=dry_run,
            seen_versions=seen_versions,
        )
    )
    if errors:
        raise ImportFileError(errors)
    return report


@dataclass
class FileKeys:
    """What a first read of an import file finds, before any row is loaded: how many
    records it holds, the keys they are known by and the distinct cells that name related
    records. They are looked up and locked before the rows are read again one by one,
    which holds no more than these keys."""

    count: int = 0
    keys: set[Any] = field(default_factory=set)
    references: dict[str, set[Hashable]] = field(default_factory=dict)

    @classmethod
    def read(cls, kind: RecordKind, rows: ImportRows) -> FileKeys:
        found = cls(references={column: set() for column in (*kind.refs, *kind.many)})
        key = kind.key[0] if len(kind.key) == 1 else None
        for _position, record in rows:
            found.count += 1
            # Only a key that is text or a number can name an existing record.
            if key is not None and isinstance(record.get(key), (str, int)):
                found.keys.add(record[key])
            for column, seen in found.references.items():
                raw = record.get(column)
                # A cell that cannot be hashed (a mapping, say) names nothing: the row's
                # own check says so.
                with suppress(TypeError):
                    seen.add(tuple(raw) if isinstance(raw, list) else raw)
        return found

    def key_records(self, kind: RecordKind) -> Iterator[dict[str, Any]]:
        """Each key as a row holding only it, for ``lock_existing`` and ``existing_keys``."""
        if len(kind.key) == 1:
            yield from ({kind.key[0]: key} for key in self.keys)

    def reference_records(self) -> Iterator[dict[str, Any]]:
        """Each distinct cell as a row holding only it, for ``ResolvedKeys.prefetch``."""
        for column, seen in self.references.items():
            for raw in seen:
                yield {column: list(raw) if isinstance(raw, tuple) else raw}


def _import_rows(
    record_kind: RecordKind,
    rows: ImportRows,
    keys: FileKeys,
    *,
    name: str,
    dry_run: bool,
    seen_versions: dict[str, int] | None,
) -> tuple[LoadReport, list[str]]:
    """One attempt at loading ``rows``, in the caller's transaction: (report, errors)."""
    report = LoadReport()
    errors: list[str] = []
    seen: dict[tuple, str] = {}
    lookups = ResolvedKeys(record_kind)
    lookups.prefetch(keys.reference_records(), from_text=rows.from_text)
    report.versions = lock_existing(record_kind, keys.key_records(record_kind))
    if seen_versions is not None:
        errors += _changed_since_preview(record_kind, name, report.versions, seen_versions)
        if errors:
            transaction.set_rollback(True)
            return report, errors
    # New records of a batched kind are written a thousand at a time; records that
    # exist already are compared and updated one by one, as any other kind.
    new = (
        NewRecords(record_kind, change_reason=IMPORT_CHANGE_REASON)
        if record_kind.batched
        else None
    )
    existing = new.existing_keys(keys.key_records(record_kind)) if new else set()
    # Every created row changes every field: one list, not one per row.
    every_field = list(record_kind.fields)
    for position, record in rows:
        where = f"{name}, {position}"
        try:
            values, many = resolve_record(
                record_kind, record, from_text=rows.from_text, lookups=lookups
            )
            if new is not None and values[record_kind.key[0]] not in existing:
                key = new.add(where, values, many)
                outcome, changed = "created", every_field
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
            report.row_count += 1
            if len(report.rows) < REPORTED_ROWS:
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
    return report, errors


def _changed_since_preview(
    kind: RecordKind, name: str, versions: dict[str, int], seen: dict[str, int]
) -> list[str]:
    """Records the preview saw that someone changed (or added) before the confirmation."""
    errors = []
    for key, version in sorted(versions.items()):
        if seen.get(key) == version:
            continue
        what = changed_since(kind, key, seen[key]) if key in seen else _("someone added it")
        errors.append(
            _(
                "%(file)s: %(record)s %(key)s: %(what)s, after the preview. Nothing was "
                "imported, so that their change is not lost: upload the file again to see "
                "it in a new preview."
            )
            % {"file": name, "record": kind.model._meta.verbose_name, "key": key, "what": what}
        )
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
    return errors


def _refused(rows: list[tuple[str, ValidationError]]) -> list[str]:
    return [
        _located(where, column, message)
        for where, error in rows
        for column, message in describe_validation(error)
    ]


def _located(where: str, column: str | None, message: str) -> str:
    return f"{where}, column {column}: {message}" if column else f"{where}: {message}"
