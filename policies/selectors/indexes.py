"""The browse indexes: every source, actor, theme and sector, with what cites or tags it.

Each index is one query: each count is a correlated subquery, so that no count is
multiplied by another's join, and drafts are left out as every reader's page leaves them.
An actor's, a theme's and a sector's statements are read from the rollups, as their pages
read them: joining every statement to its tags for each record took seconds at 100k
statements (33 s for the sector tree on SQLite). Synthetic records (demo data) are listed
like any other, as the lists and filters list them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import OuterRef, QuerySet
from django.db.models.functions import Coalesce

from policies.models import (
    Actor,
    Observation,
    Plan,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)
from policies.querysets import counted
from policies.rollups.reading import statements_in_scope


def _count(records: QuerySet[Any], **match: Any) -> Coalesce:
    """How many of ``records`` match ``match`` (which relates them to the outer row through
    ``OuterRef``), each counted once however many of its links match: a subquery."""
    return counted(records.filter(**match), distinct=True)


@dataclass(frozen=True)
class SourceRow:
    """A source, with the published records that cite it: statements quoting it, plans whose
    official text it is, targets (of published plans) and figures taken from it."""

    source: Source
    statements: int
    plans: int
    targets: int
    figures: int


def source_index() -> list[SourceRow]:
    """Every source, primary before secondary, then by publisher and title, with its counts:
    one query however many sources and records there are."""
    here = OuterRef("pk")
    sources = (
        Source.objects.published()
        .annotate(
            n_statements=_count(Statement.objects.published(), source=here),
            n_plans=_count(Plan.objects.published(), source=here),
            n_targets=_count(Target.objects.of_published_plans(), source=here),
            n_figures=_count(Observation.objects.public(), source=here),
        )
        .order_by("tier", "publisher", "title", "pk")
    )  # "primary" sorts before "secondary"
    # The counts are annotations, which the models' types do not know.
    return [
        SourceRow(row, row.n_statements, row.n_plans, row.n_targets, row.n_figures)
        for row in cast(Any, sources)
    ]


@dataclass(frozen=True)
class ActorRow:
    """An actor, with its published statements and the published plans it issued (as the
    actor's page counts them: its co-issued plans are not its own)."""

    actor: Actor
    statements: int
    plans: int


def actor_index() -> list[ActorRow]:
    """Every actor, by name, with its counts: one query."""
    here = OuterRef("pk")
    actors = Actor.objects.annotate(
        n_statements=statements_in_scope("actor"),
        n_plans=_count(Plan.objects.published(), issuer=here),
    ).order_by("name", "pk")
    return [ActorRow(row, row.n_statements, row.n_plans) for row in cast(Any, actors)]


@dataclass(frozen=True)
class ThemeRow:
    """A theme, with the published statements and plans it tags, and the targets of
    published plans set under it."""

    theme: Theme
    statements: int
    plans: int
    targets: int


def theme_index() -> list[ThemeRow]:
    """Every theme, by name, with its counts: one query."""
    here = OuterRef("pk")
    themes = Theme.objects.annotate(
        n_statements=statements_in_scope("theme"),
        n_plans=_count(Plan.objects.published(), themes=here),
        n_targets=_count(Target.objects.of_published_plans(), theme=here),
    ).order_by("name", "pk")
    return [
        ThemeRow(row, row.n_statements, row.n_plans, row.n_targets) for row in cast(Any, themes)
    ]


@dataclass(frozen=True)
class SectorNode:
    """A sector and its children, with the published records tagged with it *or any sector
    below it*, each once: what its page and the filter ``sector=`` count, since a sector
    includes everything below it."""

    sector: Sector
    statements: int
    plans: int
    targets: int
    children: list[SectorNode] = field(default_factory=list)


def sector_tree() -> list[SectorNode]:
    """The sector tree: its roots, each with its children, in path order, with the counts
    of each subtree. One query, the tree assembled from the rows."""
    sectors = list(
        cast(
            Any,
            Sector.objects.annotate(
                n_statements=statements_in_scope("sector"),
                n_plans=_count(
                    Plan.objects.published(), sectors__path__startswith=OuterRef("path")
                ),
                # Its own: a target has one sector, so a subtree's are the sum of its own.
                n_targets=_count(Target.objects.of_published_plans(), sector=OuterRef("pk")),
            ).order_by("path"),
        )
    )
    # Deepest first, so that a sector's total is whole before it joins its parent's.
    targets = {row.pk: 0 for row in sectors}
    for row in sorted(sectors, key=lambda row: row.depth, reverse=True):
        targets[row.pk] += row.n_targets
        if row.parent_id in targets:
            targets[row.parent_id] += targets[row.pk]
    nodes = {
        row.pk: SectorNode(row, row.n_statements, row.n_plans, targets[row.pk]) for row in sectors
    }
    roots: list[SectorNode] = []
    for row in sectors:  # siblings in path order
        parent = nodes.get(row.parent_id)
        (parent.children if parent is not None else roots).append(nodes[row.pk])
    return roots
