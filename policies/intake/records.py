"""The records accepted proposals become: a draft statement, a target or an unverified
figure hanging off the draft source, or the known plan a document names. Each is checked
(its excerpt against the source again) before it is saved."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from policies import units
from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    Proposal,
    PublicationStatus,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)


class DecisionError(ValueError):
    """A decision that cannot be carried out; the message says why and what to do."""


# A source's kind, as the kind of the statements it reports (a speech's words are a speech).
STATEMENT_KINDS: dict[str, str] = {
    Source.Kind.ESSAY: Statement.Kind.ESSAY,
    Source.Kind.SPEECH: Statement.Kind.SPEECH,
    Source.Kind.OFFICIAL_DOCUMENT: Statement.Kind.DOCUMENT,
}


def unique_slug(model: type[models.Model], base: str, **scope: Any) -> str:
    base = slugify(base)[:100].strip("-") or "record"
    taken = set(
        model._default_manager.filter(slug__startswith=base, **scope).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 2
    while slug in taken or slug.isdigit():
        slug, n = f"{base}-{n}", n + 1
    return slug


def number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return None


def _note(proposal: Proposal, user: AbstractBaseUser | None) -> str:
    # Stored in the record's English notes (notes_fr is the French twin), so in English
    # whatever language the editor reads the admin in; likewise the locator below.
    return (
        f"Proposed by the extraction assistant (rule {proposal.rule}, confidence "
        f"{proposal.confidence:.2f}) and accepted by {user or '?'} on "
        f"{timezone.localdate().isoformat()}."
    )


def _known(model: type[models.Model], slug: Any, what: str) -> Any:
    found = model._default_manager.filter(slug=slug).first() if slug else None
    if found is None:
        raise DecisionError(
            _("“%(name)s” is not %(what)s the tracker knows: use Edit to choose one.")
            % {"name": slug or "?", "what": what}
        )
    return found


def statement(proposal: Proposal, user: AbstractBaseUser | None, plan: Plan | None) -> Any:
    fields, source = proposal.fields, proposal.source
    if not fields.get("speaker_matched"):
        fields = {**fields, "speaker": None}
    actor = _known(Actor, fields.get("speaker"), _("a speaker"))
    day = fields.get("date") or source.published_on or timezone.localdate()
    excerpt = proposal.excerpt
    statement = Statement(
        slug=unique_slug(Statement, f"{actor.slug}-{source.slug}-{proposal.paragraph}"),
        actor=actor,
        kind=STATEMENT_KINDS.get(source.kind, Statement.Kind.OTHER),
        # A stand-in until an editor writes the English line: the draft cannot be missed.
        headline=(excerpt if len(excerpt) <= 290 else excerpt[:289] + "…"),
        excerpt=excerpt,
        wording=fields.get("wording") or Statement.Wording.PARAPHRASE,
        text_en="",
        source=source,
        paragraph=proposal.paragraph,
        published_on=datetime.date.fromisoformat(str(day)),
        status=PublicationStatus.DRAFT,
        notes=f"{_note(proposal, user)} Write the English headline and rendering before "
        "publishing.",
    )
    statement.full_clean(exclude=["text_en"])
    statement.save()
    statement.themes.set(Theme.objects.filter(slug__in=fields.get("themes") or []))
    statement.sectors.set(Sector.objects.filter(slug__in=fields.get("sectors") or []))
    return statement


def _value(fields: dict[str, Any], key: str = "value") -> Decimal:
    value = number(fields.get(key))
    if value is None:
        raise DecisionError(_("The proposal holds no number: use Edit to give one."))
    return value


def _unit(fields: dict[str, Any], indicator: Indicator) -> str:
    unit = fields.get("unit") or indicator.unit
    if unit not in units.UNITS:
        raise DecisionError(
            _("The unit “%(unit)s” is not one the tracker knows: use Edit to choose one.")
            % {"unit": unit}
        )
    return str(unit)


def target(proposal: Proposal, user: AbstractBaseUser | None, plan: Plan | None) -> Any:
    fields = proposal.fields
    if plan is None:
        raise DecisionError(_("Choose the plan that sets this target."))
    indicator = _known(Indicator, fields.get("indicator"), _("an indicator"))
    qualifier = fields.get("qualifier") or "exact"
    target = Target(
        plan=plan,
        slug=unique_slug(Target, f"{indicator.slug}-{fields.get('year')}", plan=plan),
        indicator=indicator,
        value=_value(fields),
        unit=_unit(fields, indicator),
        qualifier=qualifier,
        sense=Target.Sense.LOWER if qualifier == "at_most" else Target.Sense.HIGHER,
        baseline_value=_value(fields, "baseline_value") if "baseline_value" in fields else None,
        baseline_year=fields.get("baseline_year"),
        target_year=fields.get("year"),
        source=proposal.source,
        paragraph=proposal.paragraph,
        excerpt=proposal.excerpt,
        notes=_note(proposal, user),
    )
    target.full_clean()
    target.save()
    return target


def observation(proposal: Proposal, user: AbstractBaseUser | None, plan: Plan | None) -> Any:
    fields, source = proposal.fields, proposal.source
    indicator = _known(Indicator, fields.get("indicator"), _("an indicator"))
    observation = Observation(
        indicator=indicator,
        period=str(fields.get("period") or fields.get("year") or ""),
        value=_value(fields),
        unit=_unit(fields, indicator),
        qualifier=fields.get("qualifier") or "exact",
        published_on=source.published_on,
        source=source,
        locator=f"paragraph {proposal.paragraph}",
        # Numbers stay unverified until an editor ticks them.
        verified=False,
        note=_note(proposal, user),
    )
    observation.full_clean()
    observation.save()
    return observation


def plan(proposal: Proposal, user: AbstractBaseUser | None, plan: Plan | None) -> Any:
    """A plan the tracker knows is linked, not made again; a new one needs its issuer and
    period, which only the prefilled form asks for."""
    return _known(Plan, proposal.fields.get("plan"), _("a plan"))
