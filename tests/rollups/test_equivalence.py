"""Property: whatever the filters and whatever was written before, the dashboard's statement
figures and its facet counts are what plain queries over the selected records say.

Hypothesis draws a sequence of writes (new statements, retagged, redated, unpublished or
deleted ones, a sector moved to another parent) and, after them, filter combinations over
every dashboard filter (several values each). For each combination the figures come through
the one door the dashboard reads (``rollups.statement_counts``: the stored rollups when a
scope answers, else live) and, separately, always live; both are held to the oracle
(``tests.rollups.reference``). Each facet value's count is held to what ``select`` counts
with that value chosen instead of the facet's own. The writes accumulate across examples
in a savepoint that each example rolls back: every example starts from the same data, as
Hypothesis needs to replay and shrink one.
"""

from __future__ import annotations

import datetime
import functools
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.http import QueryDict
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from policies import filters, rollups
from policies.filters import select
from policies.models import Actor, Plan, PublicationStatus, Sector, Statement, Theme
from tests.factories import StatementFactory
from tests.ops.test_demo import generate
from tests.rollups.test_rollups import assert_counts_match

pytestmark = pytest.mark.django_db

FIRST, LAST = datetime.date(2010, 6, 1), datetime.date(2026, 6, 30)
DAYS = st.dates(min_value=FIRST, max_value=LAST)
KINDS = [*Statement.Kind.values, *Plan.Kind.values[:2]]


@pytest.fixture
def generated(empty_db):
    generate(statements=120, seed=11)


def _pick(data: st.DataObject, values: list, most: int = 3) -> list:
    return data.draw(st.lists(st.sampled_from(values), max_size=most, unique=True))


def write(data: st.DataObject) -> None:
    """One random write, through the models, as the admin and imports make them."""
    statements = list(Statement.objects.order_by("pk"))
    themes, sectors = list(Theme.objects.order_by("pk")), list(Sector.objects.order_by("pk"))
    action = data.draw(st.sampled_from(["new", "retag", "redate", "status", "delete", "move"]))
    if action == "move":
        child = data.draw(st.sampled_from([s for s in sectors if s.parent_id is not None]))
        child.parent = data.draw(st.sampled_from([s for s in sectors if s.parent_id is None]))
        child.save()  # moves its subtree: the rollups rebuild
        return
    if action == "new":
        model = data.draw(st.sampled_from(statements))
        published = data.draw(DAYS)
        statement = StatementFactory(
            source=model.source,
            paragraph=model.paragraph,
            excerpt=model.excerpt,
            actor=data.draw(st.sampled_from(list(Actor.objects.order_by("pk")[:20]))),
            kind=data.draw(st.sampled_from(Statement.Kind.values)),
            published_on=published,
            delivered_on=data.draw(st.none() | st.dates(max_value=published)),
            status=data.draw(st.sampled_from(PublicationStatus.values)),
            themes=_pick(data, themes),
        )
        statement.sectors.set(_pick(data, sectors))
        return
    statement = data.draw(st.sampled_from(statements))
    if action == "retag":
        statement.themes.set(_pick(data, themes))
        statement.sectors.set(_pick(data, sectors))
    elif action == "redate":
        statement.published_on = data.draw(DAYS)
        statement.delivered_on = data.draw(st.none() | st.dates(max_value=statement.published_on))
        statement.save()
    elif action == "status":
        statement.status = data.draw(st.sampled_from(PublicationStatus.values))
        statement.save()
    else:
        statement.delete()


def filter_params(data: st.DataObject) -> dict[str, object]:
    """A random combination of the dashboard's filters, each absent or with values."""
    params: dict[str, object] = {}
    choices = {
        "sector": list(Sector.objects.order_by("pk").values_list("slug", flat=True)),
        "theme": list(Theme.objects.order_by("pk").values_list("slug", flat=True)),
        "actor": list(Actor.objects.order_by("pk").values_list("slug", flat=True)[:15]),
        "plan": list(Plan.objects.published().order_by("pk").values_list("slug", flat=True)),
        "kind": KINDS,
    }
    for name, values in choices.items():
        if values and data.draw(st.booleans()):
            params[name] = _pick(data, values)
    dates = sorted(data.draw(st.lists(DAYS, min_size=2, max_size=2)))
    if data.draw(st.booleans()):
        params["date_after"] = dates[0].isoformat()
    if data.draw(st.booleans()):
        params["date_before"] = dates[1].isoformat()
    params["date_basis"] = data.draw(st.sampled_from(filters.DateBasis.values))
    return params


def chosen(params: dict[str, object]):
    selection = select(QueryDict(urlencode(params, doseq=True)), surface="dashboard")
    assert selection.valid, (params, selection.errors)
    return selection


def options_of(options) -> list:
    """A facet's options, the sector tree's children included."""
    found = []
    for option in options:
        found.append(option)
        found.extend(options_of(option.children))
    return found


def assert_facets_match(params: dict[str, object]) -> None:
    """Each listed facet value counts what choosing it instead of the facet's own values
    selects; no theme with records under the other filters is missing. The facets read
    from the selection's own counts (as the dashboard passes them) are the same."""
    selection = chosen(params)
    found = filters.facets(selection, time_limit_ms=600_000)
    known = rollups.statement_counts(
        statements=selection.statements,
        scope=selection.scope,
        dated_by=filters.statement_date(selection.date_basis),
        undated_scope=selection.undated_scope,
    )
    assert filters.facets(selection, time_limit_ms=600_000, known=known) == found, params
    for facet in found:
        assert facet.counted, facet.name
        others = {name: value for name, value in params.items() if name != facet.name}
        listed = {}
        for option in options_of(facet.options):
            alone = chosen({**others, facet.name: [option.value]})
            # The dashboard's kinds are grouped by record, each counting its own records
            # (a plan and a statement can both be of kind "other").
            records = {"Plans": alone.plans, "Targets": alone.targets}.get(option.group)
            expected = (alone.statements if records is None else records).count()
            assert option.count == expected, (params, facet.name, option.value)
            listed[option.value] = option.count
        if facet.name == "theme":
            for slug in Theme.objects.values_list("slug", flat=True):
                n = chosen({**others, "theme": [slug]}).statements.count()
                assert listed.get(slug, 0) == n, (params, slug)


def each_example(test):
    """Run the example in a savepoint rolled back after it: the same data for every one."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        with transaction.atomic():
            test(*args, **kwargs)
            transaction.set_rollback(True)

    return run


# No shrinking: each example is seconds of queries, and shrinking a failure took minutes
# (the failing example's draws are printed whole without it).
@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
@each_example
def test_any_filters_after_any_writes_give_the_oracle_figures(generated, data):
    for _ in range(data.draw(st.integers(min_value=0, max_value=4))):
        write(data)
    for combination in range(2):
        params = filter_params(data)
        selection = chosen(params)
        dated_by = filters.statement_date(selection.date_basis)
        statements = selection.statements
        answered = rollups.statement_counts(
            statements=statements,
            scope=selection.scope,
            dated_by=dated_by,
            undated_scope=selection.undated_scope,
        )
        assert_counts_match(answered, statements, params, selection.date_basis)
        live = rollups.live_counts(statements=statements, dated_by=dated_by)
        assert_counts_match(live, statements, params, selection.date_basis)
        if combination == 0:  # each value of each facet is a query of its own: once
            assert_facets_match(params)
    assert rollups.stale_keys() == []


@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
@each_example
def test_rollup_scopes_after_any_writes_give_the_oracle_figures(generated, data):
    """The selections the stored rollups answer (none, or one sector, theme, actor or kind),
    drawn on purpose: random combinations rarely are one."""
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        write(data)
    name = data.draw(st.sampled_from(["", "sector", "theme", "actor", "kind"]))
    model = {"sector": Sector, "theme": Theme, "actor": Actor}.get(name)
    params = {}
    if model is not None:
        params[name] = [data.draw(st.sampled_from(list(model.objects.order_by("pk")))).slug]
    elif name == "kind":  # a statement's kind, or a plan's or target's (no statements)
        params[name] = [data.draw(st.sampled_from(KINDS))]
    selection = chosen(params)
    assert selection.scope is not None, params
    answered = rollups.statement_counts(
        statements=selection.statements, scope=selection.scope, dated_by="published_on"
    )
    assert_counts_match(answered, selection.statements, params)
    assert_facets_match(params)
