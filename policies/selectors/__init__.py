"""Reads: the aggregate queries behind the charts and the querysets behind the pages.

Each chart is one grouped query over the filtered queryset (``values().annotate(Count)``
with ``Trunc`` for time), so a page's query count does not grow with the data. The
dashboard's statement figures come through ``rollups.statement_counts``: the stored rollups
when they can answer, else the same counts live.

The browse indexes, one query each with helpers of their own, are ``selectors.indexes``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db.models import (
    Count,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Trunc
from django.utils import timezone

from policies import rollups
from policies.charts.base import PeriodRow, PeriodThemeRow, SectorCounts, ThemeSectorRow
from policies.filters import DashboardSelection, statement_date
from policies.models import (
    Observation,
    Plan,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)
from policies.models.common import tracked
from policies.progress import STATUS_ORDER, Figure, Goal, Progress, target_progress
from policies.querysets import PlanQuerySet, PublicationStatus, StatementQuerySet, TargetQuerySet
from policies.rollups.reading import month_end
from policies.selectors import indexes as indexes

Span = tuple[datetime.date | None, datetime.date | None]
# The records with slug permalinks that follow them when renamed.
_Slugged = TypeVar("_Slugged", Statement, Plan)


def statement_list(*, statements: StatementQuerySet) -> StatementQuerySet:
    """Statements with what a list row shows, newest first."""
    return statements.with_listing().newest_first()


def plan_list(*, plans: PlanQuerySet) -> PlanQuerySet:
    """Plans with their issuer and target count, newest first."""
    return plans.with_target_count().newest_first()


def target_list(*, targets: TargetQuerySet) -> TargetQuerySet:
    """Targets, each with its indicator's counted figures, by plan and year."""
    return targets.with_series().by_plan()


def figures_of(observations: Iterable[Observation]) -> list[Figure]:
    """Observations as the status rules read them: in the indicator's unit."""
    return [
        Figure(o.year, o.month, o.indicator_value, o.qualifier, o.published_on, o.pk)
        for o in observations
    ]


def goal_of(target: Target) -> Goal:
    """A target as the status rules read it: in its indicator's unit."""
    return Goal(
        value=target.target_value,
        year=target.target_year,
        qualifier=target.qualifier,
        sense=target.sense,
        baseline_value=target.baseline_in_indicator_unit,
        baseline_year=target.baseline_year,
        annual=target.annual,
    )


def progress_at(target: Target, *, figures: Iterable[Figure], today: datetime.date) -> Progress:
    """Progress of a target on ``today`` had its indicator's figures been ``figures``
    (pure: the feeds replay a series figure by figure)."""
    return target_progress(goal=goal_of(target), figures=figures, today=today)


def latest_progress(target: Target, *, today: datetime.date | None = None) -> Progress:
    """Progress of a target loaded by ``TargetQuerySet.with_series`` (no query), on
    ``today`` (the server's date unless given)."""
    figures = figures_of(cast(Any, target.indicator).counted_figures)
    return progress_at(target, figures=figures, today=today or timezone.localdate())


@dataclass(frozen=True)
class TargetRow:
    target: Target
    progress: Progress


def target_rows(
    *, targets: Iterable[Target], today: datetime.date | None = None
) -> list[TargetRow]:
    """Every target of ``targets`` (loaded by ``with_series``) with its progress."""
    return [TargetRow(target, latest_progress(target, today=today)) for target in targets]


def granularity_for(*, start: datetime.date | None, end: datetime.date | None) -> str:
    """Month for spans up to two years, quarter up to eight, year beyond.

    The span is taken in whole months, so that the live queries and the rollups (which
    know only months) choose the same granularity for the same statements.
    """
    if start is None or end is None:
        return "month"
    start = start.replace(day=1)
    end = month_end(end.year * 100 + end.month)
    days = (end - start).days
    if days <= 2 * 366:
        return "month"
    if days <= 8 * 366:
        return "quarter"
    return "year"


def span_of(*, records: QuerySet[Any], dated_by: str | Combinable = "published_on") -> Span:
    """Earliest and latest dates among ``records``: their publication dates, or what
    ``dated_by`` names (a field, or an expression such as ``filters.statement_date``)."""
    row = records.order_by().aggregate(first=Min(dated_by), last=Max(dated_by))
    return row["first"], row["last"]


def widest_span(*spans: Span) -> Span:
    firsts = [first for first, _last in spans if first]
    lasts = [last for _first, last in spans if last]
    return (min(firsts) if firsts else None, max(lasts) if lasts else None)


def plans_by_period(*, plans: QuerySet[Plan], granularity: str) -> list[PeriodRow]:
    """Rows of (period, count) of plans by publication date."""
    rows = (
        plans.exclude(published_on=None)
        .annotate(period=Trunc("published_on", granularity))
        .values("period")
        .annotate(count=Count("pk"))
        .order_by("period")
    )
    return cast(list[PeriodRow], list(rows))


def sector_counts(*, plans: QuerySet[Plan], targets: QuerySet[Target]) -> SectorCounts:
    """Per record type, how many records are tagged directly with each sector slug; the
    statements' are left empty, for their counts (``rollups.statement_counts``) to fill."""
    return {
        "statements": {},
        "plans": _counts(plans.values("sectors__slug"), "sectors__slug"),
        "targets": _counts(targets.values("sector__slug"), "sector__slug"),
    }


def _counts(rows: QuerySet[Any], key: str) -> dict[str, int]:
    return {
        row[key]: row["count"]
        for row in rows.annotate(count=Count("pk")).order_by()
        if row[key] is not None
    }


@dataclass(frozen=True)
class Counts:
    statements: int
    plans: int
    targets: int


@dataclass(frozen=True)
class DashboardFigures:
    """Everything the dashboard's counts and charts show, for one selection."""

    granularity: str
    counts: Counts
    timeline: list[PeriodThemeRow]
    plan_timeline: list[PeriodRow]
    heatmap: list[ThemeSectorRow]
    coverage: SectorCounts
    themes: list[Theme]
    sectors: list[Sector]
    # The statements' counts the figures came from (the facets read them too); None when
    # the selection was invalid.
    statement_counts: rollups.RollupCounts | None = None

    @classmethod
    def nothing(cls) -> DashboardFigures:
        """The figures of a selection whose filters were invalid: zero, without a query."""
        return cls(
            granularity="month",
            counts=Counts(0, 0, 0),
            timeline=[],
            plan_timeline=[],
            heatmap=[],
            coverage={"statements": {}, "plans": {}, "targets": {}},
            themes=[],
            sectors=[],
        )


def dashboard_figures(*, selection: DashboardSelection) -> DashboardFigures:
    """The figures behind the dashboard: from the rollups when they can answer, else live.

    The rollups count statements by publication month; under ``date_basis=delivered`` the
    selection has no rollup scope, and the live queries date statements by delivery (the
    timeline's periods and its span too). Plans and targets keep their own dates. An invalid
    selection has no figures at all (``DashboardFigures.nothing``): never the whole
    database's.
    """
    if not selection.valid:
        return DashboardFigures.nothing()
    statements = selection.statements
    plans, targets = selection.plans, selection.targets
    all_themes = list(Theme.objects.order_by("name"))
    all_sectors = list(Sector.objects.order_by("path"))
    basis = selection.date_basis
    statement_counts = rollups.statement_counts(
        statements=statements,
        scope=selection.scope,
        dated_by=statement_date(basis),
        undated_scope=selection.undated_scope,
    )
    first, last = widest_span(statement_counts.span(), span_of(records=plans))
    granularity = granularity_for(
        start=selection.date_after or first, end=selection.date_before or last
    )
    theme_slugs = {theme.pk: theme.slug for theme in all_themes}
    sector_slugs = {sector.pk: sector.slug for sector in all_sectors}
    counts = Counts(statement_counts.statements, plans.count(), targets.count())
    timeline = cast(list[PeriodThemeRow], statement_counts.timeline(granularity, theme_slugs))
    heatmap = cast(list[ThemeSectorRow], statement_counts.heatmap(theme_slugs, sector_slugs))
    coverage = sector_counts(plans=plans, targets=targets)
    coverage["statements"] = statement_counts.coverage(sector_slugs)
    return DashboardFigures(
        granularity=granularity,
        counts=counts,
        timeline=timeline,
        plan_timeline=plans_by_period(plans=plans, granularity=granularity),
        heatmap=heatmap,
        coverage=coverage,
        themes=all_themes,
        sectors=all_sectors,
        statement_counts=statement_counts,
    )


def dashboard_targets(*, targets: TargetQuerySet, limit: int) -> list[TargetRow]:
    """The targets of the most recent plans, with their progress: a bounded selection keeps
    the dashboard's cost flat however many targets match (the targets page lists them all).
    Grouped by plan, newest first, and within a plan by status, settled outcomes first."""
    newest = target_list(targets=targets).order_by("-plan__published_on", "plan", "pk")[:limit]
    rows = target_rows(targets=newest)
    plans = {row.target.plan_id: n for n, row in reversed(list(enumerate(rows)))}
    return sorted(
        rows,
        key=lambda row: (plans[row.target.plan_id], STATUS_ORDER.index(row.progress.status)),
    )


def latest_statements(*, statements: StatementQuerySet, limit: int = 5) -> list[Statement]:
    return list(statement_list(statements=statements)[:limit])


def statement_detail(*, slug: str) -> Statement:
    """A published statement with its actor, sources, tags and lineage in a fixed few queries."""
    return (
        Statement.objects.published()
        .select_related("actor", "source", "origin")
        .prefetch_related(
            "themes",
            "sectors",
            Prefetch("plans", queryset=Plan.objects.published().select_related("issuer")),
            Prefetch(
                "targets",
                queryset=target_list(targets=Target.objects.of_published_plans()),
            ),
        )
        .get(slug=slug)
    )


def citable_statement(*, slug: str) -> Statement:
    """A published statement with what its citation reads (its actor and cited source)."""
    return Statement.objects.published().select_related("actor", "source").get(slug=slug)


def citable_plan(*, slug: str) -> Plan:
    """A published plan with what its citation reads (its issuer and official text)."""
    return Plan.objects.published().select_related("issuer", "source").get(slug=slug)


def moved_record(model: type[_Slugged], key: str) -> _Slugged | None:
    """The published record an old address names: a database id (the statements' old
    permalinks), or a slug it had while published, before it was renamed. None if there is
    none (so a draft's working slug never leads to it once it is published)."""
    published = model._default_manager.filter(status=PublicationStatus.PUBLISHED)
    if key.isdigit():
        found = published.filter(pk=int(key)).first()
        if found is not None:
            return found
    history = tracked(model()).history.model
    # The newest record to have had this slug (no two may: models.check_retired_slug).
    ids = (
        history.objects.filter(slug=key, status=PublicationStatus.PUBLISHED)
        .order_by("-history_date")
        .values_list("id", flat=True)[:1]
    )
    return published.filter(pk__in=list(ids)).exclude(slug=key).first()


def plan_detail(*, slug: str) -> Plan:
    """A published plan with its issuers, source, tags and statements."""
    return (
        Plan.objects.published()
        .select_related("issuer", "source")
        .prefetch_related(
            "co_issuers",
            "themes",
            "sectors",
            Prefetch(
                "statements", queryset=statement_list(statements=Statement.objects.published())
            ),
        )
        .get(slug=slug)
    )


def target_detail(*, pk: int) -> Target:
    """A target of a published plan, with its indicator and its revisions (the page reads
    the indicator's series itself, once: ``scorecards.indicator_series``)."""
    return (
        Target.objects.of_published_plans()
        .select_related(
            "plan__issuer",
            "indicator",
            "sector",
            "theme",
            "source",
            "supersedes__plan",
            "superseded_by__plan",
        )
        .prefetch_related(
            Prefetch(
                "statements", queryset=statement_list(statements=Statement.objects.published())
            ),
        )
        .get(pk=pk)
    )


def source_detail(*, pk: int) -> Source:
    """A source with the published statements cited from it, in paragraph order."""
    statements = statement_list(statements=Statement.objects.published())
    return (
        Source.objects.published()
        .prefetch_related(Prefetch("statements", queryset=statements.order_by("paragraph", "pk")))
        .get(pk=pk)
    )


def originated_statements(*, source: Source) -> list[Statement]:
    """Published statements first said or written in ``source`` (and cited from another)."""
    return list(statement_list(statements=Statement.objects.published().filter(origin=source)))


@dataclass(frozen=True)
class TaxonomyRow:
    """A theme or sector, with how many published statements and plans it tags."""

    record: Theme | Sector
    statements: int
    plans: int


def taxonomy() -> tuple[list[TaxonomyRow], list[TaxonomyRow]]:
    """Every theme and every sector (as a tree, in path order), with their counts: two
    queries, whatever the size of the data."""
    published = PublicationStatus.PUBLISHED
    counted = {
        "n_statements": Count("statements", filter=Q(statements__status=published), distinct=True),
        "n_plans": Count("plans", filter=Q(plans__status=published), distinct=True),
    }
    themes = Theme.objects.filter(synthetic=False).annotate(**counted).order_by("name")
    sectors = Sector.objects.filter(synthetic=False).annotate(**counted).order_by("path")
    # The counts are annotations, which the models' types do not know.
    return (
        [TaxonomyRow(row, row.n_statements, row.n_plans) for row in cast(Any, themes)],
        [TaxonomyRow(row, row.n_statements, row.n_plans) for row in cast(Any, sectors)],
    )
