"""The browse indexes: sources, actors, themes and sectors, each with its counts.

Thin, like every page: one selector each (one query), then render. Names read in the
reader's language (``record.local``), and the lists are in that language's alphabetical
order; the sector tree keeps its own order, by path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from policies import selectors
from policies.localized import language_name, primary_language, reading_order


@dataclass(frozen=True)
class SourceEntry:
    """A source's row, and its language named for the reader."""

    row: selectors.indexes.SourceRow
    language: str


@dataclass(frozen=True)
class LanguageCount:
    """A language of the sources (its primary subtag, the ``language`` parameter's value),
    named for the reader, with how many sources are in it."""

    code: str
    name: str
    count: int


def in_language(tag: str, chosen: str) -> bool:
    """Whether a source's BCP 47 ``tag`` is in the language ``chosen`` names, as RFC 4647's
    basic filtering matches them: "zh" matches "zh-Hans"; "zh-Hans" matches only itself."""
    tag = tag.lower()
    return tag == chosen or tag.startswith(f"{chosen}-")


class LanguageField(forms.MultipleChoiceField):
    """Language tags (``?language=zh``, repeatable), each valid when some source is in that
    language; an empty value (``?language=``) is no filter, as with every other filter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tags: frozenset[str] = frozenset()

    def to_python(self, value: Any) -> list[str]:
        # Tags are matched whatever their case ("zh-hans" is "zh-Hans").
        return [code.strip().lower() for code in super().to_python(value) if code.strip()]

    def valid_value(self, value: str) -> bool:
        return any(in_language(tag, value) for tag in self.tags)


class SourceLanguageForm(forms.Form):
    """The sources index narrowed to languages; one that no source is in is an error that
    says so."""

    language = LanguageField(
        label=gettext_lazy("Language"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "No source is in the language “%(value)s”; choose one of those listed."
            )
        },
    )

    def __init__(self, data: QueryDict, *, tags: Iterable[str]) -> None:
        super().__init__(data)
        cast(LanguageField, self.fields["language"]).tags = frozenset(t.lower() for t in tags)


@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    """Every source, grouped by tier and publisher, with the records that cite it; narrowed
    to some languages by ``?language=``."""
    rows = selectors.indexes.source_index()
    entries = [SourceEntry(row, language_name(row.source.language)) for row in rows]
    counts = Counter(primary_language(entry.row.source.language) for entry in entries)
    languages = [
        LanguageCount(code, language_name(code), count) for code, count in counts.most_common()
    ]
    form = SourceLanguageForm(request.GET, tags={e.row.source.language for e in entries})
    # The summary counts every language, so the one query reads every source anyway: the
    # narrowing is done here, on its rows, rather than by a second query. Like every bad
    # filter, an unknown language shows nothing and says why (400).
    valid = form.is_valid()
    chosen: list[str] = form.cleaned_data["language"] if valid else []
    if chosen or not valid:
        entries = [
            entry
            for entry in entries
            if any(in_language(entry.row.source.language, code) for code in chosen)
        ]
    context = {"entries": entries, "languages": languages, "form": form, "chosen": chosen}
    return render(request, "policies/source_list.html", context, status=200 if valid else 400)


@require_GET
def actor_list(request: HttpRequest) -> HttpResponse:
    """Every actor, with its statements and the plans it issued."""
    rows = reading_order(selectors.indexes.actor_index(), lambda row: row.actor.local.name)
    return render(request, "policies/actor_list.html", {"rows": rows})


@require_GET
def theme_list(request: HttpRequest) -> HttpResponse:
    """Every theme, with its colour, and the statements, plans and targets it tags."""
    rows = reading_order(selectors.indexes.theme_index(), lambda row: row.theme.local.name)
    return render(request, "policies/theme_list.html", {"rows": rows})


@require_GET
def sector_list(request: HttpRequest) -> HttpResponse:
    """The sector tree, each sector with the records of its whole subtree."""
    tree = selectors.indexes.sector_tree()
    context = {"tree": tree, "total": _size(tree)}
    return render(request, "policies/sector_list.html", context)


def _size(nodes: Iterable[selectors.indexes.SectorNode]) -> int:
    return sum(1 + _size(node.children) for node in nodes)
