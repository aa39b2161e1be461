"""The public pages: what readers see, what they never see, and what each page costs."""

import datetime
import re

import plotly.graph_objects as go
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from policies.charts import Chart
from policies.models import Actor, Indicator, Plan, Sector, Source, Statement, Target, Theme
from tests.factories import PlanFactory, StatementFactory, TargetFactory, grow_dataset
from tests.web.budgets import INDICATOR, PLAN, budget, page_urls, query_count

pytestmark = pytest.mark.django_db


def test_every_page_keeps_its_query_budget_as_data_grows(
    transactional_db, seeded, client, settings
):
    # Transactional, so writes really commit and empty the dashboard cache as in production.
    # Time enough for every facet count, however busy the machine: one that ran out of time
    # would leave the facets after it uncounted, and their queries out.
    settings.FACET_TIME_LIMIT_MS = 60_000
    urls = page_urls()
    # Xi issues no plan in the seeds, and a selection without targets skips their figures'
    # query: give his page one target before counting, as grow_dataset gives it more.
    xi = Actor.objects.get(slug="xi-jinping")
    TargetFactory(
        plan=PlanFactory(issuer=xi, published_on=datetime.date(2014, 1, 1), signed_on=None)
    )
    small = {name: query_count(client, url) for name, url in urls.items()}
    grow_dataset(30)
    large = {name: query_count(client, url) for name, url in urls.items()}
    assert small == large, "a page's query count grew with the data"
    for name, count in large.items():
        assert count == budget(name), f"{name}: {count} queries, budget {budget(name)}"


def page_headings() -> dict[str, str]:
    """What the one <h1> of each page of page_urls() says: that page's own title."""
    statement = Statement.objects.get(slug="xi-big-but-not-strong")
    target = Target.objects.get(slug="core-industries-share-of-gdp")
    report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    xi = Actor.objects.get(slug="xi-jinping")
    dashboard = "What governments say, plan and promise"
    return {
        "dashboard": dashboard,
        "dashboard filtered": dashboard,
        "statements": "Statements",
        "statements filtered": "Statements",
        "plans": "Plans",
        "targets": "Targets",
        "statement": escape(statement.headline),
        "plan": escape(Plan.objects.get(slug=PLAN).title_en),
        "target": escape(target.indicator.name_en),
        "sector": escape(Sector.objects.get(slug="digital-economy").name),
        "theme": escape(Theme.objects.get(slug="security").name),
        "actor": f'{escape(xi.name)} <span lang="zh">{escape(xi.name_original)}</span>',
        "source": escape(report.title),  # in the report's own language, French
        "indicators": "Indicators",
        "indicator": escape(target.indicator.name_en),
        "sources": "Sources",
        "actors": "Actors",
        "themes": "Themes",
        "sectors": "Sectors",
    }


def test_every_page_renders_with_its_own_title(seeded, client):
    headings = page_headings()
    for name, url in page_urls().items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert re.findall(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S) == [
            headings[name]
        ], name


def test_the_readers_question_answered_from_the_seeds(seeded, client):
    """Which sectors did Xi's essay name, which plan goes with it, is the 10 % target on track?"""
    statement = Statement.objects.get(slug="xi-focus-on-key-fields")
    page = client.get(statement.get_absolute_url()).content.decode()
    for sector in ["Integrated circuits", "Displays", "Communication equipment", "Smart hardware"]:
        assert sector in page
    assert "14th Five-Year Plan for Digital Economy Development" in page
    assert '<time datetime="2021-10-18">' in page  # delivered
    assert '<time datetime="2022-01-15">' in page  # published
    assert f'href="/sources/{statement.source_id}/#p1"' in page

    # The plan's deadline (2025) has passed with no 2025 figure out, and 2024's "about 10"
    # cannot prove 10 reached: the target awaits its result, shown with the last figure.
    target = Target.objects.get(slug="core-industries-share-of-gdp")
    page = client.get(target.get_absolute_url()).content.decode()
    assert 'class="status status-awaiting_result">awaiting result</span>' in page
    assert "the last confirmed figure: about 10% in 2024" in page
    assert "unverified, not counted" in page  # the 2024 figure of 10.4 is shown, marked


def test_dashboard_shows_every_chart_with_text_and_table(seeded, client):
    response = client.get(reverse("policies:dashboard"))
    page = response.content.decode()
    for key in ["timeline", "progress", "heatmap", "coverage"]:
        assert f'id="{key}-data" type="application/json"' in page
        # static/js/charts.js names and describes plotly's drawing with these.
        assert f'data-describedby="{key}-summary"' in page
    assert page.count('<details class="chart-data">') == 4
    assert "<script>" not in page.replace("<script src=", "")  # no inline script
    counts = response.context["counts"]
    published = (
        Statement.objects.published().count(),
        Plan.objects.published().count(),
        Target.objects.of_published_plans().count(),
    )
    assert (counts.statements, counts.plans, counts.targets) == published


def test_filters_narrow_every_chart_and_count(seeded, client):
    response = client.get(reverse("policies:dashboard"), {"sector": "6g"})
    counts = response.context["counts"]
    assert (counts.statements, counts.plans, counts.targets) == (1, 1, 0)
    progress = next(c for c in response.context["charts"] if c.key == "progress")
    assert progress.summary == "No targets match these filters."
    assert response.context["filter"].form["sector"].value() == ["6g"]


def test_empty_result_says_so(seeded, client):
    response = client.get(reverse("policies:statement_list"), {"q": "licorne"})
    assert response.status_code == 200
    assert "No statements match these filters." in response.content.decode()
    response = client.get(reverse("policies:dashboard"), {"q": "licorne"})
    assert "Nothing matches these filters." in response.content.decode()


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("policies:dashboard", {"date_after": "2022-13-45"}, "Enter a valid date."),
        ("policies:dashboard", {"sector": "atlantis"}, "Unknown sector: “atlantis”."),
        ("policies:statement_list", {"q": "x" * 10_000}, "at most 200 characters"),
        ("policies:plan_list", {"kind": "sonnet"}, "sonnet is not one of the available choices"),
        ("policies:target_list", {"theme": "<script>"}, "Unknown theme: “&lt;script&gt;”."),
        (
            "policies:dashboard",
            {"date_after": "2023-01-01", "date_before": "2022-01-01"},
            "is after the end date",
        ),
    ],
)
def test_malformed_filters_get_a_page_that_says_what_was_wrong(
    seeded, client, url, params, message
):
    response = client.get(reverse(url), params)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Some filters could not be applied" in page
    assert message in page


SCOPED_PAGES = [
    reverse("policies:dashboard"),
    reverse("policies:sector_detail", args=["integrated-circuits"]),
    reverse("policies:sector_detail", args=["digital-economy"]),
    reverse("policies:theme_detail", args=["security"]),
    reverse("policies:actor_detail", args=["xi-jinping"]),
]


@pytest.mark.parametrize("url", SCOPED_PAGES)
@pytest.mark.parametrize(
    "params",
    [
        {"date_after": "2022-13-45"},
        {"plan": "nope"},
        {"actor": "nope", "kind": "sonnet"},
        {"date_after": "2023-01-01", "date_before": "2022-01-01"},
    ],
)
def test_malformed_filters_show_no_figures_on_any_dashboard(seeded, client, url, params):
    """A malformed filter once showed the whole database's counts and charts (8 statements
    on a sector page whose sector has 1): every dashboard now shows nothing at all."""
    assert client.get(url).status_code == 200
    response = client.get(url, params)
    assert response.status_code == 400
    counts = response.context["counts"]
    assert (counts.statements, counts.plans, counts.targets) == (0, 0, 0)
    assert response.context["latest"] == []
    assert response.context["target_rows"] == []
    charts = response.context["charts"]
    assert [chart.key for chart in charts] == ["timeline", "progress", "heatmap", "coverage"]
    for chart in charts:
        assert chart.rows == [], chart.key
        assert all(not trace.get("y") and not trace.get("z") for trace in chart.figure["data"])
    page = response.content.decode()
    assert "Some filters could not be applied, so nothing is shown:" in page
    assert "<strong>0</strong> statements" in page
    # The scope's own statements are not shown either.
    assert 'class="statement"' not in page


def test_an_unknown_sector_on_the_dashboard_shows_no_figures(seeded, client):
    response = client.get(reverse("policies:dashboard"), {"sector": "nope"})
    assert response.status_code == 400
    counts = response.context["counts"]
    assert (counts.statements, counts.plans, counts.targets) == (0, 0, 0)
    assert "Unknown sector: “nope”." in response.content.decode()


@pytest.mark.parametrize("page", ["99999999999999999999", "0", "-1", "abc", "2"])
def test_pages_that_do_not_exist_are_explained(seeded, client, page):
    response = client.get(reverse("policies:statement_list"), {"page": page})
    assert response.status_code == 200
    assert "There is no page" in response.content.decode()
    assert response.context["page"].number == 1


def test_pagination_keeps_the_filters(seeded, client):
    grow_dataset(6)
    response = client.get(
        reverse("policies:statement_list"), {"sector": "digital-economy", "page": "2"}
    )
    page = response.content.decode()
    assert response.context["page"].number == 2
    assert 'href="?sector=digital-economy&amp;page=1"' in page


def test_drafts_appear_nowhere(seeded, client):
    draft = StatementFactory(
        status="draft",
        headline="Secret draft headline",
        source=Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01"),
        paragraph=3,
        excerpt="grande mais pas forte",
    )
    draft_plan = PlanFactory(status="draft", title_en="Secret draft plan")
    # On a published indicator, whose page lists every published plan's target.
    TargetFactory(
        plan=draft_plan,
        indicator=Indicator.objects.get(slug=INDICATOR),
        value="77.7",
        notes="Secret draft target",
    )
    for url in page_urls().values():
        page = client.get(url).content.decode()
        assert "Secret draft" not in page, url
        assert "77.7" not in page, url
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("policies:plan_detail", args=[draft_plan.slug])).status_code == 404
    assert client.get(draft_plan.targets.get().get_absolute_url()).status_code == 404


def test_source_page_marks_cited_passages(seeded, client):
    report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    page = client.get(report.get_absolute_url()).content.decode()
    assert page.count('<li id="p') == 8
    statement = Statement.objects.get(slug="xi-big-but-not-strong")
    assert f'<mark><a href="{statement.get_absolute_url()}"' in page


def test_unknown_records_are_404(seeded, client):
    for url in [
        "/statements/999999/",
        "/plans/nope/",
        "/targets/999999/",
        "/sectors/nope/",
        "/themes/nope/",
        "/actors/nope/",
        "/sources/999999/",
        "/indicators/nope/",
    ]:
        assert client.get(url).status_code == 404, url


def test_pages_only_answer_get(seeded, client):
    assert client.post(reverse("policies:dashboard")).status_code == 405


def test_dashboard_aggregates_are_cached_until_data_changes(transactional_db, seeded, client):
    url = reverse("policies:dashboard") + "?sector=digital-economy"
    first = query_count(client, url)
    assert first > 10
    assert query_count(client, url) == 0  # the counts, charts and lists come from the cache
    assert "<strong>8</strong> statements" in client.get(url).content.decode()
    statement = Statement.objects.get(slug="xi-big-but-not-strong")
    statement.status = "draft"
    statement.save()  # commits, and the commit empties the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(queries) == first
    assert "<strong>7</strong> statements" in response.content.decode()


def test_every_chart_is_a_valid_plotly_figure(seeded, client):
    # The builders write plain dicts for speed; plotly's own validators check them here.
    grow_dataset(3)
    checked = 0
    for url in page_urls().values():
        context = client.get(url).context
        for key in ("charts", "target_charts"):
            for chart in context.get(key, []):
                go.Figure(chart.figure)  # raises on any property plotly does not know
                checked += 1
        for key in ("chart", "progress"):
            if key in context and isinstance(context[key], Chart):
                go.Figure(context[key].figure)
                checked += 1
    assert checked >= 10


def test_pages_read_by_key_keep_the_list_order(seeded, client):
    grow_dataset(12)  # 48 more statements: three pages
    from policies import selectors

    published = Statement.objects.published()
    ordered = list(selectors.statement_list(statements=published).values_list("pk", flat=True))
    for number in (1, 2, 3):
        response = client.get(reverse("policies:statement_list"), {"page": number})
        shown = [statement.pk for statement in response.context["page"].object_list]
        assert shown == ordered[(number - 1) * 20 : number * 20]
        assert all(statement.actor_id for statement in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("plan", "target", "status"),
    [
        # Issue 14's bad cases, as the pages show them (the selectors' statuses are pinned in
        # tests/test_progress.py): "about 5.5 %" against 3 % is missed; "about 5 %" against
        # 5.0 % achieved; 8.34 亿 in June 2025 achieves 8 亿; 15.97 misses 17; "about 10" in
        # 2024 with no 2025 figure awaits the result; 20,700 万户 in 2024 achieves 6,000.
        ("government-work-report-2022", "gdp-growth", "missed"),
        ("government-work-report-2024", "gdp-growth", "achieved"),
        (PLAN, "ipv6-active-users", "achieved"),
        (PLAN, "online-retail-sales", "missed"),
        (PLAN, "core-industries-share-of-gdp", "awaiting_result"),
        (PLAN, "gigabit-broadband-users", "achieved"),
    ],
)
def test_the_seeded_targets_read_right_on_every_page(seeded, client, plan, target, status):
    record = Target.objects.select_related("indicator", "plan").get(plan__slug=plan, slug=target)
    badge = f'class="status status-{status}"'
    page = client.get(record.get_absolute_url()).content.decode()
    assert f'<p class="status-line"><span {badge}>' in page
    # On the plan's scorecard (every seeded plan has ended) and its indicator's page.
    for url in (record.plan.get_absolute_url(), record.indicator.get_absolute_url()):
        page = client.get(url).content.decode()
        rows = [
            r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if record.get_absolute_url() in r
        ]
        assert rows, url
        assert all(badge in r for r in rows), url
