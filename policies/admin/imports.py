"""The import flow in the admin: upload a file, preview every row, then confirm.

The preview is a full dry run in a rolled-back transaction; the file waits in the cache
(shared by every app server) until the editor confirms or an hour passes.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from policies.data_io.limits import IMPORT_MAX_BYTES
from policies.data_io.loads import records_import
from policies.data_io.readers import ImportFileError
from policies.data_io.schema import RECORD_KINDS, RecordKind
from policies.writes import WriteBusy

if TYPE_CHECKING:
    # What the mixin is mixed into; at run time the ModelAdmin comes after it in the bases.
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object

IMPORT_WAIT_SECONDS = 3600


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX or JSON, with the columns this page's export writes."),
    )


def record_kind_for(model: type[models.Model]) -> RecordKind:
    return next(kind for kind in RECORD_KINDS.values() if kind.model is model)


class ImportMixin(_ModelAdmin):
    """An "Import" page on a model's changelist: upload, preview every row, then confirm.

    The preview is a full dry run in a rolled-back transaction; the file waits in the cache
    (shared by every app server) until the editor confirms or an hour passes.
    """

    change_list_template = "admin/policies/change_list_with_import.html"

    def get_urls(self) -> list[URLPattern]:
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

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
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
            # Every record, drafts too: the file an editor edits and imports back.
            "export_url": reverse("policies:export", args=[kind.name, "csv"]) + "?drafts=1",
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
                except WriteBusy as error:
                    context["errors"] = [error.message]
                else:
                    token = secrets.token_urlsafe(24)
                    cache.set(
                        self._cache_key(request, token),
                        (upload.name, data, report.versions),
                        IMPORT_WAIT_SECONDS,
                    )
                    context.update(
                        report=report,
                        token=token,
                        file_name=upload.name,
                        preview_rows=report.rows,
                        more_rows=report.row_count - len(report.rows),
                    )
        return TemplateResponse(request, "admin/policies/import.html", context)

    def _confirm(
        self, request: HttpRequest, kind: RecordKind, context: dict[str, Any]
    ) -> HttpResponse:
        key = self._cache_key(request, request.POST["token"][:64])
        stored = cache.get(key)
        changelist = reverse(
            f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist"
        )
        if stored is None:
            messages.error(request, _("That preview has expired. Upload the file again."))
            return HttpResponseRedirect(request.path)
        # A preview cached before its records' versions were kept holds two values.
        name, data, *kept = stored
        versions = kept[0] if kept else None
        try:
            # Refused whole if a record it names changed since the preview.
            report = records_import(name=name, data=data, kind=kind.name, seen_versions=versions)
        except (ImportFileError, WriteBusy) as error:
            # The data changed between preview and confirmation, or the database stayed
            # busy: nothing was written.
            errors = error.errors if isinstance(error, ImportFileError) else [str(error.message)]
            context.update(form=ImportForm(), errors=errors)
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
