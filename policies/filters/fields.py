"""The filter form's parts: the repeatable slug-or-code field, its quick widget, the plan
choices that do not grow with the data, and the form that checks the date order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from policies.localized import DEFAULT_LANGUAGE, localized, marked, reader_language, reading_order

if TYPE_CHECKING:
    from django.forms.renderers import BaseRenderer

MAX_VALUES = 50


MAX_QUERY_LENGTH = 200


PLAN_CHOICES = 100


class QuickSelectMultiple(forms.SelectMultiple):
    """A ``<select multiple>`` drawn in Python, the same markup as Django's.

    Django draws each option through a template: at a few hundred options (sectors,
    actors, recent plans) that was most of the dashboard's render time.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        chosen = {str(v) for v in (value or [])}
        final = self.build_attrs(self.attrs, attrs)
        parts: list[str] = [format_html("<select{} multiple>", flatatt({"name": name, **final}))]
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


def choice_label(obj: Any) -> str:
    """A record as a filter's option reads it: its name (a plan, its title) in the reader's
    language, " (EN)" where the English stands in."""
    translated = getattr(obj, "TRANSLATED", {})
    for field in ("name", "title"):
        if field in translated:
            return marked(localized(obj, field))
    return str(obj)


class ReadersOrderChoices(ModelChoiceIterator):
    """Options in alphabetical order of their labels in the reader's language. The database
    orders by the English name; English keeps that order, and a tree (sectors) keeps its
    own."""

    def __iter__(self) -> Iterator[Any]:
        choices = super().__iter__()
        model = self.queryset.model
        if reader_language() == DEFAULT_LANGUAGE or hasattr(model, "depth"):
            yield from choices
            return
        yield from reading_order(choices, lambda choice: str(choice[1]))


class SlugOrCodeMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Accepts each value as a slug, or as a code where the model has one."""

    iterator = ReadersOrderChoices

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

    # [] where Django's field returns an empty QuerySet, which django-filter would apply.
    def clean(self, value: Any) -> QuerySet[Any] | list[Any]:  # type: ignore[override]
        # Empty values (``?sector=``) mean no filter, never "sectors with a blank code"; an
        # empty list lets django-filter skip the method.
        if isinstance(value, (list, tuple)):
            value = [v for v in value if v not in ("", None)]
        if not value:
            return []
        return super().clean(value)

    def label_from_instance(self, obj: Any) -> str:
        # Sectors are a tree: indent each by its depth so the list reads as one.
        return "— " * getattr(obj, "depth", 0) + choice_label(obj)

    def _check_values(self, value: list[str]) -> QuerySet[Any]:
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
        # Always given: SlugFilter passes its queryset on.
        queryset = cast("QuerySet[Any]", self.queryset)
        found = list(queryset.filter(condition))
        known = {getattr(obj, lookup) for obj in found for lookup in self.lookups}
        unknown = [v for v in dict.fromkeys(values) if v not in known]
        if unknown:
            raise ValidationError(
                self.error_messages["unknown"],
                code="unknown",
                params={
                    "what": queryset.model._meta.verbose_name,
                    "values": ", ".join(f"“{v[:60]}”" for v in unknown[:5]),
                },
            )
        return queryset.filter(pk__in=[obj.pk for obj in found])


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelMultipleChoiceFilter):
    """Repeatable (``?sector=a&sector=b``); each value a slug, or a code where there is one."""

    field_class = SlugOrCodeMultipleChoiceField


slug_re = re.compile(r"[-a-zA-Z0-9_]+")


class RecentPlanChoices(BaseChoiceIterator):
    """The plan list's options: the most recent plans and those already chosen.

    A tracker holds thousands of plans; listing them all made the dashboard's HTML grow
    with the data (2,000 options at 100k statements, most of its render time). Any plan
    can still be chosen by its slug in the URL, which every plan page links to. Evaluated
    only when the form is drawn, so the API and exports never pay for it.
    """

    def __init__(self, queryset: QuerySet[Any], chosen: list[str]) -> None:
        self.queryset, self.chosen = queryset, chosen

    def __iter__(self) -> Iterator[tuple[str, str]]:
        recent = list(self.queryset.order_by("-published_on", "-pk")[:PLAN_CHOICES])
        shown = {plan.slug for plan in recent}
        # Only what could be a plan's slug is looked up: a value the filter refused (say, one
        # holding NUL, which PostgreSQL cannot even compare) is shown back in the error, not
        # queried while the form is drawn.
        missing = [s for s in self.chosen if s not in shown and slug_re.fullmatch(s)]
        chosen = list(self.queryset.filter(slug__in=missing[:MAX_VALUES])) if missing else []
        for plan in chosen + recent:
            yield plan.slug, choice_label(plan)


# The filters in the order the form shows them, and the take-away links and file names spell
# them; ``q`` last.
FILTER_ORDER = (
    "sector",
    "theme",
    "actor",
    "plan",
    "indicator",
    "kind",
    "date_after",
    "date_before",
    "date_basis",
    "q",
)


class TrackerFilterForm(forms.Form):
    # A statement's date basis beside the dates it governs (its FilterSet declares it last);
    # the forms without one keep their order.
    field_order = list(FILTER_ORDER)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("SlugOrCodeMultipleChoiceField | None", self.fields.get("plan"))
        if field is not None:
            chosen = self.data.getlist("plan") if hasattr(self.data, "getlist") else []
            plans = cast("QuerySet[Any]", field.queryset)  # SlugFilter passes its queryset on
            field.widget.choices = RecentPlanChoices(plans, [str(v) for v in chosen])

    def clean(self) -> dict[str, Any]:
        super().clean()
        # What Form.clean() returns (django-stubs allows any form's clean() None).
        cleaned = self.cleaned_data
        after, before = cleaned.get("date_after"), cleaned.get("date_before")
        if after and before and after > before:
            raise ValidationError(
                _("The start date (%(after)s) is after the end date (%(before)s)."),
                params={"after": after.isoformat(), "before": before.isoformat()},
                code="date_order",
            )
        return cleaned
