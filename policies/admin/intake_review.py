"""What the review page shows: the source's paragraphs cut into segments so that every
proposal's span is marked (spans may overlap), and the proposals grouped by kind, each with
its values, its duplicate mark, its record and the links an editor acts through."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from policies.intake.proposals import duplicates
from policies.models import Plan, Proposal, Source

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db import models
    from django_stubs_ext import StrOrPromise

# The GET parameter that ties an admin add form to the proposal it was opened from.
PROPOSAL_PARAM = "_proposal"

GROUPS: dict[str, StrOrPromise] = {
    Proposal.Kind.STATEMENT: _("Statements"),
    Proposal.Kind.TARGET: _("Targets"),
    Proposal.Kind.OBSERVATION: _("Results"),
    Proposal.Kind.PLAN: _("Plans"),
    Proposal.Kind.DATE: _("Dates"),
}

# The model each kind of proposal becomes (a date becomes none).
MODELS: dict[str, str] = {
    Proposal.Kind.STATEMENT: "statement",
    Proposal.Kind.TARGET: "target",
    Proposal.Kind.OBSERVATION: "observation",
    Proposal.Kind.PLAN: "plan",
}

FIELD_LABELS: dict[str, StrOrPromise] = {
    "speaker": _("speaker"),
    "wording": _("wording"),
    "indicator": _("indicator"),
    "value": _("value"),
    "unit": _("unit"),
    "qualifier": _("qualifier"),
    "year": _("year"),
    "baseline_value": _("baseline value"),
    "baseline_year": _("baseline year"),
    "period": _("period"),
    "title": _("title"),
    "document_number": _("document number"),
    "plan": _("known plan"),
    "text": _("as written"),
    "resolved": _("resolved"),
    "granularity": _("granularity"),
    "date": _("date"),
    "themes": _("themes"),
    "sectors": _("sectors"),
}


@dataclass(frozen=True)
class Segment:
    """A run of a paragraph's text covered by the same proposals (``kinds`` empty: none)."""

    text: str
    kinds: tuple[str, ...]
    anchors: tuple[int, ...]  # the proposals whose span begins here

    @property
    def css(self) -> str:
        if not self.kinds:
            return ""
        overlap = " mark-overlap" if len(self.kinds) > 1 else ""
        return f"mark-{self.kinds[0]}{overlap}"


@dataclass(frozen=True)
class Paragraph:
    number: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Card:
    """One proposal as the review page shows it."""

    proposal: Proposal
    values: tuple[tuple[StrOrPromise, str], ...]
    duplicate: str
    holds: bool
    edit_url: str
    record: models.Model | None
    record_url: str
    known_plan_url: str


def segments(text: str, spans: list[tuple[int, int, int, str]]) -> tuple[Segment, ...]:
    """``text`` cut at every span's ends, so that overlapping spans mark without nesting.
    ``spans`` holds (start, end, proposal id, kind)."""
    cuts = sorted(
        {0, len(text)} | {max(0, min(len(text), n)) for s, e, _pk, _kind in spans for n in (s, e)}
    )
    found = []
    for start, end in itertools.pairwise(cuts):
        covering = [(pk, kind) for s, e, pk, kind in spans if s <= start and end <= e]
        found.append(
            Segment(
                text=text[start:end],
                kinds=tuple(dict.fromkeys(kind for _pk, kind in covering)),
                anchors=tuple(pk for s, _e, pk, _kind in spans if s == start),
            )
        )
    return tuple(found)


def paragraphs(source: Source, proposals: list[Proposal]) -> list[Paragraph]:
    """The source's numbered paragraphs, each proposal's span marked where it still holds."""
    spans: dict[int, list[tuple[int, int, int, str]]] = {}
    for proposal in proposals:
        if proposal.holds:
            spans.setdefault(proposal.paragraph, []).append(
                (proposal.start, proposal.end, proposal.pk, proposal.kind)
            )
    return [
        Paragraph(number, segments(text, spans.get(number, [])))
        for number, text in enumerate(source.paragraphs, start=1)
    ]


def shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple):
        return ", ".join(shown(item) for item in value) or "—"
    return str(value)


def values(fields: dict[str, Any]) -> tuple[tuple[StrOrPromise, str], ...]:
    """A proposal's values as (label, text); a speaker says whether the tracker knows it."""
    found = []
    for key, value in fields.items():
        if key == "speaker_matched":
            continue
        text = shown(value)
        if key == "speaker" and not fields.get("speaker_matched"):
            text = _("%(name)s (not an actor the tracker knows)") % {"name": text}
        found.append((FIELD_LABELS.get(key, key), str(text)))
    return tuple(found)


def _admin_url(record: models.Model) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def card(
    proposal: Proposal,
    *,
    duplicate: str,
    user: User | AnonymousUser,
    known_plans: dict[str, int],
) -> Card:
    model = MODELS.get(proposal.kind)
    record = getattr(proposal, model) if model else None
    known_plan = known_plans.get(proposal.fields.get("plan") or "") if model == "plan" else None
    edit_url = ""
    if (
        model
        and proposal.state == Proposal.State.PENDING
        and known_plan is None
        and user.has_perm(f"policies.add_{model}")
    ):
        edit_url = (
            reverse(f"admin:policies_{model}_add") + "?" + urlencode({PROPOSAL_PARAM: proposal.pk})
        )
    return Card(
        proposal=proposal,
        values=values(proposal.fields),
        # Once decided, the record it became would be its own duplicate.
        duplicate=duplicate if proposal.state == Proposal.State.PENDING else "",
        holds=proposal.holds,
        edit_url=edit_url,
        record=record,
        record_url=_admin_url(record) if record is not None else "",
        known_plan_url=(
            reverse("admin:policies_plan_change", args=[known_plan]) if known_plan else ""
        ),
    )


def groups(
    proposals: list[Proposal],
    *,
    user: User | AnonymousUser,
    plans: list[Plan],
) -> list[tuple[str, StrOrPromise, list[Card]]]:
    """The proposals by kind, in reading order within each: (kind, heading, cards).
    ``plans`` are the plan choices (``plan_choices``), among them every known plan named."""
    repeated = duplicates(proposals)
    known_plans = {plan.slug: plan.pk for plan in plans}
    by_kind: dict[str, list[Card]] = {kind: [] for kind in GROUPS}
    for proposal in proposals:
        by_kind[proposal.kind].append(
            card(
                proposal,
                duplicate=repeated.get(proposal.pk, ""),
                user=user,
                known_plans=known_plans,
            )
        )
    return [(kind, GROUPS[kind], cards) for kind, cards in by_kind.items()]


def plan_choices(source: Source, proposals: list[Proposal]) -> QuerySet[Plan]:
    """The plans a target of this source may belong to: those that cite it, and the known
    plans the document names."""
    named = {p.fields["plan"] for p in proposals if p.kind == "plan" and p.fields.get("plan")}
    linked = {p.plan_id for p in proposals if p.plan_id is not None}
    return Plan.objects.filter(Q(source=source) | Q(slug__in=named) | Q(pk__in=linked)).order_by(
        "-start_year", "title_en"
    )
