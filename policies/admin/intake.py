"""The intake flow on the sources' admin: a document read into a draft source with the
assistant's proposals (``intake_view``: read, then confirm what was found), and the review
page where an editor accepts, edits or rejects each proposal. The proposals' own list is
read-only: it is the labelled data that measures the assistant.

The document read in step 1 waits in the cache (shared by every app server), as the import
flow's file does, until the editor confirms it or an hour passes.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from policies.admin import intake_review as review
from policies.admin.intake_forms import (
    FORMAT_NAMES,
    LANGUAGE_NAMES,
    AcceptForm,
    ConfirmForm,
    DocumentForm,
    RejectForm,
)
from policies.admin.intake_links import editor_of, review_url
from policies.intake.proposals import DecisionError, Intake, accept, propose, reject, take_in
from policies.models import Proposal, PublicationStatus, Source
from policies.models.excerpts import paragraph_split
from policies.writes import WriteBusy

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Source]
else:
    _ModelAdmin = object

INTAKE_WAIT_SECONDS = 3600
FIRST_PARAGRAPHS = 5


class IntakeMixin(_ModelAdmin):
    """The sources' list gains "Add a source from a document"; each source, a review page."""

    change_list_template = "admin/policies/source/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        review_path = "<int:object_id>/review/"
        return [
            path("intake/", view(self.intake_view), name="policies_source_intake"),
            path(review_path, view(self.review_view), name="policies_source_review"),
            path(
                review_path + "propose/",
                view(require_POST(self.propose_view)),
                name="policies_source_propose",
            ),
            path(
                review_path + "<int:proposal_id>/<str:decision>/",
                view(require_POST(self.decide_view)),
                name="policies_source_decide",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {**(extra_context or {}), "can_intake": self.has_add_permission(request)}
        return super().changelist_view(request, extra)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra = extra_context
        if object_id is not None and object_id.isdigit():
            pending = Proposal.objects.filter(source_id=object_id, state=Proposal.State.PENDING)
            extra = {**(extra_context or {}), "pending_proposals": pending.count()}
        return super().changeform_view(request, object_id, form_url, extra)

    def _intake_context(self, request: HttpRequest, title: Any, **more: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": Source._meta,
            "title": title,
            **more,
        }

    # Step 1 reads the document; step 2 (a post with the token) confirms what was found.
    def intake_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self._intake_confirm(request)
        form = DocumentForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid() and form.extracted is not None:
            found, data = form.extracted, form.cleaned_data
            token = secrets.token_urlsafe(24)
            stored = {
                "text": found.text,
                "format": found.format,
                "name": data["file"].name if data["file"] else "",
                # Detected only when the editor left the language to the tracker.
                "detected": "" if data["language"] else found.language,
                "publisher": data["publisher"],
                "kind": data["kind"],
                "tier": data["tier"],
                "url": data["url"],
                "title": data["title"] or found.title,
                "language": data["language"] or found.language,
                "published": data["published"] or found.published,
            }
            cache.set(_cache_key(request, token), stored, INTAKE_WAIT_SECONDS)
            confirm = ConfirmForm(
                initial={
                    "token": token,
                    "title": stored["title"],
                    "language": stored["language"],
                    "published": stored["published"],
                }
            )
            return self._intake_found(request, confirm, stored)
        context = self._intake_context(request, _("Add a source from a document"), form=form)
        return TemplateResponse(request, "admin/policies/source/intake.html", context)

    def _intake_found(
        self, request: HttpRequest, form: ConfirmForm, stored: dict[str, Any]
    ) -> HttpResponse:
        found = paragraph_split(stored["text"])
        context = self._intake_context(
            request,
            _("Confirm what was found"),
            form=form,
            stored=stored,
            paragraph_count=len(found),
            first_paragraphs=found[:FIRST_PARAGRAPHS],
            detected=LANGUAGE_NAMES.get(stored["detected"], stored["detected"]),
            read_as=FORMAT_NAMES.get(stored["format"], stored["format"]),
        )
        return TemplateResponse(request, "admin/policies/source/confirm.html", context)

    def _intake_confirm(self, request: HttpRequest) -> HttpResponse:
        form = ConfirmForm(request.POST)
        key = _cache_key(request, request.POST["token"][:64])
        stored = cache.get(key)
        # Deleting claims the document, so that a second click of the button makes nothing.
        if stored is None or not cache.delete(key):
            messages.error(request, _("That document has expired. Upload or paste it again."))
            return HttpResponseRedirect(request.path)
        if not form.is_valid():
            cache.set(key, stored, INTAKE_WAIT_SECONDS)
            return self._intake_found(request, form, stored)
        data = form.cleaned_data
        intake = Intake(
            title=data["title"],
            text=stored["text"],
            language=data["language"],
            publisher=stored["publisher"],
            kind=stored["kind"],
            tier=stored["tier"],
            published=data["published"],
            url=stored["url"],
        )
        try:
            source = take_in(intake)
        except (ValidationError, WriteBusy) as error:
            problems = (
                error.messages if isinstance(error, ValidationError) else [str(error.message)]
            )
            for problem in problems:
                form.add_error(None, problem)
            cache.set(key, stored, INTAKE_WAIT_SECONDS)
            return self._intake_found(request, form, stored)
        messages.success(
            request,
            _(
                "The draft source “%(title)s” holds %(paragraphs)d paragraphs; the assistant "
                "proposes %(proposals)d records from it. Review them here."
            )
            % {
                "title": source.title,
                "paragraphs": len(source.paragraphs),
                "proposals": source.proposals.count(),
            },
        )
        return HttpResponseRedirect(review_url_of(source))

    def _reviewed(self, request: HttpRequest, object_id: int) -> Source:
        source = get_object_or_404(Source, pk=object_id)
        if not self.has_change_permission(request, source):
            raise PermissionDenied
        return source

    def review_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        source = self._reviewed(request, object_id)
        proposals = list(
            source.proposals.select_related(
                "decided_by",
                "statement",
                "plan",
                "target__indicator",
                "observation__indicator",
            )
        )
        plans = list(review.plan_choices(source, proposals))
        states = dict.fromkeys(Proposal.State, 0)
        for proposal in proposals:
            states[Proposal.State(proposal.state)] += 1
        context = self._intake_context(
            request,
            _("Review the proposals from “%(source)s”") % {"source": source.title},
            source=source,
            draft=source.status == PublicationStatus.DRAFT,
            paragraphs=review.paragraphs(source, proposals),
            groups=review.groups(proposals, user=request.user, plans=plans),
            states=[(Proposal.State(state).label, count) for state, count in states.items()],
            plans=plans,
            reasons=Proposal.Reason.choices,
            labelled_data_url=reverse("admin:policies_proposal_changelist")
            + f"?source__id__exact={source.pk}",
        )
        return TemplateResponse(request, "admin/policies/source/review.html", context)

    def propose_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        source = self._reviewed(request, object_id)
        try:
            made = propose(source)
        except WriteBusy as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(review_url_of(source))
        messages.success(
            request,
            _("The assistant read the source again: %(count)d proposals wait for review.")
            % {"count": len(made)},
        )
        return HttpResponseRedirect(review_url_of(source))

    def decide_view(
        self, request: HttpRequest, object_id: int, proposal_id: int, decision: str
    ) -> HttpResponse:
        source = self._reviewed(request, object_id)
        proposal = get_object_or_404(Proposal.objects.filter(source=source), pk=proposal_id)
        proposal.source = source
        model = review.MODELS.get(proposal.kind)
        try:
            if decision == "reject":
                form = RejectForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                reject(proposal, user=editor_of(request), reason=reason)
                messages.success(request, _("Rejected: %(proposal)s") % {"proposal": proposal})
            elif decision == "accept":
                if model and not request.user.has_perm(f"policies.add_{model}"):
                    raise PermissionDenied
                plans = review.plan_choices(source, list(source.proposals.all()))
                accepted = AcceptForm(request.POST, plans=plans)
                plan = accepted.cleaned_data["plan"] if accepted.is_valid() else None
                record = accept(proposal, user=editor_of(request), plan=plan)
                messages.success(request, _accepted(record))
            else:
                raise PermissionDenied
        except DecisionError as error:
            messages.error(request, str(error))
        except WriteBusy as error:
            messages.error(request, error.message)
        return HttpResponseRedirect(review_url(proposal))


def _accepted(record: Any) -> str:
    if record is None:
        return str(_("Accepted: the date was read right."))
    name = record._meta.verbose_name
    if getattr(record, "status", None) == PublicationStatus.DRAFT:
        return str(
            _("Accepted as the draft %(model)s “%(record)s”; it is hidden until published.")
            % {"model": name, "record": record}
        )
    return str(_("Accepted as the %(model)s “%(record)s”.") % {"model": name, "record": record})


def review_url_of(source: Source) -> str:
    return reverse("admin:policies_source_review", args=[source.pk])


def _cache_key(request: HttpRequest, token: str) -> str:
    # Bound to the user, so a token seen by someone else is of no use to them.
    return f"policies:intake:{request.user.pk}:{token}"


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """What the assistant proposed and what editors decided: read-only."""

    list_display = [
        "__str__",
        "source",
        "kind",
        "state",
        "reason",
        "rule",
        "confidence",
        "decided_by",
        "decided_at",
    ]
    list_filter = [
        ("source", admin.RelatedOnlyFieldListFilter),
        "kind",
        "state",
        "rule",
        "reason",
    ]
    list_select_related = ["source", "decided_by"]
    search_fields = ["excerpt"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
