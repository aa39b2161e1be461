"""One FilterSet per model, serving the dashboard, the lists, the exports, the feed and the API.

The GET names are the public contract: ``sector``, ``theme``, ``actor``, ``plan``, ``kind``
(each repeatable, matched by slug or, for sectors, by code), ``date_after``, ``date_before``
and ``q``. A parent sector includes its descendants. Invalid input never filters silently:
the form carries the errors and the selectors return nothing (see ``filtered``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from policies.models import Actor, Plan, Sector, Statement, Target, Theme

MAX_VALUES = 50
MAX_QUERY_LENGTH = 200


class SlugOrCodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Accepts each value as a slug, or as a code where the model has one."""

    default_error_messages = {
        **forms.ModelMultipleChoiceField.default_error_messages,
        "unknown": _("Unknown %(what)s: %(values)s."),
        "too_many": _("Choose at most %(max)d values."),
    }

    def __init__(self, *args: Any, lookups: tuple[str, ...] = ("slug",), **kwargs: Any) -> None:
        self.lookups = lookups
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> QuerySet | list:
        # Empty values (``?sector=``) mean no filter, never "sectors with a blank code"; an
        # empty list lets django-filter skip the method.
        if isinstance(value, (list, tuple)):
            value = [v for v in value if v not in ("", None)]
        if not value:
            return []
        return super().clean(value)

    def label_from_instance(self, obj: Any) -> str:
        # Sectors are a tree: indent each by its depth so the list reads as one.
        return "— " * getattr(obj, "depth", 0) + str(obj)

    def _check_values(self, value: list[str]) -> QuerySet:
        values = [str(v) for v in value]
        for v in values:
            # PostgreSQL refuses NUL in text; say so instead of failing the query.
            ProhibitNullCharactersValidator()(v)
        if len(values) > MAX_VALUES:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": MAX_VALUES}
            )
        condition = Q()
        for lookup in self.lookups:
            condition |= Q(**{f"{lookup}__in": values})
        found = list(self.queryset.filter(condition))
        known = {getattr(obj, lookup) for obj in found for lookup in self.lookups}
        unknown = [v for v in dict.fromkeys(values) if v not in known]
        if unknown:
            raise ValidationError(
                self.error_messages["unknown"],
                code="unknown",
                params={
                    "what": self.queryset.model._meta.verbose_name,
                    "values": ", ".join(f"“{v[:60]}”" for v in unknown[:5]),
                },
            )
        return self.queryset.filter(pk__in=[obj.pk for obj in found])


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelMultipleChoiceFilter):
    """Repeatable (``?sector=a&sector=b``); each value a slug, or a code where there is one."""

    field_class = SlugOrCodeMultipleChoiceField


class TrackerFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        after, before = cleaned.get("date_after"), cleaned.get("date_before")
        if after and before and after > before:
            raise ValidationError(
                _("The start date (%(after)s) is after the end date (%(before)s)."),
                params={"after": after.isoformat(), "before": before.isoformat()},
                code="date_order",
            )
        return cleaned


KIND_GROUPS = [
    (_("Statements"), Statement.Kind.choices),
    (_("Plans"), Plan.Kind.choices),
    (_("Targets"), Target.Kind.choices),
]


def _exists_through(model, relation: str, field: str, values) -> Exists:
    """An EXISTS over an M2M table: matches without duplicating rows, unlike a join."""
    through = model._meta.get_field(relation).remote_field.through
    owner = model._meta.model_name
    return Exists(through.objects.filter(**{owner: OuterRef("pk"), f"{field}__in": values}))


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
    plan = SlugFilter(queryset=Plan.objects.published(), method="filter_plan", label=_("Plan"))
    kind = django_filters.MultipleChoiceFilter(method="filter_kind", label=_("Kind"))
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

    kind_choices: ClassVar[list[tuple[str, str]]] = []
    date_field: ClassVar[str]
    search_fields: ClassVar[list[str]]

    class Meta:
        form = TrackerFilterForm
        fields: ClassVar[list[str]] = []

    def __init__(self, data=None, *args: Any, dashboard: bool = False, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        # On the dashboard one `kind` list covers statements, plans and targets; each model
        # then keeps the kinds that are its own.
        self.filters["kind"].extra["choices"] = KIND_GROUPS if dashboard else self.kind_choices

    def filter_sector(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return queryset
        return self.by_sectors(queryset, Sector.objects.descendants_of(value))

    def filter_kind(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        own = {kind for kind, _label in self.kind_choices} & set(value)
        return queryset.filter(kind__in=own) if own else queryset.none()

    def filter_date_after(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(**{f"{self.date_field}__gte": value})

    def filter_date_before(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(**{f"{self.date_field}__lte": value})

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        words = value.split()
        for word in words:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    def by_sectors(self, queryset: QuerySet, sectors: QuerySet) -> QuerySet:
        raise NotImplementedError


class StatementFilter(TrackerFilterSet):
    kind_choices = Statement.Kind.choices
    date_field = "published_on"
    search_fields = ["headline", "excerpt", "text_en"]

    class Meta(TrackerFilterSet.Meta):
        model = Statement

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


class TargetFilter(TrackerFilterSet):
    """Targets: the date range reads the plan's publication date; the sector, the target's own."""

    kind_choices = Target.Kind.choices
    date_field = "plan__published_on"
    search_fields = ["indicator", "indicator_en", "plan__title_en"]

    class Meta(TrackerFilterSet.Meta):
        model = Target

    def by_sectors(self, queryset, sectors):
        return queryset.filter(sector__in=sectors)

    def filter_theme(self, queryset, name, value):
        return queryset.filter(theme__in=value)

    def filter_actor(self, queryset, name, value):
        return queryset.filter(plan__issuer__in=value)

    def filter_plan(self, queryset, name, value):
        return queryset.filter(plan__in=value)


def filtered(filterset: TrackerFilterSet) -> QuerySet:
    """The filtered queryset, or nothing when the input was invalid (the form says why)."""
    if filterset.is_valid():
        return filterset.qs
    return filterset.queryset.none()
