"""The active filters as chips: one a value, each linking to the query without it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from policies.filters.dates import DateBasis
from policies.filters.facets.shapes import Chip
from policies.filters.fields import FILTER_ORDER, choice_label
from policies.filters.sets import TrackerFilterSet

if TYPE_CHECKING:
    from django.http import QueryDict

    from policies.filters import Selection


def chips(selection: Selection, data: QueryDict, *, hide: str | None = None) -> list[Chip]:
    """The filters ``data`` sets, one chip a value, each linking to the query without it
    (and without ``page``: a filter change restarts at the first page). ``hide`` names a
    filter the page fixes (a scope page's own): no chip, and no part of the links.

    Values the filters refused get a chip too, under the text given, so that the reader can
    take them out. The default date basis is no filter: no chip."""
    filterset = selection.filterset
    if filterset is None:
        return []
    cleaned: Mapping[str, Any] = getattr(filterset.form, "cleaned_data", None) or {}
    kept = [
        (name, value)
        for name, values in data.lists()
        for value in values
        if name not in ("page", hide) and value.strip()
    ]
    result = []
    for name in FILTER_ORDER:
        if name == hide or name not in filterset.filters:
            continue
        for value in dict.fromkeys(v for n, v in kept if n == name):
            text = _value_label(filterset, name, value, cleaned)
            if text is None:
                continue
            rest = [(n, v) for n, v in kept if (n, v) != (name, value)]
            label = _("%(filter)s: %(value)s") % {
                "filter": filterset.form.fields[name].label,
                "value": text,
            }
            result.append(Chip(name=name, label=label, remove="?" + urlencode(rest)))
    return result


def _value_label(
    filterset: TrackerFilterSet, name: str, value: str, cleaned: Mapping[str, Any]
) -> str | None:
    """How a chip names one value of filter ``name`` (None: no chip)."""
    if name == "q":
        return _("“%(words)s”") % {"words": Truncator(value.strip()).chars(60)}
    if name == "date_basis":
        if value == DateBasis.PUBLISHED:
            return None
        return str(dict(DateBasis.choices).get(value, Truncator(value).chars(60)))
    if name == "kind":
        labels = {}
        for group, choices in reversed(filterset.filters["kind"].extra["choices"]):
            if isinstance(choices, (list, tuple)):
                labels.update({v: str(label) for v, label in choices})
            else:  # a flat list of (value, label)
                labels[group] = str(choices)
        return labels.get(value, Truncator(value).chars(60))
    if name in ("date_after", "date_before"):
        date = cleaned.get(name)
        return date.isoformat() if date else Truncator(value).chars(60)
    for record in cleaned.get(name) or []:
        if value in (record.slug, getattr(record, "code", None)):
            return choice_label(record)
    return Truncator(value).chars(60)
