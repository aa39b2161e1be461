"""Cells: one value of a row, as a spreadsheet, CSV or JSON file writes it, and back.

Pure: no database. A cell that cannot be read raises ``RecordError`` naming its column and
saying why, in words an editor can act on.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

MANY_SEPARATOR = "|"


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


NEUTRALISED_PREFIXES = (*FORMULA_PREFIXES, "'")


FIRST_CHARACTERS_NEUTRALISED = frozenset(NEUTRALISED_PREFIXES)


class RecordError(Exception):
    """A problem with one record; ``column`` names the field to blame, when there is one."""

    def __init__(self, message: str, *, column: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return f"{self.column}: {self.message}" if self.column else self.message


# Characters no XML document (our Atom feeds) may carry, and NUL, which PostgreSQL refuses.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


TRUE_WORDS = {"true", "1", "yes", "t", "y"}


FALSE_WORDS = {"false", "0", "no", "f", "n"}


def parse_value(model_field: models.Field[Any, Any], raw: Any, *, from_text: bool) -> Any:
    """One cell or YAML/JSON value as the field's Python value, or RecordError saying why.

    ``from_text``: the value comes from a spreadsheet cell, where an empty cell means "none".
    """
    name = model_field.name
    if isinstance(raw, float):
        # Binary floats go through their shortest repr, so 7.8 stays 7.8.
        raw = repr(raw)
    if from_text and raw == "":
        raw = None
    if raw is None:
        if isinstance(model_field, (models.CharField, models.TextField)):
            return ""
        if isinstance(model_field, models.BooleanField):
            return model_field.get_default()
        return None
    if isinstance(raw, (dict, list)) or (
        isinstance(raw, bool) and not isinstance(model_field, models.BooleanField)
    ):
        raise RecordError(f"expected a single value, found {raw!r:.60}", column=name)
    if isinstance(raw, str) and CONTROL_CHARACTERS.search(raw):
        raise RecordError(
            "contains a control character (such as NUL); remove it and try again", column=name
        )
    if isinstance(model_field, models.BooleanField) and not isinstance(raw, bool):
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise RecordError(f"{raw!r} is not true or false", column=name)
    if isinstance(raw, datetime.datetime):
        raw = raw.date() if isinstance(model_field, models.DateField) else raw
    try:
        return model_field.to_python(raw)
    except ValidationError as error:
        raise RecordError(" ".join(error.messages), column=name) from None
    except (TypeError, ValueError):
        raise RecordError(
            f"{raw!r} is not a valid {model_field.description.lower()}", column=name
        ) from None


def split_many(raw: Any, column: str) -> list[str]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(MANY_SEPARATOR) if part.strip()]
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return raw
    raise RecordError(f"expected a list of keys, found {raw!r}", column=column)


def restore_formula(value: Any) -> Any:
    """Undo the exports' guard against spreadsheet formulas: the ' they put before a cell
    starting with = + - @ tab, carriage return, or ' itself."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in (*FORMULA_PREFIXES, "'"):
        return value[1:]
    return value


def neutralise(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection). A cell that
    already starts with ' is prefixed too, so the importer can always take one off."""
    return "'" + value if value.startswith(NEUTRALISED_PREFIXES) else value
