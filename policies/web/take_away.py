"""Take the data away: where the records a page shows can be had as a file, from the API or
as a feed, under the page's filters, and what an export's file is called.

A page hands over its filters as the one door read them (``filters.select``'s data), and
this keeps only the parameters that the export, the API and the feed of its records read:
the same FilterSet's names, so each link opens the same records as the page. Paging, and
anything the FilterSet does not read, is left behind (the API refuses names it does not
know). Nothing here queries the database: the values pass through as the reader gave them,
which is what the one door validated.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from policies import filters

# The filters in the order a file's name spells them: the filter form's.
ORDER = filters.FILTER_ORDER

# The records a page may give away (the dashboard and the sector, theme and actor pages give
# their statements): the API's list of them (its router names each by its model) and the
# feed that follows them, where there is one.
DOORS: dict[str, tuple[str, str | None]] = {
    "statements": ("statement-list", "feeds:statements"),
    "plans": ("plan-list", None),
    "targets": ("target-list", "feeds:targets"),
    "indicators": ("indicator-list", None),
}

# How long a file's name may grow before its date: a few filters spelled out, never a
# reader's whole search.
NAME_LENGTH = 80


@dataclass(frozen=True)
class TakeAway:
    """The links for one page's records: files, the API's same query, the feed (or None)."""

    csv: str
    json: str
    api: str
    feed: str | None


def _values(data: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return [str(v) for v in data.getlist(name)]
    value = data.get(name)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def filter_params(kind: str, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The parameters of ``data`` that ``kind``'s FilterSet reads, in ``ORDER``, empty
    values dropped (they filter nothing). A ``kind`` value that is not a kind of these
    records is dropped too: the dashboard's one ``kind`` list also names plans' and
    targets' kinds, which its statements ignore (``TrackerFilterSet.filter_kind``)."""
    filterset = filters.FILTERSETS.get(kind)
    if filterset is None:
        return []
    names = sorted(
        filterset.base_filters,
        key=lambda name: ORDER.index(name) if name in ORDER else len(ORDER),
    )
    own_kinds = {str(value) for value, _label in filterset.kind_choices}
    return [
        (name, value)
        for name in names
        for value in _values(data, name)
        if value != "" and (name != "kind" or value in own_kinds)
    ]


def _selects_nothing(kind: str, data: Mapping[str, Any]) -> bool:
    """True when ``data`` names kinds, none of them this kind of records' (the dashboard
    asked for plans of a kind): its page shows none of them, and no link could say so."""
    kinds = [value for value in _values(data, "kind") if value != ""]
    return bool(kinds) and not any(name == "kind" for name, _ in filter_params(kind, data))


def query(kind: str, data: Mapping[str, Any]) -> str:
    """``data``'s filters for ``kind``'s records as a query string ("" for none)."""
    return urlencode(filter_params(kind, data))


def links(kind: str, data: Mapping[str, Any]) -> TakeAway | None:
    """The take-away links of a page showing ``kind``'s records under the filters ``data``;
    None when no link can hold what the page shows. Exports and feeds are reversed under
    the active language (``/fr/…`` on French pages); the API has one, unprefixed, address."""
    api, feed = DOORS[kind]
    if _selects_nothing(kind, data):
        return None
    filtered = query(kind, data)
    suffix = f"?{filtered}" if filtered else ""
    return TakeAway(
        csv=reverse("policies:export", args=[kind, "csv"]) + suffix,
        json=reverse("policies:export", args=[kind, "json"]) + suffix,
        api=reverse(api) + suffix,
        feed=reverse(feed) + suffix if feed else None,
    )


def _slug(text: str) -> str:
    """Only ``[a-z0-9-]``: what any file system, shell and mail client passes unharmed."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def export_filename(
    kind: str,
    data: Mapping[str, Any],
    *,
    file_format: str,
    today: datetime.date,
    with_drafts: bool = False,
) -> str:
    """An export's file name, saying what it holds: its kind, each filter as name and
    values, whether drafts are in it, and the day it was made
    (``statements-sector-6g-2026-12-01.csv``); cut short at a word when the filters run
    long."""
    parts = [_slug(kind)]
    by_name: dict[str, list[str]] = {}
    for name, value in filter_params(kind, data):
        by_name.setdefault(name, []).append(value)
    for name, values in by_name.items():
        # A value with nothing left to spell (a search in Chinese) still says it was there.
        spelled = [slug for value in dict.fromkeys(values) if (slug := _slug(value))]
        parts += [_slug(name), *spelled]
    stem = "-".join(parts)
    if len(stem) > NAME_LENGTH:
        # At the last whole word that fits (the character after the cut may be a hyphen).
        stem = stem[: NAME_LENGTH + 1].rsplit("-", 1)[0]
    drafts = "-with-drafts" if with_drafts else ""
    return f"{stem}{drafts}-{today.isoformat()}.{_slug(file_format)}"
