"""The data table under each chart, drawn in Python.

A chart's table can hold a few thousand cells (a timeline over fifteen years by theme);
through the template engine, resolving and localising each cell was most of the
dashboard's render time. This writes the same markup directly.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _cell(value: Any) -> str:
    # Integers read the same in every locale unless thousands are grouped; everything
    # else (decimals, dates) is localised as the template engine would.
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return conditional_escape(localize(value))


@register.simple_tag
def chart_table_rows(rows: list[list[Any]]) -> SafeString:
    """``<tr>`` rows: the first cell a row header, the others data cells."""
    lines = []
    for row in rows:
        head, *cells = row
        lines.append(
            format_html('<tr><th scope="row">{}</th>', _cell(head))
            + "".join(f"<td>{_cell(cell)}</td>" for cell in cells)
            + "</tr>"
        )
    return mark_safe("".join(lines))  # noqa: S308 (every cell is escaped by _cell)
