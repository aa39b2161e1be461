"""Reads: the aggregate queries behind the charts and the querysets behind the pages.

Each chart is one grouped query over the filtered queryset (``values().annotate(Count)``
with ``Trunc`` for time), so a page's query count does not grow with the data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Trunc

from policies.models import (
    Observation,
    Plan,
    PublicationStatus,
    Sector,
    Source,
    Statement,
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
    """Month for spans up to two years, quarter up to eight, year beyond."""
    if start is None or end is None:
        return "month"
    days = (end - start).days
    if days <= 2 * 366:
        return "month"
    if days <= 8 * 366:
        return "quarter"
    return "year"


def date_span(
    statements: QuerySet[Statement], plans: QuerySet[Plan]
) -> tuple[datetime.date | None, datetime.date | None]:
    """Earliest and latest publication dates among the filtered statements and plans."""
    s = statements.order_by().aggregate(first=Min("published_on"), last=Max("published_on"))
    p = plans.order_by().aggregate(first=Min("published_on"), last=Max("published_on"))
    firsts = [d for d in (s["first"], p["first"]) if d]
    lasts = [d for d in (s["last"], p["last"]) if d]
    return (min(firsts) if firsts else None, max(lasts) if lasts else None)


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
