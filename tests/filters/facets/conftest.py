"""The records the facets' tests count: a taxonomy of their own beside the seeds."""

import datetime
from dataclasses import dataclass

import pytest

from policies.models import Plan, Statement, Target
from policies.querysets import PublicationStatus
from tests.factories import (
    ActorFactory,
    IndicatorFactory,
    PlanFactory,
    SectorFactory,
    StatementFactory,
    TargetFactory,
    ThemeFactory,
)


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


@pytest.fixture(autouse=True)
def time_to_count(settings):
    """Time enough for every count: what these tests compare must not hang on how busy the
    machine is. The tests of the time budget (test_budget.py) set their own."""
    settings.FACET_TIME_LIMIT_MS = 10_000
