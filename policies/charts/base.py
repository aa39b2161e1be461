"""What every chart builder shares: the ``Chart`` it returns, plotly layout and trace helpers,
labels, and the Protocols that say what a builder reads from the records it is given.

Builders are pure: they take rows and records already loaded and never query the database.
"""

from __future__ import annotations

import datetime
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, Protocol, TypedDict

from django.conf import settings
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from policies.localized import Translatable, localized, marked
from policies.progress import Progress

NO_THEME_COLOUR = "#bbbbbb"


PLAN_COLOUR = "#222222"


FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"


# ColorBrewer's sequential Blues, lightest first: plotly's own "Blues" runs from dark blue at
# its minimum to grey at its maximum, which drew every empty cell darkest.
SEQUENTIAL_BLUES = [
    [0.0, "#f7fbff"],
    [0.125, "#deebf7"],
    [0.25, "#c6dbef"],
    [0.375, "#9ecae1"],
    [0.5, "#6baed6"],
    [0.625, "#4292c6"],
    [0.75, "#2171b5"],
    [0.875, "#08519c"],
    [1.0, "#08306b"],
]


# About this many steps on a count axis at most: enough to read a bar by, few enough for a
# phone's short axis.
COUNT_TICKS = 6


# What the builders read from records: any object with these attributes will do (a model
# instance, or a plain dataclass in a test). Names, titles and notes are read through
# ``words``, in the reader's language: each record says in ``TRANSLATED`` where they are.


class ThemeLike(Translatable, Protocol):
    TRANSLATED: ClassVar[dict[str, str]]  # "name"
    slug: str
    name: str
    colour: str


class SectorLike(Translatable, Protocol):
    TRANSLATED: ClassVar[dict[str, str]]  # "name"
    slug: str
    name: str

    @property
    def depth(self) -> int: ...


class PlanLike(Translatable, Protocol):
    TRANSLATED: ClassVar[dict[str, str]]  # "title"
    title_en: str

    @property
    def pk(self) -> int: ...


class IndicatorLike(Translatable, Protocol):
    TRANSLATED: ClassVar[dict[str, str]]  # "name": the English name, name_en
    slug: str
    name: str  # in the indicator's own language (Chinese): not what a label reads
    name_en: str
    unit: str  # a code of policies.units


class TargetLike(Protocol):
    """A target as its plan writes it (value, unit, qualifier) and in its indicator's unit."""

    pk: int
    value: Decimal
    unit: str
    qualifier: str
    baseline_value: Decimal | None  # in the unit as written
    baseline_year: int | None
    target_value: Decimal  # in the indicator's unit
    target_year: int

    @property
    def plan(self) -> PlanLike: ...

    @property
    def indicator(self) -> IndicatorLike: ...

    @property
    def baseline_in_indicator_unit(self) -> Decimal | None: ...


class SourceLike(Protocol):
    """A figure's source, named as ``Source.reader_title`` names it (from loaded fields)."""

    @property
    def reader_title(self) -> str: ...


class ObservationLike(Translatable, Protocol):
    """A figure of an indicator, as published (``value`` in ``unit``, blank: the
    indicator's) and in the indicator's unit; ``revised``: superseded by a revision."""

    TRANSLATED: ClassVar[dict[str, str]]  # "note"
    period: str
    year: int
    month: int | None
    value: Decimal
    unit: str
    indicator_value: Decimal
    qualifier: str
    verified: bool
    revised: bool
    published_on: datetime.date | None
    note: str

    @property
    def source(self) -> SourceLike | None: ...


class TargetRowLike(Protocol):
    """A target with its computed progress (``selectors.TargetRow``)."""

    @property
    def target(self) -> TargetLike: ...

    @property
    def progress(self) -> Progress: ...


# The rows the selectors hand over, by name.


class PeriodThemeRow(TypedDict):
    period: datetime.date | datetime.datetime
    themes__slug: str | None
    count: int


class PeriodRow(TypedDict):
    period: datetime.date | datetime.datetime
    count: int


class ThemeSectorRow(TypedDict):
    themes__slug: str
    sectors__slug: str
    count: int


# Per record type ("statements", "plans", "targets"): records tagged with each sector slug.
SectorCounts = dict[str, dict[str, int]]


@dataclass
class Chart:
    """A figure with its text alternative and the table of the same data."""

    key: str
    title: str
    summary: str
    figure: dict[str, Any]
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to draw: the page shows the summary's sentence instead of empty axes."""
        return not any(
            trace.get(axis) for trace in self.figure["data"] for axis in ("x", "y", "z")
        )


def make_layout(**overrides: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "template": NO_TEMPLATE,
        "font": {"family": FONT, "size": 13},
        "separators": separators(),
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "hoverlabel": {"font": {"family": FONT}},
        "legend": {"orientation": "h", "y": -0.15},
        "xaxis": {"automargin": True, "gridcolor": "#eeeeee"},
        "yaxis": {"automargin": True, "gridcolor": "#eeeeee", "rangemode": "tozero"},
        "autosize": True,
    }
    layout.update(overrides)
    return layout


def separators() -> str:
    """Plotly's decimal and thousands separators, taken from Django's formats for the active
    language, so that an axis reads "7,8" where the page and its table do."""
    return str(get_format("DECIMAL_SEPARATOR")) + str(get_format("THOUSAND_SEPARATOR"))


def count_ticks(maximum: float) -> dict[str, Any]:
    """Tick settings for an axis or colour bar of counts, up to ``maximum``: whole numbers
    only, from 0. Left to itself plotly ticks a short axis at 0.5 or 0.2, which reads as
    half a statement (and a "d" format alone rounds those into repeated labels)."""
    return {
        # Thousands grouped only where Django groups them, as in the chart's table.
        "tickformat": ",d" if settings.USE_THOUSAND_SEPARATOR else "d",
        "tick0": 0,
        "dtick": _count_step(maximum),
    }


def _count_step(maximum: float) -> int:
    """The first of 1, 2, 5, 10, 20, 50 ... that ticks 0 to ``maximum`` in COUNT_TICKS."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if maximum <= step * COUNT_TICKS:
                return step
        magnitude *= 10


# What plotly's own "none" template becomes in JSON: no styling beyond our layout.
NO_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}


def make_trace(kind: str, **properties: Any) -> dict[str, Any]:
    """A trace, with plotly's ``marker_color`` shorthand spelled out as ``marker.color``
    (no trace property has an underscore of its own)."""
    trace: dict[str, Any] = {"type": kind}
    for name, value in properties.items():
        *parents, leaf = name.split("_")
        node = trace
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return trace


def make_figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """The figure as plotly.js reads it. Plain dicts: building plotly's validated objects
    took a third of the dashboard's time; tests/test_charts.py validates every figure
    with plotly instead."""
    return {"data": data, "layout": layout}


def granularity_label(granularity: str) -> str:
    return {"month": _("month"), "quarter": _("quarter"), "year": _("year")}[granularity]


def period_label(period: datetime.date, granularity: str) -> str:
    if granularity == "year":
        return str(period.year)
    if granularity == "quarter":
        # Translators: a quarter of a year on a chart's axis and in its summary ("T2 2022").
        return _("%(year)d Q%(quarter)d") % {
            "year": period.year,
            "quarter": (period.month - 1) // 3 + 1,
        }
    return period.strftime("%Y-%m")


def plotly_escape(text: str) -> str:
    """Text for plotly, which renders a subset of HTML (links, bold...) in labels and hovers:
    editor-written names must show as written, never as markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def words(record: Translatable, field: str = "name") -> str:
    """``record``'s ``field`` (a name, a title, a note) as plain text in the reader's
    language; " (EN)" where the English stands in for missing French. Reads the record's
    attributes only: no query."""
    return marked(localized(record, field))


def wrap_label(text: str, width: int = 28, *, indent: str = "") -> str:
    """Break a long axis label into lines, so narrow screens keep room for the plot; each
    line starts with ``indent``."""
    lines = textwrap.wrap(text, width) or [text]
    return "<br>".join(indent + plotly_escape(line) for line in lines)


def sector_label(sector: SectorLike, width: int = 18) -> str:
    """A sector's name as an axis label: indented by its depth in the tree, and wrapped, so
    that a phone keeps room for the plot beside it."""
    return wrap_label(words(sector), width, indent="\u2002" * sector.depth)


def period_sequence(
    first: datetime.date, last: datetime.date, granularity: str
) -> list[datetime.date]:
    """Every period start from ``first`` to ``last``, so empty periods show as gaps."""
    step = {"month": 1, "quarter": 3, "year": 12}[granularity]
    periods = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        periods.append(datetime.date(year, month, 1))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return periods


def as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return number_format(value.normalize() if isinstance(value, Decimal) else value)
