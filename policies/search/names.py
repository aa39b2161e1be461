"""Theme, sector and actor names in search: a statement is found by the names of what it is
tagged with, in English, French and the original language.

The index does not copy the names into each statement (renaming a theme would then rewrite
a hundred thousand rows). It holds a *tag* term per theme, sector and actor instead
(``zzt12``), and a query word that matches a name looks for that name's tags as well as the
word. A sector's name finds the statements of every sector below it, as the sector filter
does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, IntegerField, Value
from django.db.models.functions import Cast

from policies.search import analysis

THEME, SECTOR, ACTOR = (analysis.TAG_START + kind for kind in "tsa")


def tag(prefix: str, pk: int) -> str:
    return f"{prefix}{pk}"


def statement_tags(actor: int | None, themes: Iterable[int], sectors: Iterable[int]) -> list[str]:
    """The tag terms of a statement with this actor, these themes and these sectors."""
    tags = [tag(THEME, pk) for pk in sorted(set(themes))]
    tags += [tag(SECTOR, pk) for pk in sorted(set(sectors))]
    if actor is not None:
        tags.append(tag(ACTOR, actor))
    return tags


@dataclass(frozen=True)
class Named:
    """A theme, sector or actor as the query sees it: its tags and the terms of its names."""

    tags: tuple[str, ...]
    words: tuple[str, ...]  # every name's words, in order (phrases match across them)
    stems: frozenset[str]

    @classmethod
    def of(cls, tags: Iterable[str], names: Iterable[tuple[str, str]]) -> Named:
        words: list[str] = []
        stems: set[str] = set()
        for text, language in names:
            # A name ends where the next begins: no phrase spans two of them.
            words.extend([*analysis.words(text), ""])
            stems |= analysis.stems(text, language)
        return cls(tuple(tags), tuple(words), frozenset(stems))

    def matches_word(self, forms: Iterable[str]) -> bool:
        return any(
            analysis.matches_word(forms, term) for term in (*self.words, *self.stems) if term
        )

    def matches_phrase(self, terms: tuple[str, ...]) -> bool:
        size = len(terms)
        return any(self.words[i : i + size] == terms for i in range(len(self.words) - size + 1))


def named_records() -> list[Named]:
    """Every theme, sector and actor with its names (one query: three small tables)."""
    from policies.models import Actor, Sector, Theme

    def names_of(model: Any, prefix: str, parent: Any, original: Any) -> Any:
        return (
            model.objects.order_by()
            .annotate(tag_prefix=Value(prefix), up=parent, original_name=original)
            .values_list("tag_prefix", "pk", "up", "name", "name_fr", "original_name")
        )

    blank = Value("")
    none = Cast(Value(None), IntegerField())
    rows = list(
        names_of(Theme, THEME, none, blank).union(
            names_of(Actor, ACTOR, none, F("name_original")),
            names_of(Sector, SECTOR, F("parent_id"), blank),
            all=True,
        )
    )
    below = _subtrees({pk: parent for kind, pk, parent, *_names in rows if kind == SECTOR})
    return [
        Named.of(
            [tag(kind, member) for member in below[pk]] if kind == SECTOR else [tag(kind, pk)],
            [(name, "en"), (name_fr, "fr"), (original, "")],
        )
        for kind, pk, _parent, name, name_fr, original in rows
    ]


def _subtrees(parents: dict[int, Any]) -> dict[int, list[int]]:
    """Each sector with every sector below it (itself first)."""
    children: dict[Any, list[int]] = {}
    for pk, parent in parents.items():
        children.setdefault(parent, []).append(pk)
    result = {}
    for pk in parents:
        members, stack, seen = [], [pk], set()
        while stack:
            node = stack.pop()
            if node in seen:  # a corrupt cycle
                continue
            seen.add(node)
            members.append(node)
            stack.extend(children.get(node, ()))
        result[pk] = members
    return result


def word_tags(forms: tuple[str, ...], named: list[Named]) -> list[str]:
    """The tags of the records a query word names."""
    return sorted({t for record in named if record.matches_word(forms) for t in record.tags})


def phrase_tags(terms: tuple[str, ...], named: list[Named]) -> list[str]:
    """The tags of the records a phrase (or a Chinese word) names."""
    return sorted({t for record in named if record.matches_phrase(terms) for t in record.tags})
