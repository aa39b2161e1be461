"""What a reader sees, in a real browser: charts drawn, filters applied, French, phone width."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHARTS = ["timeline", "progress", "heatmap", "coverage"]


def wait_for_charts(page, count: int) -> None:
    expect(page.locator("[data-drawn=true]")).to_have_count(count, timeout=15_000)


def test_dashboard_draws_every_chart(site, page, watch):
    page.goto(site + "/")
    wait_for_charts(page, len(CHARTS))
    for key in CHARTS:
        plot = page.locator(f"#{key}-plot")
        expect(plot.locator(".main-svg").first).to_be_visible()
    # Each bar carries its status in words, under its plan's name.
    expect(page.locator("#progress-plot")).to_contain_text("achieved")
    expect(page.locator("#progress-plot")).to_contain_text("2024 Government Work Report")
    watch.assert_clean()


def test_sector_filter_changes_the_url_and_the_charts(site, page, watch):
    page.goto(site + "/")
    wait_for_charts(page, len(CHARTS))
    before = page.locator("#coverage-summary").inner_text()
    # 6G is under Digital infrastructure, folded in the sector tree; a checkbox applies at once.
    page.locator("li:has(> #f-sector-digital-infrastructure) > details > summary").click()
    page.locator("#f-sector-6g").click()
    expect(page).to_have_url(re.compile(r"[?&]sector=6g(&|$)"))
    wait_for_charts(page, len(CHARTS) - 1)  # progress is empty: a sentence, not a plot
    expect(page.locator("#progress-plot")).to_have_count(0)
    expect(page.locator(".counts")).to_contain_text("1\nstatements")
    expect(page.locator("#progress-summary")).to_have_text("No targets match these filters.")
    assert page.locator("#coverage-summary").inner_text() != before
    # The state is in the URL: opening it again shows the same filtered page.
    page.goto(page.url)
    expect(page.locator("#f-sector-6g")).to_be_checked()
    watch.assert_clean()


def test_filters_work_from_the_keyboard(site, page, watch):
    page.goto(site + "/")
    page.locator("#f-theme-digital-infrastructure").focus()
    page.keyboard.press("Space")  # a checkbox applies at once
    expect(page).to_have_url(re.compile(r"[?&]theme=digital-infrastructure"))
    wait_for_charts(page, len(CHARTS))
    watch.assert_clean()


def test_the_language_picker_leads_to_the_same_page_in_french_with_its_filters(site, page, watch):
    page.goto(site + "/?sector=digital-economy&date_after=2020-01-01")
    # By keyboard: Tab from the top of the page to the picker's other language.
    french = page.get_by_role("link", name="Français")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Français":
            break
    expect(french).to_be_focused()
    # Its focus is visible: an outline a reader can see against the dark header.
    outline = french.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
    )
    assert outline.split()[0] != "none", outline
    assert float(outline.split()[1].removesuffix("px")) >= 2, outline
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/fr/?sector=digital-economy&date_after=2020-01-01")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Avancement des objectifs")).to_be_visible()
    wait_for_charts(page, len(CHARTS))
    expect(page.locator("#progress-plot")).to_contain_text("atteint")
    # plotly.js's own words too: its toolbar speaks French.
    download = "#timeline-plot .modebar-btn[data-title='{}']"
    expect(page.locator(download.format("Télécharger le graphique en fichier PNG"))).to_have_count(
        1
    )
    # And back: the English twin, filters still there.
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(site + "/?sector=digital-economy&date_after=2020-01-01")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    wait_for_charts(page, len(CHARTS))
    expect(page.locator(download.format("Download plot as a PNG"))).to_have_count(1)
    watch.assert_clean()


@pytest.mark.parametrize("width", [360, 1280])
def test_layout_fits_from_phone_to_desktop(site, page, watch, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in [
        "/",
        "/plans/14th-fyp-digital-economy/",
        "/statements/",
        "/statements/xi-big-but-not-strong/",
        "/targets/",
        "/methodology/",
    ]:
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a {width}px screen"
    watch.assert_clean()


def test_reader_follows_statement_to_source_and_target(site, page, watch):
    page.goto(site + "/statements/")
    page.get_by_role("link", name=re.compile("chips, displays")).click()
    expect(page.locator("h1")).to_contain_text("chips, displays")
    expect(page.locator(".facts")).to_contain_text("Smart hardware")
    page.get_by_role("link", name=re.compile("French news report")).first.click()
    expect(page).to_have_url(re.compile(r"/sources/\d+/#p1$"))
    expect(page.locator("#p1 mark")).to_be_visible()
    page.goto(site + "/plans/14th-fyp-digital-economy/")
    page.get_by_role(
        "link", name="Value added of core digital-economy industries, share of GDP"
    ).first.click()
    # The plan's deadline has passed with no 2025 figure out: the target awaits its result.
    expect(page.locator(".status-line")).to_contain_text("awaiting result")
    wait_for_charts(page, 1)
    watch.assert_clean()


def test_a_citation_copies_from_its_button(site, page, watch):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page.goto(site + "/statements/xi-big-but-not-strong/")
    chicago = page.locator("#cite-chicago-text").inner_text()
    assert chicago.startswith("Xi Jinping, quoted in Reuters.")
    page.get_by_role("button", name="Copy Chicago (author-date)").click()
    expect(page.locator(".citation").first.locator(".copy-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == chicago.strip()
    # The file formats open from their summaries, and download as files.
    page.locator("summary#cite-bib").click()
    expect(page.locator("#cite-bib-text")).to_contain_text("@misc{policytracker-statement-")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download BibTeX (.bib)").click()
    assert download.value.suggested_filename == "xi-big-but-not-strong.bib"
    watch.assert_clean()
