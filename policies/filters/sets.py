"""One FilterSet per model, serving the dashboard, the lists, the exports, the feeds and the
API (the API through DRF's filter backend; everything else through ``filters.select``).

The GET names are the public contract: ``sector``, ``theme``, ``actor``, ``plan``, ``kind``
(each repeatable, matched by slug or, for sectors, by code), ``date_after``, ``date_before``
and ``q``; statements also take ``date_basis``, the date their range reads (``dates``);
targets and observations also take ``indicator`` (repeatable, by slug). A parent sector
includes its descendants.

Observations are public on their own (unless their source is a draft), and chosen through
their indicator: its sector and theme, and the targets set on it (``ObservationFilter``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

import django_filters
from django import forms
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from policies.filters.dates import DateBasis, statement_date
from policies.filters.fields import (
    MAX_QUERY_LENGTH,
    QuickSelectMultiple,
    SlugFilter,
    TrackerFilterForm,
)
from policies.models import Actor, Indicator, Observation, Plan, Sector, Statement, Target, Theme
from policies.search import matching_statements

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

KIND_GROUPS = [
    (_("Statements"), Statement.Kind.choices),
    (_("Plans"), Plan.Kind.choices),
    (_("Targets"), Target.Kind.choices),
]


def _exists_through(model: type[models.Model], relation: str, field: str, values: Any) -> Exists:
    """An EXISTS over an M2M table: matches without duplicating rows, unlike a join."""
    m2m = cast("models.ManyToManyField[Any, Any]", model._meta.get_field(relation))
    # Resolved when the models loaded: a model, never a name or None.
    through = cast("type[models.Model]", m2m.remote_field.through)
    owner = m2m.m2m_field_name()  # the link table's reference to ``model``
    return Exists(
        through._default_manager.filter(**{owner: OuterRef("pk"), f"{field}__in": values})
    )


class TrackerFilterSet(django_filters.FilterSet):
    """The filters every model shares; subclasses say which of their fields each one reads."""

    sector = SlugFilter(
        queryset=Sector.objects.all(),
        lookups=("slug", "code"),
        method="filter_sector",
        label=_("Sector"),
        help_text=_("A sector includes everything below it."),
    )
    theme = SlugFilter(queryset=Theme.objects.all(), method="filter_theme", label=_("Theme"))
    actor = SlugFilter(queryset=Actor.objects.all(), method="filter_actor", label=_("Actor"))
    plan = SlugFilter(
        queryset=Plan.objects.published(),
        method="filter_plan",
        label=_("Plan"),
        help_text=_("The most recent plans; a plan's own page links to its records."),
    )
    kind = django_filters.MultipleChoiceFilter(
        method="filter_kind", label=_("Kind"), widget=QuickSelectMultiple
    )
    date_after = django_filters.DateFilter(
        method="filter_date_after",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_before = django_filters.DateFilter(
        method="filter_date_before",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    kind_choices: ClassVar[Sequence[tuple[str, StrOrPromise]]] = []
    date_field: ClassVar[str]
    search_fields: ClassVar[list[str]]

    class Meta:
        form = TrackerFilterForm
        fields: ClassVar[list[str]] = []

    def __init__(
        self, data: Any = None, *args: Any, dashboard: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(data, *args, **kwargs)
        # On the dashboard one `kind` list covers statements, plans and targets; each model
        # then keeps the kinds that are its own.
        self.filters["kind"].extra["choices"] = KIND_GROUPS if dashboard else self.kind_choices

    def filter_sector(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if not value:
            return queryset
        return self.by_sectors(queryset, Sector.objects.descendants_of(value))

    def filter_kind(self, queryset: QuerySet[Any], name: str, value: list[str]) -> QuerySet[Any]:
        if not value:
            return queryset
        own = {kind for kind, _label in self.kind_choices} & set(value)
        return queryset.filter(kind__in=own) if own else queryset.none()

    # Typed: the API schema reads a filter method's type hint (``Any`` gave no type at all).
    def filter_date_after(
        self, queryset: QuerySet[Any], name: str, value: datetime.date
    ) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def filter_date_before(
        self, queryset: QuerySet[Any], name: str, value: datetime.date
    ) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.date_field}__lte": value})

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        words = value.split()
        for word in words:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    def by_sectors(self, queryset: QuerySet[Any], sectors: QuerySet[Any]) -> QuerySet[Any]:
        raise NotImplementedError


def apply_cleaned(
    filterset: TrackerFilterSet, records: QuerySet[Any], cleaned: Mapping[str, Any]
) -> QuerySet[Any]:
    """``records`` under values a FilterSet with the same fields has cleaned, through
    ``filterset``'s own methods, so that every reader of them (the dashboard's plans and
    targets, the facets' counts) filters as the records' own FilterSet does. The date basis
    is not a filter: it tells the statements' date filters which date to read."""
    for name, value in cleaned.items():
        if name != "date_basis":
            records = filterset.filters[name].filter(records, value)
    return records


class StatementFilter(TrackerFilterSet):
    """Statements: the date range reads the publication date, or under
    ``date_basis=delivered`` the delivery date (the publication date where there is none)."""

    kind_choices = Statement.Kind.choices
    date_field = "published_on"

    date_basis = django_filters.ChoiceFilter(
        choices=DateBasis.choices,
        empty_label=None,
        method="filter_date_basis",
        label=_("Date statements"),
        help_text=_(
            "When published, or when said: the delivery date, or the publication date "
            "where there is none."
        ),
    )

    class Meta(TrackerFilterSet.Meta):
        model = Statement

    @property
    def chosen_basis(self) -> DateBasis:
        """The reader's date basis once the form is valid (the default until then)."""
        cleaned = getattr(self.form, "cleaned_data", None) or {}
        return DateBasis(cleaned.get("date_basis") or DateBasis.PUBLISHED)

    def filter_date_basis(self, queryset, name, value):
        # Not a filter of its own: it says which date ``date_after`` and ``date_before`` read.
        return queryset

    def filter_date_after(self, queryset, name, value):
        if self.chosen_basis == DateBasis.PUBLISHED:
            return super().filter_date_after(queryset, name, value)
        return queryset.filter(GreaterThanOrEqual(statement_date(self.chosen_basis), value))

    def filter_date_before(self, queryset, name, value):
        if self.chosen_basis == DateBasis.PUBLISHED:
            return super().filter_date_before(queryset, name, value)
        return queryset.filter(LessThanOrEqual(statement_date(self.chosen_basis), value))

    def filter_q(self, queryset, name, value):
        # Statements are the many: a word index, not a scan (policies/search.py).
        return matching_statements(queryset, value)

    def by_sectors(self, queryset, sectors):
        return queryset.filter(_exists_through(Statement, "sectors", "sector", sectors))

    def filter_theme(self, queryset, name, value):
        return queryset.filter(_exists_through(Statement, "themes", "theme", value))

    def filter_actor(self, queryset, name, value):
        return queryset.filter(actor__in=value)

    def filter_plan(self, queryset, name, value):
        return queryset.filter(_exists_through(Statement, "plans", "plan", value))


class PlanFilter(TrackerFilterSet):
    kind_choices = Plan.Kind.choices
    date_field = "published_on"
    search_fields = ["title", "title_en", "summary", "document_number"]

    class Meta(TrackerFilterSet.Meta):
        model = Plan

    def by_sectors(self, queryset, sectors):
        return queryset.filter(_exists_through(Plan, "sectors", "sector", sectors))

    def filter_theme(self, queryset, name, value):
        return queryset.filter(_exists_through(Plan, "themes", "theme", value))

    def filter_actor(self, queryset, name, value):
        return queryset.filter(issuer__in=value)

    def filter_plan(self, queryset, name, value):
        return queryset.filter(pk__in=value)


def indicator_filter() -> SlugFilter:
    """``indicator``, repeatable, by slug: on targets and observations."""
    return SlugFilter(
        queryset=Indicator.objects.all(), method="filter_indicator", label=_("Indicator")
    )


class TargetFilter(TrackerFilterSet):
    """Targets: the date range reads the plan's publication date; the sector, the target's own."""

    kind_choices = Target.Kind.choices
    date_field = "plan__published_on"
    search_fields = ["indicator__name", "indicator__name_en", "plan__title_en"]

    indicator = indicator_filter()

    class Meta(TrackerFilterSet.Meta):
        model = Target

    def filter_indicator(self, queryset, name, value):
        return queryset.filter(indicator__in=value)

    def by_sectors(self, queryset, sectors):
        return queryset.filter(sector__in=sectors)

    def filter_theme(self, queryset, name, value):
        return queryset.filter(theme__in=value)

    def filter_actor(self, queryset, name, value):
        return queryset.filter(plan__issuer__in=value)

    def filter_plan(self, queryset, name, value):
        return queryset.filter(plan__in=value)


class ObservationFilter(TrackerFilterSet):
    """Observations, chosen through their indicator. ``indicator`` names it; ``sector`` and
    ``theme`` are the indicator's own; ``plan``, ``actor`` and ``kind`` keep the indicators
    that a published plan's target of that plan, issuer or kind is set on (the figures a
    reader of those targets sees). The date range reads the period a figure measures: a
    figure for 2023 is within any range that overlaps that year. ``q`` reads the indicator's
    names and aliases, and the figure's note."""

    kind_choices = Target.Kind.choices
    search_fields = [
        "indicator__name",
        "indicator__name_en",
        "indicator__aliases_zh",
        "indicator__aliases_en",
        "indicator__aliases_fr",
        "note",
    ]

    indicator = indicator_filter()

    class Meta(TrackerFilterSet.Meta):
        model = Observation

    @staticmethod
    def of_targets(queryset: QuerySet[Any], **lookups: Any) -> QuerySet[Any]:
        """The observations of the indicators that published plans' targets matching
        ``lookups`` are set on."""
        targets = Target.objects.of_published_plans().filter(**lookups)
        return queryset.filter(indicator__in=targets.values("indicator"))

    def filter_indicator(self, queryset, name, value):
        return queryset.filter(indicator__in=value)

    def by_sectors(self, queryset, sectors):
        return queryset.filter(indicator__sector__in=sectors)

    def filter_theme(self, queryset, name, value):
        return queryset.filter(indicator__theme__in=value)

    def filter_actor(self, queryset, name, value):
        return self.of_targets(queryset, plan__issuer__in=value)

    def filter_plan(self, queryset, name, value):
        return self.of_targets(queryset, plan__in=value)

    # Typed: the API schema reads the type of a filter its model has no field for.
    def filter_kind(self, queryset: QuerySet[Any], name: str, value: list[str]) -> QuerySet[Any]:
        if not value:
            return queryset
        own = {kind for kind, _label in self.kind_choices} & set(value)
        return self.of_targets(queryset, kind__in=own) if own else queryset.none()

    def filter_date_after(self, queryset, name, value):
        # The period ends on or after the date: a later year, or the same year as a whole
        # or from the date's month on.
        return queryset.filter(
            Q(year__gt=value.year)
            | Q(year=value.year, month__isnull=True)
            | Q(year=value.year, month__gte=value.month)
        )

    def filter_date_before(self, queryset, name, value):
        # The period starts on or before the date.
        return queryset.filter(
            Q(year__lt=value.year)
            | Q(year=value.year, month__isnull=True)
            | Q(year=value.year, month__lte=value.month)
        )
