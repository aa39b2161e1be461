"""The five indexes in a real browser: each opened from the navigation, in English and in
French, on a phone and on a desktop; every record listed and linked, names in the reader's
language or marked as English, nothing wider than the screen. Screenshots go to
/tmp/indexes/ (INDEX_SCREENSHOTS to put them elsewhere), to be looked at."""

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from policies.models import Actor, Indicator, Sector, Source, Theme
from tests.browser.fixtures import PageWatch

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("INDEX_SCREENSHOTS") or Path(tempfile.gettempdir(), "indexes"))

# Each index by its navigation order, and its English address.
INDEXES = {
    "indicators": "/indicators/",
    "themes": "/themes/",
    "sectors": "/sectors/",
    "actors": "/actors/",
    "sources": "/sources/",
}


def records(name):
    return {
        "indicators": Indicator.objects.all(),
        "themes": Theme.objects.all(),
        "sectors": Sector.objects.all(),
        "actors": Actor.objects.all(),
        "sources": Source.objects.all(),
    }[name]


def expected_name(record, language: str) -> tuple[str, bool]:
    """The words a record's link shows in ``language``, and whether they are marked English."""
    english = record.name_en if isinstance(record, Indicator) else record.name
    if language == "fr":
        french = record.name_fr
        return (french, False) if french else (english, True)
    return english, False


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [390, 1366])
def test_every_index_opens_from_the_navigation(site, browser, language, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = "/fr" if language == "fr" else ""
    context = browser.new_context(locale=language, viewport={"width": width, "height": 900})
    page = context.new_page()
    watch = PageWatch(page)
    try:
        page.goto(f"{site}{prefix}/")
        for name, path in INDEXES.items():
            link = page.locator(f'ul.nav a[href="{prefix}{path}"]')
            label = link.inner_text()
            link.click()
            expect(page).to_have_url(f"{site}{prefix}{path}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            # The page is the one the navigation named, and says so.
            expect(page.locator("h1")).to_have_text(label)
            expect(page.locator(f'ul.nav a[href="{prefix}{path}"]')).to_have_attribute(
                "aria-current", "page"
            )
            expect(page.locator("main .lede")).to_be_visible()
            main = page.locator("main")
            for record in records(name):
                href = f"{prefix}{record.get_absolute_url()}"
                row_link = main.locator(f'a[href="{href}"]').first
                expect(row_link).to_be_visible()
                if name == "sources":
                    continue  # titles in the source's own language, never translated
                words, fallback = expected_name(record, language)
                expect(row_link).to_contain_text(words)
                marker = row_link.locator("abbr.fallback")
                expect(marker).to_have_count(1 if fallback else 0)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} is {overflow}px wider than a {width}px screen"
            page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{width}.png", full_page=True)
        watch.assert_clean()
    finally:
        context.close()


def test_on_a_phone_each_count_keeps_its_label(site, page, watch):
    """At 390 px a row of an index is a card: each figure under its own label, in view."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(site + "/themes/")
    row = page.locator("table.index tbody tr").first
    cell = row.locator("td.num").first
    label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Statements"'
    box = row.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    page.set_viewport_size({"width": 1366, "height": 900})
    label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == "none"  # a table again, its header row says it
    expect(page.locator("table.index thead")).to_be_visible()
    watch.assert_clean()


def test_a_reader_goes_from_the_sector_tree_to_a_sector_and_back(site, page, watch):
    page.goto(site + "/sectors/")
    tree = page.locator("ul.sector-tree")
    six_g = tree.locator("ul.sector-branch ul.sector-branch a", has_text="6G")
    expect(six_g).to_have_count(1)
    six_g.click()
    expect(page).to_have_url(site + "/sectors/6g/")
    expect(page.locator("h1")).to_have_text("6G")
    page.go_back()
    page.locator('ul.nav a[href="/sources/"]').click()
    page.locator("table.index a", has_text="Qiushi").first.click()
    expect(page.locator("h1")).to_contain_text("Qiushi")
    watch.assert_clean()
