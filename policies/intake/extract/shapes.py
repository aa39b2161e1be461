"""What the extraction pipeline reads and what it proposes. Pure: no database, no Django
models, so every rule is tested on small inputs written for the tests.

A proposal is what ``extract_records`` prints and what the review page shows: its ``kind``,
the ``paragraph`` (from 1), an ``excerpt`` copied exactly from that paragraph (``start`` is
where it begins there), a ``confidence`` from 0 to 1, the ``rule`` that fired, and the kind's
own ``fields`` (DESIGN.md, "extraction")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Kind = Literal["statement", "target", "observation", "plan", "date"]
KINDS: tuple[Kind, ...] = ("statement", "target", "observation", "plan", "date")
LANGUAGES = ("zh", "fr", "en")


@dataclass(frozen=True)
class Proposed:
    kind: Kind
    paragraph: int
    excerpt: str
    start: int
    confidence: float
    rule: str
    fields: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The public JSON shape: the common keys, then the kind's fields."""
        return {
            "kind": self.kind,
            "paragraph": self.paragraph,
            "excerpt": self.excerpt,
            "confidence": round(self.confidence, 2),
            "rule": self.rule,
            **self.fields,
        }


@dataclass(frozen=True)
class Named:
    """A record the pipeline matches by name: an actor (its names and aliases), a theme or
    a sector (its lexicon). ``names`` holds every form in every language."""

    slug: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class IndicatorNames:
    slug: str
    unit: str  # the indicator's unit code (policies/units.py)
    names: tuple[str, ...]  # names and aliases, every language


@dataclass(frozen=True)
class PlanNames:
    slug: str
    titles: tuple[str, ...]  # the title in each language it has
    document_number: str  # "" when it has none


@dataclass(frozen=True)
class Lexicon:
    """Everything the rules match against, read from the database once per document
    (policies/intake/lexicon.py) or written by a test."""

    actors: tuple[Named, ...] = ()
    indicators: tuple[IndicatorNames, ...] = ()
    plans: tuple[PlanNames, ...] = ()
    themes: tuple[Named, ...] = ()
    sectors: tuple[Named, ...] = ()


@dataclass(frozen=True)
class Document:
    """A document's text as paragraphs, its language (``zh``, ``fr`` or ``en``) and the date
    it was published, against which its relative dates are resolved."""

    paragraphs: tuple[str, ...]
    language: str
    published: date | None = None
    title: str = ""


def span(paragraph: str, excerpt: str, start: int = 0) -> int:
    """Where ``excerpt`` begins in ``paragraph`` (from ``start``); a ValueError when it is not
    there, so a rule can never propose text its paragraph does not hold."""
    return paragraph.index(excerpt, start)
