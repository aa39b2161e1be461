"""Records that hold script, HTML, SVG and JSON-breaking text stay text everywhere a
reader's browser shows them: pages, chart labels and hover text, the API, the feeds."""

from xml.etree import ElementTree

import pytest
from playwright.sync_api import expect

from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)
from tests.factories import (
    ActorFactory,
    IndicatorFactory,
    ObservationFactory,
    PlanFactory,
    SectorFactory,
    StatementFactory,
    TargetFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.browser

# Each would set window.pwned if a page ran it.
PAYLOADS = [
    "<script>window.pwned=1</script>",
    '<img src=x onerror="window.pwned=1">',
    '<svg onload="window.pwned=1"></svg>',
    "</script><script>window.pwned=1</script>",
    '"}]}</script><script>window.pwned=1</script>',
    '<a href="javascript:window.pwned=1">link</a>',
    "{{ 7*7 }}<b onmouseover=window.pwned=1>x</b>",
]
EVIL = " ".join(PAYLOADS)


def fit(model, **prefixes: str) -> dict[str, str]:
    """Each field: its prefix, then every payload, cut to the field's length (PostgreSQL
    refuses longer text)."""
    values = {}
    for name, prefix in prefixes.items():
        limit = model._meta.get_field(name).max_length
        values[name] = (prefix + EVIL)[:limit] if limit else prefix + EVIL
    return values


@pytest.fixture
def hostile(site):
    """Published records whose every free-text field carries every payload."""
    source = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    actor = ActorFactory(**fit(Actor, name="Actor ", role="", description=""))
    theme = ThemeFactory(**fit(Theme, name="Theme ", description=""))
    sector = SectorFactory(**fit(Sector, name="Sector ", description=""))
    plan = PlanFactory(
        **fit(Plan, title="", title_en="Plan ", summary="", notes=""), status="published"
    )
    plan.themes.set([theme])
    plan.sectors.set([sector])
    indicator = IndicatorFactory(
        **fit(Indicator, name="", name_en="Indicator ", definition="", notes="", aliases_en="")
    )
    target = TargetFactory(plan=plan, indicator=indicator, **fit(Target, notes="", locator=""))
    ObservationFactory(indicator=indicator, **fit(Observation, note="", locator=""))
    statement = StatementFactory(
        actor=actor,
        **fit(Statement, headline="Headline ", text_en="", venue="", notes=""),
        source=source,
        paragraph=3,
        excerpt="grande mais pas forte",
        themes=[theme],
    )
    statement.sectors.set([sector])
    statement.plans.set([plan])
    statement.targets.set([target])
    return {
        "statement": statement,
        "plan": plan,
        "target": target,
        "indicator": indicator,
        "theme": theme,
        "sector": sector,
        "actor": actor,
    }


def visit(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    if page.locator("[data-figure]").count():
        expect(page.locator("[data-drawn=true]")).to_have_count(
            page.locator("[data-figure]").count(), timeout=15_000
        )
    # Hover over the middle of each chart, where plotly draws its hover text.
    for plot in page.locator(".plot").all():
        box = plot.bounding_box()
        if box:
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.evaluate("window.pwned") is None, url


def test_hostile_text_never_runs(site, page, watch, hostile):
    records = hostile
    urls = [
        "/",
        f"/?theme={records['theme'].slug}",
        "/statements/",
        f"/statements/?q={records['statement'].headline.split()[0]}",
        records["statement"].get_absolute_url(),
        "/plans/",
        records["plan"].get_absolute_url(),
        "/targets/",
        records["target"].get_absolute_url(),
        "/indicators/",
        records["indicator"].get_absolute_url(),
        records["theme"].get_absolute_url(),
        records["sector"].get_absolute_url(),
        records["actor"].get_absolute_url(),
        records["statement"].source.get_absolute_url(),
        "/api/v1/statements/",
    ]
    for url in urls:
        visit(page, site + url)
    # The feed is for feed readers, not a page: it must parse, with the payload as text.
    feed = ElementTree.fromstring(page.request.get(site + "/feeds/statements.atom").body())  # noqa: S314 (our own feed)
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(title and "<script>window.pwned=1</script>" in title for title in titles)
    # The text is shown as text: the reader sees the payload's characters, in the page and
    # in the charts' labels (the theme's own page charts it by name).
    page.goto(site + records["statement"].get_absolute_url())
    expect(page.locator("main")).to_contain_text("<script>window.pwned=1</script>")
    visit(page, site + records["theme"].get_absolute_url())
    expect(page.locator(".plot").filter(has_text="Theme <script>").first).to_be_visible()
    watch.assert_clean()
