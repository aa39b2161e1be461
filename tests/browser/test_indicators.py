"""An indicator's page in a real browser: the series drawn with every target set on it, in
English and in French, on a phone and on a desktop, with no label clipped."""

import pytest
from playwright.sync_api import expect

from policies.models import Indicator, Target
from tests.browser.fixtures import PageWatch
from tests.browser.test_charts_layout import CLIPPED_TEXT, TOLERANCE

pytestmark = pytest.mark.browser

PATH = "/indicators/gdp-growth/"
PLOT = "#indicator-gdp-growth-plot"
# Target markers, by their traces' uids (policies/charts/indicators.py), in any language.
TARGET_POINTS = f"{PLOT} .scatterlayer .trace[class*='tracetarget-'] path.point"
FIGURE_POINTS = f"{PLOT} .scatterlayer .tracefigures-counted path.point"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_gdp_page_draws_its_series_and_targets(site, browser, language):
    targets = Target.objects.of_published_plans().filter(indicator__slug="gdp-growth").count()
    assert targets >= 5, "the seeds set a GDP target in each report, 2021 to 2025"
    # The language is in the URL (/fr/...), whatever the browser's own.
    prefix = "" if language == "en" else f"/{language}"
    context = browser.new_context(locale=language)
    clipped = []
    try:
        for width in (390, 1366):
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            watch = PageWatch(page)
            page.goto(site + prefix + PATH)
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator(f"{PLOT}[data-drawn=true]")).to_have_count(1, timeout=15_000)
            expect(page.locator(f"{PLOT} .main-svg").first).to_be_visible()
            # Every target, from every report, is a marker at its deadline.
            expect(page.locator(TARGET_POINTS)).to_have_count(targets)
            assert page.locator(FIGURE_POINTS).count() >= 4
            if language == "en":
                legend = page.locator(f"{PLOT} .legend .legendtext").all_text_contents()
                for label in ("Verified figures", "Target: achieved", "Target: missed"):
                    assert label in legend, legend
            clipped += [
                f"{language} {width}px {found}" for found in page.evaluate(CLIPPED_TEXT, TOLERANCE)
            ]
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{width}px: the page is {overflow}px wider than the screen"
            watch.assert_clean()
            page.close()
    finally:
        context.close()
    assert clipped == [], "\n".join(clipped)


def test_the_indicators_list_leads_to_an_indicator(site, page, watch):
    page.goto(site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Indicators").click()
    expect(page.locator("h1")).to_have_text("Indicators")
    page.get_by_role("link", name="GDP growth", exact=False).first.click()
    expect(page).to_have_url(site + PATH)
    expect(page.locator(f"{PLOT}[data-drawn=true]")).to_have_count(1, timeout=15_000)
    watch.assert_clean()


def test_every_indicator_page_draws_its_chart_with_its_targets(site, page, watch):
    """Each seeded indicator's page, in turn: the chart is drawn, with one marker for each
    target a published plan sets on it, and nothing clipped."""
    indicators = Indicator.objects.order_by("slug")
    assert indicators.count() >= 20, "the seeds hold every indicator FACTS.md names"
    page.set_viewport_size({"width": 1366, "height": 900})
    clipped = []
    for indicator in indicators:
        plot = f"#indicator-{indicator.slug}-plot"
        targets = Target.objects.of_published_plans().filter(indicator=indicator).count()
        assert targets, f"{indicator.slug}: every seeded indicator has a target"
        page.goto(f"{site}/indicators/{indicator.slug}/")
        expect(page.locator(f"{plot}[data-drawn=true]")).to_have_count(1, timeout=15_000)
        markers = f"{plot} .scatterlayer .trace[class*='tracetarget-'] path.point"
        expect(page.locator(markers)).to_have_count(targets)
        clipped += [
            f"{indicator.slug}: {found}" for found in page.evaluate(CLIPPED_TEXT, TOLERANCE)
        ]
    watch.assert_clean()
    assert clipped == [], "\n".join(clipped)
