"""File readers: the rows of a CSV, XLSX or JSON file, and of a YAML seed file.

Each refuses a file it cannot read whole with a message naming the file (and the row, where
there is one) and saying what to do; nothing is half-read.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from policies.data_io.cells import RecordError, restore_formula


class SeedError(Exception):
    """A seed file or record that cannot be loaded; the message says where and why."""


class ImportFileError(Exception):
    """A file that cannot be imported; ``errors`` lists where and why, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


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
