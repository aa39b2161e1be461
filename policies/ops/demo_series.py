"""Synthetic indicators for the demo data: each one series of yearly figures (and a few
monthly and unverified ones), with the plans' targets set on it.

Four kinds of series, dealt in turn, so that every path of the status rules and of the unit
conversions has data: a share that should rise (in %), a count of households (in 万户, some
targets written in 亿户), a sum of money (in 万亿元), and a rate that should fall (in %, "at
most" targets). Some series stop a year early, so that targets due then await their result;
some plans last one year, judged on that year's result alone.

Written with ``bulk_create``, so every derived value (a figure's year, month and value in
its indicator's unit, a target's value in it) is set here as the models' save would set it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from policies import units
from policies.models import Indicator, Observation, Plan, Qualifier, Sector, Source, Target, Theme

TARGETS_PER_PLAN = 3
FIRST_YEAR = 2010
LAST_YEAR = 2025
BATCH = 5000
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Family:
    """A kind of series: its unit, how it starts and moves, and how targets word it."""

    unit: str
    kind: str
    sense: str
    start: tuple[int, int]  # the first year's value, drawn between these
    growth: tuple[float, float]  # yearly change, relative (a level) or added (a share, a rate)
    relative: bool
    written_in: tuple[str, ...]  # the units targets on it are written in
    qualifiers: tuple[str, ...]


FAMILIES = (
    Family(
        "percent",
        Indicator.Kind.SHARE,
        Target.Sense.HIGHER,
        (5, 40),
        (0.2, 1.5),
        False,
        ("percent",),
        (Qualifier.EXACT, Qualifier.ABOUT),
    ),
    Family(
        "wan-households",
        Indicator.Kind.LEVEL,
        Target.Sense.HIGHER,
        (300, 3000),
        (0.05, 0.4),
        True,
        ("wan-households", "yi-households"),
        (Qualifier.EXACT, Qualifier.AT_LEAST),
    ),
    Family(
        "wan-yi-yuan",
        Indicator.Kind.LEVEL,
        Target.Sense.HIGHER,
        (2, 20),
        (0.03, 0.12),
        True,
        ("wan-yi-yuan",),
        (Qualifier.EXACT, Qualifier.ABOUT),
    ),
    Family(
        "percent",
        Indicator.Kind.RATE,
        Target.Sense.LOWER,
        (4, 8),
        (-0.3, 0.1),
        False,
        ("percent",),
        (Qualifier.AT_MOST, Qualifier.ABOUT),
    ),
)


def series_generate(
    rng: random.Random,
    *,
    run: str,
    plans: list[Plan],
    sectors: list[Sector],
    themes: list[Theme],
    statistics: Source,
) -> tuple[int, int, int]:
    """Indicators, their figures and the plans' targets on them: (indicators, targets,
    observations) made."""
    count = max(len(FAMILIES), len(plans) // 4)
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                slug=f"{run}indicator-{n}",
                name=f"Synthetic indicator {n}",
                name_en=f"Synthetic indicator {n}",
                unit=FAMILIES[n % len(FAMILIES)].unit,
                kind=FAMILIES[n % len(FAMILIES)].kind,
                definition="Synthetic demo series; never real data.",
                sector=rng.choice(sectors),
                theme=rng.choice(themes),
                synthetic=True,
            )
            for n in range(count)
        ],
        batch_size=BATCH,
    )
    levels = {
        indicator.pk: _levels(rng, FAMILIES[n % len(FAMILIES)])
        for n, indicator in enumerate(indicators)
    }
    observations = []
    for n, indicator in enumerate(indicators):
        # Every fourth series has no result for its last year yet.
        last = LAST_YEAR - 1 if n % 4 == 3 else LAST_YEAR
        for year in range(FIRST_YEAR, last + 1):
            about = rng.random() < 0.1
            observations.append(
                _figure(indicator, f"{year}", levels[indicator.pk][year], statistics, about)
            )
        if n % 3 == 0:  # a figure "as of June", before the year's result
            observations.append(
                _figure(indicator, f"{last}-06", levels[indicator.pk][last], statistics, False)
            )
        if n % 5 == 0:  # a figure waiting for a source
            observations.append(
                _figure(indicator, f"{last}-09", levels[indicator.pk][last], None, False)
            )
    Observation.objects.bulk_create(observations, batch_size=BATCH)

    targets = []
    for p, plan in enumerate(plans):
        for n in range(1, TARGETS_PER_PLAN + 1):
            number = (p * TARGETS_PER_PLAN + n) % count
            indicator = indicators[number]
            family = FAMILIES[number % len(FAMILIES)]
            series = levels[indicator.pk]
            baseline_year = plan.start_year - 1
            targets.append(
                _target(
                    rng,
                    plan=plan,
                    slug=f"target-{n}",
                    indicator=indicator,
                    family=family,
                    baseline=(series[baseline_year], baseline_year),
                    sector=rng.choice(sectors),
                    theme=rng.choice(themes),
                )
            )
    Target.objects.bulk_create(targets, batch_size=BATCH)
    return len(indicators), len(targets), len(observations)


def _levels(rng: random.Random, family: Family) -> dict[int, Decimal]:
    """The series' value for every year a plan can name, in the indicator's unit."""
    value = float(rng.randint(*family.start))
    step = rng.uniform(*family.growth)
    levels = {}
    for year in range(FIRST_YEAR - 1, LAST_YEAR + 6):
        levels[year] = Decimal(str(round(max(value, 0.5), 2)))
        noise = rng.uniform(0.97, 1.03)
        value = value * (1 + step) * noise if family.relative else (value + step) * noise
    return levels


def _figure(
    indicator: Indicator, period: str, value: Decimal, source: Source | None, about: bool
) -> Observation:
    year, _sep, month = period.partition("-")
    return Observation(
        indicator=indicator,
        period=period,
        year=int(year),
        month=int(month) if month else None,
        value=value,
        unit="",  # the indicator's own
        indicator_value=value,
        qualifier=Qualifier.ABOUT if about else Qualifier.EXACT,
        source=source,
        verified=source is not None,
        note="Synthetic figure." if source else "Synthetic figure, waiting for a source.",
    )


def _target(
    rng: random.Random,
    *,
    plan: Plan,
    slug: str,
    indicator: Indicator,
    family: Family,
    baseline: tuple[Decimal, int],
    sector: Sector,
    theme: Theme,
) -> Target:
    baseline_value, baseline_year = baseline
    change = Decimal(str(round(rng.uniform(0.05, 0.6), 2)))
    if family.sense == Target.Sense.LOWER:
        goal = max(baseline_value * (1 - change / 2), CENT)
    else:
        goal = baseline_value * (1 + change)
    written = rng.choice(family.written_in)
    # Written as the plan would: in its own unit, rounded to what the field holds.
    places = Decimal("0.0001") if written != indicator.unit else CENT
    as_written = units.convert(goal, from_unit=indicator.unit, to_unit=written).quantize(places)
    base_written = units.convert(
        baseline_value, from_unit=indicator.unit, to_unit=written
    ).quantize(places)
    if family.sense == Target.Sense.LOWER:
        as_written = min(as_written, base_written - places)
    else:
        as_written = max(as_written, base_written + places)
    return Target(
        plan=plan,
        slug=slug,
        indicator=indicator,
        value=as_written,
        unit=written,
        target_value=units.convert(as_written, from_unit=written, to_unit=indicator.unit),
        qualifier=rng.choice(family.qualifiers),
        sense=family.sense,
        baseline_value=base_written,
        baseline_year=baseline_year,
        target_year=plan.end_year,
        sector=sector,
        theme=theme,
    )
