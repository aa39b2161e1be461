"""The seeds against seeds/FACTS.md, read from its own tables: every confirmed figure is
seeded, verified, with the same value; no unverified one counts; every Government Work Report
target is as written; and on a fixed day the statuses are the ones FACTS.md states.

The tables are parsed, not copied here, so a fact corrected in FACTS.md without its seed (or
the other way round) fails a test that names the row.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from functools import cache
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from policies import selectors, units
from policies.models import Indicator, Observation, Target
from policies.progress import Status
from tests.data_io.test_seeds import database_snapshot

FACTS = settings.BASE_DIR / "seeds" / "FACTS.md"
# The day the statuses are asked on: every plan's deadline has passed, and FACTS.md says no
# official 2025 figure for the core-industries share was out by 2026-12-01.
TODAY = datetime.date(2026, 12, 6)

OTHER_INDICATORS = "Progress on the plan's other indicators (observations)"
HEADLINE = "Progress on the headline indicator (core digital-economy industries, % of GDP)"
WORK_REPORTS = "The State Council's annual targets and results: Government Work Reports 2021–2025"

# The work-report table's rows: the indicator, and the sense the tracker reads into it.
REPORT_ROWS = {
    "GDP growth, %": ("gdp-growth", "higher"),
    "new urban jobs, 万人": ("new-urban-jobs", "higher"),
    "surveyed urban unemployment, %": ("urban-unemployment", "lower"),
    "CPI increase, %": ("cpi", "lower"),
    "grain output, 万亿斤": ("grain-output", "higher"),
}
# "Where the 2025 targets stand": its names for the digital-economy plan's targets.
STANDING_NAMES = {
    "IPv6 active users": "ipv6-active-users",
    "gigabit broadband users": "gigabit-broadband-users",
    "national online retail sales": "online-retail-sales",
    "core-industries share": "core-industries-share-of-gdp",
    "software revenue": "software-it-services-revenue",
    "industrial internet penetration": "industrial-internet-penetration",
    "e-commerce volume": "e-commerce-transactions",
}
STANDING_WORDS = {
    "achieved": Status.ACHIEVED,
    "missed": Status.MISSED,
    "unknown": Status.AWAITING_RESULT,  # the deadline passed without a confirmed result
}
# The bad cases, each a target and the status it must come out with.
BAD_CASES = {
    ("government-work-report-2022", "gdp-growth"): Status.MISSED,  # about 5.5 against 3
    ("government-work-report-2024", "gdp-growth"): Status.ACHIEVED,  # about 5 against 5.0
    ("14th-fyp-digital-economy", "ipv6-active-users"): Status.ACHIEVED,  # 8.34 in 2025-06
    ("14th-fyp-digital-economy", "online-retail-sales"): Status.MISSED,  # 15.97 against 17
    ("14th-fyp-digital-economy", "core-industries-share-of-gdp"): Status.AWAITING_RESULT,
    ("14th-fyp-digital-economy", "gigabit-broadband-users"): Status.ACHIEVED,  # 20,700 in 2024
}
QUALIFIER_WORDS = {"≥": "at_least", "≤": "at_most", "about": "about", "over": "at_least"}


@cache
def facts() -> str:
    return FACTS.read_text(encoding="utf-8")


@cache
def flowing() -> str:
    """FACTS.md with its line breaks and runs of spaces as single spaces, for its prose."""
    return " ".join(facts().split())


@cache
def table(heading: str) -> tuple[dict[str, str], ...]:
    """The first Markdown table under ``## heading``, one dict per row keyed by its header."""
    lines = facts()[facts().index(f"## {heading}\n") :].splitlines()[1:]
    rows = []
    for line in lines:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    header, _rule, *body = rows
    assert body, f"no table under {heading!r}"
    return tuple(dict(zip(header, row, strict=True)) for row in body)


def prose(pattern: str) -> re.Match[str]:
    found = re.search(pattern, flowing())
    assert found, f"FACTS.md no longer says {pattern!r}"
    return found


def written(cell: str) -> tuple[str, Decimal]:
    """A figure as FACTS.md writes it ("≥ 6", "about 5.5", "over 1.4 (首次跃上)"): its
    qualifier and value."""
    match = re.match(r"(≥|≤|about|over)?\s*(\d+(?:\.\d+)?)", cell.strip('"'))
    assert match, cell
    return QUALIFIER_WORDS.get(match.group(1) or "", "exact"), Decimal(match.group(2))


def target_paragraphs() -> dict[int, int]:
    listed = prose(r"targets ((?:\d{4}: \d+, )+\d{4}: \d+)\.").group(1)
    return {int(year): int(n) for year, n in re.findall(r"(\d{4}): (\d+)", listed)}


def result_paragraphs() -> dict[int, tuple[int, int]]:
    """Result year: (paragraph of the report after it, paragraph of its grain output)."""
    found = re.findall(
        r"(?:Results for|For) (\d{4}): (\d{4}) report, paragraph (\d+) "
        r"\((?:grain: paragraph (\d+)|grain there too)",
        flowing(),
    )
    assert [int(year) for year, *_rest in found] == [2021, 2022, 2023, 2024], found
    return {int(year): (int(n), int(grain or n)) for year, _report, n, grain in found}


def report_cells(kind: str) -> list[tuple[str, int, str]]:
    """(table row, year, cell) for every target or result cell of the work-report table."""
    return [
        (row["indicator"], int(column[:4]), cell)
        for row in table(WORK_REPORTS)
        for column, cell in row.items()
        if column.endswith(kind)
    ]


def statuses() -> dict[tuple[str, str], selectors.TargetRow]:
    rows = selectors.target_rows(
        targets=selectors.target_list(targets=Target.objects.all()), today=TODAY
    )
    return {(row.target.plan.slug, row.target.slug): row for row in rows}


def confirmed(row: dict[str, str]) -> bool:
    return row["status"].startswith("confirmed")


class TestPlanIndicators:
    """FACTS.md's table of the digital-economy plan's other indicators."""

    @pytest.mark.parametrize(
        "row",
        [r for r in table(OTHER_INDICATORS) if confirmed(r)],
        ids=lambda r: f"{r['indicator']} {r['year']}",
    )
    def test_confirmed_figure_is_seeded_and_verified(self, seeded, row):
        indicator = Indicator.objects.get(name_en__iexact=row["indicator"])
        cited = row["source (publisher, document, date)"]
        # Where FACTS.md gives the release's own figure ("(9.4994)"), that is the value.
        precise = re.search(r"\((\d+\.\d+)\)", cited)
        value = Decimal(precise.group(1) if precise else row["value"])
        assert round(value, -Decimal(row["value"]).as_tuple().exponent) == Decimal(row["value"])
        seeded_figures = Observation.objects.counted().filter(
            indicator=indicator, period=row["year"], value=value, qualifier="exact"
        )
        assert seeded_figures.exists(), f"{row['year']}: {value} not seeded as verified"
        # Published on a date FACTS.md gives, or on none where it gives only a month.
        dates = set(re.findall(r"\d{4}-\d{2}-\d{2}", cited))
        for figure in seeded_figures:
            assert figure.source is not None
            if dates:
                assert str(figure.published_on) in dates
            else:
                assert figure.published_on is None

    @pytest.mark.parametrize(
        "row",
        [r for r in table(OTHER_INDICATORS) if not confirmed(r)],
        ids=lambda r: f"{r['indicator']} {r['year']}",
    )
    def test_unverified_figure_is_absent_or_unverified(self, seeded, row):
        assert row["status"] == "unverified"
        same = Observation.objects.filter(
            indicator__name_en__iexact=row["indicator"],
            period=row["year"],
            value=Decimal(row["value"]),
        )
        assert not same.filter(verified=True).exists()
        for figure in same:
            assert figure.note.startswith("Unverified:"), figure

    def test_the_other_methods_ipv6_figure_is_not_mixed_in(self, seeded):
        prose(r"another method gives 7\.18: do not mix")
        assert not Observation.objects.filter(value=Decimal("7.18")).exists()


class TestHeadlineIndicator:
    """FACTS.md's table of the core-industries share, year by year."""

    @pytest.mark.parametrize("row", table(HEADLINE), ids=lambda r: f"{r['year']} {r['value']}")
    def test_each_row(self, seeded, row):
        counted = Observation.objects.counted().filter(
            indicator__slug="core-digital-share", period=row["year"]
        )
        if row["value"] == "—":  # no official figure, or none published yet
            assert not counted.exists()
            return
        qualifier, value = written(row["value"])
        matching = counted.filter(value=value, qualifier=qualifier)
        if confirmed(row):
            assert matching.exists()
            paragraph = re.search(r"paragraph (\d+)", row["source"])
            if paragraph:
                assert matching.filter(locator=f"paragraph {paragraph.group(1)}").exists()
        else:  # unverified, or conflicting with the confirmed figure for the year
            assert row["status"] in {"unverified", "conflicting"}
            assert not matching.exists()

    def test_no_other_measure_of_the_digital_economy_is_recorded_as_the_share(self, seeded):
        # CAICT's 39.8 % for 2021 measures the whole "digital economy".
        prose(r"CAICT's 39\.8 % measures the whole \"digital economy\"")
        assert not Observation.objects.filter(
            indicator__slug="core-digital-share", year__in=[2021, 2022]
        ).exists()


class TestWorkReports:
    """The Government Work Reports' table of targets and results, and the prose beside it."""

    @pytest.mark.parametrize("cell", report_cells(" target"), ids=lambda c: f"{c[0]} {c[1]}")
    def test_target_as_written(self, seeded, cell):
        label, year, text = cell
        slug, sense = REPORT_ROWS[label]
        qualifier, value = written(text)
        target = Target.objects.get(
            plan__slug=f"government-work-report-{year}", indicator__slug=slug
        )
        assert (target.value, target.qualifier, target.sense) == (value, qualifier, sense)
        assert (target.target_year, target.plan.start_year, target.plan.end_year) == (year,) * 3
        assert target.annual
        assert target.source.slug == f"state-council-government-work-report-{year}"
        assert target.locator == f"paragraph {target_paragraphs()[year]}"
        assert (target.baseline_value, target.excerpt) == (None, "")
        if sense == "lower" and qualifier == "about":
            # Reading "about" as a ceiling is the tracker's judgment, and says so.
            assert "tracker's own judgment" in target.notes

    def test_energy_intensity_targets_and_nothing_else(self, seeded):
        found = prose(
            r"The (\d{4}) and (\d{4}) reports also set an energy-intensity cut of about "
            r"(\d+(?:\.\d+)?) % \((\d{4}): about (\d+(?:\.\d+)?) %\)"
        )
        first, second, value, third, other = found.groups()
        energy = {int(first): value, int(second): value, int(third): other}
        for year in range(2021, 2026):
            targets = Target.objects.filter(plan__slug=f"government-work-report-{year}")
            listed = {
                REPORT_ROWS[label][0] for label, y, _cell in report_cells(" target") if y == year
            }
            if year in energy:
                listed.add("energy-intensity-cut")
                cut = targets.get(indicator__slug="energy-intensity-cut")
                assert (cut.value, cut.qualifier, cut.sense) == (
                    Decimal(energy[year]),
                    "about",
                    "higher",
                )
            # Every target of the report is one FACTS.md lists, and every one is there.
            assert set(targets.values_list("indicator__slug", flat=True)) == listed

    @pytest.mark.parametrize("cell", report_cells(" result"), ids=lambda c: f"{c[0]} {c[1]}")
    def test_result_from_the_next_report(self, seeded, cell):
        label, year, text = cell
        slug, _sense = REPORT_ROWS[label]
        qualifier, value = written(text)
        result = Observation.objects.counted().get(
            indicator__slug=slug,
            period=str(year),
            source__slug=f"state-council-government-work-report-{year + 1}",
        )
        assert (result.value, result.qualifier) == (value, qualifier)
        assert result.published_on == datetime.date(year + 1, 3, 5)
        paragraph, grain = result_paragraphs()[year]
        assert result.locator == f"paragraph {grain if slug == 'grain-output' else paragraph}"
        if "(average)" in text:
            assert "year's average" in result.note
        if "(year end)" in text:
            assert "year-end" in result.note

    def test_2020_results_from_the_2021_report(self, seeded):
        found = prose(
            r"Results for 2020 \((\d+(?:\.\d+)?) % GDP growth, (\d+) 万 jobs, (\d+(?:\.\d+)?) % "
            r"year-end unemployment, CPI (\d+(?:\.\d+)?) %\): 2021 report, paragraphs (\d+)–(\d+)"
        )
        *values, first, last = found.groups()
        slugs = ["gdp-growth", "new-urban-jobs", "urban-unemployment", "cpi"]
        for slug, value in zip(slugs, values, strict=True):
            result = Observation.objects.counted().get(
                indicator__slug=slug,
                period="2020",
                source__slug="state-council-government-work-report-2021",
            )
            assert result.value == Decimal(value)
            assert result.locator in {f"paragraph {first}", f"paragraph {last}"}
        unemployment = Observation.objects.get(indicator__slug="urban-unemployment", period="2020")
        assert "year-end" in unemployment.note

    def test_every_report_links_its_wikisource_page(self, seeded):
        prose(r"https://zh\.wikisource\.org/wiki/YYYY年中华人民共和国国务院政府工作报告")
        for year in range(2021, 2026):
            target = Target.objects.filter(plan__slug=f"government-work-report-{year}").first()
            assert target.source.url.startswith("https://zh.wikisource.org/wiki/")
            assert target.source.plans.get() == target.plan


class TestStatuses:
    """The statuses the seeds give on ``TODAY``, against what FACTS.md and the issue say."""

    @pytest.mark.parametrize(("key", "status"), BAD_CASES.items(), ids=lambda v: str(v))
    def test_the_bad_cases_come_out_right(self, seeded, key, status):
        assert statuses()[key].progress.status == status

    def test_where_the_2025_targets_stand(self, seeded):
        opening = "Where the 2025 targets stand on confirmed figures only:"
        start = prose(re.escape(opening)).end()
        paragraph = flowing()[start : flowing().index(" A month-dated figure", start)]
        expected = {}
        for part in paragraph.split(";"):
            names, word = re.match(r"\s*(.*?) \*\*(\w+)\*\*", part).groups()
            for name in re.split(r", | and ", names):
                expected[STANDING_NAMES[name]] = STANDING_WORDS[word]
        assert len(expected) == 7  # every target of the digital-economy plan
        found = statuses()
        for slug, status in expected.items():
            assert found[("14th-fyp-digital-economy", slug)].progress.status == status, slug

    def test_the_figures_the_statuses_rest_on(self, seeded):
        found = statuses()
        ipv6 = found[("14th-fyp-digital-economy", "ipv6-active-users")].progress
        assert (ipv6.as_of, ipv6.latest_value) == ("2025-06", Decimal("8.34"))
        retail = found[("14th-fyp-digital-economy", "online-retail-sales")].progress
        assert retail.as_of == "2025"
        assert round(retail.latest_value, 2) == Decimal("15.97")
        # Awaiting a result, the last verified figure is shown: "about 10" for 2024.
        core = found[("14th-fyp-digital-economy", "core-industries-share-of-gdp")].progress
        assert (core.as_of, core.latest_value, core.figure.qualifier) == ("2024", 10, "about")

    def test_a_report_target_with_an_exact_result_and_a_bound_is_settled(self, seeded):
        # "≥ 1100" against 1269, "≤ 5.5" against 5.5: decided without any tolerance.
        results = {(label, year): text for label, year, text in report_cells(" result")}
        found = statuses()
        checked = 0
        for label, year, text in report_cells(" target"):
            qualifier, value = written(text)
            result = results.get((label, year))
            if result is None or qualifier not in {"at_least", "at_most"}:
                continue
            result_qualifier, result_value = written(result)
            met = result_value >= value if qualifier == "at_least" else result_value <= value
            assert result_qualifier in {"exact", qualifier}
            slug = REPORT_ROWS[label][0]
            status = found[(f"government-work-report-{year}", slug)].progress.status
            assert status == (Status.ACHIEVED if met else Status.MISSED), (label, year)
            checked += 1
        assert checked == 9  # the bounded targets of 2021–2024 that have a result

    def test_no_result_in_facts_means_awaiting_it(self, seeded):
        # No 2025 result and no energy-intensity result is in FACTS.md.
        for (plan, slug), row in statuses().items():
            if plan == "government-work-report-2025" or slug == "energy-intensity-cut":
                assert row.progress.status == Status.AWAITING_RESULT, (plan, slug)


class TestNothingBeyondFacts:
    def test_every_seeded_figure_is_written_in_facts(self, seeded):
        # "A seed record whose figure is not in FACTS.md is not a seed."
        text = re.sub(r"(\d),(\d{3})", r"\1\2", facts())
        values = [o.value for o in Observation.objects.all()]
        for target in Target.objects.all():
            values += [target.value, target.baseline_value]
        for value in {v for v in values if v is not None}:
            number = units.plain(value)
            assert re.search(rf"(?<![\d.]){re.escape(number)}(?!\d)", text), number


class TestLoadedSeeds:
    def test_check_on_the_seeded_database_finds_nothing_to_change(self, seeded):
        out = StringIO()
        call_command("load_seeds", "--check", stdout=out)
        assert "Seeds are valid and the database already matches them." in out.getvalue()

    def test_a_second_load_changes_nothing(self, seeded):
        before = database_snapshot()
        out = StringIO()
        call_command("load_seeds", "-v", "2", stdout=out)
        assert database_snapshot() == before
        assert "Nothing to change: the database already matches the seeds." in out.getvalue()
        assert " created" not in out.getvalue()
        assert " updated" not in out.getvalue()
