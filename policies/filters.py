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
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from policies.models import Actor, Plan, Sector, Statement, Target, Theme
from policies.search import matching_statements

MAX_VALUES = 50
MAX_QUERY_LENGTH = 200
PLAN_CHOICES = 100


class QuickSelectMultiple(forms.SelectMultiple):
    """A ``<select multiple>`` drawn in Python, the same markup as Django's.

    Django draws each option through a template: at a few hundred options (sectors,
    actors, recent plans) that was most of the dashboard's render time.
    """

    def render(self, name, value, attrs=None, renderer=None) -> str:
        chosen = {str(v) for v in (value or [])}
        final = self.build_attrs(self.attrs, attrs)
        parts = [format_html("<select{} multiple>", flatatt({"name": name, **final}))]
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(self._option(v, text, chosen) for v, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, label, chosen))
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 (every part is escaped above)

    @staticmethod
    def _option(value: Any, label: Any, chosen: set[str]) -> str:
        value = str(value)
        selected = mark_safe(" selected") if value in chosen else ""
        return format_html('<option value="{}"{}>{}</option>', value, selected, label)


class SlugOrCodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Accepts each value as a slug, or as a code where the model has one."""

    default_error_messages = {
        **forms.ModelMultipleChoiceField.default_error_messages,
        "unknown": _("Unknown %(what)s: %(values)s."),
        "too_many": _("Choose at most %(max)d values."),
    }

    widget = QuickSelectMultiple

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


class RecentPlanChoices(BaseChoiceIterator):
    """The plan list's options: the most recent plans and those already chosen.

    A tracker holds thousands of plans; listing them all made the dashboard's HTML grow
    with the data (2,000 options at 100k statements, most of its render time). Any plan
    can still be chosen by its slug in the URL, which every plan page links to. Evaluated
    only when the form is drawn, so the API and exports never pay for it.
    """

    def __init__(self, queryset: QuerySet, chosen: list[str]) -> None:
        self.queryset, self.chosen = queryset, chosen

    def __iter__(self):
        recent = list(self.queryset.order_by("-published_on", "-pk")[:PLAN_CHOICES])
        shown = {plan.slug for plan in recent}
        missing = [slug for slug in self.chosen if slug not in shown]
        chosen = list(self.queryset.filter(slug__in=missing[:MAX_VALUES])) if missing else []
        for plan in chosen + recent:
            yield plan.slug, str(plan)


class TrackerFilterForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("plan")
        if field is not None:
            chosen = self.data.getlist("plan") if hasattr(self.data, "getlist") else []
            field.widget.choices = RecentPlanChoices(field.queryset, [str(v) for v in chosen])

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

    class Meta(TrackerFilterSet.Meta):
        model = Statement

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


def filtered_by(filterset: TrackerFilterSet, cleaned: dict[str, Any], valid: bool) -> QuerySet:
    """``filterset``'s records under values another FilterSet with the same fields cleaned.

    The dashboard validates its filters once, for statements, and applies the result to
    plans and targets too, instead of looking every slug up three times.
    """
    if not valid:
        return filterset.queryset.none()
    queryset = filterset.queryset
    for name, value in cleaned.items():
        queryset = filterset.filters[name].filter(queryset, value)
    return queryset
