"""The browse indexes: sources, actors, themes and sectors, each with its counts.

Thin, like every page: one selector each (one query), then render. Names read in the
reader's language (``record.local``), and the lists are in that language's alphabetical
order; the sector tree keeps its own order, by path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from policies import selectors
from policies.localized import sort_key

_Row = TypeVar("_Row")


def _reading_order(rows: Iterable[_Row], name: Callable[[_Row], str]) -> list[_Row]:
    """``rows`` in the alphabetical order of ``name`` as a reader expects it: case and
    accents aside ("Économie" among the E's, not after the Z's)."""
    return sorted(rows, key=lambda row: sort_key(name(row)))


def language_name(code: str) -> str:
    """A source's language (a BCP 47 tag) named in the reader's language; a language the
    tracker has no name for keeps its tag."""
    names = {"zh": _("Chinese"), "en": _("English"), "fr": _("French")}
    return names.get(code.split("-")[0].lower(), code)


@dataclass(frozen=True)
class SourceEntry:
    """A source's row, and its language named for the reader."""

    row: selectors.SourceRow
    language: str


@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    """Every source, grouped by tier and publisher, with the records that cite it."""
    entries = [
        SourceEntry(row, language_name(row.source.language)) for row in selectors.source_index()
    ]
    languages = Counter(entry.language for entry in entries).most_common()
    context = {"entries": entries, "languages": languages}
    return render(request, "policies/source_list.html", context)


@require_GET
def actor_list(request: HttpRequest) -> HttpResponse:
    """Every actor, with its statements and the plans it issued."""
    rows = _reading_order(selectors.actor_index(), lambda row: row.actor.local.name)
    return render(request, "policies/actor_list.html", {"rows": rows})


@require_GET
def theme_list(request: HttpRequest) -> HttpResponse:
    """Every theme, with its colour, and the statements, plans and targets it tags."""
    rows = _reading_order(selectors.theme_index(), lambda row: row.theme.local.name)
    return render(request, "policies/theme_list.html", {"rows": rows})


@require_GET
def sector_list(request: HttpRequest) -> HttpResponse:
    """The sector tree, each sector with the records of its whole subtree."""
    tree = selectors.sector_tree()
    context = {"tree": tree, "total": _size(tree)}
    return render(request, "policies/sector_list.html", context)


def _size(nodes: Iterable[selectors.SectorNode]) -> int:
    return sum(1 + _size(node.children) for node in nodes)
