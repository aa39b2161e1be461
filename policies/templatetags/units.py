"""Values in words a reader reads, in the active language: ``{{ value|readable:unit }}``
gives "60 million households (6,000 × 10,000; 6,000 万户)" where the plan wrote 6000 万户.

Thin: the wording is policies.charts.values', shared with the charts' hovers and tables.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from policies.charts import values
from policies.charts.indicators import figure_status

register = template.Library()


@register.filter
def readable(value: Decimal | None, unit: str) -> str:
    """A value in its unit's words, with the multiplication and the unit as written."""
    return values.in_full(value, unit)


@register.filter
def in_words(value: Decimal | None, unit: str) -> str:
    """A value in its unit's words alone: "60 million households"."""
    return values.in_words(value, unit)


@register.filter
def unit_words(unit: str) -> str:
    """A unit code in words: "10,000 households (万户)"."""
    return values.unit_words(unit)


@register.simple_tag
def qualified(value: Decimal | None, unit: str, qualifier: str = "exact") -> str:
    """A value as written, with its qualifier: "at least 11 million people (1,100 × 10,000;
    1,100 万人)"."""
    return values.in_full(value, unit, qualifier)


@register.simple_tag
def figure_value(observation: Any, indicator_unit: str = "") -> str:
    """An observation as its source published it, qualifier and unit included."""
    return values.in_full(
        observation.value, observation.unit or indicator_unit, observation.qualifier
    )


@register.simple_tag
def progress_figure(figure: Any, unit: str) -> str:
    """The figure a status rests on (a ``progress.Figure``, in the indicator's ``unit``)."""
    if figure is None:
        return values.NOTHING
    return values.in_full(figure.value, unit, figure.qualifier)


@register.filter
def period(figure: Any) -> str:
    """A figure's period in words: "2024", or "June 2025"."""
    if figure is None:
        return values.NOTHING
    return values.period_words(figure.year, figure.month)


@register.filter
def counted_status(observation: Any) -> str:
    """Whether a figure counts: "verified", or "unverified, not counted"."""
    return figure_status(observation)
