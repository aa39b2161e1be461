"""The forms of the intake flow: a document to read, what was found in it to confirm, and
an editor's decision on a proposal."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from policies.intake.documents import MAX_BYTES, DocumentError, Extracted, read_paste, read_upload
from policies.models import Plan, Proposal, Source

LANGUAGE_NAMES = {"zh": _("Chinese"), "fr": _("French"), "en": _("English")}
LANGUAGES = list(LANGUAGE_NAMES.items())
FORMAT_NAMES = {
    "txt": _("a plain text file"),
    "html": _("an HTML page (its main text)"),
    "pdf": _("a PDF (its text layer)"),
    "docx": _("a Word document"),
    "paste": _("pasted text"),
}
FORMATS = ".txt, .html, .pdf, .docx"
# The admin's own wide text box.
WIDE = forms.TextInput(attrs={"class": "vTextField"})


class DocumentForm(forms.Form):
    """Step 1: a file or a paste (exactly one), and what only the editor can say about it."""

    file = forms.FileField(
        label=_("Document"),
        required=False,
        # Lazy to the end: a % on the lazy string would fix it in English at import time.
        help_text=format_lazy(
            _("A {formats} file of up to {megabytes} MB."),
            formats=FORMATS,
            megabytes=MAX_BYTES // 1_048_576,
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.html,.htm,.pdf,.docx"}),
    )
    # Not stripped: a paste of blank lines is an empty paste, which the reader names.
    text = forms.CharField(
        label=_("or its text, pasted"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Paragraphs separated by a blank line."),
    )
    publisher = forms.CharField(label=_("publisher"), max_length=200, widget=WIDE)
    kind = forms.ChoiceField(label=_("kind"), choices=Source.Kind.choices)
    tier = forms.ChoiceField(label=_("tier"), choices=[("", "---------"), *Source.Tier.choices])
    title = forms.CharField(
        label=_("title"),
        max_length=500,
        required=False,
        widget=WIDE,
        help_text=_("Leave it empty to take the title the document states."),
    )
    language = forms.ChoiceField(
        label=_("language"),
        choices=[("", _("detect it")), *LANGUAGES],
        required=False,
    )
    published = forms.DateField(
        label=_("published on"),
        required=False,
        help_text=_("YYYY-MM-DD. Leave it empty to take the date the document states."),
    )
    url = forms.URLField(
        label=_("original's URL"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "vURLField"}),
    )

    extracted: Extracted | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, text = cleaned.get("file"), cleaned.get("text") or ""
        # "" is "detect it"; a language the editor chose is read as given.
        language = cleaned.get("language") or None
        if upload and text:
            raise forms.ValidationError(
                _("Give either a file or a pasted text, not both."), code="both"
            )
        try:
            if upload:
                if upload.size > MAX_BYTES:
                    raise DocumentError(
                        _("The file is %(size).1f MB; the limit is %(limit)d MB.")
                        % {"size": upload.size / 1_048_576, "limit": MAX_BYTES // 1_048_576}
                    )
                self.extracted = read_upload(upload.read(), upload.name, language)
            elif not text.strip():
                raise forms.ValidationError(
                    _("The pasted text is empty: paste the document's text, or choose a file."),
                    code="empty",
                )
            else:
                self.extracted = read_paste(text, language)
        except DocumentError as error:
            raise forms.ValidationError(str(error), code="document") from None
        return cleaned


class ConfirmForm(forms.Form):
    """Step 2: what was found, as the editor confirms or corrects it."""

    token = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("title"), max_length=500, widget=WIDE)
    language = forms.ChoiceField(label=_("language"), choices=LANGUAGES)
    published = forms.DateField(label=_("published on"), required=False)


class AcceptForm(forms.Form):
    """Accepting a target asks for the plan that sets it."""

    plan = forms.ModelChoiceField(label=_("plan"), queryset=Plan.objects.none(), required=False)

    def __init__(self, *args: Any, plans: QuerySet[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["plan"]).queryset = plans


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("reason"), choices=[("", _("why?")), *Proposal.Reason.choices]
    )
