"""Data entry for editors: every record, its relations by autocomplete, its history.

Editors (the ``editors`` group) may add and change; deleting is left to administrators.
Every admin keeps the change history of its records (django-simple-history).
"""

import secrets

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from policies.models import Actor, Observation, Plan, Sector, Source, Statement, Target, Theme
from policies.records import RECORD_KINDS, RecordKind
from policies.services import IMPORT_MAX_BYTES, ImportFileError, records_import

IMPORT_WAIT_SECONDS = 3600
IMPORT_PREVIEW_ROWS = 500

admin.site.site_header = _("Policy Tracker administration")
admin.site.site_title = _("Policy Tracker")
admin.site.index_title = _("Records")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX or JSON, with the columns this page's export writes."),
    )


class ImportMixin:
    """An "Import" page on a model's changelist: upload, preview every row, then confirm.

    The preview is a full dry run in a rolled-back transaction; the file waits in the cache
    (shared by every app server) until the editor confirms or an hour passes.
    """

    change_list_template = "admin/policies/change_list_with_import.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        kind = record_kind_for(self.model)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import %(records)s") % {"records": self.model._meta.verbose_name_plural},
            "kind": kind,
            "max_megabytes": IMPORT_MAX_BYTES // 1_048_576,
            "export_url": reverse("policies:export", args=[kind.name, "csv"]),
        }
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request, kind, context)
        form = ImportForm(request.POST or None, request.FILES or None)
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > IMPORT_MAX_BYTES:
                context["errors"] = [
                    _("The file is %(size).1f MB; the limit is %(limit)d MB.")
                    % {"size": upload.size / 1_048_576, "limit": context["max_megabytes"]}
                ]
            else:
                data = upload.read()
                try:
                    report = records_import(
                        name=upload.name, data=data, kind=kind.name, dry_run=True
                    )
                except ImportFileError as error:
                    context["errors"] = error.errors
                else:
                    token = secrets.token_urlsafe(24)
                    cache.set(
                        self._cache_key(request, token), (upload.name, data), IMPORT_WAIT_SECONDS
                    )
                    context.update(
                        report=report,
                        token=token,
                        file_name=upload.name,
                        preview_rows=report.rows[:IMPORT_PREVIEW_ROWS],
                        more_rows=max(0, len(report.rows) - IMPORT_PREVIEW_ROWS),
                    )
        return TemplateResponse(request, "admin/policies/import.html", context)

    def _confirm(self, request: HttpRequest, kind, context: dict) -> HttpResponse:
        key = self._cache_key(request, request.POST["token"][:64])
        stored = cache.get(key)
        changelist = reverse(
            f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist"
        )
        if stored is None:
            messages.error(request, _("That preview has expired. Upload the file again."))
            return HttpResponseRedirect(request.path)
        name, data = stored
        try:
            report = records_import(name=name, data=data, kind=kind.name)
        except ImportFileError as error:
            # The data changed between preview and confirmation; nothing was written.
            context.update(form=ImportForm(), errors=error.errors)
            return TemplateResponse(request, "admin/policies/import.html", context)
        finally:
            cache.delete(key)
        messages.success(
            request,
            _("Imported %(name)s: %(summary)s.")
            % {"name": name, "summary": "; ".join(report.lines())},
        )
        return HttpResponseRedirect(changelist)

    @staticmethod
    def _cache_key(request: HttpRequest, token: str) -> str:
        # Bound to the user, so a token seen by someone else is of no use to them.
        return f"policies:import:{request.user.pk}:{token}"


def latest_version(record: models.Model) -> int:
    """The id of a record's newest history row: every save, link change and import of it
    writes one, so it changes whenever the record does."""
    return record.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0


class VersionedForm(forms.ModelForm):
    """A change form that knows which version of its record it was opened on."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = latest_version(self.instance)

    # A record's own form always checks: saving it unchanged would still write back the
    # values it was opened with. An inline row is saved only when changed (below).
    check_unchanged = True

    def clean(self) -> dict:
        cleaned = super().clean()
        changed = [name for name in self.changed_data if name != "seen_version"]
        if self.instance.pk is None or not (self.check_unchanged or changed):
            return cleaned
        model = type(self.instance)
        # Inside the admin's transaction the row stays locked until this save commits
        # (PostgreSQL), so two saves cannot both pass this check.
        model._default_manager.select_for_update().filter(pk=self.instance.pk).exists()
        if cleaned.get("seen_version") != latest_version(self.instance):
            latest = self.instance.history.order_by("-history_id").first()
            raise forms.ValidationError(
                _(
                    "%(who)s saved this record on %(when)s, after you opened it. Nothing "
                    "of yours was saved, so that their changes are not lost: open the "
                    "record again to see them, then make your changes again."
                ),
                code="edit_conflict",
                params={
                    "who": latest.history_user or _("Someone"),
                    "when": date_format(localtime(latest.history_date), "DATETIME_FORMAT"),
                },
            )
        return cleaned


class VersionedInlineForm(VersionedForm):
    """An inline row (a plan's target, a target's observation). Django saves a row only
    when what was posted differs from the record as it is now: whether this editor changed
    it, or someone else did since the page was opened. Only then can it overwrite an edit,
    so only then is it checked."""

    check_unchanged = False


class EditConflictMixin:
    """Refuses the second of two overlapping edits of one record (optimistic locking),
    instead of letting it silently overwrite the first."""

    form = VersionedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if any("seen_version" in options["fields"] for _name, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "seen_version"]}), *rest]


def record_kind_for(model) -> RecordKind:
    return next(kind for kind in RECORD_KINDS.values() if kind.model is model)


@admin.register(Source)
class SourceAdmin(ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "publisher", "kind", "tier", "language", "published_on"]
    list_filter = ["tier", "kind", "language", "published_on"]
    date_hierarchy = "published_on"
    search_fields = ["title", "title_en", "publisher", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = ["numbered_paragraphs"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "title_en", "slug", "publisher", "kind", "tier"]}),
        (_("Where and when"), {"fields": ["language", "url", "published_on"]}),
        (_("Text"), {"fields": ["text", "numbered_paragraphs"]}),
        (_("Notes"), {"fields": ["notes"]}),
    ]

    @admin.display(description=_("paragraphs, as statements cite them"))
    def numbered_paragraphs(self, obj: Source) -> str:
        if not obj.paragraphs:
            return _("No text held: statements cannot cite this source.")
        return format_html(
            "<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((p,) for p in obj.paragraphs))
        )


@admin.register(Actor)
class ActorAdmin(ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    list_display = ["name", "name_original", "kind", "jurisdiction", "role"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["name", "name_original", "slug", "role"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme)
class ThemeAdmin(ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "swatch"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

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
    search_fields = ["name", "slug", "code"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["path"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: Sector) -> str:
        return format_html("{}{}", "— " * obj.depth, obj.name)


class TargetInline(admin.TabularInline):
    model = Target
    fields = [
        "slug",
        "indicator",
        "indicator_en",
        "unit",
        "unit_en",
        "baseline_value",
        "baseline_year",
        "target_value",
        "target_year",
        "direction",
        "kind",
        "seen_version",
    ]
    form = VersionedInlineForm
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
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
    search_fields = ["title", "title_en", "document_number", "slug", "summary"]
    autocomplete_fields = ["issuer", "source", "themes", "sectors"]
    prepopulated_fields = {"slug": ["title_en"]}
    save_on_top = True
    inlines = [TargetInline]
    fieldsets = [
        (None, {"fields": ["title", "title_en", "slug", "language", "kind", "status"]}),
        (
            _("Issuer and dates"),
            {"fields": ["issuer", "document_number", "signed_on", "published_on"]},
        ),
        (_("Period"), {"fields": ["start_year", "end_year"]}),
        (_("Content"), {"fields": ["summary", "themes", "sectors", "source", "notes"]}),
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
    def target_count(self, obj: Plan) -> int:
        return obj._targets


class ObservationInline(admin.TabularInline):
    model = Observation
    fields = ["year", "value", "verified", "source", "locator", "released_on", "note"]
    fields = [*fields, "seen_version"]
    form = VersionedInlineForm
    autocomplete_fields = ["source"]
    extra = 0


@admin.register(Target)
class TargetAdmin(ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    list_display = [
        "indicator_en",
        "plan",
        "baseline",
        "goal",
        "kind",
        "sector",
    ]
    list_filter = [
        "kind",
        "direction",
        ("plan", admin.RelatedOnlyFieldListFilter),
        ("sector", admin.RelatedOnlyFieldListFilter),
        ("theme", admin.RelatedOnlyFieldListFilter),
        "target_year",
    ]
    search_fields = ["indicator", "indicator_en", "slug", "plan__title_en", "plan__slug"]
    autocomplete_fields = ["plan", "sector", "theme", "source", "supersedes"]
    list_select_related = ["plan", "sector"]
    prepopulated_fields = {"slug": ["indicator_en"]}
    inlines = [ObservationInline]
    fieldsets = [
        (None, {"fields": ["plan", "slug", "indicator", "indicator_en", "unit", "unit_en"]}),
        (
            _("Baseline and target"),
            {
                "fields": [
                    ("baseline_value", "baseline_year"),
                    ("target_value", "target_year"),
                    "direction",
                    "kind",
                ]
            },
        ),
        (_("Classification"), {"fields": ["sector", "theme", "supersedes"]}),
        (_("Citation"), {"fields": ["source", "locator", "paragraph", "excerpt", "notes"]}),
    ]

    @admin.display(description=_("baseline"))
    def baseline(self, obj: Target) -> str:
        if obj.baseline_value is None:
            return "—"
        return f"{obj.baseline_value:g} ({obj.baseline_year})"

    @admin.display(description=_("target"))
    def goal(self, obj: Target) -> str:
        return f"{obj.target_value:g} {obj.unit_en} ({obj.target_year})"


@admin.register(Observation)
class ObservationAdmin(ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
    list_display = ["target", "year", "value", "verified", "source", "released_on"]
    list_filter = ["verified", "year", ("target__plan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["target__indicator_en", "target__indicator", "note"]
    autocomplete_fields = ["target", "source"]
    list_select_related = ["target", "source"]


@admin.register(Statement)
class StatementAdmin(ImportMixin, EditConflictMixin, SimpleHistoryAdmin):
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
    search_fields = ["headline", "excerpt", "text_en", "slug", "venue"]
    autocomplete_fields = ["actor", "source", "origin", "themes", "sectors", "plans", "targets"]
    list_select_related = ["actor"]
    prepopulated_fields = {"slug": ["headline"]}
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["headline", "slug", "actor", "kind", "status"]}),
        (
            _("Citation"),
            {
                "description": _(
                    "The excerpt must occur character for character in the numbered paragraph "
                    "of the cited source; saving checks it."
                ),
                "fields": ["source", "paragraph", "excerpt", "text_en"],
            },
        ),
        (_("When and where"), {"fields": ["delivered_on", "published_on", "venue", "origin"]}),
        (_("Tags and lineage"), {"fields": ["themes", "sectors", "plans", "targets"]}),
        (_("Notes"), {"fields": ["notes"]}),
    ]
