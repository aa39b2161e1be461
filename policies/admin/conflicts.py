"""Edit conflicts: the second of two overlapping edits of one record is refused, with who
saved first and when, instead of silently overwriting the first (optimistic locking).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from policies.models.common import tracked

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

    def clean(self) -> dict[str, Any]:
        super().clean()
        # What ModelForm.clean() returns (django-stubs allows any form's clean() None).
        cleaned = self.cleaned_data
        changed = [name for name in self.changed_data if name != "seen_version"]
        if self.instance.pk is None or not (self.check_unchanged or changed):
            return cleaned
        model = type(self.instance)
        # Inside the admin's transaction the row stays locked until this save commits
        # (PostgreSQL), so two saves cannot both pass this check.
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
    instead of letting it silently overwrite the first."""

    form = VersionedForm

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if any("seen_version" in options["fields"] for _name, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "seen_version"]}), *rest]
