"""Reading the rollups: one scope's rows, in the shapes the live selectors return."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat

from policies.models import StatementRollup

# Each filter a rollup scope can answer, with the prefix of its scopes' names (written by
# ``keys.contribution``): a record's scope is named by its id, a kind's by the kind.
ROLLUP_PREFIXES = {"sector": "s", "theme": "t", "actor": "a", "kind": "k"}


def rollup_scope(cleaned: Mapping[str, Any]) -> str | None:
    """The rollup scope that answers these (valid) filters, or None if only live queries can.

    No filter is scope ``""``; exactly one sector, theme or actor and nothing else is that
    record's scope, and exactly one kind is ``k<kind>``. Dates, words, plans or several
    values need the live queries.
    """
    active = {name: value for name, value in cleaned.items() if value not in (None, "", [], ())}
    if not active:
        return ""
    if len(active) != 1:
        return None
    ((name, value),) = active.items()
    prefix = ROLLUP_PREFIXES.get(name)
    if prefix is None:
        return None
    chosen = list(value)
    if len(chosen) != 1:
        return None
    # A kind of plan or target selects no statement, and its scope has no rows: the same
    # answer.
    return f"{prefix}{chosen[0] if name == 'kind' else chosen[0].pk}"


def statements_in_scope(kind: str) -> Coalesce:
    """How many published statements lie in the outer record's rollup scope (``kind``:
    "actor", "theme" or "sector"; a sector's scope is its subtree, each statement once):
    its months' counts summed, a seek on the rollups' unique index."""
    scope = Concat(Value(ROLLUP_PREFIXES[kind]), Cast(OuterRef("pk"), output_field=CharField()))
    return _summed(scope=scope, measure=StatementRollup.Measure.MONTH)


def statements_with_theme(scope: str) -> Coalesce:
    """How many published statements of rollup scope ``scope`` the outer theme tags: its
    months' counts in that scope summed."""
    return _summed(scope=scope, measure=StatementRollup.Measure.MONTH_THEME, theme=OuterRef("pk"))


def _summed(**match: Any) -> Coalesce:
    rows = (
        StatementRollup.objects.filter(**match)
        .order_by()
        .values("scope")
        .annotate(n=Sum("n"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def month_start(month: int) -> datetime.date:
    return datetime.date(month // 100, month % 100, 1)


def month_end(month: int) -> datetime.date:
    year, number = divmod(month, 100)
    return datetime.date(year, number, calendar.monthrange(year, number)[1])


def _period(month: int, granularity: str) -> datetime.date:
    """The first day of the month, quarter or year holding ``month`` (as ``Trunc`` gives)."""
    year, number = divmod(month, 100)
    if granularity == "year":
        return datetime.date(year, 1, 1)
    if granularity == "quarter":
        return datetime.date(year, (number - 1) // 3 * 3 + 1, 1)
    return datetime.date(year, number, 1)


@dataclass(frozen=True)
class RollupCounts:
    """One scope's rollup rows, in the shapes the live selectors return."""

    per_month: dict[int, int]
    month_theme: list[tuple[int, int, int]]
    theme_sector: list[tuple[int, int, int]]
    sector: dict[int, int]

    @property
    def statements(self) -> int:
        return sum(self.per_month.values())

    def span(self) -> tuple[datetime.date | None, datetime.date | None]:
        if not self.per_month:
            return None, None
        return month_start(min(self.per_month)), month_end(max(self.per_month))

    def timeline(self, granularity: str, theme_slugs: dict[int, str]) -> list[dict]:
        counts: dict[tuple, int] = defaultdict(int)
        for month, theme, n in self.month_theme:
            counts[(_period(month, granularity), theme_slugs.get(theme))] += n
        return [
            {"period": period, "themes__slug": slug, "count": n}
            for (period, slug), n in sorted(
                counts.items(), key=lambda item: (item[0][0], item[0][1] or "")
            )
        ]

    def heatmap(self, theme_slugs: dict[int, str], sector_slugs: dict[int, str]) -> list[dict]:
        return [
            {"themes__slug": theme_slugs[t], "sectors__slug": sector_slugs[s], "count": n}
            for t, s, n in self.theme_sector
            if t in theme_slugs and s in sector_slugs
        ]

    def coverage(self, sector_slugs: dict[int, str]) -> dict[str, int]:
        return {sector_slugs[s]: n for s, n in self.sector.items() if s in sector_slugs}


def rollup_counts(scope: str) -> RollupCounts:
    """Every rollup row of ``scope`` (one indexed query; a few thousand rows at most)."""
    per_month: dict[int, int] = {}
    month_theme, theme_sector, sector = [], [], {}
    rows = StatementRollup.objects.filter(scope=scope).values_list(
        "measure", "month", "theme", "sector", "n"
    )
    for measure, month, theme, sector_id, n in rows:
        if measure == StatementRollup.Measure.MONTH:
            per_month[month] = n
        elif measure == StatementRollup.Measure.MONTH_THEME:
            month_theme.append((month, theme, n))
        elif measure == StatementRollup.Measure.THEME_SECTOR:
            theme_sector.append((theme, sector_id, n))
        else:
            sector[sector_id] = n
    return RollupCounts(per_month, month_theme, theme_sector, sector)
