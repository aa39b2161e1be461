"""The one door for filtering: ``select(data, surface=...)`` reads a reader's GET parameters
once and returns everything that surface needs, valid or not, in one shape.

Every page, export, feed and the dashboard goes through it; the API uses DRF's filter
backend on the same FilterSets (``sets``) and reports errors in the same document
(``error_document``). Malformed input never filters silently and never shows the whole
database: an invalid ``Selection`` holds empty querysets, no rollup scope, and the errors
by GET name, and the surface answers 400 with zero figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast, overload

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from policies.filters.dates import DateBasis, statement_date
from policies.filters.facets import Chip, Facet, Option, chips, facets
from policies.filters.fields import FILTER_ORDER
from policies.filters.sets import (
    ObservationFilter,
    PlanFilter,
    StatementFilter,
    TargetFilter,
    TrackerFilterSet,
    apply_cleaned,
)
from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)
from policies.querysets import PlanQuerySet, StatementQuerySet, TargetQuerySet
from policies.rollups.reading import rollup_scope

__all__ = [
    "FILTER_ORDER",
    "SURFACES",
    "Chip",
    "DashboardSelection",
    "DateBasis",
    "Facet",
    "ObservationFilter",
    "Option",
    "PlanFilter",
    "Selection",
    "StatementFilter",
    "TargetFilter",
    "TrackerFilterSet",
    "chips",
    "error_document",
    "errors_of",
    "facets",
    "select",
    "statement_date",
]

# What each surface lists, and which FilterSet reads its parameters (None: it takes none).
# The dashboard (and the pages narrowed to a sector, theme or actor) reads the statements'
# FilterSet with every kind of record in its ``kind`` list, and applies it to all three.
FILTERSETS: dict[str, type[TrackerFilterSet] | None] = {
    "dashboard": StatementFilter,
    "statements": StatementFilter,
    "plans": PlanFilter,
    "targets": TargetFilter,
    # Observations are public on their own (but for a draft source's), chosen through their
    # indicator (``sets``).
    "observations": ObservationFilter,
    # Reference data is exported whole; so are the indicators, the series themselves.
    "indicators": None,
    "sources": None,
    "actors": None,
    "themes": None,
    "sectors": None,
}
SURFACES = tuple(FILTERSETS)

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Selection:
    """What one surface shows for one set of GET parameters.

    ``records`` are the surface's own records (the dashboard's: its statements), already
    filtered, or none at all when the filters are invalid. ``errors`` are keyed by GET name
    (``__all__`` for those spanning fields, such as dates in the wrong order).
    ``date_basis`` is the date statements count by (the default for surfaces without one).
    """

    surface: str
    records: QuerySet[Any]
    # Every record the surface may show before the filters (lists read a page's rows from
    # it, by id, once the filtered records have chosen the ids).
    base: QuerySet[Any]
    filterset: TrackerFilterSet | None
    errors: Errors
    date_after: datetime.date | None = None
    date_before: datetime.date | None = None
    date_basis: DateBasis = DateBasis.PUBLISHED
    query: str = ""
    # An editor's selection, drafts included, which the rollups (published only) cannot count.
    include_drafts: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def status(self) -> int:
        """The HTTP status the surface answers: 400 when the reader's filters were malformed
        (the page still renders and says why)."""
        return 200 if self.valid else 400

    @property
    def form(self) -> Any:
        """The bound filter form, to draw with its values and errors (None without filters)."""
        return None if self.filterset is None else self.filterset.form

    def error_document(self) -> dict[str, Any]:
        return error_document(self.errors)


@dataclass(frozen=True)
class DashboardSelection(Selection):
    """The dashboard's three querysets, and the rollup scope that can answer them."""

    plans: PlanQuerySet = field(default_factory=Plan.objects.none)
    targets: TargetQuerySet = field(default_factory=Target.objects.none)
    # The rollup scope of the selected statements ("" for no filter, "s12" for one
    # sector...), whatever date they are counted by; None when only the live queries can
    # answer, or when the filters are invalid (nothing is to be counted).
    undated_scope: str | None = None

    @property
    def scope(self) -> str | None:
        """The rollup scope that answers every statement figure: the rollups count by
        publication month, so only under the ``published`` basis, named or not. Under
        another basis they still hold the statements' themes and sectors
        (``undated_scope``)."""
        return self.undated_scope if self.date_basis == DateBasis.PUBLISHED else None

    @property
    def statements(self) -> StatementQuerySet:
        # The dashboard's records are its statements (``_base("dashboard")``).
        return cast(StatementQuerySet, self.records)


@overload
def select(
    data: Mapping[str, Any], *, surface: Literal["dashboard"], include_drafts: bool = False
) -> DashboardSelection: ...


@overload
def select(
    data: Mapping[str, Any], *, surface: str, include_drafts: bool = False
) -> Selection: ...


def select(
    data: Mapping[str, Any], *, surface: str, include_drafts: bool = False
) -> Selection | DashboardSelection:
    """The records ``surface`` shows under the GET parameters ``data``.

    Readers see published records; ``include_drafts`` (an editor's export) sees drafts too,
    and never the rollups, which count published statements only. Raises KeyError for a
    surface that is not one of ``SURFACES``.
    """
    filterset_class = FILTERSETS[surface]
    base = _base(surface, include_drafts=include_drafts)
    if filterset_class is None:
        return Selection(surface=surface, records=base, base=base, filterset=None, errors={})
    dashboard = surface == "dashboard"
    filterset = filterset_class(data, queryset=base, dashboard=dashboard)
    # Invalid filters select nothing at all: no records, no cleaned values, no rollup scope.
    valid = filterset.is_valid()
    cleaned: Mapping[str, Any] = filterset.form.cleaned_data if valid else {}
    common: dict[str, Any] = {
        "surface": surface,
        "records": filterset.qs if valid else base.none(),
        "base": base,
        "filterset": filterset,
        "errors": {} if valid else errors_of(filterset),
        "date_after": cleaned.get("date_after"),
        "date_before": cleaned.get("date_before"),
        "date_basis": DateBasis(cleaned.get("date_basis") or DateBasis.PUBLISHED),
        "query": cleaned.get("q") or "",
        "include_drafts": include_drafts,
    }
    if dashboard:
        # The statements' FilterSet validated the values once; plans and targets apply the
        # same cleaned values through their own FilterSets' methods (the fields are the
        # same for all three), instead of looking every slug up three times.
        plans = _base("plans", include_drafts=include_drafts)
        targets = _base("targets", include_drafts=include_drafts)
        return DashboardSelection(
            **common,
            plans=_apply(PlanFilter, plans, cleaned) if valid else plans.none(),
            targets=_apply(TargetFilter, targets, cleaned) if valid else targets.none(),
            undated_scope=_scope(cleaned) if valid and not include_drafts else None,
        )
    return Selection(**common)


@overload
def _base(surface: Literal["plans"], *, include_drafts: bool) -> PlanQuerySet: ...


@overload
def _base(surface: Literal["targets"], *, include_drafts: bool) -> TargetQuerySet: ...


@overload
def _base(surface: str, *, include_drafts: bool) -> QuerySet[Any]: ...


def _base(surface: str, *, include_drafts: bool) -> QuerySet[Any]:
    """Every record a surface may show before any filter: published ones for readers."""
    if surface in ("dashboard", "statements"):
        statements = Statement.objects.all()
        return statements if include_drafts else statements.published()
    if surface == "plans":
        plans = Plan.objects.all()
        return plans if include_drafts else plans.published()
    if surface == "targets":
        targets = Target.objects.all()
        return targets if include_drafts else targets.of_published_plans()
    if surface == "observations":
        # Figures are public on their own, whichever plan (if any) sets a target on them,
        # unless they come from a draft source.
        observations = Observation.objects.all()
        return observations if include_drafts else observations.public()
    if surface == "sources":
        sources = Source.objects.all()
        return sources if include_drafts else sources.published()
    reference: dict[str, Any] = {
        "indicators": Indicator,
        "actors": Actor,
        "themes": Theme,
        "sectors": Sector,
    }
    return reference[surface].objects.all()


_Records = TypeVar("_Records", bound=QuerySet[Any])


def _apply(
    filterset_class: type[TrackerFilterSet], queryset: _Records, cleaned: Mapping[str, Any]
) -> _Records:
    """``queryset`` under values another FilterSet with the same fields has cleaned.

    The statements' ``date_basis`` is not among them: plans and targets keep their dates.
    """
    filterset = filterset_class(None, queryset=queryset, dashboard=True)
    return cast(_Records, apply_cleaned(filterset, queryset, cleaned))


def _scope(cleaned: Mapping[str, Any]) -> str | None:
    """The rollup scope of the dashboard's (valid) filters; the date basis is not a filter
    of which statements, only of the month each counts in."""
    return rollup_scope({name: value for name, value in cleaned.items() if name != "date_basis"})


def errors_of(filterset: TrackerFilterSet) -> Errors:
    """A FilterSet's errors keyed by GET name ('__all__' for those spanning fields)."""
    return {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}


def error_document(errors: Mapping[str, list[str]]) -> dict[str, Any]:
    """The one JSON shape of a refused request, for exports, feeds and the API alike:
    ``{"detail": "...", "errors": {"<GET name>": ["<message>", ...]}}``."""
    return {
        "detail": _("Some filters could not be applied."),
        "errors": {name: list(messages) for name, messages in errors.items()},
    }
