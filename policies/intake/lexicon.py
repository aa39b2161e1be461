"""What the extraction rules match against, read from the database: actors' names and
aliases, indicators' names and aliases, plans' titles and numbers, themes' and sectors'
names and keywords. One query per kind; the rules themselves never touch the database."""

from __future__ import annotations

from collections.abc import Iterable

from policies.intake.extract.shapes import IndicatorNames, Lexicon, Named, PlanNames
from policies.models import Actor, Indicator, Plan, Sector, Theme


def _lines(*texts: str) -> tuple[str, ...]:
    """Each non-empty line of ``texts``, once, in order."""
    seen: dict[str, None] = {}
    for text in texts:
        for line in text.splitlines():
            if line.strip():
                seen.setdefault(line.strip(), None)
    return tuple(seen)


def _named(rows: Iterable[tuple[str, ...]]) -> tuple[Named, ...]:
    return tuple(Named(slug, _lines(*names)) for slug, *names in rows)


def load_lexicon() -> Lexicon:
    """The lexicon of the records the tracker holds now (synthetic ones left out)."""
    actors = Actor.objects.filter(synthetic=False).values_list(
        "slug", "name", "name_fr", "name_original", "aliases"
    )
    themes = Theme.objects.filter(synthetic=False).values_list(
        "slug", "name", "name_fr", "keywords"
    )
    sectors = Sector.objects.filter(synthetic=False).values_list(
        "slug", "name", "name_fr", "keywords"
    )
    indicators = Indicator.objects.filter(synthetic=False).values_list(
        "slug", "unit", "name", "name_en", "name_fr", "aliases_zh", "aliases_en", "aliases_fr"
    )
    plans = Plan.objects.filter(synthetic=False).values_list(
        "slug", "title", "title_en", "title_fr", "document_number"
    )
    return Lexicon(
        actors=_named(actors),
        themes=_named(themes),
        sectors=_named(sectors),
        indicators=tuple(
            IndicatorNames(slug, unit, _lines(*names)) for slug, unit, *names in indicators
        ),
        plans=tuple(
            PlanNames(slug, _lines(title, title_en, title_fr), number)
            for slug, title, title_en, title_fr, number in plans
        ),
    )
