"""Facets and chips: disjunctive counts checked against counts worked out by hand from the
records each test makes (beside the seeds), the sector tree counting each record once, the
rollups answering where they can, and chips that each take out one value."""

import datetime
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from policies.filters import Facet, Option, chips, facets, select
from policies.filters.fields import PLAN_CHOICES
from policies.models import Plan, Statement, StatementRollup, Target
from policies.querysets import PublicationStatus
from policies.web.pages import dashboard_context
from tests.factories import (
    ActorFactory,
    IndicatorFactory,
    PlanFactory,
    SectorFactory,
    StatementFactory,
    TargetFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """Records of the tests' own taxonomy, so that a filter on any of them leaves the seeds
    out, and every count below can be worked out by hand."""

    themes: dict
    sectors: dict
    actors: dict
    plans: dict
    indicators: dict
    statements: dict
    targets: dict


@pytest.fixture
def world(seeded) -> World:
    themes = {
        "A": ThemeFactory(slug="f-theme-a", name="Alpha theme", name_fr="Thème alpha"),
        "B": ThemeFactory(slug="f-theme-b", name="Beta theme"),
        "C": ThemeFactory(slug="f-theme-c", name="Gamma theme"),
    }
    # R › R1 › R1a, R › R2; Q › Q1.
    root = SectorFactory(slug="f-r", name="Root R")
    r1 = SectorFactory(slug="f-r1", name="R one", parent=root)
    sectors = {
        "R": root,
        "R1": r1,
        "R1a": SectorFactory(slug="f-r1a", name="R one a", parent=r1, code="F-R1A"),
        "R2": SectorFactory(slug="f-r2", name="R two", parent=root),
        "Q": (q := SectorFactory(slug="f-q", name="Root Q")),
        "Q1": SectorFactory(slug="f-q1", name="Q one", parent=q),
    }
    actors = {
        "X": ActorFactory(slug="f-actor-x", name="Actor X"),
        "Y": ActorFactory(slug="f-actor-y", name="Actor Y"),
    }
    plans = {
        "P1": PlanFactory(
            slug="f-plan-1",
            title_en="Plan one",
            issuer=actors["X"],
            kind=Plan.Kind.FIVE_YEAR_PLAN,
            published_on=datetime.date(2023, 3, 1),
        ),
        "P2": PlanFactory(
            slug="f-plan-2",
            title_en="Plan two",
            issuer=actors["Y"],
            kind=Plan.Kind.REGULATION,
            published_on=datetime.date(2024, 3, 1),
        ),
    }
    plans["P1"].sectors.set([sectors["R1"], sectors["R1a"]])
    plans["P1"].themes.set([themes["A"]])
    plans["P2"].sectors.set([sectors["R2"]])
    plans["P2"].themes.set([themes["A"], themes["B"]])

    def statement(name, actor, kind, theme_keys, sector_keys, plan_keys, **extra):
        made = StatementFactory(
            slug=f"f-{name}",
            actor=actors[actor],
            kind=kind,
            themes=[themes[k] for k in theme_keys],
            **extra,
        )
        made.sectors.set([sectors[k] for k in sector_keys])
        made.plans.set([plans[k] for k in plan_keys])
        return made

    kinds = Statement.Kind
    statements = {
        "s1": statement("s1", "X", kinds.SPEECH, "A", ["R1a", "R2"], ["P1"]),
        "s2": statement("s2", "X", kinds.ESSAY, "AB", ["R1"], ["P1", "P2"]),
        "s3": statement("s3", "Y", kinds.SPEECH, "B", ["R1", "R1a"], ["P2"]),
        "s4": statement("s4", "Y", kinds.SPEECH, "C", ["Q"], []),
        # A draft: never counted.
        "s5": statement(
            "s5", "X", kinds.SPEECH, "A", ["R2"], ["P2"], status=PublicationStatus.DRAFT
        ),
        "s6": statement("s6", "Y", kinds.INTERVIEW, "AC", ["R"], ["P1"]),
    }
    indicators = {"I1": IndicatorFactory(slug="f-ind-1"), "I2": IndicatorFactory(slug="f-ind-2")}
    binding, expected = Target.Kind.BINDING, Target.Kind.EXPECTED

    def target(name, plan, sector, theme, indicator, kind):
        return TargetFactory(
            slug=f"f-{name}",
            plan=plans[plan],
            sector=sectors[sector],
            theme=themes[theme],
            indicator=indicators[indicator],
            kind=kind,
        )

    targets = {
        "t1": target("t1", "P1", "R1a", "A", "I1", binding),
        "t2": target("t2", "P1", "R1", "B", "I1", expected),
        "t3": target("t3", "P2", "R2", "A", "I2", binding),
    }
    return World(themes, sectors, actors, plans, indicators, statements, targets)


def faceted(query: str, surface: str = "statements", **kwargs) -> dict[str, Facet]:
    return {f.name: f for f in facets(select(QueryDict(query), surface=surface), **kwargs)}


def counts(facet: Facet) -> dict[str, int]:
    """Every option of a facet (the tree's included) by value: its count."""
    return {o.value: o.count for option in facet.options for o in option.walk()}


def chosen(facet: Facet) -> set[str]:
    return {o.value for option in facet.options for o in option.walk() if o.chosen}


def ours(facet: Facet, prefix: str = "f-") -> dict[str, int]:
    return {value: n for value, n in counts(facet).items() if value.startswith(prefix)}


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
    # Newest first, the chosen in its place.
    assert [o.value for o in found.options][-1] == oldest


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


def test_a_scope_page_hides_its_own_facet_and_chip(world):
    data = QueryDict("sector=f-r&theme=f-theme-b")
    selection = select(data, surface="dashboard")
    found = {f.name: f for f in facets(selection, hide="sector")}
    assert set(found) == {"theme", "actor", "plan", "kind"}
    # Under sector R: s1, s2, s3, s6 have A, B, A and C.
    assert ours(found["theme"]) == {"f-theme-a": 3, "f-theme-b": 2, "f-theme-c": 1}
    made = chips(selection, data, hide="sector")
    assert [(c.name, c.label, c.remove) for c in made] == [("theme", "Theme: Beta theme", "?")]


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


def test_chips_each_take_out_one_value(world):
    data = QueryDict(
        "theme=f-theme-a&theme=f-theme-b&sector=F-R1A&q=data+centres&date_after=2022-01-01"
        "&date_before=&date_basis=published&page=3&kind=speech"
    )
    made = chips(select(data, surface="statements"), data)
    assert [(c.name, c.label) for c in made] == [
        ("sector", "Sector: R one a"),  # chosen by its code
        ("theme", "Theme: Alpha theme"),
        ("theme", "Theme: Beta theme"),
        ("kind", "Kind: speech"),
        ("date_after", "From: 2022-01-01"),
        ("q", "Search: “data centres”"),
    ]
    removed = {c.label: dict_of(c.remove) for c in made}
    # Every other value kept; the page, empty values and the default basis left out.
    assert removed["Theme: Alpha theme"] == [
        ("theme", "f-theme-b"),
        ("sector", "F-R1A"),
        ("q", "data centres"),
        ("date_after", "2022-01-01"),
        ("date_basis", "published"),
        ("kind", "speech"),
    ]
    assert ("q", "data centres") not in removed["Search: “data centres”"]
    # The delivery basis is a choice of the reader's: a chip.
    data = QueryDict("date_basis=delivered")
    assert [c.label for c in chips(select(data, surface="statements"), data)] == [
        "Date statements: when said (delivered)"
    ]


def dict_of(query: str) -> list[tuple[str, str]]:
    assert query.startswith("?")
    return parse_qsl(query[1:])


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


def test_a_list_counts_its_facets_once_per_data_version(transactional_db, seeded, client):
    """Every page of a list shows the same facets: counted once for its filters, the
    language and the data version, and again after a write (which commits, here)."""

    def listed(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        facet = {f.name: f for f in response.context["facets"]}["theme"]
        return len(queries), counts(facet)

    first, themes = listed("/statements/?actor=xi-jinping")
    again, themes_again = listed("/statements/?actor=xi-jinping&page=1")
    assert themes_again == themes
    assert again < first  # no facet counted twice
    statement = Statement.objects.get(slug="xi-big-but-not-strong")
    tagged = set(statement.themes.values_list("slug", flat=True))
    statement.status = PublicationStatus.DRAFT
    statement.save()  # commits, and the commit moves the data version on
    _after, themes_after = listed("/statements/?actor=xi-jinping")
    assert tagged
    assert themes_after == {
        slug: n - (slug in tagged) for slug, n in themes.items() if n - (slug in tagged)
    }


def test_every_surface_passes_its_facets_and_chips(world, client):
    for url, names in [
        ("/statements/?theme=f-theme-a", ["sector", "theme", "actor", "plan", "kind"]),
        ("/plans/?theme=f-theme-a", ["sector", "theme", "actor", "kind"]),
        ("/targets/?theme=f-theme-a", ["sector", "theme", "actor", "plan", "indicator", "kind"]),
    ]:
        context = client.get(url).context
        assert [f.name for f in context["facets"]] == names, url
        assert [c.label for c in context["chips"]] == ["Theme: Alpha theme"], url
    # The dashboard's body, as a scope page draws it: without the scope's facet and chip.
    status, context = dashboard_context(QueryDict("sector=f-r&theme=f-theme-b"), hide="sector")
    assert status == 200
    assert [f.name for f in context["facets"]] == ["theme", "actor", "plan", "kind"]
    assert [(c.label, c.remove) for c in context["chips"]] == [("Theme: Beta theme", "?")]
    status, context = dashboard_context(QueryDict("sector=f-r&theme=f-theme-b"))
    assert context["facets"][0].name == "sector"
    assert len(context["chips"]) == 2
