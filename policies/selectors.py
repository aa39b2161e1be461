"""Reads: the aggregate queries behind the charts and the querysets behind the pages.

Each chart is one grouped query over the filtered queryset (``values().annotate(Count)``
with ``Trunc`` for time), so a page's query count does not grow with the data.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Trunc

from policies.models import (
    Observation,
    Plan,
    PublicationStatus,
    Sector,
    Source,
    Statement,
    StatementRollup,
    Target,
    Theme,
)
from policies.progress import Progress, target_progress


def published_statements() -> QuerySet[Statement]:
    """What readers may see: every filter and aggregate starts here."""
    return Statement.objects.published()


def published_plans() -> QuerySet[Plan]:
    return Plan.objects.published()


def published_targets() -> QuerySet[Target]:
    """Targets of published plans (a target has no status of its own)."""
    return Target.objects.filter(plan__status=PublicationStatus.PUBLISHED)


def statement_list(statements: QuerySet[Statement] | None = None) -> QuerySet[Statement]:
    """Statements with what a list row shows, newest first."""
    if statements is None:
        statements = published_statements()
    return (
        statements.select_related("actor", "source")
        .prefetch_related("themes")
        .order_by("-published_on", "-pk")
    )


def plan_list(plans: QuerySet[Plan] | None = None) -> QuerySet[Plan]:
    """Plans with their issuer and target count, newest first."""
    if plans is None:
        plans = published_plans()
    return (
        plans.select_related("issuer")
        .annotate(target_count=Count("targets"))
        .order_by("-published_on", "-pk")
    )


def target_list(targets: QuerySet[Target] | None = None) -> QuerySet[Target]:
    """Targets, each annotated with its latest verified observation (a subquery, no join)."""
    if targets is None:
        targets = published_targets()
    latest = Observation.objects.filter(target=OuterRef("pk"), verified=True).order_by(
        "-year", "-pk"
    )
    return (
        targets.select_related("plan", "sector", "theme")
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_year=Subquery(latest.values("year")[:1]),
        )
        .order_by("plan__title_en", "target_year", "indicator_en", "pk")
    )


def progress_of(target: Target) -> Progress:
    """Progress of a target annotated by ``target_list`` (or with observations prefetched)."""
    return target_progress(
        baseline_value=target.baseline_value,
        baseline_year=target.baseline_year,
        target_value=target.target_value,
        target_year=target.target_year,
        decreasing=target.direction == Target.Direction.DECREASE,
        latest_value=target.latest_value,
        latest_year=target.latest_year,
    )


@dataclass(frozen=True)
class TargetRow:
    target: Target
    progress: Progress


def target_rows(targets: QuerySet[Target]) -> list[TargetRow]:
    """Every target in ``targets`` with its computed progress (one query)."""
    return [TargetRow(target, progress_of(target)) for target in targets]


def granularity_for(start: datetime.date | None, end: datetime.date | None) -> str:
    """Month for spans up to two years, quarter up to eight, year beyond.

    The span is taken in whole months, so that the live queries and the rollups (which
    know only months) choose the same granularity for the same statements.
    """
    if start is None or end is None:
        return "month"
    start = start.replace(day=1)
    end = _month_end(end.year * 100 + end.month)
    days = (end - start).days
    if days <= 2 * 366:
        return "month"
    if days <= 8 * 366:
        return "quarter"
    return "year"


Span = tuple[datetime.date | None, datetime.date | None]


def span_of(records: QuerySet) -> Span:
    """Earliest and latest publication dates among ``records``."""
    row = records.order_by().aggregate(first=Min("published_on"), last=Max("published_on"))
    return row["first"], row["last"]


def widest_span(*spans: Span) -> Span:
    firsts = [first for first, _last in spans if first]
    lasts = [last for _first, last in spans if last]
    return (min(firsts) if firsts else None, max(lasts) if lasts else None)


def date_span(statements: QuerySet[Statement], plans: QuerySet[Plan]) -> Span:
    """Earliest and latest publication dates among the filtered statements and plans."""
    return widest_span(span_of(statements), span_of(plans))


def statements_by_period_and_theme(
    statements: QuerySet[Statement], granularity: str
) -> list[dict]:
    """Rows of (period, theme slug or None, count); a statement counts under each theme."""
    return list(
        statements.annotate(period=Trunc("published_on", granularity))
        .values("period", "themes__slug")
        .annotate(count=Count("pk"))
        .order_by("period", "themes__slug")
    )


def plans_by_period(plans: QuerySet[Plan], granularity: str) -> list[dict]:
    """Rows of (period, count) of plans by publication date."""
    return list(
        plans.exclude(published_on=None)
        .annotate(period=Trunc("published_on", granularity))
        .values("period")
        .annotate(count=Count("pk"))
        .order_by("period")
    )


def theme_sector_counts(statements: QuerySet[Statement]) -> list[dict]:
    """Rows of (theme slug, sector slug, count of statements tagged with both)."""
    return list(
        statements.exclude(themes=None)
        .exclude(sectors=None)
        .values("themes__slug", "sectors__slug")
        .annotate(count=Count("pk"))
        .order_by()
    )


def sector_counts(
    statements: QuerySet[Statement], plans: QuerySet[Plan], targets: QuerySet[Target]
) -> dict[str, dict[str, int]]:
    """Per record type, how many records are tagged directly with each sector slug."""
    return {
        "statements": _counts(statements.values("sectors__slug"), "sectors__slug"),
        "plans": _counts(plans.values("sectors__slug"), "sectors__slug"),
        "targets": _counts(targets.values("sector__slug"), "sector__slug"),
    }


def _counts(rows: QuerySet, key: str) -> dict[str, int]:
    return {
        row[key]: row["count"]
        for row in rows.annotate(count=Count("pk")).order_by()
        if row[key] is not None
    }


def themes() -> list[Theme]:
    return list(Theme.objects.order_by("name"))


def sectors() -> list[Sector]:
    return list(Sector.objects.order_by("path"))


@dataclass(frozen=True)
class Counts:
    statements: int
    plans: int
    targets: int


def headline_counts(
    statements: QuerySet[Statement], plans: QuerySet[Plan], targets: QuerySet[Target]
) -> Counts:
    return Counts(statements.count(), plans.count(), targets.count())


def latest_statements(statements: QuerySet[Statement], limit: int = 5) -> list[Statement]:
    return list(statement_list(statements)[:limit])


def statement_detail(pk: int) -> Statement:
    """A published statement with its actor, sources, tags and lineage in a fixed few queries."""
    return (
        published_statements()
        .select_related("actor", "source", "origin")
        .prefetch_related(
            "themes",
            "sectors",
            Prefetch("plans", queryset=published_plans().select_related("issuer")),
            Prefetch("targets", queryset=target_list()),
        )
        .get(pk=pk)
    )


def plan_detail(slug: str) -> Plan:
    return (
        published_plans()
        .select_related("issuer", "source")
        .prefetch_related(
            "themes",
            "sectors",
            Prefetch("statements", queryset=statement_list()),
        )
        .get(slug=slug)
    )


def target_detail(pk: int) -> Target:
    """A target of a published plan, with every observation and its revisions."""
    return (
        target_list()
        .select_related("plan__issuer", "source", "supersedes__plan", "superseded_by__plan")
        .prefetch_related(
            Prefetch("observations", queryset=Observation.objects.select_related("source")),
            Prefetch("statements", queryset=statement_list()),
        )
        .get(pk=pk)
    )


def source_detail(pk: int) -> Source:
    return Source.objects.prefetch_related(
        Prefetch("statements", queryset=statement_list().order_by("paragraph", "pk"))
    ).get(pk=pk)


# --- Rollups: the same figures as above, read from counts kept current on write ------------

ROLLUP_PREFIXES = {"sector": "s", "theme": "t", "actor": "a"}


def rollup_scope(cleaned: dict[str, Any]) -> str | None:
    """The rollup scope that answers these (valid) filters, or None if only live queries can.

    No filter is scope ``""``; exactly one sector, theme or actor and nothing else is that
    record's scope. Dates, kinds, words, plans or several values need the live queries.
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
    records = list(value)
    return f"{prefix}{records[0].pk}" if len(records) == 1 else None


def _month_start(month: int) -> datetime.date:
    return datetime.date(month // 100, month % 100, 1)


def _month_end(month: int) -> datetime.date:
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
        return _month_start(min(self.per_month)), _month_end(max(self.per_month))

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


def dashboard_aggregates(
    statements: QuerySet[Statement],
    plans: QuerySet[Plan],
    targets: QuerySet[Target],
    cleaned: dict[str, Any],
) -> dict[str, Any]:
    """The figures behind the dashboard: from the rollups when they can answer, else live."""
    all_themes, all_sectors = themes(), sectors()
    scope = rollup_scope(cleaned)
    if scope is None:
        first, last = date_span(statements, plans)
    else:
        rollup = rollup_counts(scope)
        first, last = widest_span(rollup.span(), span_of(plans))
    granularity = granularity_for(
        cleaned.get("date_after") or first, cleaned.get("date_before") or last
    )
    if scope is None:
        counts = headline_counts(statements, plans, targets)
        timeline = statements_by_period_and_theme(statements, granularity)
        heatmap = theme_sector_counts(statements)
        coverage = sector_counts(statements, plans, targets)
    else:
        theme_slugs = {theme.pk: theme.slug for theme in all_themes}
        sector_slugs = {sector.pk: sector.slug for sector in all_sectors}
        counts = Counts(rollup.statements, plans.count(), targets.count())
        timeline = rollup.timeline(granularity, theme_slugs)
        heatmap = rollup.heatmap(theme_slugs, sector_slugs)
        coverage = sector_counts(statements.none(), plans, targets)
        coverage["statements"] = rollup.coverage(sector_slugs)
    return {
        "granularity": granularity,
        "counts": counts,
        "timeline": timeline,
        "plan_timeline": plans_by_period(plans, granularity),
        "heatmap": heatmap,
        "coverage": coverage,
        "themes": all_themes,
        "sectors": all_sectors,
    }


# A search lists at most this many statements (newest first); more is "more than".
SEARCH_COUNT_CAP = 10_000


class KeyedPages:
    """A queryset the Paginator slices in two steps: the page's ids, then those rows.

    ``OFFSET`` makes the database build and throw away every row before the page; for page
    1,000 of the statements that meant 20,000 rows with their joins (page 1,000 took twice
    as long as page 1 at 100k). The ids alone come from the ordering index; the rows, with
    their joins and prefetches, are then read for the 20 ids of the page only.
    """

    def __init__(
        self,
        queryset: QuerySet,
        *,
        rows: QuerySet | None = None,
        count_cap: int | None = None,
    ) -> None:
        self.queryset = queryset
        # Where the page's rows are read by id: the same listing without the filters,
        # which chose the ids already. Kept, a word search ran again to read 20 rows
        # (0.4 s at 1M on SQLite, which evaluates the FTS subquery before the ids).
        self.rows = queryset if rows is None else rows
        self.count_cap = count_cap
        self._count: int | None = None

    def count(self) -> int:
        """All the rows; with ``count_cap``, at most that many (see ``capped``).

        A search for a common word matches a third of a million statements: counting them
        all took 200 ms, while the page of the newest twenty takes 3. Past the cap, the
        count stops, and only the first ``count_cap`` rows can be paged through.
        """
        if self._count is None:
            if self.count_cap is None:
                self._count = self.queryset.count()
            else:
                self._count = self.queryset.order_by()[: self.count_cap + 1].count()
        return self._count if self.count_cap is None else min(self._count, self.count_cap)

    @property
    def capped(self) -> bool:
        """Whether more rows match than ``count_cap``: the count is then a lower bound."""
        if self.count_cap is None:
            return False
        self.count()
        return self._count > self.count_cap

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice):
            raise TypeError("KeyedPages is read a page (a slice) at a time.")
        ids = list(self.queryset.values_list("pk", flat=True)[index])
        found = {record.pk: record for record in self.rows.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]
