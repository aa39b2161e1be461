"""File readers: the rows of a CSV, XLSX or JSON file, and of a YAML seed file.

Each refuses a file it cannot read whole with a message naming the file (and the row, where
there is one) and saying what to do; nothing is half-read. An import file is bounded before
it is parsed (its size, an XLSX's unpacked size, its rows) and then read a row at a time,
so that a file within the limits costs a web worker little memory, and one past them less.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from policies.data_io.cells import RecordError, restore_formula
from policies.data_io.limits import (
    IMPORT_MAX_ROWS,
    READ_CHUNK,
    ImportFileError,
    too_many_rows,
)
from policies.data_io.workbooks import table_rows, xlsx_table

# ImportFileError is at home in limits; its callers take it from here, with the rows.
__all__ = [
    "ImportFileError",
    "ImportRows",
    "SeedError",
    "SeedYamlLoader",
    "read_rows",
    "read_yaml",
    "text_file_reader",
]


class SeedError(Exception):
    """A seed file or record that cannot be loaded; the message says where and why."""


class SeedYamlLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so Django parses them and reports bad ones well."""


SeedYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> list[Any]:
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


def text_file_reader(directory: Path) -> dict[str, Callable[[Any], tuple[str, str]]]:
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


class ImportRows:
    """The records of an import file as (position, record) pairs, read afresh each time
    they are iterated: a load reads them twice (their keys, then each record) and never
    holds them all. The first read raises ImportFileError for what is wrong with the file,
    before any record is loaded; ``from_text`` says whether every cell is text."""

    def __init__(self, read: Callable[[], Iterator[tuple[str, dict]]], *, from_text: bool):
        self._read = read
        self.from_text = from_text

    def __iter__(self) -> Iterator[tuple[str, dict]]:
        return self._read()


def read_rows(name: str, data: bytes) -> ImportRows:
    """The records of a CSV, XLSX or JSON file (see ``ImportRows``).

    An XLSX is checked against its limits before it is parsed, then read once, here, into
    a compact table of its cells: reading it again with openpyxl would double the import's
    time."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return ImportRows(lambda: _within_limit(name, _csv_rows(name, data)), from_text=True)
    if suffix == ".xlsx":
        columns, table = xlsx_table(name, data)
        return ImportRows(lambda: table_rows(columns, table), from_text=True)
    if suffix == ".json":
        return ImportRows(lambda: _within_limit(name, _json_rows(name, data)), from_text=False)
    raise ImportFileError(
        [f"{name}: unknown format {suffix or '(none)'}; use .csv, .xlsx or .json"]
    )


def _within_limit(name: str, rows: Iterator[tuple[str, dict]]) -> Iterator[tuple[str, dict]]:
    for count, row in enumerate(rows, start=1):
        if count > IMPORT_MAX_ROWS:
            raise ImportFileError([too_many_rows(name)])
        yield row


def _text(data: bytes) -> io.TextIOWrapper:
    """The file as UTF-8 text, decoded as it is read (without a copy of the whole)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")


def _not_utf8_at(data: bytes) -> int:
    """The offset of the first byte that is not UTF-8, found a megabyte at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), READ_CHUNK):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[start : start + READ_CHUNK], final=start + READ_CHUNK >= len(data))
        except UnicodeDecodeError as error:
            return start - pending + error.start
    return len(data)


def _csv_rows(name: str, data: bytes) -> Iterator[tuple[str, dict]]:
    reader = csv.reader(_text(data), strict=True)
    try:
        header = next(reader, None)
        if not header:
            raise ImportFileError(
                [f"{name}: the file is empty; the first row must name the columns"]
            )
        header = [column.strip() for column in header]
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
            yield (
                f"row {line}",
                {c: restore_formula(v) for c, v in zip(header, values, strict=True)},
            )
    except UnicodeDecodeError:
        raise ImportFileError(
            [
                f"{name}: not UTF-8 text (byte {_not_utf8_at(data)} cannot be read); save "
                "the file as UTF-8 CSV and try again"
            ]
        ) from None
    except csv.Error as error:
        raise ImportFileError(
            [f"{name}, row {reader.line_num}: not valid CSV ({error}); the file may be truncated"]
        ) from None


def _json_rows(name: str, data: bytes) -> Iterator[tuple[str, dict]]:
    try:
        for position, record in enumerate(_json_values(name, data), start=1):
            if not isinstance(record, dict):
                raise ImportFileError(
                    [f"{name}, record {position}: expected an object, found {record!r:.60}"]
                )
            yield f"record {position}", record
    except UnicodeDecodeError:
        raise ImportFileError(
            [f"{name}: not UTF-8 text (byte {_not_utf8_at(data)} cannot be read)"]
        ) from None
    except RecursionError:
        raise ImportFileError([f"{name}: nested too deeply to be a list of records"]) from None


def _json_values(name: str, data: bytes) -> Iterator[Any]:
    """The items of the file's top-level list, decoded one at a time: the text is held
    (about the file's size), never all of its records at once."""
    text = _text(data).read()
    decoder = json.JSONDecoder()
    try:
        at = _skip_space(text, 0)
        if not text.startswith("[", at):
            records = json.loads(text)
            raise ImportFileError(
                [f"{name}: expected a list of records, found {type(records).__name__}"]
            )
        at = _skip_space(text, at + 1)
        if text.startswith("]", at):
            at += 1
        else:
            while True:
                value, at = decoder.raw_decode(text, at)
                yield value
                at = _skip_space(text, at)
                if text.startswith("]", at):
                    at += 1
                    break
                if not text.startswith(",", at):
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, at)
                at = _skip_space(text, at + 1)
        at = _skip_space(text, at)
        if at != len(text):
            raise json.JSONDecodeError("Extra data", text, at)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            [
                f"{name}: not valid JSON at line {error.lineno}, column {error.colno} "
                f"({error.msg}); the file may be truncated"
            ]
        ) from None


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(text: str, at: int) -> int:
    match = _JSON_SPACE.match(text, at)
    return match.end() if match else at
