"""The pages that answer "did they do it?": the indicators, the plans' scorecards, and values
in units a person reads. Built on records of their own (tests/factories.py), so that they
hold whatever the seeds say; the seeded cases are checked in tests/web/test_pages.py."""

import datetime
import html
import json
import re
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from policies import scorecards
from policies.models import Actor, PublicationStatus, Target
from policies.progress import Status
from tests.factories import (
    ActorFactory,
    IndicatorFactory,
    ObservationFactory,
    PlanFactory,
    SectorFactory,
    SourceFactory,
    StatementFactory,
    TargetFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page as a reader reads it: tags dropped, entities decoded, spaces collapsed."""
    page = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def report(year: int, **kwargs):
    """A Government Work Report: a one-year plan, delivered on 5 March."""
    return PlanFactory(
        slug=f"test-gwr-{year}",
        title_en=f"Test Work Report {year}",
        kind="work_report",
        start_year=year,
        end_year=year,
        signed_on=None,
        published_on=datetime.date(year, 3, 5),
        **kwargs,
    )


@pytest.fixture
def gdp(empty_db):
    """GDP growth as the reports give it: about 5.5 % set for 2022 against 3 % achieved
    (missed), about 5 % for 2024 against 5 % (achieved), about 5 % for 2025 with only an
    unverified figure since (awaiting its result)."""
    sources = {
        year: SourceFactory(
            title=f"Work Report {year}",
            kind="official_document",
            tier="primary",
            published_on=datetime.date(year, 3, 5),
        )
        for year in (2023, 2025)
    }
    indicator = IndicatorFactory(
        slug="gdp-growth",
        name="国内生产总值增长",
        name_en="GDP growth",
        unit="percent",
        kind="rate",
        sector=SectorFactory(name="Whole economy"),
        theme=ThemeFactory(name="Growth"),
        definition="Real growth of gross domestic product on the year before.",
        aliases_zh="GDP增长\n经济增长",
        aliases_en="economic growth",
    )
    for period, value, source, qualifier in [
        ("2022", "3", sources[2023], "exact"),
        ("2024", "5", sources[2025], "about"),
    ]:
        ObservationFactory(
            indicator=indicator,
            period=period,
            value=D(value),
            qualifier=qualifier,
            source=source,
            locator="paragraph 5",
            published_on=source.published_on,
            note="Average of the year.",
        )
    ObservationFactory(
        indicator=indicator, period="2025", value=D("5.4"), source=None, verified=False
    )
    plans = {year: report(year) for year in (2022, 2024, 2025)}
    for year, value in [(2022, "5.5"), (2024, "5"), (2025, "5")]:
        TargetFactory(
            plan=plans[year],
            slug=f"gdp-{year}",
            indicator=indicator,
            value=D(value),
            unit="percent",
            qualifier="about",
            baseline_value=None,
            baseline_year=None,
            target_year=year,
        )
    return indicator


def test_the_indicator_list_shows_every_indicator_with_its_latest_figure(
    gdp, client, django_assert_num_queries
):
    IndicatorFactory(
        slug="users", name="千兆宽带用户数", name_en="Gigabit users", unit="wan-households"
    )
    with django_assert_num_queries(2):
        response = client.get(reverse("policies:indicator_list"))
    page = text(response)
    assert (
        "GDP growth 国内生产总值增长 per cent (%) rate of change Whole economy Growth 3 2 "
        "about 5% (2024)" in (page)
    )
    # The unit in words, and a dash where there is no figure yet.
    assert "Gigabit users 千兆宽带用户数 10,000 households (万户) share — 0 0 —" in page
    # Linked from the site's navigation, which marks it as the page shown.
    assert '<a href="/indicators/" aria-current="page">Indicators</a>' in response.content.decode()


def test_the_indicator_list_costs_the_same_however_many_indicators(
    gdp, client, django_assert_num_queries
):
    for n in range(5):
        other = IndicatorFactory()
        ObservationFactory.create_batch(2, indicator=other, period=str(2020 + n))
        TargetFactory(indicator=other)
    with django_assert_num_queries(2):
        response = client.get(reverse("policies:indicator_list"))
    assert len(response.context["rows"]) == 6


def test_the_targets_of_draft_plans_are_not_counted(gdp, client):
    TargetFactory(
        plan=PlanFactory(status=PublicationStatus.DRAFT),
        indicator=gdp,
        value=D("99"),
        notes="A secret draft",
    )
    rows = client.get(reverse("policies:indicator_list")).context["rows"]
    assert rows[0].targets == 3
    page = client.get(gdp.get_absolute_url()).content.decode()
    assert "A secret draft" not in page
    assert "99%" not in page


def test_the_indicator_page_charts_the_series_with_every_target(gdp, client):
    response = client.get(gdp.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    chart = response.context["chart"]
    assert f'<script id="{chart.key}-data" type="application/json">' in page
    assert f'data-figure="{chart.key}-data"' in page
    assert "<script>" not in page.replace("<script src=", "")  # no inline script
    names = [trace["name"] for trace in chart.figure["data"]]
    assert names == [
        "Verified figures",
        "Unverified, not counted",
        "Target: achieved",
        "Target: missed",
        "Target: awaiting result",
    ]
    assert chart.summary.startswith("GDP growth: 2 verified figures from 2022 to 2024")
    assert "3 targets set on it: 1 achieved, 1 missed, 1 awaiting result." in chart.summary
    read = text(response)
    assert "Data as a table" in read
    # Definition, aliases and unit.
    assert "Real growth of gross domestic product on the year before." in read
    assert "GDP增长; 经济增长" in read
    assert "economic growth" in read
    assert "Unit per cent (%) (every figure and target is compared in this unit)" in read


def test_the_indicator_page_tables_its_figures_with_their_citations(gdp, client):
    response = client.get(gdp.get_absolute_url())
    read = text(response)
    source = gdp.observations.get(period="2022").source
    page = response.content.decode()
    assert f'<a href="/sources/{source.pk}/">Work Report 2023</a>' in page
    assert (
        "2022 3% verified Work Report 2023 paragraph 5 March 5, 2023 Average of the year." in read
    )
    assert "2024 about 5% verified" in read
    assert "2025 5.4% unverified, not counted — —" in read
    assert '<tr class="unverified">' in page


def test_the_indicator_page_tables_every_target_with_its_status(gdp, client):
    read = text(client.get(gdp.get_absolute_url()))
    assert (
        "Test Work Report 2022 about 5.5% about higher is better — end of 2022 missed 3% (2022)"
        in read
    )
    assert "Test Work Report 2024 about 5% about higher is better — end of 2024 achieved" in read
    # Past its deadline with no confirmed result: the last confirmed figure, and its date.
    assert (
        "end of 2025 awaiting result about 5% (2024; last confirmed figure, published "
        "March 5, 2025)" in read
    )


def test_the_indicator_page_costs_the_same_however_long_its_series(
    gdp, client, django_assert_num_queries
):
    with django_assert_num_queries(3):
        client.get(gdp.get_absolute_url())
    for year in range(2010, 2022):
        ObservationFactory(indicator=gdp, period=str(year), value=D("7"))
        ObservationFactory(indicator=gdp, period=f"{year}-06", value=D("6.5"), verified=False)
        TargetFactory(
            indicator=gdp,
            plan=report(year),
            slug="gdp",
            baseline_value=None,
            baseline_year=None,
            target_year=year,
            value=D("7"),
        )
    with django_assert_num_queries(3):
        response = client.get(gdp.get_absolute_url())
    assert len(response.context["rows"]) == 15


def test_an_unknown_indicator_is_the_sites_404(empty_db, client):
    response = client.get("/indicators/nope/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_hostile_text_on_an_indicator_page_is_shown_not_run(empty_db, client):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    indicator = IndicatorFactory(
        slug="hostile", name_en=f"Growth {hostile}", definition=hostile, aliases_en=hostile
    )
    ObservationFactory(
        indicator=indicator,
        period="2024",
        note=hostile,
        locator=hostile,
        source=SourceFactory(title=hostile),
    )
    TargetFactory(indicator=indicator, plan=PlanFactory(title_en=hostile))
    for url in (indicator.get_absolute_url(), reverse("policies:indicator_list")):
        response = client.get(url)
        page = response.content.decode()
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert "&lt;script&gt;alert" in page, url
    # The figure's JSON is escaped for the page, and its labels for plotly.
    figure = response_figure(client.get(indicator.get_absolute_url()))
    assert "<img" not in json.dumps(figure)


def response_figure(response):
    return response.context["chart"].figure


def test_a_past_plan_has_a_scorecard(empty_db, client):
    issuer = ActorFactory(name="MIIT", kind=Actor.Kind.GOVERNMENT_BODY)
    plan = PlanFactory(
        slug="dual-gigabit",
        title_en="Dual gigabit action plan",
        issuer=issuer,
        start_year=2021,
        end_year=2023,
    )
    plan.co_issuers.set(
        [
            ActorFactory(name="CAC", kind="government_body"),
            ActorFactory(name="MoE", kind="government_body"),
        ]
    )
    users = IndicatorFactory(
        slug="gigabit-users",
        name_en="Gigabit broadband users",
        unit="wan-households",
        kind="level",
    )
    bulletin = SourceFactory(title="MIIT bulletin 2023")
    ObservationFactory(
        indicator=users,
        period="2023",
        value=D("1.63"),
        unit="yi-households",
        source=bulletin,
        locator="table 2",
        published_on=datetime.date(2024, 1, 19),
    )
    TargetFactory(
        plan=plan,
        indicator=users,
        value=D("3000"),
        unit="wan-households",
        qualifier="at_least",
        baseline_value=D("640"),
        baseline_year=2020,
        target_year=2023,
    )
    response = client.get(plan.get_absolute_url())
    assert response.context["scorecard"].closed
    page = response.content.decode()
    read = text(response)
    assert "Scorecard: the targets at the plan's end (2023)" in read
    assert "Issuer MIIT , with CAC , MoE" in read
    # The final figure as its source published it (in 亿户, where the plan counts 万户).
    assert "Gigabit broadband users 指标" in read
    assert (
        "at least 30 million households (3,000 × 10,000; 3,000 万户) by 2023 achieved "
        "163 million households (1.63 × 10⁸; 1.63 亿户) (2023) MIIT bulletin 2023 , "
        "table 2" in read
    )
    assert f'<a href="/sources/{bulletin.pk}/">MIIT bulletin 2023</a>, table 2' in page
    assert '<span class="status status-achieved">1 achieved</span>' in page
    # The progress chart is for plans still running; each target keeps its chart.
    assert 'id="progress-data"' not in page
    assert "Target progress" not in read


def test_a_running_plan_shows_its_targets_progress(empty_db, client):
    year = timezone.localdate().year
    plan = PlanFactory(start_year=year - 2, end_year=year + 3)
    TargetFactory(plan=plan, baseline_year=year - 3, target_year=year + 3)
    response = client.get(plan.get_absolute_url())
    assert not response.context["scorecard"].closed
    read = text(response)
    assert "Scorecard" not in read
    assert "Target progress" in read


def test_scorecard_statuses_at_the_deadline(gdp):
    rows = scorecards.indicator_targets(
        indicator=gdp,
        series=scorecards.indicator_series(indicator=gdp),
        today=datetime.date(2026, 12, 1),
    )
    statuses = {row.target.target_year: row.progress.status for row in rows}
    assert statuses == {
        2022: Status.MISSED,
        2024: Status.ACHIEVED,
        2025: Status.AWAITING_RESULT,
    }
    # Each status names the figure it rests on, with its source; awaiting, the last one.
    resting = {row.target.target_year: row.observation for row in rows}
    assert (resting[2022].period, resting[2025].period) == ("2022", "2024")
    assert resting[2025].source.title == "Work Report 2025"
    # Before 2025's year is out, its target has no result to wait for yet.
    before = scorecards.indicator_targets(
        indicator=gdp,
        series=scorecards.indicator_series(indicator=gdp),
        today=datetime.date(2025, 6, 1),
    )
    assert before[-1].progress.status == Status.NO_DATA
    plan = gdp.targets.get(target_year=2024).plan
    card = scorecards.plan_scorecard(plan=plan, today=datetime.date(2024, 12, 31))
    assert not card.closed
    assert scorecards.plan_scorecard(plan=plan, today=datetime.date(2025, 1, 1)).closed


def test_a_target_page_shows_its_indicators_series(gdp, client):
    target = Target.objects.get(slug="gdp-2025")
    response = client.get(target.get_absolute_url())
    page = response.content.decode()
    read = text(response)
    assert f'<a href="{gdp.get_absolute_url()}">GDP growth</a>' in page
    assert "the last confirmed figure: about 5% in 2024, published March 5, 2025" in read
    assert "2025 5.4% unverified, not counted" in read
    assert "Target as written about 5% by 2025" in read
    assert response.context["chart"].figure["data"]


def gigabit_target():
    plan = PlanFactory(start_year=2021, end_year=2025)
    return TargetFactory(
        plan=plan,
        indicator=IndicatorFactory(name_en="Gigabit users", unit="wan-households"),
        value=D("6000"),
        unit="wan-households",
        baseline_value=D("640"),
        baseline_year=2020,
    )


def test_values_read_in_words_in_english(empty_db, client):
    target = gigabit_target()
    for url in (target.get_absolute_url(), reverse("policies:target_list")):
        read = text(client.get(url))
        assert "60 million households (6,000 × 10,000; 6,000 万户)" in read, url
        assert "6.4 million households (640 × 10,000; 640 万户)" in read, url
        assert "6000 10,000 households" not in read, url


def test_values_read_in_words_in_french(empty_db, client):
    target = gigabit_target()
    with translation.override("fr"):
        url = target.get_absolute_url()
    response = client.get(url, headers={"accept-language": "fr"})
    assert response.context["LANGUAGE_CODE"] == "fr"
    page = html.unescape(response.content.decode())
    # French groups with a no-break space, writes a decimal comma and counts in millions;
    # the words after the number come from the translations.
    assert re.search(r"60 millions [^(]+ \(6\xa0000 × 10\xa0000\u202f; 6\xa0000 万户\)", page)
    assert re.search(r"6,4 millions [^(]+ \(640 × 10\xa0000\u202f; 640 万户\)", page)
    assert "6,000" not in page


def test_a_statements_targets_read_in_words(empty_db, client):
    target = gigabit_target()
    statement = StatementFactory()
    statement.targets.add(target)
    read = text(client.get(statement.get_absolute_url()))
    assert "60 million households (6,000 × 10,000; 6,000 万户) (2025)" in read


def test_the_dashboard_groups_its_targets_by_plan_at_a_fixed_cost(
    empty_db, client, django_assert_num_queries
):
    def add_reports(years):
        for year in years:
            plan = report(year)
            for _n in range(3):
                TargetFactory(plan=plan, baseline_value=None, baseline_year=None, target_year=year)

    add_reports([2022, 2023])
    with CaptureQueriesContext(connection) as small:
        response = client.get(reverse("policies:dashboard"))
    assert len(response.context["target_rows"]) == 6
    add_reports(range(2010, 2022))
    cache.clear()  # as a write does when it commits
    with django_assert_num_queries(len(small)):
        response = client.get(reverse("policies:dashboard"))
    rows = response.context["target_rows"]
    assert len(rows) == 12  # bounded
    assert [row.target.plan.end_year for row in rows] == [2023] * 3 + [2022] * 3 + [2021] * 3 + [
        2020
    ] * 3
    progress = next(chart for chart in response.context["charts"] if chart.key == "progress")
    headings = [
        note["text"] for note in progress.figure["layout"]["annotations"] if "<b>" in note["text"]
    ]
    assert headings == [f"<b>Test Work Report {year}</b>" for year in (2023, 2022, 2021, 2020)]


def test_the_methodology_states_the_tolerance_and_the_judgments(empty_db, client):
    read = text(client.get(reverse("policies:methodology")))
    assert "“About” means within 5 % of the value written" in read
    assert "a target of “about 5 %” growth is met from 4.75 %" in read
    assert "may be as low as 9.5" in read
    assert "half of that keeps “about” meaningful" in read
    assert "that reading is the tracker's judgment, and the target's note records it" in read
    for qualifier in ("exact", "about", "at least", "at most"):
        assert qualifier in read
    for sense in ("higher is better", "lower is better", "stay near"):
        assert sense in read
    for status in ("Missed", "Awaiting result"):
        assert status in read
    assert "Overdue" not in read


def test_a_share_of_the_way_resting_on_a_rounded_figure_says_so(seeded, client):
    """The core share's "about 10" for 2024 is 100 % of the way only roughly: the page must
    not read as if the target were reached."""
    target = Target.objects.get(
        plan__slug="14th-fyp-digital-economy", indicator__slug="core-digital-share"
    )
    read = text(client.get(target.get_absolute_url()))
    assert "about 100 % of the way from baseline to target (the figure is rounded)" in read
    french = text(client.get("/fr" + target.get_absolute_url()))
    assert "environ 100 % du chemin parcouru" in french  # (text() folds the no-break space)
