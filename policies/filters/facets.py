"""Facets: each filter's values with the number of records each would select, and the
active filters as removable chips.

Counts are disjunctive, as search engines' facets are: a facet's values are counted under
every other active filter but not the facet's own, so that choosing a second value adds to
the result, and its count said by how much. A value's count is what ``select`` would count
with that value chosen instead of the facet's others.

Each facet costs a fixed number of queries, whatever the size of the data. Live, a facet
groups the records under the other filters by its field (one GROUP BY) and reads the labels
from its small table (one more); the sector tree adds one aggregate for the parents of
records with several sectors, which count such a record once however many of its sectors
lie below. The plan facet is one query that counts only the newest plans it lists. Where
the other filters are a rollup scope, the rollups answer statements' counts with the labels,
in one query: themes under any scope, sectors and actors when no other filter is set. The
records are selected by the FilterSet's own methods, so counting and filtering cannot
disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.filters.dates import DateBasis
from policies.filters.fields import FILTER_ORDER, MAX_VALUES, PLAN_CHOICES, choice_label
from policies.filters.sets import PlanFilter, TargetFilter, TrackerFilterSet
from policies.localized import sort_key
from policies.models import Plan, Target
from policies.rollups.reading import rollup_scope, statements_in_scope, statements_with_theme

if TYPE_CHECKING:
    from django.http import QueryDict

    from policies.filters import Selection


@dataclass(frozen=True)
class Option:
    """One value of a facet: its GET value, its label in the reader's language, and how
    many records choosing it (with the other facets' values) selects."""

    value: str
    label: str
    count: int
    chosen: bool
    # The dashboard's kind facet: which records the kind is of ("Statements", "Plans"...).
    group: str = ""
    # The sector tree: the sub-sectors.
    children: tuple[Option, ...] = ()
    # The count in words, for screen readers: "12 statements" (in the reader's language).
    count_label: str = ""

    def walk(self) -> tuple[Option, ...]:
        """This option and every option below it, in tree order."""
        return (self, *(o for child in self.children for o in child.walk()))


@dataclass(frozen=True)
class Facet:
    """One filter as a list of values with counts."""

    name: str
    label: str
    options: tuple[Option, ...]
    # What the counts count, in words: "statements", "plans", "targets" (in the reader's
    # language; "records" for the dashboard's kinds, each of which counts its own).
    counts: str

    @property
    def chosen(self) -> int:
        """How many of its values are chosen (the tree's included)."""
        return sum(o.chosen for o in self._all())

    @property
    def size(self) -> int:
        """How many values it lists (the tree's included)."""
        return len(self._all())

    def _all(self) -> tuple[Option, ...]:
        return tuple(o for option in self.options for o in option.walk())


@dataclass(frozen=True)
class Chip:
    """One active filter value, and the query string without it."""

    name: str
    label: str
    remove: str


# The facets of each surface, in the form's order (``FILTER_ORDER``). A plan is not a facet
# of the plan list (a plan of itself); dates, the date basis and words are inputs.
FACETS: dict[str, tuple[str, ...]] = {
    "dashboard": ("sector", "theme", "actor", "plan", "kind"),
    "statements": ("sector", "theme", "actor", "plan", "kind"),
    "plans": ("sector", "theme", "actor", "kind"),
    "targets": ("sector", "theme", "actor", "plan", "indicator", "kind"),
}


@dataclass(frozen=True)
class _Records:
    """One kind of record, and its field that holds each facet's values."""

    name: str
    # The records' own field for each facet ("themes" on statements, "theme" on targets).
    fields: Mapping[str, str]

    @property
    def one_sector(self) -> bool:
        """Whether a record has one sector at most (a parent's count is then its
        subtree's summed) rather than several (each record is counted once per parent)."""
        return self.fields["sector"] == "sector"


_STATEMENTS = _Records(
    "statements", {"sector": "sectors", "theme": "themes", "actor": "actor", "plan": "plans"}
)
_PLANS = _Records("plans", {"sector": "sectors", "theme": "themes", "actor": "issuer"})
_TARGETS = _Records(
    "targets",
    {
        "sector": "sector",
        "theme": "theme",
        "actor": "plan__issuer",  # a target's actor is its plan's issuer
        "plan": "plan",
        "indicator": "indicator",
    },
)
_RECORDS = {
    "dashboard": _STATEMENTS,
    "statements": _STATEMENTS,
    "plans": _PLANS,
    "targets": _TARGETS,
}


def _count_label(records: str, n: int) -> str:
    """``n`` records in words: "1 statement", "12 plans"."""
    if records == "plans":
        text = ngettext("%(n)d plan", "%(n)d plans", n)
    elif records == "targets":
        text = ngettext("%(n)d target", "%(n)d targets", n)
    else:
        text = ngettext("%(n)d statement", "%(n)d statements", n)
    return text % {"n": n}


def _noun(records: str) -> str:
    return {"plans": _("plans"), "targets": _("targets")}.get(records) or _("statements")


def facets(selection: Selection, *, hide: str | None = None) -> list[Facet]:
    """The facets of ``selection``'s surface, with disjunctive counts; ``hide`` names a
    filter the page fixes (a scope page's own) and leaves out.

    An invalid selection counts nothing (its page says why): each facet then lists only
    the values chosen that were valid, at zero.
    """
    filterset = selection.filterset
    names = [name for name in FACETS.get(selection.surface, ()) if name != hide]
    if filterset is None or not names:
        return []
    counting = _Counting(selection, filterset)
    return [counting.facet(name) for name in names]


class _Counting:
    """One selection's facets, counted.

    Live counts group the records under the other filters by the facet's field (one query),
    and read the labels from the facet's small table (one more, with the values chosen);
    the rollups' counts come with the labels, in one query.
    """

    def __init__(self, selection: Selection, filterset: TrackerFilterSet) -> None:
        self.selection = selection
        self.filterset = filterset
        self.records = _RECORDS[selection.surface]
        # What the reader chose, by GET name: on an invalid form, the fields that cleaned.
        self.cleaned: dict[str, Any] = dict(getattr(filterset.form, "cleaned_data", None) or {})
        self.names = FACETS[selection.surface]
        # The filters no facet leaves out (dates, words, a scope page's own) are applied
        # once: a word search reads the taxonomy's names each time it is applied.
        fixed = {n: v for n, v in self.cleaned.items() if n not in self.names}
        self.common = _apply(filterset, selection.base, fixed)

    def facet(self, name: str) -> Facet:
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
            counts=_("records") if dashboard_kinds else _noun(self.records.name),
        )

    # What to count

    def others(self, name: str) -> QuerySet[Any]:
        """The surface's records under every chosen filter but ``name``."""
        chosen = {n: v for n, v in self.cleaned.items() if n in self.names and n != name}
        return _apply(self.filterset, self.common, chosen)

    def scope(self, name: str) -> str | None:
        """The rollup scope of every chosen filter but ``name``, or None if the rollups
        cannot answer: they count published statements by their publication month."""
        if (
            self.records is not _STATEMENTS
            or self.selection.include_drafts
            or self.selection.date_basis != DateBasis.PUBLISHED
        ):
            return None
        others = {n: v for n, v in self.cleaned.items() if n not in (name, "date_basis")}
        return rollup_scope(others)

    def grouped(self, name: str, others: QuerySet[Any] | None = None) -> dict[int, int]:
        """Facet ``name``'s values (ids) with how many of the records under every other
        filter hold each: one GROUP BY over the records' field or link table."""
        others = self.others(name) if others is None else others
        field = self.records.fields[name]
        rows = others.order_by().values_list(field).annotate(n=Count("pk"))
        return {value: n for value, n in rows if value is not None}

    def table(self, name: str, **annotations: Any) -> QuerySet[Any]:
        """Facet ``name``'s small table, each row saying whether the reader chose it
        (``picked``, through the chosen values' subquery: no query of their own)."""
        chosen = self.cleaned.get(name)
        picked: Any = Value(False)
        if isinstance(chosen, QuerySet):  # none chosen: []
            picked = Case(When(pk__in=chosen, then=Value(True)), default=Value(False))
        return self.filterset.filters[name].queryset.annotate(picked=picked, **annotations)

    def option(
        self, record: Any, count: int, *, chosen: bool | None = None, **extra: Any
    ) -> Option:
        """A row of a facet's ``table`` (or a chosen record) as an option."""
        return Option(
            value=record.slug,
            label=choice_label(record),
            count=count,
            chosen=record.picked if chosen is None else chosen,
            count_label=_count_label(self.records.name, count),
            **extra,
        )

    def chosen_only(self, name: str) -> list[Option]:
        """An invalid selection's facet: the values chosen that were valid, at zero."""
        chosen = self.cleaned.get(name) or []
        return [self.option(record, 0, chosen=True) for record in chosen]

    # The facets

    def tagged(self, name: str) -> list[Option]:
        """Themes, actors or indicators, each with its count, alphabetically."""
        scope = self.scope(name)
        if scope is not None and name == "theme":
            rows = self.table(name, n=statements_with_theme(scope))
            counts = {row.pk: row.n for row in rows}
        elif scope == "" and name == "actor":
            rows = self.table(name, n=statements_in_scope("actor"))
            counts = {row.pk: row.n for row in rows}
        else:
            counts = self.grouped(name)
            rows = self.table(name).filter(Q(pk__in=list(counts)) | Q(picked=True))
        options = [
            self.option(row, counts.get(row.pk, 0))
            for row in rows
            if counts.get(row.pk) or row.picked
        ]
        return sorted(options, key=lambda option: sort_key(option.label))

    def plans(self) -> list[Option]:
        """The newest plans with records, at most ``PLAN_CHOICES`` of them, and the plans
        chosen (wherever they stand, and at zero), newest first.

        One query, which counts the records of the plans it lists only: a tracker holds
        thousands of plans, each with a few records.
        """
        field = self.records.fields["plan"]
        others = self.others("plan").filter(**{field: OuterRef("pk")})
        rows = self.table("plan", n=_count(others)).filter(Q(Exists(others)) | Q(picked=True))
        # The chosen first, so that the limit never leaves one out.
        newest = rows.order_by("-picked", F("published_on").desc(nulls_last=True), "-pk")
        found = list(newest[: PLAN_CHOICES + MAX_VALUES])
        shown = [plan for plan in found if plan.picked]
        shown += [plan for plan in found if not plan.picked][:PLAN_CHOICES]
        shown.sort(key=_newest_first)
        return [self.option(plan, plan.n) for plan in shown]

    def sectors(self) -> list[Option]:
        """The sector tree, each sector counting its subtree's records (each once)."""
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
            if not (totals[sector.pk] or sector.picked or below):
                return None
            return self.option(sector, totals[sector.pk], children=below)

        return [o for o in map(branch, children[None]) if o is not None]

    def subtree_totals(self, tree: Sequence[Any]) -> dict[int, int]:
        """Each sector's records, its descendants' included: a record with one sector
        counts in every sector above it; records with several are counted by one aggregate,
        once per parent however many of its sectors lie below."""
        others = self.others("sector")
        own = self.grouped("sector", others)
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
            row = others.order_by().aggregate(**counts)
            totals.update({pk: row[f"s{pk}"] or 0 for pk in parents})
        return totals

    def kinds(self) -> list[Option]:
        """The surface's kinds (on the dashboard, each kind of record's, each counting its
        own records), in the order of their choices."""
        picked = set(self.cleaned.get("kind") or [])
        records: tuple[_Records, ...]
        if self.selection.surface == "dashboard":
            groups = self.filterset.filters["kind"].extra["choices"]
            records = (_STATEMENTS, _PLANS, _TARGETS)
        else:
            groups = [("", self.filterset.kind_choices)]
            records = (self.records,)
        counts = self.kind_counts() if self.selection.valid else {}
        options = []
        for (group, choices), of in zip(groups, records, strict=True):
            for value, label in choices:
                n = counts.get((of.name, value), 0)
                if n or value in picked:
                    options.append(
                        Option(
                            value=value,
                            label=str(label),
                            count=n,
                            chosen=value in picked,
                            group=str(group),
                            count_label=_count_label(of.name, n),
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
                parts.append(_apply(filterset, queryset, chosen))
            names += [_PLANS.name, _TARGETS.name]
        grouped = [
            records.order_by()
            .values("kind")
            .annotate(records=Value(name), n=Count("pk"))
            .values_list("records", "kind", "n")
            for name, records in zip(names, parts, strict=True)
        ]
        rows = grouped[0].union(*grouped[1:], all=True) if len(grouped) > 1 else grouped[0]
        return {(name, kind): n for name, kind, n in rows}


def _count(records: QuerySet[Any]) -> Coalesce:
    """How many ``records`` there are (which relate to the outer row through ``OuterRef``),
    as a subquery."""
    # A constant to "group" by: one row, the count of them all.
    counted = records.order_by().annotate(everything=Value(1)).values("everything")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


def _apply(
    filterset: TrackerFilterSet, records: QuerySet[Any], cleaned: Mapping[str, Any]
) -> QuerySet[Any]:
    """``records`` under ``cleaned`` values, through ``filterset``'s own methods (as
    ``filters._apply``), so that counting and filtering cannot disagree. The date basis is
    not a filter: it tells the statements' date filters which date to read."""
    for name, value in cleaned.items():
        if name != "date_basis":
            records = filterset.filters[name].filter(records, value)
    return records


def _newest_first(plan: Any) -> tuple[bool, int, int]:
    published = plan.published_on
    return (published is None, -published.toordinal() if published else 0, -plan.pk)


def chips(selection: Selection, data: QueryDict, *, hide: str | None = None) -> list[Chip]:
    """The filters ``data`` sets, one chip a value, each linking to the query without it
    (and without ``page``: a filter change restarts at the first page). ``hide`` names a
    filter the page fixes (a scope page's own): no chip, and no part of the links.

    Values the filters refused get a chip too, under the text given, so that the reader can
    take them out. The default date basis is no filter: no chip."""
    filterset = selection.filterset
    if filterset is None:
        return []
    cleaned: Mapping[str, Any] = getattr(filterset.form, "cleaned_data", None) or {}
    kept = [
        (name, value)
        for name, values in data.lists()
        for value in values
        if name not in ("page", hide) and value.strip()
    ]
    result = []
    for name in FILTER_ORDER:
        if name == hide or name not in filterset.filters:
            continue
        for value in dict.fromkeys(v for n, v in kept if n == name):
            text = _value_label(filterset, name, value, cleaned)
            if text is None:
                continue
            rest = [(n, v) for n, v in kept if (n, v) != (name, value)]
            label = _("%(filter)s: %(value)s") % {
                "filter": filterset.form.fields[name].label,
                "value": text,
            }
            result.append(Chip(name=name, label=label, remove="?" + urlencode(rest)))
    return result


def _value_label(
    filterset: TrackerFilterSet, name: str, value: str, cleaned: Mapping[str, Any]
) -> str | None:
    """How a chip names one value of filter ``name`` (None: no chip)."""
    if name == "q":
        return _("“%(words)s”") % {"words": Truncator(value.strip()).chars(60)}
    if name == "date_basis":
        if value == DateBasis.PUBLISHED:
            return None
        return str(dict(DateBasis.choices).get(value, Truncator(value).chars(60)))
    if name == "kind":
        labels = {}
        for group, choices in reversed(filterset.filters["kind"].extra["choices"]):
            if isinstance(choices, (list, tuple)):
                labels.update({v: str(label) for v, label in choices})
            else:  # a flat list of (value, label)
                labels[group] = str(choices)
        return labels.get(value, Truncator(value).chars(60))
    if name in ("date_after", "date_before"):
        date = cleaned.get(name)
        return date.isoformat() if date else Truncator(value).chars(60)
    for record in cleaned.get(name) or []:
        if value in (record.slug, getattr(record, "code", None)):
            return choice_label(record)
    return Truncator(value).chars(60)
