"""Proposals: a document taken in as a draft source, what the pipeline proposes from it,
and the editor's decisions. Nothing here publishes anything: accepted statements and plans
are drafts, and targets and figures hang off the draft source until an editor publishes it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.intake import records
from policies.intake.extract import Document, extract
from policies.intake.lexicon import load_lexicon
from policies.intake.records import STATEMENT_KINDS, DecisionError
from policies.models import (
    Observation,
    Plan,
    Proposal,
    PublicationStatus,
    Source,
    Statement,
    Target,
)
from policies.writes import retrying

__all__ = [
    "STATEMENT_KINDS",
    "DecisionError",
    "Intake",
    "accept",
    "document_of",
    "duplicates",
    "link",
    "propose",
    "reject",
    "take_in",
]


@dataclass(frozen=True)
class Intake:
    """What an editor confirms about a document before it becomes a draft source."""

    title: str
    text: str
    language: str
    publisher: str
    kind: str
    tier: str
    published: datetime.date | None = None
    url: str = ""


def document_of(source: Source) -> Document:
    return Document(
        paragraphs=tuple(source.paragraphs),
        language=source.language.split("-")[0],
        published=source.published_on,
        title=source.title,
    )


def take_in(intake: Intake) -> Source:
    """A draft source holding the document, with the pipeline's proposals: all or nothing
    (writes.retrying, the one door for writes several people make at once)."""
    return retrying(lambda: _take_in(intake))


def _take_in(intake: Intake) -> Source:
    source = Source(
        slug=records.unique_slug(Source, intake.title or intake.publisher),
        title=intake.title,
        publisher=intake.publisher,
        kind=intake.kind,
        tier=intake.tier,
        language=intake.language,
        published_on=intake.published,
        url=intake.url,
        text=intake.text,
        status=PublicationStatus.DRAFT,
    )
    source.full_clean()
    source.save()
    _propose(source)
    return source


def propose(source: Source) -> list[Proposal]:
    """Run the pipeline on ``source`` again: pending proposals are replaced, decided ones
    kept (they are the labelled data), and a proposal already decided is not made again."""
    return retrying(lambda: _propose(source))


def _propose(source: Source) -> list[Proposal]:
    source.proposals.filter(state=Proposal.State.PENDING).delete()
    decided = set(source.proposals.values_list("kind", "paragraph", "start", "excerpt"))
    found = extract(document_of(source), load_lexicon())
    return Proposal.objects.bulk_create(
        Proposal(
            source=source,
            kind=p.kind,
            paragraph=p.paragraph,
            start=p.start,
            excerpt=p.excerpt,
            confidence=max(0.0, min(1.0, p.confidence)),
            rule=p.rule[:100],
            fields=p.fields,
        )
        for p in found
        if (p.kind, p.paragraph, p.start, p.excerpt) not in decided
    )


def duplicates(proposals: list[Proposal]) -> dict[int, str]:
    """For each proposal that repeats a record the tracker holds, what it repeats (for the
    review page's mark): one query per kind, whatever the number of proposals."""
    found: dict[int, str] = {}
    by_kind: dict[str, list[Proposal]] = {}
    for proposal in proposals:
        by_kind.setdefault(proposal.kind, []).append(proposal)
    if statements := by_kind.get("statement"):
        held = dict(
            Statement.objects.filter(excerpt__in={p.excerpt for p in statements}).values_list(
                "excerpt", "slug"
            )
        )
        for p in statements:
            if p.excerpt in held:
                found[p.pk] = _("statement “%(slug)s”") % {"slug": held[p.excerpt]}
    for kind in ("target", "observation"):
        figures = by_kind.get(kind) or []
        held_figures = _figures_held(kind, {p.fields.get("indicator") for p in figures})
        for p in figures:
            when = p.fields.get("year") if kind == "target" else p.fields.get("period")
            key = (p.fields.get("indicator"), str(when), records.number(p.fields.get("value")))
            if key in held_figures:
                found[p.pk] = _("a figure already recorded (%(where)s)") % {
                    "where": held_figures[key]
                }
    for p in by_kind.get("plan") or []:
        if p.fields.get("plan"):
            found[p.pk] = _("plan “%(slug)s”") % {"slug": p.fields["plan"]}
    return found


def _figures_held(kind: str, slugs: set[Any]) -> dict[tuple[Any, str, Any], str]:
    """The targets (by target year, with their plan) or figures (by period, with their
    source) held for these indicators, keyed as ``duplicates`` compares them."""
    rows = (
        Target.objects.filter(indicator__slug__in=slugs).values_list(
            "indicator__slug", "target_year", "value", "plan__slug"
        )
        if kind == "target"
        else Observation.objects.filter(indicator__slug__in=slugs).values_list(
            "indicator__slug", "period", "value", "source__slug"
        )
    )
    return {(i, str(when), records.number(v)): str(where) for i, when, v, where in rows}


def _locked(proposal: Proposal) -> Proposal:
    """The proposal, locked against a second editor's decision, or a DecisionError if one
    was taken since the page was read (an edit conflict, refused as elsewhere)."""
    # The source's row first: decisions on one source queue, so two accepted proposals of
    # one paragraph cannot both pick the same free slug.
    Source.objects.select_for_update().filter(pk=proposal.source_id).exists()
    current = Proposal.objects.select_for_update().select_related("source").get(pk=proposal.pk)
    if current.state != Proposal.State.PENDING:
        raise DecisionError(
            _("This proposal was %(state)s meanwhile; reload the page to see the decision.")
            % {"state": current.get_state_display()}
        )
    return current


def _decide(proposal: Proposal, user: AbstractBaseUser | None, **changes: Any) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(
        decided_by=user, decided_at=timezone.now(), **changes
    )


def reject(proposal: Proposal, *, user: AbstractBaseUser | None, reason: str) -> None:
    if reason not in Proposal.Reason.values:
        raise DecisionError(_("Choose why the proposal is rejected."))

    def work() -> None:
        _locked(proposal)
        _decide(proposal, user, state=Proposal.State.REJECTED, reason=reason)

    retrying(work)


def accept(
    proposal: Proposal, *, user: AbstractBaseUser | None, plan: Plan | None = None
) -> models.Model | None:
    """Create the proposal's record (a draft, or hanging off the draft source), linked to the
    proposal, after checking its excerpt against the source again. A date makes no record:
    accepting it records that it was read right. Raises DecisionError, or WriteBusy when
    the database stayed busy; either way nothing is written."""
    return retrying(lambda: _accept(proposal, user, plan))


def _accept(
    proposal: Proposal, user: AbstractBaseUser | None, plan: Plan | None
) -> models.Model | None:
    proposal = _locked(proposal)
    if not proposal.holds:
        raise DecisionError(
            _(
                "The excerpt no longer occurs at its place in paragraph %(paragraph)d: the "
                "source's text has changed since. Propose again from the source's page."
            )
            % {"paragraph": proposal.paragraph}
        )
    maker = {
        "statement": records.statement,
        "target": records.target,
        "observation": records.observation,
        "plan": records.plan,
        "date": lambda proposal, user, plan: None,
    }[proposal.kind]
    try:
        record = maker(proposal, user, plan)
    except ValidationError as error:
        messages = [m for ms in error.message_dict.values() for m in ms]
        raise DecisionError(" ".join(messages)) from None
    field = proposal.kind if record is not None else None
    _decide(proposal, user, state=Proposal.State.ACCEPTED, **({field: record} if field else {}))
    return record


def link(proposal: Proposal, record: models.Model, *, user: AbstractBaseUser | None) -> None:
    """Mark ``proposal`` accepted as ``record``, which an editor made from its prefilled
    form (the "Edit" way of accepting)."""

    field = record._meta.model_name
    if field not in ("statement", "plan", "target", "observation"):
        raise DecisionError(_("A proposal becomes a statement, plan, target or figure."))

    def work() -> None:
        _locked(proposal)
        _decide(proposal, user, state=Proposal.State.ACCEPTED, **{str(field): record})

    retrying(work)
