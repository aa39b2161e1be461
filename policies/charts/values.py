"""Values as a reader reads them: a number in its unit's words, with the qualifier the
document gave it ("about 5%", "at least 60 million households (6,000 × 10,000; 6,000 万户)").

The charts, the pages and their tables all word a value here, so a figure reads the same in
a hover, a cell and a sentence. Pure: no database; the words follow the active language.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import pgettext_lazy

from policies import units

# How a qualifier reads before a value; "exact" adds nothing. Format strings, so that a
# language can put its words after the value.
QUALIFIED = {
    "about": pgettext_lazy("a value", "about %s"),
    "at_least": pgettext_lazy("a value", "at least %s"),
    "at_most": pgettext_lazy("a value", "at most %s"),
}

NOTHING = "—"


def qualify(text: str, qualifier: str | None) -> str:
    """``text`` with its qualifier's words: "about 5%"."""
    phrase = QUALIFIED.get(qualifier or "")
    return str(phrase) % text if phrase else text


def in_words(value: Decimal | None, unit: str, qualifier: str | None = None) -> str:
    """The value in its unit's words only, for a chart's label: "about 60 million households"."""
    if value is None:
        return NOTHING
    return qualify(units.readable(value, unit).words, qualifier)


def in_full(value: Decimal | None, unit: str, qualifier: str | None = None) -> str:
    """The value in words, with the multiplication and the unit as written beside them:
    "at least 60 million households (6,000 × 10,000; 6,000 万户)"."""
    if value is None:
        return NOTHING
    return qualify(str(units.readable(value, unit)), qualifier)


def unit_words(unit: str) -> str:
    """A unit in words, with its written form when that differs: "10,000 households (万户)"."""
    known = units.unit(unit)
    label = str(known.label)
    return label if known.written == label else f"{label} ({known.written})"


def period_words(year: int, month: int | None) -> str:
    """A figure's period as a reader says it: "2024", or "June 2025" ("juin 2025")."""
    if month is None:
        return str(year)
    return date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")


def period_end(year: int, month: int | None) -> str:
    """The last day of the period, as an ISO date: where a figure stands on a time axis (a
    year's result at its end, "as of June" at the end of June), and a target at its
    deadline."""
    if month is None or month == 12:
        return f"{year}-12-31"
    return (datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)).isoformat()
