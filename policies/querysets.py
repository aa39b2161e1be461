"""Chainable reads, shared by the selectors, the API and the feeds, so each way of loading a
record ("a statement with its actor, source and themes"; "a target with its indicator's
figures") is written once and reads like a sentence:
``Statement.objects.published().with_listing().newest_first()``.

This module imports no model (the models import it for their managers); related models are
reached through the model's own metadata.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from django.db import models
from django.db.models import Count, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # Named in the querysets' type parameters below.
    from policies.models import (  # noqa: F401
        Observation,
        Plan,
        Sector,
        Source,
        Statement,
        Target,
    )


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


_M = TypeVar("_M", bound=models.Model)


class PublishableQuerySet(models.QuerySet[_M]):
    def published(self) -> Self:
        """Only what readers may see; drafts never leave the admin."""
        return self.filter(status=PublicationStatus.PUBLISHED)

    def newest_first(self) -> Self:
        """Newest publication first, ties by id (the order of every list and feed)."""
        return self.order_by("-published_on", "-pk")


class StatementQuerySet(PublishableQuerySet["Statement"]):
    def with_listing(self) -> Self:
        """With what a list row, a feed entry or an API record shows: actor, source, themes."""
        return self.select_related("actor", "source").prefetch_related("themes")


class PlanQuerySet(PublishableQuerySet["Plan"]):
    def with_target_count(self) -> Self:
        """Each plan with its issuer and ``target_count``."""
        return self.select_related("issuer").annotate(
            target_count=Count("targets", filter=from_published_sources("targets__source"))
        )


def from_published_sources(field: str = "source") -> Q:
    """Records citing no source, or a published one: a draft source (one being taken in by
    the intake, policies/intake/) hides everything that hangs off it.

    The published sources are a subquery, not a join: SQLite does not use an index under a
    LEFT JOIN whose condition is an OR, and a figure's "is it revised" check (``counted``)
    then read every figure for each one (0.4 s of the dashboard at 100k statements).
    """
    from policies.models import Source  # the models import this module

    published = Source.objects.filter(status=PublicationStatus.PUBLISHED).values("pk")
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": published})


class SourceQuerySet(PublishableQuerySet["Source"]):
    pass


class ObservationQuerySet(models.QuerySet["Observation"]):
    def public(self) -> Self:
        """The figures readers may see: verified or not, but never from a draft source."""
        return self.filter(from_published_sources())

    def counted(self) -> Self:
        """The figures a status may rest on: verified, and not superseded by a verified
        revision that readers may see (an unverified revision, or one from a draft source,
        counts no more than any unverified figure)."""
        revisions = self.model._default_manager.filter(
            from_published_sources(), supersedes=models.OuterRef("pk"), verified=True
        )
        return self.filter(verified=True).exclude(models.Exists(revisions))

    def by_period(self) -> Self:
        """Oldest first; a year's figure after its months (it closes the year)."""
        return self.order_by("year", models.F("month").asc(nulls_last=True), "pk")


class TargetQuerySet(models.QuerySet["Target"]):
    def of_published_plans(self) -> Self:
        """Targets of published plans, citing no source or a published one (a target has
        no status of its own)."""
        return self.filter(from_published_sources(), plan__status=PublicationStatus.PUBLISHED)

    def with_series(self) -> Self:
        """Each target with its plan, indicator, sector and theme, and the indicator's
        counted figures as ``indicator.counted_figures``: two queries however many targets,
        and all that ``selectors.latest_progress`` reads to judge them."""
        indicator = cast(
            "type[models.Model]", self.model._meta.get_field("indicator").related_model
        )
        observation = cast(
            "type[models.Model]", indicator._meta.get_field("observations").related_model
        )
        figures = cast(ObservationQuerySet, observation._default_manager.all()).public().counted()
        return self.select_related("plan", "indicator", "sector", "theme").prefetch_related(
            models.Prefetch(
                "indicator__observations",
                # Not the source's text: the whole document, read again for each figure
                # (at 100k synthetic statements, 0.6 s of the dashboard's 0.8 s of targets).
                queryset=figures.by_period().select_related("source").defer("source__text"),
                to_attr="counted_figures",
            )
        )

    def by_plan(self) -> Self:
        """The targets page's order: by plan, then year, then slug."""
        return self.order_by("plan__title_en", "target_year", "slug", "pk")


class SectorQuerySet(models.QuerySet["Sector"]):
    def descendants_of(self, sectors: Iterable[Any], *, include_self: bool = True) -> Self:
        """Every sector below any of ``sectors`` (a parent includes its whole subtree)."""
        sectors = list(sectors)
        condition = Q()
        for sector in sectors:
            condition |= Q(path__startswith=sector.path)
        if not include_self:
            condition &= ~Q(pk__in=[s.pk for s in sectors])
        return self.filter(condition) if condition else self.none()


def counted(records: QuerySet[Any], *, distinct: bool = False) -> Coalesce:
    """How many ``records`` there are, as a subquery (they relate to the outer row through
    ``OuterRef``); ``distinct`` counts each once however many of its links matched."""
    rows = (
        records.order_by()
        # A constant to "group" by: one row, the count of them all.
        .annotate(everything=Value(1))
        .values("everything")
        .annotate(n=Count("pk", distinct=distinct))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)
