"""Facets' disjunctive counts, checked against counts worked out by hand from the records
the tests make (beside the seeds): one and two values of a facet chosen with another, the
sector tree counting each record once, each surface's facets, the rollups answering where
they can, and an invalid selection counting nothing."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from policies.filters import Facet, Option, chips, facets, select
from policies.filters.fields import PLAN_CHOICES
from policies.models import StatementRollup
from tests.factories import PlanFactory, TargetFactory
from tests.filters.facets.reading import chosen, counts, faceted, ours

pytestmark = pytest.mark.django_db


def test_one_value_chosen(world):
    found = faceted("theme=f-theme-a")
    # Theme: no other filter, every published statement (s1, s2, s6 have A; s2, s3 B; s4,
    # s6 C); the seeds' themes are listed too, with their own statements.
    assert ours(found["theme"]) == {"f-theme-a": 3, "f-theme-b": 2, "f-theme-c": 2}
    assert chosen(found["theme"]) == {"f-theme-a"}
    assert {"key-technologies", "security"} <= set(counts(found["theme"]))
    # The others count A's statements: s1, s2 (X), s6 (Y); s5 is a draft.
    assert counts(found["actor"]) == {"f-actor-x": 2, "f-actor-y": 1}
    # s1 (R1a, R2), s2 (R1), s6 (R): R counts s1 once; Q and Q1 have none and are left out.
    assert counts(found["sector"]) == {"f-r": 3, "f-r1": 2, "f-r1a": 1, "f-r2": 1}
    assert counts(found["plan"]) == {"f-plan-1": 3, "f-plan-2": 1}
    assert counts(found["kind"]) == {"speech": 1, "essay": 1, "interview": 1}
    assert found["kind"].chosen == 0
    assert found["theme"].chosen == 1


def test_two_values_of_a_facet_and_another_facet(world):
    found = faceted("theme=f-theme-a&theme=f-theme-b&actor=f-actor-y")
    # Theme, under actor Y alone (s3: B; s4: C; s6: A and C).
    assert ours(found["theme"]) == {"f-theme-a": 1, "f-theme-b": 1, "f-theme-c": 2}
    assert chosen(found["theme"]) == {"f-theme-a", "f-theme-b"}
    # Actor, under themes A or B (s1, s2, s3, s6).
    assert counts(found["actor"]) == {"f-actor-x": 2, "f-actor-y": 2}
    # The rest under both: s3 (R1, R1a: once in R and R1) and s6 (R).
    assert counts(found["sector"]) == {"f-r": 2, "f-r1": 1, "f-r1a": 1}
    assert counts(found["plan"]) == {"f-plan-1": 1, "f-plan-2": 1}
    assert counts(found["kind"]) == {"speech": 1, "interview": 1}


def test_a_second_value_adds_its_count(world):
    """Records hold one actor: choosing both adds the second's count to the first's."""
    query = "theme=f-theme-a&theme=f-theme-b&actor=f-actor-y"
    actor = faceted(query)["actor"]
    both = select(QueryDict(query + "&actor=f-actor-x"), surface="statements").records
    assert both.count() == sum(counts(actor).values()) == 4


def test_counts_are_what_choosing_the_value_selects(world):
    """Each count is what ``select`` counts with that value in the facet's place."""
    for surface, query in [
        ("statements", "theme=f-theme-a&theme=f-theme-b&actor=f-actor-y"),
        ("statements", "sector=f-r1&plan=f-plan-2"),
        ("statements", "theme=f-theme-c&date_after=2020-01-01"),
        ("plans", "actor=f-actor-x&theme=f-theme-a"),
        ("targets", "plan=f-plan-1&sector=f-r"),
        ("dashboard", "actor=f-actor-x&sector=f-r"),
    ]:
        data = QueryDict(query)
        for facet in facets(select(data, surface=surface)):
            if facet.name == "kind" and surface == "dashboard":
                continue  # each kind counts its own records (test_kinds_on_the_dashboard)
            for option in (o for top in facet.options for o in top.walk()):
                alone = data.copy()
                alone.setlist(facet.name, [option.value])
                expected = select(alone, surface=surface).records.count()
                assert option.count == expected, (surface, query, facet.name, option.value)


def test_sector_tree_counts_each_record_once(world):
    found = faceted("actor=f-actor-x")
    # X's published statements: s1 (R1a, R2) and s2 (R1). R holds both, s1 once.
    tree = found["sector"].options
    root = next(o for o in tree if o.value == "f-r")
    assert root.count == 2
    assert [(o.value, o.count) for o in root.children] == [("f-r1", 2), ("f-r2", 1)]
    assert [(o.value, o.count) for o in root.children[0].children] == [("f-r1a", 1)]
    assert "f-q" not in counts(found["sector"])  # no statement of X there
    assert found["sector"].size == len(counts(found["sector"]))


def test_a_chosen_value_is_shown_even_at_zero(world):
    found = faceted("sector=f-q1&actor=f-actor-x")
    # Q1 has no statement: it is listed, chosen, at zero, under its parent (at zero too).
    q = next(o for o in found["sector"].options if o.value == "f-q")
    assert (q.count, q.chosen) == (0, False)
    assert [(o.value, o.count, o.chosen) for o in q.children] == [("f-q1", 0, True)]
    assert found["sector"].chosen == 1
    # Nothing is in Q1, so no other value has a count, and none is listed.
    assert counts(found["actor"]) == {"f-actor-x": 0}
    assert found["theme"].options == ()
    assert found["plan"].options == ()


def listed_in_order(facet):
    return [o.value for o in facet.options]


def test_chosen_plans_are_listed_beyond_the_newest(world):
    theme = world.themes["A"]
    made = [
        TargetFactory(
            plan=PlanFactory(
                published_on=datetime.date(2000, 1, 1) + datetime.timedelta(n), signed_on=None
            ),
            theme=theme,
        )
        for n in range(PLAN_CHOICES + 1)
    ]
    oldest = made[0].plan.slug
    listed = counts(faceted("theme=f-theme-a", "targets")["plan"])
    # The newest hundred (f-plan-1 and -2 among them, newer than all the others).
    assert len(listed) == PLAN_CHOICES
    assert oldest not in listed
    assert {"f-plan-1", "f-plan-2"} <= set(listed)
    found = faceted(f"theme=f-theme-a&plan={oldest}", "targets")["plan"]
    assert len(counts(found)) == PLAN_CHOICES + 1
    assert counts(found)[oldest] == 1
    assert chosen(found) == {oldest}
    # The chosen first, in sight at the top of a scrolled list; then the newest.
    values = [o.value for o in found.options]
    assert values[0] == oldest
    assert values[1:] == listed_in_order(faceted("theme=f-theme-a", "targets")["plan"])


def test_plans_surface(world):
    found = faceted("actor=f-actor-x", "plans")
    assert set(found) == {"sector", "theme", "actor", "kind"}  # a plan is no facet of plans
    # X issued P1 (sectors R1, R1a: R and R1 count it once; theme A; a five-year plan).
    assert counts(found["sector"]) == {"f-r": 1, "f-r1": 1, "f-r1a": 1}
    assert counts(found["theme"]) == {"f-theme-a": 1}
    assert counts(found["kind"]) == {"five_year_plan": 1}
    # Actor: every published plan, the seeds' too; X and Y issued one each.
    assert ours(found["actor"]) == {"f-actor-x": 1, "f-actor-y": 1}
    assert found["actor"].counts == "plans"
    assert found["theme"].options[0].count_label == "1 plan"


def test_targets_surface(world):
    found = faceted("plan=f-plan-1&plan=f-plan-2&theme=f-theme-a", "targets")
    assert set(found) == {"sector", "theme", "actor", "plan", "indicator", "kind"}
    # Plan, under theme A: t1 (P1), t3 (P2).
    assert counts(found["plan"]) == {"f-plan-1": 1, "f-plan-2": 1}
    # Theme, under P1 or P2: t1 (A), t2 (B), t3 (A).
    assert counts(found["theme"]) == {"f-theme-a": 2, "f-theme-b": 1}
    # The rest under both: t1 (R1a, I1, binding, X) and t3 (R2, I2, binding, Y).
    assert counts(found["sector"]) == {"f-r": 2, "f-r1": 1, "f-r1a": 1, "f-r2": 1}
    assert counts(found["actor"]) == {"f-actor-x": 1, "f-actor-y": 1}
    assert counts(found["indicator"]) == {"f-ind-1": 1, "f-ind-2": 1}
    assert counts(found["kind"]) == {"binding": 2}
    assert found["kind"].options[0].count_label == "2 targets"


def test_kinds_on_the_dashboard(world):
    found = faceted("actor=f-actor-x", "dashboard")
    kinds = [(o.group, o.value, o.count) for o in found["kind"].options]
    # X's statements (s1 speech, s2 essay), the plans it issued (P1), and their targets
    # (t1 binding, t2 expected); each kind counts its own records.
    assert kinds == [
        ("Statements", "essay", 1),
        ("Statements", "speech", 1),
        ("Plans", "five_year_plan", 1),
        ("Targets", "binding", 1),
        ("Targets", "expected", 1),
    ]
    assert [o.count_label for o in found["kind"].options][2:4] == ["1 plan", "1 target"]
    # The other facets count the dashboard's statements: X's s1 and s2.
    assert counts(found["plan"]) == {"f-plan-1": 2, "f-plan-2": 1}
    # A statement kind chosen: the kinds of plans and targets still count theirs.
    found = faceted("actor=f-actor-x&kind=speech", "dashboard")
    assert [(o.value, o.count, o.chosen) for o in found["kind"].options] == [
        ("essay", 1, False),
        ("speech", 1, True),
        ("five_year_plan", 1, False),
        ("binding", 1, False),
        ("expected", 1, False),
    ]
    # ... while the statements it leaves are s1 alone.
    assert counts(found["plan"]) == {"f-plan-1": 1}


def test_rollups_answer_without_other_filters(world):
    """Unfiltered statements' themes, sectors and actors are read from the rollups (a
    stale row shows), and counted live as soon as another filter is set."""
    theme = world.themes["C"]
    rows = StatementRollup.objects.filter(scope=f"t{theme.pk}", measure="month")
    assert faceted("")["theme"].options  # sanity: counted
    StatementRollup.objects.filter(
        scope="", measure=StatementRollup.Measure.MONTH_THEME, theme=theme.pk
    ).update(n=40)
    StatementRollup.objects.filter(scope=f"s{world.sectors['Q'].pk}").update(n=50)
    StatementRollup.objects.filter(scope=f"a{world.actors['Y'].pk}").update(n=60)
    assert rows.exists()
    found = faceted("")
    assert counts(found["theme"])["f-theme-c"] == 40
    assert counts(found["sector"])["f-q"] == 50
    assert counts(found["actor"])["f-actor-y"] == 60
    found = faceted("date_after=2000-01-01")
    assert counts(found["theme"])["f-theme-c"] == 2
    assert counts(found["sector"])["f-q"] == 1
    assert counts(found["actor"])["f-actor-y"] == 3
    # A delivery-date basis is not what the rollups count by, even without dates.
    assert counts(faceted("date_basis=delivered")["theme"])["f-theme-c"] == 2


def test_invalid_filters_count_nothing(world):
    data = QueryDict("theme=f-theme-a&sector=no-such-sector&kind=speech")
    selection = select(data, surface="statements")
    assert not selection.valid
    with CaptureQueriesContext(connection) as queries:
        found = {f.name: f for f in facets(selection)}
    # The valid values chosen, at zero: nothing is counted, only the theme chosen is read.
    assert len(queries) == 1
    assert [(o.value, o.count, o.chosen) for o in found["theme"].options] == [
        ("f-theme-a", 0, True)
    ]
    assert [(o.value, o.count) for o in found["kind"].options] == [("speech", 0)]
    assert found["sector"].options == found["actor"].options == ()
    # The refused value still has its chip, to take it out.
    made = {c.label: c.remove for c in chips(selection, data)}
    assert made["Sector: no-such-sector"] == "?theme=f-theme-a&kind=speech"


def test_labels_in_the_readers_language(world):
    with translation.override("fr"):
        found = faceted("actor=f-actor-x")
        # In the reader's alphabetical order, the English marked where it stands in.
        assert [(o.value, o.label, o.count) for o in found["theme"].options] == [
            ("f-theme-b", "Beta theme (EN)", 1),
            ("f-theme-a", "Thème alpha", 2),
        ]


def test_other_surfaces_have_no_facets(world):
    assert facets(select(QueryDict(""), surface="observations")) == []
    assert facets(select(QueryDict(""), surface="sources")) == []
    assert chips(select(QueryDict("q=x"), surface="sources"), QueryDict("q=x")) == []


def test_option_and_facet_shape():
    leaf = Option(value="b", label="B", count=1, chosen=True)
    tree = Option(value="a", label="A", count=2, chosen=False, children=(leaf,))
    facet = Facet(name="sector", label="Sector", options=(tree,), counts="statements")
    assert (facet.chosen, facet.size) == (1, 2)


def test_a_chosen_value_comes_first_to_stay_in_sight(world):
    ours = [o.value for o in faceted("theme=f-theme-c", "statements")["theme"].options]
    assert ours[0] == "f-theme-c"
    assert [v for v in ours if v.startswith("f-")][1:] == sorted(
        v for v in ours if v.startswith("f-") and v != "f-theme-c"
    )
