"""Edit conflicts: the second of two overlapping edits of one record is refused, with who
saved first and when, instead of silently overwriting the first (optimistic locking).

Every admin write (a save, a delete, a bulk action) also goes through
``policies.writes.retrying``: a deadlock or a busy database is tried again, and if it stays
busy the editor is told so, with what they typed still in the form, instead of a 500.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from policies.models.common import tracked
from policies.writes import BUSY_MESSAGE, WriteBusy, retrying

if TYPE_CHECKING:
    # What the mixin is mixed into; at run time the ModelAdmin comes after it in the bases.
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


def latest_version(record: models.Model) -> int:
    """The id of a record's newest history row: every save, link change and import of it
    writes one, so it changes whenever the record does."""
    history = tracked(record).history
    return history.order_by("-history_id").values_list("history_id", flat=True).first() or 0


class VersionedForm(forms.ModelForm):
    """A change form that knows which version of its record it was opened on."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = latest_version(self.instance)

    # A record's own form always checks: saving it unchanged would still write back the
    # values it was opened with. An inline row is saved only when changed (below).
    check_unchanged = True
    # Set (on a subclass made for one request) when every attempt to save met a busy
    # database: the form is shown again, with the editor's values, and saves nothing.
    busy = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        # What ModelForm.clean() returns (django-stubs allows any form's clean() None).
        cleaned = self.cleaned_data
        if self.busy:
            raise forms.ValidationError(BUSY_MESSAGE, code="busy")
        changed = [name for name in self.changed_data if name != "seen_version"]
        if self.instance.pk is None or not (self.check_unchanged or changed):
            return cleaned
        model = type(self.instance)
        # Inside the admin's transaction the row stays locked until this save commits
        # (PostgreSQL), so two saves cannot both pass this check. SQLite takes no row
        # locks, but each transaction holds the database's write lock from its start
        # (transaction_mode IMMEDIATE): two saves cannot interleave there either.
        model._default_manager.select_for_update().filter(pk=self.instance.pk).exists()
        if cleaned.get("seen_version") != latest_version(self.instance):
            latest = tracked(self.instance).history.order_by("-history_id").first()
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


class EditConflictMixin(_ModelAdmin):
    """Refuses the second of two overlapping edits of one record (optimistic locking),
    instead of letting it silently overwrite the first; retries every write that meets a
    deadlock or a busy database, and says so when it stays busy."""

    form = VersionedForm

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        def view() -> HttpResponse:
            return super(EditConflictMixin, self).changeform_view(
                request, object_id, form_url, extra_context
            )

        if request.method != "POST":
            return view()
        try:
            return _retried(request, view)
        except WriteBusy:
            # Shown again as posted, refused by the form, in a view that writes nothing
            # (so needs no transaction, and cannot meet the busy database again).
            request.write_busy = True  # type: ignore[attr-defined]
            # ModelAdmin's own view without its transaction (a private method, stable since
            # Django 1.11, that the stubs leave out).
            return self._changeform_view(  # type: ignore[attr-defined]
                request, object_id, form_url, extra_context
            )

    def get_form(
        self,
        request: HttpRequest,
        obj: models.Model | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "write_busy", False):
            return type(form.__name__, (form,), {"busy": True})
        return form

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        def view() -> HttpResponse:
            return super(EditConflictMixin, self).delete_view(request, object_id, extra_context)

        return _posted_or_refused(request, view)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Bulk actions and the list's editable cells post here.
        def view() -> HttpResponse:
            return super(EditConflictMixin, self).changelist_view(request, extra_context)

        return _posted_or_refused(request, view)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Reverting to an earlier version posts here (django-simple-history).
        def view() -> HttpResponse:
            return super(EditConflictMixin, self).history_form_view(  # type: ignore[misc]
                request, object_id, version_id, extra_context
            )

        return _posted_or_refused(request, view)

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if any("seen_version" in options["fields"] for _name, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "seen_version"]}), *rest]


def _posted_or_refused(request: HttpRequest, view: Any) -> HttpResponse:
    """A view that writes when posted to: retried; if the database stays busy, the editor
    is sent back to the page with a message, and nothing was written."""
    if request.method != "POST":
        return view()
    try:
        return _retried(request, view)
    except WriteBusy as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(request.get_full_path())


def _retried(request: HttpRequest, view: Any) -> HttpResponse:
    """``view()`` through the write door; a failed attempt's messages are taken back, so
    that a save tried twice does not say "changed successfully" twice."""
    # The messages framework has no public way to take a message back: the queue is its own.
    queue = getattr(getattr(request, "_messages", None), "_queued_messages", None)
    queued = len(queue) if queue is not None else 0

    def attempt() -> HttpResponse:
        if queue is not None:
            del queue[queued:]
        return view()

    return retrying(attempt)
