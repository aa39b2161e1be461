"""Counting one selection's facets: live, under the other filters, or from the rollups.

Live, a facet groups the records under the other filters by its field (one GROUP BY) and
reads the labels from its small table (one more); the sector tree adds one aggregate for the
parents of records with several sectors, which count such a record once however many of its
sectors lie below. The plan facet is one query that counts only the newest plans it lists.
Where the other filters are a rollup scope, the rollups answer statements' counts with the
labels, in one query: themes under any scope, sectors and actors when no other filter is
set. The records are selected by the FilterSet's own methods, so counting and filtering
cannot disagree.

The live counts run within the page's time (``budget``); a facet whose counts ran out of it
lists its values without counts, the chosen first (the sector tree and the kinds in their
own order).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from policies.filters.dates import DateBasis
from policies.filters.facets.budget import TimeBudget
from policies.filters.facets.records import (
    FACETS,
    PLANS,
    RECORDS,
    STATEMENTS,
    TARGETS,
    Records,
    count_label,
    noun,
)
from policies.filters.facets.shapes import Facet, Option
from policies.filters.fields import MAX_VALUES, PLAN_CHOICES, choice_label
from policies.filters.sets import PlanFilter, TargetFilter, TrackerFilterSet, apply_cleaned
from policies.localized import sort_key
from policies.models import Plan, Target
from policies.querysets import counted
from policies.rollups.reading import (
    RollupCounts,
    rollup_scope,
    statements_in_scope,
    statements_with_theme,
)

if TYPE_CHECKING:
    from policies.filters import Selection


class Counting:
    """One selection's facets, counted within ``budget``."""

    def __init__(
        self,
        selection: Selection,
        filterset: TrackerFilterSet,
        *,
        budget: TimeBudget,
        known: RollupCounts | None = None,
    ) -> None:
        self.selection = selection
        self.filterset = filterset
        self.budget = budget
        # The selection's own statement counts, when the page has them already (the
        # dashboard's figures): a facet whose filter is not chosen counts under exactly the
        # selection, and reads its themes' and sectors' counts there instead of again.
        self.known = known if RECORDS[selection.surface] is STATEMENTS else None
        self.records = RECORDS[selection.surface]
        # What the reader chose, by GET name: on an invalid form, the fields that cleaned.
        self.cleaned: dict[str, Any] = dict(getattr(filterset.form, "cleaned_data", None) or {})
        self.names = FACETS[selection.surface]
        # The filters no facet leaves out (dates, words, a scope page's own) are applied
        # once: a word search reads the taxonomy's names each time it is applied.
        fixed = {n: v for n, v in self.cleaned.items() if n not in self.names}
        self.common = apply_cleaned(filterset, selection.base, fixed)

    def facet(self, name: str) -> Facet:
        # A facet is counted unless the budget refused one of its counts.
        refused = self.budget.refused
        if name == "kind":
            options = self.kinds()
        elif not self.selection.valid:
            options = self.chosen_only(name)
        elif name == "sector":
            options = self.sectors()
        elif name == "plan":
            options = self.plans()
        else:
            options = self.tagged(name)
        dashboard_kinds = name == "kind" and self.selection.surface == "dashboard"
        return Facet(
            name=name,
            label=str(self.filterset.form.fields[name].label),
            options=tuple(options),
            counts=_("records") if dashboard_kinds else noun(self.records.name),
            counted=self.budget.refused == refused,
        )

    # What to count

    def others(self, name: str) -> QuerySet[Any]:
        """The surface's records under every chosen filter but ``name``."""
        chosen = {n: v for n, v in self.cleaned.items() if n in self.names and n != name}
        return apply_cleaned(self.filterset, self.common, chosen)

    def scope(self, name: str) -> str | None:
        """The rollup scope of every chosen filter but ``name``, or None if the rollups
        cannot answer: they count published statements by their publication month."""
        if (
            self.records is not STATEMENTS
            or self.selection.include_drafts
            or self.selection.date_basis != DateBasis.PUBLISHED
        ):
            return None
        others = {n: v for n, v in self.cleaned.items() if n not in (name, "date_basis")}
        return rollup_scope(others)

    def grouped(self, name: str, others: QuerySet[Any] | None = None) -> dict[int, int] | None:
        """Facet ``name``'s values (ids) with how many of the records under every other
        filter hold each: one GROUP BY over the records' field or link table, within the
        budget (None: out of time)."""
        others = self.others(name) if others is None else others
        field = self.records.fields[name]
        rows = others.order_by().values_list(field).annotate(n=Count("pk"))
        return self.budget.run(lambda: {value: n for value, n in rows if value is not None})

    def known_counts(self, name: str) -> dict[int, int] | None:
        """Facet ``name``'s counts from the selection's own statement counts, when its
        filter is not chosen (its other filters are then the whole selection's): themes
        from the month-by-theme counts, sectors (each directly tagged) from the sector
        counts. None when they do not answer."""
        if self.known is None or self.cleaned.get(name):
            return None
        if name == "theme":
            themes: dict[int, int] = defaultdict(int)
            for _month, theme, n in self.known.month_theme:
                if theme:
                    themes[theme] += n
            return dict(themes)
        if name == "sector":
            return dict(self.known.sector)
        return None

    def table(self, name: str, **annotations: Any) -> QuerySet[Any]:
        """Facet ``name``'s small table, each row saying whether the reader chose it
        (``picked``, through the chosen values' subquery: no query of their own)."""
        chosen = self.cleaned.get(name)
        picked: Any = Value(False)
        if isinstance(chosen, QuerySet):  # none chosen: []
            picked = Case(When(pk__in=chosen, then=Value(True)), default=Value(False))
        return self.filterset.filters[name].queryset.annotate(picked=picked, **annotations)

    def option(
        self, record: Any, count: int | None, *, chosen: bool | None = None, **extra: Any
    ) -> Option:
        """A row of a facet's ``table`` (or a chosen record) as an option; ``count`` None:
        not counted."""
        return Option(
            value=record.slug,
            label=choice_label(record),
            count=count or 0,
            chosen=record.picked if chosen is None else chosen,
            count_label="" if count is None else count_label(self.records.name, count),
            **extra,
        )

    def chosen_only(self, name: str) -> list[Option]:
        """An invalid selection's facet: the values chosen that were valid, at zero."""
        chosen = self.cleaned.get(name) or []
        return [self.option(record, 0, chosen=True) for record in chosen]

    # The facets

    def tagged(self, name: str) -> list[Option]:
        """Themes, actors or indicators, each with its count, alphabetically (uncounted:
        all of them, the chosen first)."""
        scope = self.scope(name)
        counts: Mapping[int, int] | None
        if scope is not None and name == "theme":
            rows = self.table(name, n=statements_with_theme(scope))
            counts = {row.pk: row.n for row in rows}
        elif scope == "" and name == "actor":
            rows = self.table(name, n=statements_in_scope("actor"))
            counts = {row.pk: row.n for row in rows}
        else:
            counts = self.known_counts(name)
            if counts is None:
                counts = self.grouped(name)
            rows = self.table(name)
            if counts is not None:
                rows = rows.filter(Q(pk__in=list(counts)) | Q(picked=True))
        if counts is None:
            options = [self.option(row, None) for row in rows]
        else:
            options = [
                self.option(row, counts.get(row.pk, 0))
                for row in rows
                if counts.get(row.pk) or row.picked
            ]
        # The chosen first: a long list scrolls, and what is chosen must stay in sight.
        return sorted(options, key=lambda option: (not option.chosen, sort_key(option.label)))

    def plans(self) -> list[Option]:
        """The newest plans with records, at most ``PLAN_CHOICES`` of them, and the plans
        chosen (wherever they stand, and at zero), newest first (uncounted: the chosen,
        then the newest plans, records or not).

        One query, which counts the records of the plans it lists only: a tracker holds
        thousands of plans, each with a few records.
        """
        field = self.records.fields["plan"]
        others = self.others("plan").filter(**{field: OuterRef("pk")})
        rows = self.table("plan", n=counted(others)).filter(Q(Exists(others)) | Q(picked=True))
        found = self.budget.run(lambda: _newest(rows))
        if found is None:  # out of time: the chosen first, then the newest, records or not
            return [self.option(plan, None) for plan in _newest(self.table("plan"))]
        return [self.option(plan, plan.n) for plan in sorted(found, key=_newest_first)]

    def sectors(self) -> list[Option]:
        """The sector tree, each sector counting its subtree's records (each once); the
        whole tree uncounted."""
        totals: Mapping[int, int] | None
        if self.scope("sector") == "":
            # A sector's rollup scope is its subtree already.
            tree = list(self.table("sector", n=statements_in_scope("sector")).order_by("path"))
            totals = {sector.pk: sector.n for sector in tree}
        else:
            tree = list(self.table("sector").order_by("path"))
            totals = self.subtree_totals(tree)
        children: dict[int | None, list[Any]] = defaultdict(list)
        for sector in tree:  # siblings in path order
            children[sector.parent_id].append(sector)

        def branch(sector: Any) -> Option | None:
            below = tuple(o for o in map(branch, children[sector.pk]) if o is not None)
            if totals is None:
                return self.option(sector, None, children=below)
            if not (totals[sector.pk] or sector.picked or below):
                return None
            return self.option(sector, totals[sector.pk], children=below)

        return [o for o in map(branch, children[None]) if o is not None]

    def subtree_totals(self, tree: Sequence[Any]) -> dict[int, int] | None:
        """Each sector's records, its descendants' included (None: out of time): a record
        with one sector counts in every sector above it; records with several are counted
        by one aggregate, once per parent however many of its sectors lie below."""
        others = self.others("sector")
        own = self.known_counts("sector")
        if own is None:
            own = self.grouped("sector", others)
        if own is None:
            return None
        subtree = {s.pk: [t.pk for t in tree if t.path.startswith(s.path)] for s in tree}
        if self.records.one_sector:
            return {pk: sum(own.get(below, 0) for below in ids) for pk, ids in subtree.items()}
        parents = {pk: ids for pk, ids in subtree.items() if len(ids) > 1}
        totals = {pk: own.get(pk, 0) for pk in subtree}
        if parents:
            field = self.records.fields["sector"]
            counts = {
                f"s{pk}": Count("pk", distinct=True, filter=Q(**{f"{field}__in": ids}))
                for pk, ids in parents.items()
            }
            row = self.budget.run(lambda: others.order_by().aggregate(**counts))
            if row is None:
                return None
            totals.update({pk: row[f"s{pk}"] or 0 for pk in parents})
        return totals

    def kinds(self) -> list[Option]:
        """The surface's kinds (on the dashboard, each kind of record's, each counting its
        own records), in the order of their choices (uncounted: all of them)."""
        picked = set(self.cleaned.get("kind") or [])
        records: tuple[Records, ...]
        if self.selection.surface == "dashboard":
            groups = self.filterset.filters["kind"].extra["choices"]
            records = (STATEMENTS, PLANS, TARGETS)
        else:
            groups = [("", self.filterset.kind_choices)]
            records = (self.records,)
        counts = self.budget.run(self.kind_counts) if self.selection.valid else {}
        options = []
        for (group, choices), of in zip(groups, records, strict=True):
            for value, label in choices:
                n = None if counts is None else counts.get((of.name, value), 0)
                if n is None or n or value in picked:
                    options.append(
                        Option(
                            value=value,
                            label=str(label),
                            count=n or 0,
                            chosen=value in picked,
                            group=str(group),
                            count_label="" if n is None else count_label(of.name, n),
                        )
                    )
        return options

    def kind_counts(self) -> dict[tuple[str, str], int]:
        """(records, kind): count, in one query (on the dashboard, a union of the three)."""
        parts = [self.others("kind")]
        names = [self.records.name]
        if self.selection.surface == "dashboard":
            drafts = self.selection.include_drafts
            plans = Plan.objects.all() if drafts else Plan.objects.published()
            targets = Target.objects.all() if drafts else Target.objects.of_published_plans()
            chosen = {n: v for n, v in self.cleaned.items() if n != "kind"}
            for filterset_class, queryset in ((PlanFilter, plans), (TargetFilter, targets)):
                filterset = filterset_class(None, queryset=queryset, dashboard=True)
                parts.append(apply_cleaned(filterset, queryset, chosen))
            names += [PLANS.name, TARGETS.name]
        grouped = [
            records.order_by()
            .values("kind")
            .annotate(records=Value(name), n=Count("pk"))
            .values_list("records", "kind", "n")
            for name, records in zip(names, parts, strict=True)
        ]
        rows = grouped[0].union(*grouped[1:], all=True) if len(grouped) > 1 else grouped[0]
        return {(name, kind): n for name, kind, n in rows}


def _newest(plans: QuerySet[Any]) -> list[Any]:
    """The chosen ``plans``, then the newest others, at most ``PLAN_CHOICES`` of them."""
    # The chosen first, so that the limit never leaves one out.
    newest = plans.order_by("-picked", F("published_on").desc(nulls_last=True), "-pk")
    found = list(newest[: PLAN_CHOICES + MAX_VALUES])
    return [p for p in found if p.picked] + [p for p in found if not p.picked][:PLAN_CHOICES]


def _newest_first(plan: Any) -> tuple[bool, bool, int, int]:
    """The chosen plans first (in sight in a scrolled list), then the newest."""
    published = plan.published_on
    return (
        not plan.picked,
        published is None,
        -published.toordinal() if published else 0,
        -plan.pk,
    )
