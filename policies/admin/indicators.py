"""Data entry for the numbers: indicators with their figures inline, targets with their
indicator's series beside them, and the figures' own list.

A figure is entered on its indicator's page (one series, shared by every plan that sets a
target on it); a target's page shows that series read-only, with the target's status today,
so an editor sees what the target is judged on. The editors' queue (``queue``) hangs off the
targets' admin, whose filters it links to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from policies import units
from policies.admin.conflicts import EditConflictMixin, VersionedInlineForm
from policies.admin.imports import ImportMixin
from policies.admin.intake_links import ProposalLinkMixin
from policies.admin.queue import StaleSeriesFilter, TargetStatusFilter, queue_view
from policies.models import Indicator, Observation, Target
from policies.progress import STATUS_LABELS
from policies.querysets import TargetQuerySet
from policies.selectors import figures_of, progress_at

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _readable(value: Any, unit: str) -> str:
    return str(units.readable(value, unit)) if unit in units.UNITS else units.plain(value)


class ObservationInline(admin.TabularInline):
    model = Observation
    fields = [
        "period",
        "value",
        "unit",
        "qualifier",
        "verified",
        "source",
        "locator",
        "published_on",
        "supersedes",
        "note",
        "note_fr",
        "seen_version",
    ]
    form = VersionedInlineForm
    autocomplete_fields = ["source", "supersedes"]
    extra = 0
    show_change_link = True


@admin.register(Indicator)
class IndicatorAdmin(ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    list_display = ["name_en", "slug", "unit", "kind", "sector", "theme"]
    list_filter = [
        "kind",
        "unit",
        ("sector", admin.RelatedOnlyFieldListFilter),
        ("theme", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "slug",
        "name",
        "name_en",
        "name_fr",
        "aliases_zh",
        "aliases_en",
        "aliases_fr",
    ]
    autocomplete_fields = ["sector", "theme"]
    list_select_related = ["sector", "theme"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["targets_on_it"]
    save_on_top = True
    inlines = [ObservationInline]
    fieldsets = [
        # Each French twin beside its English field, so that editors see both.
        (None, {"fields": ["name", ("name_en", "name_fr"), "slug", "unit", "kind"]}),
        (_("Aliases"), {"fields": ["aliases_zh", "aliases_en", "aliases_fr"]}),
        (
            _("Meaning"),
            {
                "fields": [
                    ("definition", "definition_fr"),
                    "sector",
                    "theme",
                    ("notes", "notes_fr"),
                ]
            },
        ),
        (_("Targets set on it"), {"fields": ["targets_on_it"]}),
    ]

    @admin.display(description=_("targets"))
    def targets_on_it(self, obj: Indicator) -> StrOrPromise:
        if obj.pk is None:
            return "—"
        targets = obj.targets.select_related("plan").order_by("target_year", "plan__title_en")
        rows = format_html_join(
            "",
            "<li>{}: {} ({}, {})</li>",
            (
                (
                    target.target_year,
                    _readable(target.value, target.unit),
                    target.get_qualifier_display(),
                    target.plan.title_en,
                )
                for target in targets
            ),
        )
        return format_html("<ul>{}</ul>", rows) if rows else _("No target is set on it yet.")


@admin.register(Target)
class TargetAdmin(ProposalLinkMixin, ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    proposal_kind = "target"
    list_display = [
        "indicator",
        "plan",
        "baseline",
        "goal",
        "qualifier",
        "sense",
        "kind",
        "status_today",
    ]
    list_filter = [
        TargetStatusFilter,
        StaleSeriesFilter,
        "kind",
        "sense",
        "qualifier",
        ("indicator", admin.RelatedOnlyFieldListFilter),
        ("plan", admin.RelatedOnlyFieldListFilter),
        ("sector", admin.RelatedOnlyFieldListFilter),
        ("theme", admin.RelatedOnlyFieldListFilter),
        "target_year",
    ]
    search_fields = [
        "indicator__name",
        "indicator__name_en",
        "indicator__name_fr",
        "indicator__slug",
        "slug",
        "plan__title_en",
        "plan__title_fr",
        "plan__slug",
    ]
    autocomplete_fields = ["plan", "indicator", "sector", "theme", "source", "supersedes"]
    readonly_fields = ["target_value_in_indicator_unit", "status_today", "indicator_series"]
    fieldsets = [
        (None, {"fields": ["plan", "slug", "indicator"]}),
        (
            _("Baseline and target, as the plan writes them"),
            {
                "fields": [
                    ("value", "unit", "qualifier"),
                    ("baseline_value", "baseline_year"),
                    "target_year",
                    "target_value_in_indicator_unit",
                    "sense",
                    "kind",
                ]
            },
        ),
        (_("Classification"), {"fields": ["sector", "theme", "supersedes"]}),
        (
            _("Citation"),
            {"fields": ["source", "locator", "paragraph", "excerpt", ("notes", "notes_fr")]},
        ),
        (_("The indicator's figures"), {"fields": ["status_today", "indicator_series"]}),
    ]

    def get_urls(self) -> list[URLPattern]:
        # The editors' queue lives here, beside the filters its links open.
        queue = self.admin_site.admin_view(
            lambda request: queue_view(request, site=self.admin_site)
        )
        return [path("queue/", queue, name="policies_queue"), *super().get_urls()]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Target]:
        # Each row's status reads its indicator's counted figures: one query for the page.
        return cast(TargetQuerySet, super().get_queryset(request)).with_series()

    @admin.display(description=_("baseline"))
    def baseline(self, obj: Target) -> str:
        if obj.baseline_value is None:
            return "—"
        return f"{_readable(obj.baseline_value, obj.unit)} ({obj.baseline_year})"

    @admin.display(description=_("target"))
    def goal(self, obj: Target) -> str:
        return f"{_readable(obj.value, obj.unit)} ({obj.target_year})"

    @admin.display(description=_("status today"))
    def status_today(self, obj: Target) -> StrOrPromise:
        if obj.pk is None:
            return "—"
        # Loaded by get_queryset with its figures; a past version (the history's view of
        # it) reads them here.
        counted = getattr(obj.indicator, "counted_figures", None)
        if counted is None:
            counted = obj.indicator.observations.counted().by_period()
        progress = progress_at(obj, figures=figures_of(counted), today=timezone.localdate())
        label = str(STATUS_LABELS[progress.status])
        if progress.figure is None:
            return label
        return _("%(status)s (on the figure for %(period)s)") % {
            "status": label,
            "period": progress.figure.period,
        }

    @admin.display(description=_("target value in the indicator's unit"))
    def target_value_in_indicator_unit(self, obj: Target) -> StrOrPromise:
        if obj.pk is None:
            return _("Worked out from the value as written when the target is saved.")
        return _readable(obj.target_value, obj.indicator.unit)

    @admin.display(description=_("series"))
    def indicator_series(self, obj: Target) -> StrOrPromise:
        """Every figure of the indicator, as an escaped table: which ones count, and why
        the others do not."""
        if obj.pk is None:
            return _("Shown once the target is saved.")
        figures = obj.indicator.observations.by_period().select_related("source", "superseded_by")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "<td>{}</td></tr>",
            (
                (
                    figure.period,
                    _readable(figure.value, figure.unit or obj.indicator.unit),
                    figure.get_qualifier_display(),
                    _counts(figure),
                    _cited(figure),
                    figure.published_on.isoformat() if figure.published_on else "—",
                    figure.note,
                )
                for figure in figures
            ),
        )
        if not rows:
            return _("No figure is recorded for this indicator yet.")
        head = format_html_join(
            "",
            '<th scope="col">{}</th>',
            (
                (heading,)
                for heading in (
                    _("period"),
                    _("value"),
                    _("qualifier"),
                    _("counts?"),
                    _("source"),
                    _("published on"),
                    _("note"),
                )
            ),
        )
        return format_html(
            '<table class="indicator-series"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
            head,
            rows,
        )


def _counts(figure: Observation) -> str:
    """Whether the status rules read this figure, and if not, why."""
    if not figure.verified:
        return str(_("no: unverified"))
    if getattr(figure, "superseded_by", None) is not None:
        return str(_("no: superseded by a revision"))
    return str(_("yes"))


def _cited(figure: Observation) -> str:
    if figure.source is None:
        return str(_("no source"))
    title = figure.source.title_en or figure.source.title
    return f"{title}, {figure.locator}" if figure.locator else title


@admin.register(Observation)
class ObservationAdmin(ProposalLinkMixin, ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    proposal_kind = "observation"
    list_display = [
        "indicator",
        "period",
        "value",
        "unit",
        "qualifier",
        "verified",
        "source",
        "published_on",
    ]
    list_filter = [
        "verified",
        "qualifier",
        ("indicator", admin.RelatedOnlyFieldListFilter),
        "year",
        ("source", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "indicator__name_en",
        "indicator__name_fr",
        "indicator__name",
        "indicator__slug",
        "period",
        "note",
        "note_fr",
        "locator",
    ]
    autocomplete_fields = ["indicator", "source", "supersedes"]
    list_select_related = ["indicator", "source"]
    fieldsets = [
        (None, {"fields": ["indicator", "period", ("value", "unit", "qualifier")]}),
        (_("Citation"), {"fields": ["source", "locator", "published_on", "verified"]}),
        (_("Revision and notes"), {"fields": ["supersedes", ("note", "note_fr")]}),
    ]
