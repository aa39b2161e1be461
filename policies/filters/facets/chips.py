"""The active filters as chips: one a value, each linking to the query without it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from policies.filters.dates import DateBasis
from policies.filters.facets.shapes import Chip
from policies.filters.fields import FILTER_ORDER, MAX_VALUES, choice_label
from policies.filters.sets import TrackerFilterSet

# The filters that take one value; the others are repeatable.
SINGLE = frozenset({"q", "date_after", "date_before", "date_basis"})

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
    names = [n for n in FILTER_ORDER if n != hide and n in filterset.filters]
    values = {name: _applied(data, name) for name in names}
    # What each chip's link keeps: the values the filters read, never a list the filters
    # refused for its length (every link would carry it again).
    kept = [
        (name, value)
        for name in names
        if len(values[name]) <= MAX_VALUES
        for value in values[name]
    ]
    result = []
    for name in names:
        field_label = filterset.form.fields[name].label
        if len(values[name]) > MAX_VALUES:
            label = _("%(filter)s: %(value)s") % {
                "filter": field_label,
                "value": _("%(count)d values") % {"count": len(values[name])},
            }
            result.append(Chip(name=name, label=label, remove="?" + urlencode(kept)))
            continue
        for value in values[name]:
            text = _value_label(filterset, name, value, cleaned)
            if text is None:
                continue
            rest = [(n, v) for n, v in kept if (n, v) != (name, value)]
            label = _("%(filter)s: %(value)s") % {"filter": field_label, "value": text}
            result.append(Chip(name=name, label=label, remove="?" + urlencode(rest)))
    return result


def _applied(data: QueryDict, name: str) -> list[str]:
    """The values of ``name`` the filters read: the last one for a single-valued filter
    (as a form reads it), each distinct one for a repeatable filter; never blanks."""
    if name in SINGLE:
        value = data.get(name, "")
        return [value] if value.strip() else []
    return list(dict.fromkeys(v for v in data.getlist(name) if v.strip()))


def _value_label(
    filterset: TrackerFilterSet, name: str, value: str, cleaned: Mapping[str, Any]
) -> str | None:
    """How a chip names one value of filter ``name`` (None: no chip)."""
    if name == "q":
        # A quoted phrase is shown once quoted, in the reader's own quotation marks.
        words = value.strip()
        if len(words) > 1 and words[0] == words[-1] == '"' and words.count('"') == 2:
            words = words[1:-1]
        return _("“%(words)s”") % {"words": Truncator(words).chars(60)}
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
