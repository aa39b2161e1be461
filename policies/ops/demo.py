"""Synthetic data for benchmarks: realistic in shape, reproducible, and never mistaken for real.

Every record it makes has ``synthetic=True`` (targets through their plan, observations
through their indicator), a slug starting ``synthetic-`` and a name or headline saying
"Synthetic". It writes with ``bulk_create`` in batches, bypassing model validation and change
history for speed, so it builds each value to satisfy the same invariants by construction:
every excerpt is cut from the paragraph it cites, every target year follows its baseline year,
every derived value (a figure's year and value in its indicator's unit, a target's value in
it) is what the model's own save would derive. The indicators and their series are made in
``demo_series``.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction

from policies import rollups, search
from policies.caching import data_changed
from policies.models import Actor, Plan, PublicationStatus, Sector, Source, Statement, Theme
from policies.ops.demo_series import series_generate

PREFIX = "synthetic-"
JURISDICTIONS = ["CN", "US", "DE", "FR", "JP", "IN", "GB", "KR", "BR", "ZA"]
FIRST_DAY = datetime.date(2011, 1, 1)
DAYS = (datetime.date(2025, 12, 31) - FIRST_DAY).days
STATEMENTS_PER_SOURCE = 2000
PARAGRAPHS_PER_SOURCE = 40
STATEMENTS_PER_PLAN = 50
BATCH = 5000
# Statements whose search terms are written in one transaction (see demo_data_generate).
SEARCH_BATCH = 20_000

WORDS = [
    "digital",
    "economy",
    "data",
    "infrastructure",
    "platform",
    "security",
    "innovation",
    "industry",
    "network",
    "computing",
    "standards",
    "governance",
    "capital",
    "market",
    "supply",
    "chain",
    "semiconductor",
    "cloud",
    "artificial",
    "intelligence",
    "broadband",
    "talent",
    "research",
    "regulation",
    "competition",
    "privacy",
    "manufacturing",
    "finance",
    "services",
    "trade",
    "energy",
    "transport",
    "health",
    "education",
    "rural",
    "urban",
]


class DemoDataExists(Exception):
    """This seed's data is already there; generating it again would collide."""


@dataclass
class DemoReport:
    statements: int = 0
    plans: int = 0
    indicators: int = 0
    targets: int = 0
    observations: int = 0
    sources: int = 0
    links: int = 0


def _zipf_weights(count: int, exponent: float = 1.1) -> list[float]:
    """Skewed frequencies: a few themes and sectors dominate, as in real trackers."""
    return [1 / (rank**exponent) for rank in range(1, count + 1)]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def demo_data_generate(
    *, statements: int, seed: int = 1, progress: Callable[[str], None] | None = None
) -> DemoReport:
    """Add ``statements`` synthetic statements, with plans, targets and observations."""
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not secrets)
    say = progress or (lambda message: None)
    report = DemoReport()
    run = f"{PREFIX}{seed}-"
    if Actor.objects.filter(slug__startswith=run).exists():
        raise DemoDataExists(
            f"Synthetic data for seed {seed} is already in this database; use another --seed, "
            "or start from an empty database."
        )
    with transaction.atomic():
        actors = Actor.objects.bulk_create(
            [
                Actor(
                    slug=f"{run}actor-{n}",
                    name=f"Synthetic actor {n} ({jurisdiction})",
                    kind=Actor.Kind.PERSON if n % 3 == 0 else Actor.Kind.GOVERNMENT_BODY,
                    jurisdiction=jurisdiction,
                    synthetic=True,
                )
                for n, jurisdiction in enumerate(
                    itertools.islice(itertools.cycle(JURISDICTIONS), 60), start=1
                )
            ]
        )
        palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]
        themes = Theme.objects.bulk_create(
            [
                Theme(
                    slug=f"{run}theme-{n}",
                    name=f"Synthetic theme {n}",
                    colour=palette[n % len(palette)],
                    synthetic=True,
                )
                for n in range(1, 16)
            ]
        )
        sectors = _sector_tree(run)
        theme_weights = _zipf_weights(len(themes))
        sector_weights = _zipf_weights(len(sectors), 0.9)

        sources = []
        for n in range(1, statements // STATEMENTS_PER_SOURCE + 2):
            paragraphs = [_sentence(rng, 30) for _ in range(PARAGRAPHS_PER_SOURCE)]
            sources.append(
                Source(
                    slug=f"{run}source-{n}",
                    title=f"Synthetic source {n}",
                    publisher="Synthetic demo data (not a real publisher)",
                    kind=Source.Kind.NEWS_REPORT,
                    tier=Source.Tier.SECONDARY,
                    language="en",
                    published_on=FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS)),
                    text="\n\n".join(paragraphs),
                    synthetic=True,
                )
            )
        sources = Source.objects.bulk_create(sources)
        paragraphs_of = {source.pk: source.text.split("\n\n") for source in sources}
        report.sources = len(sources)
        say(
            f"{len(actors)} actors, {len(themes)} themes, {len(sectors)} sectors, "
            f"{len(sources)} sources"
        )

        plans = _plans(rng, run, actors, statements // STATEMENTS_PER_PLAN + 1)
        report.plans = len(plans)
        statistics = Source.objects.create(
            slug=f"{run}statistics",
            title="Synthetic statistics office release",
            publisher="Synthetic demo data (not a real publisher)",
            kind=Source.Kind.STATISTICAL_RELEASE,
            tier=Source.Tier.PRIMARY,
            language="en",
            synthetic=True,
        )
        series = series_generate(
            rng, run=run, plans=plans, sectors=sectors, themes=themes, statistics=statistics
        )
        report.indicators, report.targets, report.observations = series
        say(
            f"{report.plans} plans, {report.indicators} indicators, {report.targets} targets, "
            f"{report.observations} observations"
        )

        through = {
            "themes": Statement.themes.through,
            "sectors": Statement.sectors.through,
            "plans": Statement.plans.through,
        }
        plans_by_jurisdiction: dict[str, list[Plan]] = {}
        for plan in plans:
            plans_by_jurisdiction.setdefault(plan.issuer.jurisdiction, []).append(plan)

        new_ids: list[int] = []
        for start in range(0, statements, BATCH):
            batch = []
            for number in range(start + 1, min(start + BATCH, statements) + 1):
                source = sources[(number - 1) // STATEMENTS_PER_SOURCE]
                paragraph = rng.randrange(PARAGRAPHS_PER_SOURCE)
                words = paragraphs_of[source.pk][paragraph].split()
                cut = rng.randrange(0, len(words) - 8)
                published = FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
                batch.append(
                    Statement(
                        slug=f"{run}statement-{number}",
                        actor=rng.choice(actors),
                        kind=rng.choice(Statement.Kind.values),
                        headline=f"Synthetic statement {number}: {' '.join(words[cut : cut + 6])}",
                        excerpt=" ".join(words[cut : cut + 8]),
                        text_en="Synthetic English rendering.",
                        source=source,
                        paragraph=paragraph + 1,
                        published_on=published,
                        delivered_on=published - datetime.timedelta(days=rng.randrange(30))
                        if rng.random() < 0.3
                        else None,
                        status=PublicationStatus.DRAFT
                        if rng.random() < 0.05
                        else PublicationStatus.PUBLISHED,
                        synthetic=True,
                    )
                )
            created = Statement.objects.bulk_create(batch)
            links: dict[str, list[models.Model]] = {"themes": [], "sectors": [], "plans": []}
            for statement in created:
                for theme in set(rng.choices(themes, theme_weights, k=rng.randint(1, 3))):
                    links["themes"].append(
                        through["themes"](statement_id=statement.pk, theme_id=theme.pk)
                    )
                for sector in set(rng.choices(sectors, sector_weights, k=rng.randint(1, 3))):
                    links["sectors"].append(
                        through["sectors"](statement_id=statement.pk, sector_id=sector.pk)
                    )
                candidates = plans_by_jurisdiction.get(statement.actor.jurisdiction)
                if candidates and rng.random() < 0.4:
                    links["plans"].append(
                        through["plans"](
                            statement_id=statement.pk, plan_id=rng.choice(candidates).pk
                        )
                    )
            for name, rows in links.items():
                through[name]._default_manager.bulk_create(rows, batch_size=BATCH)
                report.links += len(rows)
            report.statements += len(created)
            new_ids.extend(statement.pk for statement in created)
            say(f"{report.statements} statements")
        # bulk_create sends no signals: count the new statements, write their search terms
        # and empty the caches here.
        rollups.rebuild()
        say("rollups rebuilt")
    # The search terms are derived from what has just committed, and are written after it,
    # a transaction per batch, so that a long run keeps its records whatever happens to the
    # terms, and SQLite's write-ahead log stays small. (They slowed to a hundred a second
    # past 250,000 statements on SQLite while written a row per statement and in no order:
    # see search.index._write.) A run stopped here leaves terms missing, which
    # `rebuild_search --check` reports and `rebuild_search` writes.
    for start in range(0, len(new_ids), SEARCH_BATCH):
        with transaction.atomic():
            search.refresh(new_ids[start : start + SEARCH_BATCH])
    say("search terms written")
    data_changed()
    return report


def _sector_tree(run: str) -> list[Sector]:
    sectors = []
    for root_number in range(1, 9):
        root = Sector(
            slug=f"{run}sector-{root_number}",
            name=f"Synthetic sector {root_number}",
            synthetic=True,
        )
        root.path = root.computed_path()
        sectors.append(root)
    Sector.objects.bulk_create(sectors)
    children = []
    for root in list(sectors):
        for child_number in range(1, 8):
            child = Sector(
                slug=f"{root.slug}-{child_number}",
                name=f"{root.name}.{child_number}",
                parent=root,
                synthetic=True,
            )
            child.path = child.computed_path()
            children.append(child)
    Sector.objects.bulk_create(children)
    return sectors + children


def _plans(rng: random.Random, run: str, actors: list[Actor], count: int) -> list[Plan]:
    plans = []
    for n in range(1, count + 1):
        start = rng.randint(2011, 2024)
        published = datetime.date(start, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        plans.append(
            Plan(
                slug=f"{run}plan-{n}",
                title=f"Synthetic plan {n}",
                title_en=f"Synthetic plan {n}",
                language="en",
                kind=rng.choice(Plan.Kind.values),
                issuer=rng.choice([a for a in actors if a.kind != Actor.Kind.PERSON]),
                signed_on=published - datetime.timedelta(days=rng.randrange(60)),
                published_on=published,
                start_year=start,
                # Some one-year plans (a work report's), judged on their year's result.
                end_year=start + rng.choice([0, 1, 3, 5]),
                status=PublicationStatus.PUBLISHED,
                synthetic=True,
            )
        )
    return Plan.objects.bulk_create(plans, batch_size=BATCH)
