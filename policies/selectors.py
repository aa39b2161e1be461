"""Reads: the aggregate queries behind the charts and the querysets behind the pages.

Each chart is one grouped query over the filtered queryset (``values().annotate(Count)``
with ``Trunc`` for time), so a page's query count does not grow with the data. The
dashboard's statement figures come from the rollups when they can answer
(``policies.rollups``), and from the same grouped queries when they cannot.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.db.models import (
    CharField,
    Count,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Concat, Trunc
from django.utils import timezone

from policies.charts.base import PeriodRow, PeriodThemeRow, SectorCounts, ThemeSectorRow
from policies.filters import DashboardSelection, DateBasis, statement_date
from policies.models import (
    Actor,
    Observation,
    Plan,
    Sector,
    Source,
    Statement,
    StatementRollup,
    Target,
    Theme,
)
from policies.models.common import tracked
from policies.progress import STATUS_ORDER, Figure, Goal, Progress, target_progress
from policies.querysets import PlanQuerySet, PublicationStatus, StatementQuerySet, TargetQuerySet
from policies.rollups.reading import ROLLUP_PREFIXES, month_end, rollup_counts

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


def statements_by_period_and_theme(
    *,
    statements: QuerySet[Statement],
    granularity: str,
    date_basis: DateBasis = DateBasis.PUBLISHED,
) -> list[PeriodThemeRow]:
    """Rows of (period, theme slug or None, count); a statement counts under each theme, in
    the period of its date under ``date_basis``."""
    rows = (
        statements.annotate(period=Trunc(statement_date(date_basis), granularity))
        .values("period", "themes__slug")
        .annotate(count=Count("pk"))
        .order_by("period", "themes__slug")
    )
    return cast(list[PeriodThemeRow], list(rows))


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


def theme_sector_counts(*, statements: QuerySet[Statement]) -> list[ThemeSectorRow]:
    """Rows of (theme slug, sector slug, count of statements tagged with both)."""
    rows = (
        statements.exclude(themes=None)
        .exclude(sectors=None)
        .values("themes__slug", "sectors__slug")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return cast(list[ThemeSectorRow], list(rows))


def sector_counts(
    *,
    statements: QuerySet[Statement] | None,
    plans: QuerySet[Plan],
    targets: QuerySet[Target],
) -> SectorCounts:
    """Per record type, how many records are tagged directly with each sector slug
    (``statements`` None: left empty, for the rollups to fill)."""
    return {
        "statements": (
            {}
            if statements is None
            else _counts(statements.values("sectors__slug"), "sectors__slug")
        ),
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
    scope = selection.scope
    basis = selection.date_basis
    if scope is None:
        first, last = widest_span(
            span_of(records=statements, dated_by=statement_date(basis)), span_of(records=plans)
        )
    else:
        rollup = rollup_counts(scope)
        first, last = widest_span(rollup.span(), span_of(records=plans))
    granularity = granularity_for(
        start=selection.date_after or first, end=selection.date_before or last
    )
    if scope is None:
        counts = Counts(statements.count(), plans.count(), targets.count())
        timeline = statements_by_period_and_theme(
            statements=statements, granularity=granularity, date_basis=basis
        )
        heatmap = theme_sector_counts(statements=statements)
        coverage = sector_counts(statements=statements, plans=plans, targets=targets)
    else:
        theme_slugs = {theme.pk: theme.slug for theme in all_themes}
        sector_slugs = {sector.pk: sector.slug for sector in all_sectors}
        counts = Counts(rollup.statements, plans.count(), targets.count())
        timeline = cast(list[PeriodThemeRow], rollup.timeline(granularity, theme_slugs))
        heatmap = cast(list[ThemeSectorRow], rollup.heatmap(theme_slugs, sector_slugs))
        coverage = sector_counts(statements=None, plans=plans, targets=targets)
        coverage["statements"] = rollup.coverage(sector_slugs)
    return DashboardFigures(
        granularity=granularity,
        counts=counts,
        timeline=timeline,
        plan_timeline=plans_by_period(plans=plans, granularity=granularity),
        heatmap=heatmap,
        coverage=coverage,
        themes=all_themes,
        sectors=all_sectors,
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
    return Source.objects.prefetch_related(
        Prefetch("statements", queryset=statements.order_by("paragraph", "pk"))
    ).get(pk=pk)


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


# The browse indexes: every source, actor, theme and sector, with what cites or tags it.
# Each index is one query: each count is a correlated subquery, so that no count is
# multiplied by another's join, and drafts are left out as every reader's page leaves them.
# An actor's, a theme's and a sector's statements are read from the rollups, as their pages
# read them: joining every statement to its tags for each record took seconds at 100k
# statements (33 s for the sector tree on SQLite). Synthetic records (demo data) are listed
# like any other, as the lists and filters list them.


def _count(records: QuerySet[Any], **match: Any) -> Coalesce:
    """How many of ``records`` match ``match`` (which relates them to the outer row through
    ``OuterRef``), each counted once however many of its links match: a subquery."""
    rows = (
        records.filter(**match)
        .order_by()
        # A constant to "group" by: one row, the count of them all.
        .annotate(everything=Value(1))
        .values("everything")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def _statements_in_scope(kind: str) -> Coalesce:
    """How many published statements lie in the outer record's rollup scope (``kind``:
    "actor", "theme" or "sector"; a sector's scope is its subtree, each statement once):
    its months' counts summed, a seek on the rollups' unique index."""
    scope = Concat(Value(ROLLUP_PREFIXES[kind]), Cast(OuterRef("pk"), output_field=CharField()))
    rows = (
        StatementRollup.objects.filter(scope=scope, measure=StatementRollup.Measure.MONTH)
        .order_by()
        .values("scope")
        .annotate(n=Sum("n"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


@dataclass(frozen=True)
class SourceRow:
    """A source, with the published records that cite it: statements quoting it, plans whose
    official text it is, targets (of published plans) and figures taken from it."""

    source: Source
    statements: int
    plans: int
    targets: int
    figures: int


def source_index() -> list[SourceRow]:
    """Every source, primary before secondary, then by publisher and title, with its counts:
    one query however many sources and records there are."""
    here = OuterRef("pk")
    sources = Source.objects.annotate(
        n_statements=_count(Statement.objects.published(), source=here),
        n_plans=_count(Plan.objects.published(), source=here),
        n_targets=_count(Target.objects.of_published_plans(), source=here),
        n_figures=_count(Observation.objects.all(), source=here),
    ).order_by("tier", "publisher", "title", "pk")  # "primary" sorts before "secondary"
    # The counts are annotations, which the models' types do not know.
    return [
        SourceRow(row, row.n_statements, row.n_plans, row.n_targets, row.n_figures)
        for row in cast(Any, sources)
    ]


@dataclass(frozen=True)
class ActorRow:
    """An actor, with its published statements and the published plans it issued (as the
    actor's page counts them: its co-issued plans are not its own)."""

    actor: Actor
    statements: int
    plans: int


def actor_index() -> list[ActorRow]:
    """Every actor, by name, with its counts: one query."""
    here = OuterRef("pk")
    actors = Actor.objects.annotate(
        n_statements=_statements_in_scope("actor"),
        n_plans=_count(Plan.objects.published(), issuer=here),
    ).order_by("name", "pk")
    return [ActorRow(row, row.n_statements, row.n_plans) for row in cast(Any, actors)]


@dataclass(frozen=True)
class ThemeRow:
    """A theme, with the published statements and plans it tags, and the targets of
    published plans set under it."""

    theme: Theme
    statements: int
    plans: int
    targets: int


def theme_index() -> list[ThemeRow]:
    """Every theme, by name, with its counts: one query."""
    here = OuterRef("pk")
    themes = Theme.objects.annotate(
        n_statements=_statements_in_scope("theme"),
        n_plans=_count(Plan.objects.published(), themes=here),
        n_targets=_count(Target.objects.of_published_plans(), theme=here),
    ).order_by("name", "pk")
    return [
        ThemeRow(row, row.n_statements, row.n_plans, row.n_targets) for row in cast(Any, themes)
    ]


@dataclass(frozen=True)
class SectorNode:
    """A sector and its children, with the published records tagged with it *or any sector
    below it*, each once: what its page and the filter ``sector=`` count, since a sector
    includes everything below it."""

    sector: Sector
    statements: int
    plans: int
    targets: int
    children: list[SectorNode] = field(default_factory=list)


def sector_tree() -> list[SectorNode]:
    """The sector tree: its roots, each with its children, in path order, with the counts
    of each subtree. One query, the tree assembled from the rows."""
    sectors = list(
        cast(
            Any,
            Sector.objects.annotate(
                n_statements=_statements_in_scope("sector"),
                n_plans=_count(
                    Plan.objects.published(), sectors__path__startswith=OuterRef("path")
                ),
                # Its own: a target has one sector, so a subtree's are the sum of its own.
                n_targets=_count(Target.objects.of_published_plans(), sector=OuterRef("pk")),
            ).order_by("path"),
        )
    )
    # Deepest first, so that a sector's total is whole before it joins its parent's.
    targets = {row.pk: 0 for row in sectors}
    for row in sorted(sectors, key=lambda row: row.depth, reverse=True):
        targets[row.pk] += row.n_targets
        if row.parent_id in targets:
            targets[row.parent_id] += targets[row.pk]
    nodes = {
        row.pk: SectorNode(row, row.n_statements, row.n_plans, targets[row.pk]) for row in sectors
    }
    roots: list[SectorNode] = []
    for row in sectors:  # siblings in path order
        parent = nodes.get(row.parent_id)
        (parent.children if parent is not None else roots).append(nodes[row.pk])
    return roots
