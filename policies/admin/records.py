"""Data entry for editors: every record, its relations by autocomplete, its history.
Indicators, targets and figures have their own module (``indicators``).

Editors (the ``editors`` group) may add and change; deleting is left to administrators.
Every admin keeps the change history of its records (django-simple-history), offers an
import page (``imports``) and refuses overlapping edits (``conflicts``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from policies.admin.conflicts import EditConflictMixin, VersionedInlineForm
from policies.admin.imports import ImportMixin
from policies.admin.intake import IntakeMixin
from policies.admin.intake_links import ProposalLinkMixin
from policies.models import Actor, Plan, Sector, Source, Statement, Target, Theme

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


@admin.register(Source)
class SourceAdmin(IntakeMixin, ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "publisher",
        "kind",
        "tier",
        "language",
        "published_on",
        "status",
    ]
    list_filter = ["status", "tier", "kind", "language", "published_on"]
    date_hierarchy = "published_on"
    search_fields = ["title", "title_en", "publisher", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = ["numbered_paragraphs"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (
            None,
            {"fields": ["title", "title_en", "slug", "publisher", "kind", "tier", "status"]},
        ),
        (_("Where and when"), {"fields": ["language", "url", "published_on"]}),
        (_("Text"), {"fields": ["text", "numbered_paragraphs"]}),
        # Each French twin beside its English field, so that editors see both.
        (_("Notes"), {"fields": [("notes", "notes_fr")]}),
    ]

    @admin.display(description=_("paragraphs, as statements cite them"))
    def numbered_paragraphs(self, obj: Source) -> StrOrPromise:
        if not obj.paragraphs:
            return _("No text held: statements cannot cite this source.")
        return format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((p,) for p in obj.paragraphs))
        )


@admin.register(Actor)
class ActorAdmin(ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    list_display = ["name", "name_original", "kind", "jurisdiction", "role"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["name", "name_fr", "name_original", "slug", "role", "role_fr"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        ("name", "name_fr"),
        "slug",
        "name_original",
        "kind",
        "jurisdiction",
        ("role", "role_fr"),
        ("description", "description_fr"),
        "aliases",
    ]


@admin.register(Theme)
class ThemeAdmin(ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "swatch"]
    search_fields = ["name", "name_fr", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        ("name", "name_fr"),
        "slug",
        ("description", "description_fr"),
        "colour",
        "keywords",
    ]

    class Media:
        # The swatches' colours (no style attributes: see the Content-Security-Policy).
        css = {"all": [reverse_lazy("policies:theme_styles")]}

    @admin.display(description=_("colour"))
    def swatch(self, obj: Theme) -> str:
        return format_html(
            '<span class="swatch" data-theme="{}"></span> {}',
            obj.slug,
            obj.colour,
        )


@admin.register(Sector)
class SectorAdmin(ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    list_display = ["indented_name", "slug", "code", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "name_fr", "slug", "code"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["path"]
    fields = [
        ("name", "name_fr"),
        "slug",
        "code",
        "parent",
        "path",
        ("description", "description_fr"),
        "keywords",
    ]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: Sector) -> str:
        return format_html("{}{}", "— " * obj.depth, obj.name)


class TargetInline(admin.TabularInline):
    model = Target
    fields = [
        "slug",
        "indicator",
        "value",
        "unit",
        "qualifier",
        "sense",
        "baseline_value",
        "baseline_year",
        "target_year",
        "kind",
        "seen_version",
    ]
    form = VersionedInlineForm
    autocomplete_fields = ["indicator"]
    extra = 0
    show_change_link = True


class TargetTotal(TypedDict):
    """What ``PlanAdmin.get_queryset`` annotates on each plan."""

    _targets: int


@admin.register(Plan)
class PlanAdmin(ProposalLinkMixin, ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    proposal_kind = "plan"
    list_display = [
        "title_en",
        "issuer",
        "kind",
        "document_number",
        "published_on",
        "period",
        "target_count",
        "status",
    ]
    list_filter = [
        "status",
        "kind",
        ("issuer", admin.RelatedOnlyFieldListFilter),
        ("themes", admin.RelatedOnlyFieldListFilter),
        ("sectors", admin.RelatedOnlyFieldListFilter),
        "signed_on",
        "published_on",
    ]
    date_hierarchy = "published_on"
    search_fields = ["title", "title_en", "title_fr", "document_number", "slug", "summary"]
    autocomplete_fields = ["issuer", "co_issuers", "source", "themes", "sectors"]
    prepopulated_fields = {"slug": ["title_en"]}
    save_on_top = True
    inlines = [TargetInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    # Each French twin beside its English field, so that editors see both.
                    ("title_en", "title_fr"),
                    "slug",
                    "language",
                    "kind",
                    "status",
                ]
            },
        ),
        (
            _("Issuer and dates"),
            {"fields": ["issuer", "co_issuers", "document_number", "signed_on", "published_on"]},
        ),
        (_("Period"), {"fields": ["start_year", "end_year"]}),
        (
            _("Content"),
            {
                "fields": [
                    ("summary", "summary_fr"),
                    "themes",
                    "sectors",
                    "source",
                    ("notes", "notes_fr"),
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Plan]:
        return (
            super()
            .get_queryset(request)
            .select_related("issuer")
            .annotate(_targets=Count("targets"))
        )

    @admin.display(description=_("period"))
    def period(self, obj: Plan) -> str:
        return f"{obj.start_year}–{obj.end_year}"

    @admin.display(description=_("targets"), ordering="_targets")
    def target_count(self, obj: WithAnnotations[Plan, TargetTotal]) -> int:
        return obj._targets


@admin.register(Statement)
class StatementAdmin(ProposalLinkMixin, ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    proposal_kind = "statement"
    list_display = ["headline", "actor", "kind", "published_on", "delivered_on", "status"]
    list_filter = [
        "status",
        "kind",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("themes", admin.RelatedOnlyFieldListFilter),
        ("sectors", admin.RelatedOnlyFieldListFilter),
        ("plans", admin.RelatedOnlyFieldListFilter),
        "published_on",
        "delivered_on",
    ]
    date_hierarchy = "published_on"
    search_fields = ["headline", "headline_fr", "excerpt", "text_en", "slug", "venue"]
    autocomplete_fields = ["actor", "source", "origin", "themes", "sectors", "plans", "targets"]
    list_select_related = ["actor"]
    prepopulated_fields = {"slug": ["headline"]}
    save_on_top = True
    fieldsets = [
        # Each French twin beside its English field, so that editors see both.
        (None, {"fields": [("headline", "headline_fr"), "slug", "actor", "kind", "status"]}),
        (
            _("Citation"),
            {
                "description": _(
                    "The excerpt must occur character for character in the numbered paragraph "
                    "of the cited source; saving checks it."
                ),
                "fields": ["source", "paragraph", "excerpt", "wording", "text_en"],
            },
        ),
        (_("When and where"), {"fields": ["delivered_on", "published_on", "venue", "origin"]}),
        (_("Tags and lineage"), {"fields": ["themes", "sectors", "plans", "targets"]}),
        (_("Notes"), {"fields": [("notes", "notes_fr")]}),
    ]
