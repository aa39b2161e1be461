"""Migrations 0009–0011 on a database holding the seeds as they were before indicators: the
targets' text indicators become Indicator records, and their figures move across, losing
nothing.

Each test empties the app's tables, migrates back to 0008, writes the records as the old
schema held them (through that schema's own models, as a data migration would), migrates
forward to the latest, and reads the result through today's models. The migrations commit
for real, so these are transactional tests: the flush after each one, and
``tests/conftest.py``'s ``pytest_runtest_setup``, give the next test the seeds back. Only the
ORM and the migration executor are used, so they run on SQLite and PostgreSQL alike.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from policies.models import Indicator, Observation, Target

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("policies", "0008_citations_and_links")]
PLAN = "14th-fyp-digital-economy"
NOW = timezone.make_aware(datetime.datetime(2022, 1, 12, 9, 0))

# The seeded targets before indicators (seeds/records/targets.yaml at e38ef97^): slug,
# indicator, English indicator, unit, English unit, baseline, target, and the indicator
# they should become (slug, unit code, kind).
SEEDED_TARGETS = [
    (
        "core-industries-share-of-gdp",
        "数字经济核心产业增加值占GDP比重",
        "Value added of core digital-economy industries, share of GDP",
        "%",
        "% of GDP",
        "7.8",
        "10",
        ("core-digital-share", "percent", "share"),
    ),
    (
        "ipv6-active-users",
        "IPv6活跃用户数",
        "IPv6 active users",
        "亿户",
        "100 million users",
        "4.6",
        "8",
        ("ipv6-active-users", "yi-users", "level"),
    ),
    (
        "gigabit-broadband-users",
        "千兆宽带用户数",
        "Gigabit broadband users",
        "万户",
        "10,000 households",
        "640",
        "6000",
        ("gigabit-users", "wan-households", "level"),
    ),
    (
        "software-it-services-revenue",
        "软件和信息技术服务业规模",
        "Software and IT services revenue",
        "万亿元",
        "trillion yuan",
        "8.16",
        "14",
        ("software-revenue", "wan-yi-yuan", "level"),
    ),
    (
        "industrial-internet-penetration",
        "工业互联网平台应用普及率",
        "Industrial internet platform penetration",
        "%",
        "%",
        "14.7",
        "45",
        ("industrial-internet-penetration", "percent", "share"),
    ),
    (
        "online-retail-sales",
        "全国网上零售额",
        "National online retail sales",
        "万亿元",
        "trillion yuan",
        "11.76",
        "17",
        ("online-retail-sales", "wan-yi-yuan", "level"),
    ),
    (
        "e-commerce-transactions",
        "电子商务交易规模",
        "E-commerce transaction volume",
        "万亿元",
        "trillion yuan",
        "37.21",
        "46",
        ("ecommerce-volume", "wan-yi-yuan", "level"),
    ),
]

# The seeded figures, all of the headline target: (year, value, source, verified, note).
SEEDED_FIGURES = [
    (2020, "7.8", "state-council-2021-29-digital-economy-plan", True, ""),
    (2023, "9.9", "nbs-economic-census-5-digital-core-industries-2023", True, "Census basis."),
    (2024, "10.4", None, False, "Unverified: attributed in secondary reports."),
]


def migrate(targets: list[tuple[str, str]] | None) -> MigrationExecutor:
    """Migrate to ``targets`` (None: the latest of every app); the executor, reloaded."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)


def empty_tables() -> None:
    """Every table of the app, as the applied migrations shape it, emptied (in one
    transaction: both databases check foreign keys at its end, so any order works)."""
    loader = MigrationExecutor(connection).loader
    apps = loader.project_state(list(loader.applied_migrations)).apps
    models = apps.get_app_config("policies").get_models(include_auto_created=True)
    with transaction.atomic():
        for model in models:
            # A plain DELETE: no signals, no history, whichever schema the tables have.
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (the app's own tables)


@pytest.fixture
def old_apps():
    """The models of migration 0008, on empty tables; the latest schema again afterwards,
    whatever the test left."""
    empty_tables()
    executor = migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    empty_tables()
    migrate(None)


def history(apps, record, **extra):
    """A history row for ``record``, as django-simple-history wrote them then."""
    name = type(record)._meta.object_name
    model = apps.get_model("policies", f"Historical{name}")
    values = {field.attname: getattr(record, field.attname) for field in record._meta.fields}
    return model.objects.create(
        **values,
        history_date=NOW,
        history_type="+",
        history_change_reason="load_seeds",
        **extra,
    )


def seed_before_indicators(apps):
    """The seeds as they were before this change: the plan, its 7 targets, the headline
    target's 3 figures (one unverified, without a source), and their history."""
    Source = apps.get_model("policies", "Source")
    Actor = apps.get_model("policies", "Actor")
    Sector = apps.get_model("policies", "Sector")
    Theme = apps.get_model("policies", "Theme")
    Plan = apps.get_model("policies", "Plan")
    Target = apps.get_model("policies", "Target")
    Observation = apps.get_model("policies", "Observation")
    sources = {
        slug: Source.objects.create(
            slug=slug,
            title=slug,
            publisher="State Council",
            kind="official_document",
            tier="primary",
            language="zh",
        )
        for slug in (
            "state-council-2021-29-digital-economy-plan",
            "nbs-economic-census-5-digital-core-industries-2023",
        )
    }
    issuer = Actor.objects.create(
        slug="state-council", name="State Council", kind="government_body", jurisdiction="CN"
    )
    sector = Sector.objects.create(
        slug="digital-economy", name="Digital economy", path="digital-economy/"
    )
    theme = Theme.objects.create(slug="industrial-competitiveness", name="Competitiveness")
    plan = Plan.objects.create(
        slug=PLAN,
        title="“十四五”数字经济发展规划",
        title_en="14th FYP for the Digital Economy",
        kind="five_year_plan",
        issuer=issuer,
        start_year=2021,
        end_year=2025,
        status="published",
        source=sources["state-council-2021-29-digital-economy-plan"],
    )
    targets = {}
    for slug, name, name_en, unit, unit_en, baseline, goal, _new in SEEDED_TARGETS:
        target = Target.objects.create(
            plan=plan,
            slug=slug,
            indicator=name,
            indicator_en=name_en,
            unit=unit,
            unit_en=unit_en,
            baseline_value=Decimal(baseline),
            baseline_year=2020,
            target_value=Decimal(goal),
            target_year=2025,
            direction="increase",
            kind="unknown",
            source=sources["state-council-2021-29-digital-economy-plan"],
            locator="Main indicators table",
            sector=sector if slug == "core-industries-share-of-gdp" else None,
            theme=theme if slug == "core-industries-share-of-gdp" else None,
        )
        history(apps, target)
        targets[slug] = target
    for year, value, source, verified, note in SEEDED_FIGURES:
        figure = Observation.objects.create(
            target=targets["core-industries-share-of-gdp"],
            year=year,
            value=Decimal(value),
            source=sources.get(source),
            verified=verified,
            note=note,
            released_on=datetime.date(year + 1, 3, 1),
        )
        history(apps, figure)
    return plan, sources


def test_the_seeds_move_to_indicators_without_loss(old_apps):
    seed_before_indicators(old_apps)
    HistoricalTarget = old_apps.get_model("policies", "HistoricalTarget")
    # A target deleted since, whose history remains: its unit text becomes a code too.
    deleted = HistoricalTarget.objects.get(slug="gigabit-broadband-users")
    deleted.pk = None
    deleted.id, deleted.slug, deleted.history_type = 9999, "gone", "-"
    deleted.save()

    migrate(None)

    assert Indicator.objects.count() == 7
    for slug, name, name_en, _unit, _unit_en, baseline, goal, new in SEEDED_TARGETS:
        indicator_slug, code, kind = new
        target = Target.objects.select_related("indicator").get(plan__slug=PLAN, slug=slug)
        indicator = target.indicator
        assert (indicator.slug, indicator.unit, indicator.kind) == (indicator_slug, code, kind)
        assert (indicator.name, indicator.name_en) == (name, name_en)
        assert (target.value, target.unit, target.target_value) == (
            Decimal(goal),
            code,
            Decimal(goal),  # the unit as written is the indicator's
        )
        assert (target.baseline_value, target.baseline_year) == (Decimal(baseline), 2020)
        assert (target.sense, target.qualifier, target.target_year) == ("higher", "exact", 2025)
        assert target.locator == "Main indicators table"
    core = Indicator.objects.get(slug="core-digital-share")
    assert (core.sector.slug, core.theme.slug) == ("digital-economy", "industrial-competitiveness")

    figures = list(Observation.objects.order_by("year").select_related("indicator", "source"))
    moved = [
        (
            f.indicator.slug,
            f.period,
            f.year,
            f.month,
            f.value,
            f.unit,
            f.indicator_value,
            f.verified,
            f.source.slug if f.source else None,
            f.note,
            f.published_on,
        )
        for f in figures
    ]
    assert moved == [
        (
            "core-digital-share",
            str(year),
            year,
            None,
            Decimal(value),
            "",
            Decimal(value),
            verified,
            source,
            note,
            datetime.date(year + 1, 3, 1),
        )
        for year, value, source, verified, note in SEEDED_FIGURES
    ]
    assert [f.pk for f in Observation.objects.counted().filter(indicator=core)] == [
        f.pk for f in figures if f.verified
    ]

    # The history rows hold the new fields: every indicator's creation, each target's
    # indicator, value, unit code and sense, each figure's indicator and period.
    assert set(Indicator.history.values_list("slug", flat=True)) == {
        new[0] for *_rest, new in SEEDED_TARGETS
    }
    for row in Target.history.exclude(history_type="-"):
        target = Target.objects.get(pk=row.id)
        assert (row.indicator_id, row.value, row.unit, row.sense) == (
            target.indicator_id,
            target.value,
            target.unit,
            "higher",
        )
    gone = Target.history.get(id=9999)
    assert (gone.indicator_id, gone.unit, gone.value) == (None, "wan-households", Decimal("6000"))
    rows = Observation.history.order_by("year")
    assert [(row.indicator_id, row.period, row.unit) for row in rows] == [
        (core.pk, str(year), "") for year, *_rest in SEEDED_FIGURES
    ]


def test_the_same_indicator_in_two_plans_becomes_one_series(old_apps):
    plan, sources = seed_before_indicators(old_apps)
    Plan = old_apps.get_model("policies", "Plan")
    Target = old_apps.get_model("policies", "Target")
    Observation = old_apps.get_model("policies", "Observation")
    dual_gigabit = Plan.objects.create(
        slug="dual-gigabit",
        title="双千兆",
        title_en="Dual gigabit",
        kind="action_plan",
        issuer=plan.issuer,
        start_year=2021,
        end_year=2023,
        status="published",
    )
    source = sources["state-council-2021-29-digital-economy-plan"]
    old_gigabit = Target.objects.get(plan=plan, slug="gigabit-broadband-users")
    same = Target.objects.create(
        plan=dual_gigabit,
        slug="gigabit-users",
        indicator="千兆宽带用户数",
        indicator_en="Gigabit broadband users",
        unit="万户",
        unit_en="10,000 households",
        target_value=Decimal("3000"),
        target_year=2023,
    )
    # The same figure recorded under both targets: one row says it after the move.
    for target in (old_gigabit, same):
        Observation.objects.create(
            target=target, year=2022, value=Decimal("9175"), source=source, verified=True
        )
    # The same wording, but figures that disagree for one year and source: kept apart.
    ipv6 = Target.objects.get(plan=plan, slug="ipv6-active-users")
    other_ipv6 = Target.objects.create(
        plan=dual_gigabit,
        slug="ipv6",
        indicator=ipv6.indicator,
        indicator_en=ipv6.indicator_en,
        unit=ipv6.unit,
        unit_en=ipv6.unit_en,
        target_value=Decimal("7"),
        target_year=2023,
    )
    for target, value in ((ipv6, "7.13"), (other_ipv6, "7.2")):
        Observation.objects.create(
            target=target, year=2022, value=Decimal(value), source=source, verified=True
        )

    # The same value, but one row says more (a note): both kept, apart, with the note.
    software = Target.objects.get(plan=plan, slug="software-it-services-revenue")
    other_software = Target.objects.create(
        plan=dual_gigabit,
        slug="software",
        indicator=software.indicator,
        indicator_en=software.indicator_en,
        unit=software.unit,
        unit_en=software.unit_en,
        target_value=Decimal("12"),
        target_year=2023,
    )
    for target, note in ((software, ""), (other_software, "Table 2 of the bulletin.")):
        Observation.objects.create(
            target=target,
            year=2022,
            value=Decimal("10.81"),
            source=source,
            verified=True,
            note=note,
        )

    migrate(None)

    split = Indicator.objects.filter(name_en="Software and IT services revenue")
    assert {
        indicator.targets.get().plan.slug: list(
            indicator.observations.values_list("note", flat=True)
        )
        for indicator in split
    } == {PLAN: [""], "dual-gigabit": ["Table 2 of the bulletin."]}
    gigabit = Indicator.objects.get(slug="gigabit-users")
    assert set(gigabit.targets.values_list("plan__slug", "slug")) == {
        (PLAN, "gigabit-broadband-users"),
        ("dual-gigabit", "gigabit-users"),
    }
    assert list(gigabit.observations.values_list("period", "value")) == [("2022", Decimal("9175"))]
    apart = Indicator.objects.filter(name_en="IPv6 active users").order_by("slug")
    assert [(i.slug, list(i.observations.values_list("value", flat=True))) for i in apart] == [
        ("ipv6-active-users-14th-fyp-digital-economy", [Decimal("7.13")]),
        ("ipv6-active-users-dual-gigabit", [Decimal("7.2")]),
    ]
    assert Indicator.objects.count() == 9
    assert Observation.objects.count() == len(SEEDED_FIGURES) + 5


def test_an_unknown_unit_stops_the_migration_and_names_the_target(old_apps):
    plan, _sources = seed_before_indicators(old_apps)
    Target = old_apps.get_model("policies", "Target")
    Target.objects.create(
        plan=plan,
        slug="farmland",
        indicator="高标准农田",
        indicator_en="High-standard farmland",
        unit="亩",
        unit_en="mu",
        target_value=Decimal("10"),
        target_year=2025,
    )
    with pytest.raises(RuntimeError) as stopped:
        migrate(None)
    message = str(stopped.value)
    assert f"Target {PLAN}/farmland has the unit '亩' ('mu')" in message
    assert "policies/units.py does not know" in message
    # Stopped before moving anything: the targets still hold their text indicators.
    loader = MigrationExecutor(connection).loader
    assert ("policies", "0010_indicators_filled") not in loader.applied_migrations
    assert old_apps.get_model("policies", "Target").objects.filter(slug="farmland").exists()
