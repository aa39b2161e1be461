"""The "Edit" way of accepting a proposal: the record's admin add form, opened with
``?_proposal=<id>``, is prefilled from the proposal, and saving it links the new record to
the proposal, which is then accepted.

The values are read from the proposal on the server, not carried in the link: a Chinese
excerpt, percent-encoded, is nine bytes a character, and a long one would pass the request
line's limit of common servers (gunicorn's is 4 KB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin, messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from policies.admin.intake_review import PROPOSAL_PARAM
from policies.intake.proposals import STATEMENT_KINDS, DecisionError, link
from policies.models import (
    Actor,
    Indicator,
    Proposal,
    PublicationStatus,
    Sector,
    Source,
    Statement,
    Theme,
)

if TYPE_CHECKING:
    # What the mixin is mixed into; at run time the ModelAdmin comes after it in the bases.
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


def _pk(model: type[models.Model], slug: Any) -> int | None:
    if not slug:
        return None
    return model._default_manager.filter(slug=slug).values_list("pk", flat=True).first()


def _pks(model: type[models.Model], slugs: Any) -> list[int]:
    if not slugs:
        return []
    return list(model._default_manager.filter(slug__in=slugs).values_list("pk", flat=True))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def initial_for(proposal: Proposal) -> dict[str, Any]:
    """The add form's initial values for the record ``proposal`` describes."""
    fields, source = proposal.fields, proposal.source
    cited = {"source": source.pk, "paragraph": proposal.paragraph, "excerpt": proposal.excerpt}
    if proposal.kind == Proposal.Kind.STATEMENT:
        return {
            **cited,
            "actor": _pk(Actor, fields.get("speaker")) if fields.get("speaker_matched") else None,
            "kind": STATEMENT_KINDS.get(Source.Kind(source.kind), Statement.Kind.OTHER),
            "wording": fields.get("wording") or Statement.Wording.PARAPHRASE,
            "published_on": fields.get("date") or source.published_on,
            "themes": _pks(Theme, fields.get("themes")),
            "sectors": _pks(Sector, fields.get("sectors")),
            "status": PublicationStatus.DRAFT,
        }
    if proposal.kind == Proposal.Kind.TARGET:
        return {
            **cited,
            "indicator": _pk(Indicator, fields.get("indicator")),
            "value": _text(fields.get("value")),
            "unit": fields.get("unit"),
            "qualifier": fields.get("qualifier"),
            "target_year": fields.get("year"),
            "baseline_value": _text(fields.get("baseline_value")),
            "baseline_year": fields.get("baseline_year"),
        }
    if proposal.kind == Proposal.Kind.OBSERVATION:
        return {
            "indicator": _pk(Indicator, fields.get("indicator")),
            "period": _text(fields.get("period") or fields.get("year")),
            "value": _text(fields.get("value")),
            "unit": fields.get("unit"),
            "qualifier": fields.get("qualifier"),
            "source": source.pk,
            "locator": f"paragraph {proposal.paragraph}",  # stored, so in English
            "published_on": source.published_on,
        }
    return {
        "title": fields.get("title") or proposal.excerpt,
        "document_number": fields.get("document_number") or "",
        "language": source.language,
        "source": source.pk,
        "status": PublicationStatus.DRAFT,
    }


def editor_of(request: HttpRequest) -> AbstractBaseUser | None:
    """Who decides, as the proposals' service records it."""
    return request.user if request.user.is_authenticated else None


def review_url(proposal: Proposal) -> str:
    page = reverse("admin:policies_source_review", args=[proposal.source_id])
    return f"{page}#proposal-{proposal.pk}"


class ProposalLinkMixin(_ModelAdmin):
    """On a record's add form opened from a proposal: prefilled from it, and once saved,
    the proposal is accepted as the new record and the editor is back on the review page."""

    proposal_kind: ClassVar[str]

    def _proposal(self, request: HttpRequest) -> Proposal | None:
        pk = request.GET.get(PROPOSAL_PARAM, "")
        if not pk.isdigit():
            return None
        found = Proposal.objects.select_related("source").filter(pk=pk, kind=self.proposal_kind)
        return found.first()

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        proposal = self._proposal(request)
        if proposal is None:
            return initial
        initial.pop(PROPOSAL_PARAM, None)
        # What the link itself says, if anything, wins over the proposal, as in any add form.
        return {**initial_for(proposal), **initial}

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET" and (proposal := self._proposal(request)) is not None:
            messages.info(
                request,
                _(
                    "Prefilled from the assistant's proposal (paragraph %(paragraph)d, rule "
                    "%(rule)s). Correct what it got wrong; saving accepts the proposal as "
                    "this record."
                )
                % {"paragraph": proposal.paragraph, "rule": proposal.rule},
            )
        return super().add_view(request, form_url, extra_context)

    def response_add(
        self, request: HttpRequest, obj: Any, post_url_continue: str | None = None
    ) -> HttpResponse:
        proposal = self._proposal(request)
        response = super().response_add(request, obj, post_url_continue)
        if proposal is None:
            return response
        try:
            # In the add form's transaction: the record and the decision, or neither.
            link(proposal, obj, user=editor_of(request))
        except DecisionError as error:
            messages.warning(
                request,
                _("The record is saved, but not linked to its proposal: %(why)s") % {"why": error},
            )
            return response
        if {"_continue", "_addanother", "_popup", "_saveasnew"} & set(request.POST):
            return response
        return HttpResponseRedirect(review_url(proposal))
