"""Reads for "did they do it?": the indicators with their series, and each plan's targets
judged on their indicators' figures, with the figure each status rests on and its source.

Apart from ``selectors`` (the aggregate reads behind the dashboard and the lists) so that
neither grows past what one reader can hold. Each read is a fixed number of queries however
many indicators, figures and targets there are; statuses are computed here from the figures
loaded, on the day given (``today``: the server's date unless a test sets it).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from policies.charts.base import ObservationLike
from policies.charts.indicators import counted as counts
from policies.localized import localized, reading_order
from policies.models import Indicator, Observation, Plan, PublicationStatus, Target
from policies.progress import STATUS_ORDER, Progress, Status, status_count
from policies.querysets import from_published_sources
from policies.selectors import figures_of, progress_at


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator as the list shows it: how many targets are set on it (by published
    plans) and how many verified figures it has, and the latest of them."""

    indicator: Indicator
    targets: int
    figures: int
    latest: Observation | None


def indicator_list() -> list[IndicatorRow]:
    """Every indicator, by name in the reader's language, with its counts and latest
    verified figure: two queries however many indicators and figures there are."""
    published = Q(targets__plan__status=PublicationStatus.PUBLISHED) & from_published_sources(
        "targets__source"
    )
    indicators = (
        Indicator.objects.select_related("sector", "theme")
        .annotate(n_targets=Count("targets", filter=published, distinct=True))
        .prefetch_related(
            Prefetch(
                "observations",
                queryset=Observation.objects.public().counted().by_period(),
                to_attr="counted_figures",
            )
        )
        .order_by("name_en", "pk")
    )
    rows = []
    for indicator in cast(Any, indicators):
        figures = indicator.counted_figures
        rows.append(
            IndicatorRow(
                indicator, indicator.n_targets, len(figures), figures[-1] if figures else None
            )
        )
    # The database orders by the English name; a French list reads in French order.
    return reading_order(rows, lambda row: localized(row.indicator, "name"))


def indicator_detail(*, slug: str) -> Indicator:
    """An indicator with its sector and theme."""
    return Indicator.objects.select_related("sector", "theme").get(slug=slug)


def _series(indicators: Iterable[Indicator | int]) -> QuerySet[Observation]:
    """Every figure of these indicators, verified or not, revised or current (``revised``),
    with its source and the figure it revises, oldest first."""
    # Revised: superseded by a verified revision, as ObservationQuerySet.counted reads it.
    revisions = Observation.objects.public().filter(supersedes=OuterRef("pk"), verified=True)
    return (
        Observation.objects.public()
        .filter(indicator__in=list(indicators))
        .select_related("source", "supersedes")
        .annotate(revised=Exists(revisions))
        .order_by("indicator", "year", "pk")
    )


def indicator_series(*, indicator: Indicator) -> list[Observation]:
    """The indicator's figures, oldest first (a year's figure after its months): one query."""
    return sorted(_series([indicator]), key=_period_order)


def chartable(series: Sequence[Observation]) -> Sequence[ObservationLike]:
    """A series loaded here as the chart builders read it: each figure annotated with
    ``revised`` (which the model's own type does not know)."""
    return cast(Sequence[ObservationLike], series)


def _period_order(observation: Observation) -> tuple[int, int, datetime.date, int]:
    # A year's figure closes the year: after its months (as ObservationQuerySet.by_period).
    return (
        observation.year,
        observation.month or 13,
        observation.published_on or datetime.date.min,
        observation.pk,
    )


def counted(figures: Sequence[Observation]) -> list[Observation]:
    """The figures a status may rest on (``charts.indicators.counted``: verified, and not
    revised since), of a series loaded by ``indicator_series``."""
    return [o for o, seen in zip(figures, chartable(figures), strict=True) if counts(seen)]


@dataclass(frozen=True)
class ScoreRow:
    """A target, its status, and the figure the status rests on (with its source)."""

    target: Target
    progress: Progress
    observation: Observation | None


def resting_on(progress: Progress, series: Sequence[Observation]) -> Observation | None:
    """The counted figure of ``series`` that ``progress`` rests on, with its source."""
    figure = progress.figure
    if figure is None:
        return None
    return next((o for o in series if o.pk == figure.key), None)


def judge(
    targets: Iterable[Target], series: Sequence[Observation], *, today: datetime.date
) -> list[ScoreRow]:
    """Each target judged on ``series`` (its indicator's figures, all of them) on ``today``."""
    by_indicator: dict[int, list[Observation]] = defaultdict(list)
    for observation in series:
        by_indicator[observation.indicator_id].append(observation)
    rows = []
    for target in targets:
        figures = by_indicator[target.indicator_id]
        progress = progress_at(target, figures=figures_of(counted(figures)), today=today)
        rows.append(ScoreRow(target, progress, resting_on(progress, figures)))
    return rows


def indicator_targets(
    *,
    indicator: Indicator,
    series: Sequence[Observation],
    today: datetime.date | None = None,
) -> list[ScoreRow]:
    """Every target of a published plan on this indicator, by deadline, judged on its
    series (loaded by ``indicator_series``): one query."""
    targets = (
        Target.objects.of_published_plans()
        .filter(indicator=indicator)
        .select_related("plan", "indicator")
        .order_by("target_year", "plan__published_on", "plan__pk", "slug")
    )
    return judge(targets, series, today=today or timezone.localdate())


@dataclass(frozen=True)
class Scorecard:
    """A plan's targets judged on their indicators' figures. ``closed``: the plan's period
    is over, and the statuses are its results at the deadline."""

    closed: bool
    rows: list[ScoreRow]
    # Each indicator's figures, by indicator id, for the targets' charts.
    series: dict[int, list[Observation]]

    @property
    def tally(self) -> list[tuple[Status, str]]:
        """How many targets have each status ("3 achieved"), in the order statuses are
        listed."""
        counts = Counter(row.progress.status for row in self.rows)
        return [
            (status, status_count(status, counts[status]))
            for status in STATUS_ORDER
            if counts[status]
        ]


def plan_scorecard(*, plan: Plan, today: datetime.date | None = None) -> Scorecard:
    """The plan's targets with their statuses, the figures they rest on and the series they
    are judged on: two queries however many targets and figures."""
    today = today or timezone.localdate()
    targets = list(
        plan.targets.filter(from_published_sources())
        .select_related("plan", "indicator", "sector", "theme")
        .order_by("target_year", "slug", "pk")
    )
    series: dict[int, list[Observation]] = defaultdict(list)
    if targets:
        for observation in _series({target.indicator_id for target in targets}):
            series[observation.indicator_id].append(observation)
    for figures in series.values():
        figures.sort(key=_period_order)
    rows = judge(targets, [o for figures in series.values() for o in figures], today=today)
    return Scorecard(closed=today.year > plan.end_year, rows=rows, series=dict(series))
