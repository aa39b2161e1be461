"""Taking the data away, in a real browser, in English and French: on the dashboard and each
list, the CSV, JSON, API and feed links hold exactly the records the page shows, and each
link is reached by keyboard with a focus a reader can see."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from policies.models import Target
from policies.web.feeds import status_changes

pytestmark = pytest.mark.browser

ATOM = "{http://www.w3.org/2005/Atom}"
# The row's labels in English; the French page is read by position (its words are the
# translators').
LABELS = ["Download CSV", "Download JSON", "API", "Atom feed"]

# Each page with filters narrow enough that all its records show at once (a list pages at
# 20; the dashboard shows its 5 latest statements), how the page shows a record, and
# whether it has a feed.
PAGES = {
    "dashboard": ("/?theme=security", "section.latest article.statement h3 a", True),
    "statements": ("/statements/?actor=xi-jinping", "article.statement h3 a", True),
    "plans": ("/plans/?theme=digital-infrastructure", "article.plan h2 a", False),
    "targets": ("/targets/?sector=broadband", "table.targets th[scope=row] a", True),
    "indicators": ("/indicators/", "table.indicators th[scope=row] a", False),
    "sector": ("/sectors/digital-economy/?theme=security", "section.latest h3 a", True),
}


def last_part(href: str) -> str:
    """The slug or id that ends a record's address (/fr/statements/<slug>/ → <slug>)."""
    return urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1]


def shown(page, selector: str) -> list[str]:
    return [last_part(a.get_attribute("href")) for a in page.locator(selector).all()]


def target_ids(rows: list[dict]) -> list[str]:
    """Exported targets (plan and slug) as the ids their pages are at."""
    return [str(Target.objects.get(plan__slug=row["plan"], slug=row["slug"]).pk) for row in rows]


def exported_keys(kind: str, rows: list[dict]) -> list[str]:
    return target_ids(rows) if kind == "targets" else [row["slug"] for row in rows]


def download(page, link) -> tuple[str, str]:
    """Click a download link; the file's suggested name and its text."""
    with page.expect_download() as info:
        link.click()
    return info.value.suggested_filename, Path(info.value.path()).read_text(encoding="utf-8")


def api_records(page, href: str) -> list[dict]:
    """Every record the API's list holds at ``href``, following its pages."""
    records: list[dict] = []
    url: str | None = href
    while url:
        response = page.request.get(url, headers={"Accept": "application/json"})
        assert response.ok, url
        body = response.json()
        records += body["results"]
        url = body["next"]
    return records


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", list(PAGES))
def test_each_link_holds_the_records_the_page_shows(site, page, watch, name, language):
    path, selector, has_feed = PAGES[name]
    prefix = "/fr" if language == "fr" else ""
    page.goto(site + prefix + path)
    expect(page.locator("html")).to_have_attribute("lang", language)
    row = page.locator("ul.take-away a")
    expect(row).to_have_count(4 if has_feed else 3)
    if language == "en":
        expect(row).to_have_text(LABELS[: 4 if has_feed else 3])
    records = shown(page, selector)
    assert records, "the filters were chosen to show some records"
    kind = "statements" if name in ("dashboard", "sector") else name
    if name in ("dashboard", "sector"):
        # The dashboard shows its 5 latest statements, and how many match: all of them here.
        count = page.locator(".counts strong").first.inner_text()
        assert int(count) == len(records) <= 5
    hrefs = [row.nth(i).get_attribute("href") for i in range(row.count())]
    # Exports and feeds in the page's language; the API has one address.
    for href in hrefs:
        on_api = urlsplit(href).path.startswith("/api/")
        assert href.startswith("/fr/") == (language == "fr" and not on_api), href
    watch.assert_clean()

    filename, text = download(page, row.nth(0))
    assert re.fullmatch(rf"{kind}(-[a-z0-9]+)*-\d{{4}}-\d{{2}}-\d{{2}}\.csv", filename), filename
    assert sorted(exported_keys(kind, list(csv.DictReader(io.StringIO(text))))) == sorted(records)

    filename, text = download(page, row.nth(1))
    assert filename.endswith(".json")
    assert sorted(exported_keys(kind, json.loads(text))) == sorted(records)

    api = api_records(page, site + hrefs[2])
    key = "id" if kind == "targets" else "slug"
    assert sorted(str(record[key]) for record in api) == sorted(records)

    if has_feed:
        response = page.request.get(site + hrefs[3])
        assert response.ok
        assert response.headers["content-type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.body())  # noqa: S314 (our own feed)
        entries = [last_part(e.find(f"{ATOM}link").get("href")) for e in feed.iter(f"{ATOM}entry")]
        if kind == "targets":
            # The targets' feed tells their status changes: those of exactly these targets.
            entries = [entry.split("#")[0] for entry in entries]
            changes = status_changes(targets=Target.objects.filter(pk__in=records))
            assert entries == [str(change.target.pk) for change in changes]
            assert set(entries) <= set(records)
            assert entries
        else:
            assert sorted(entries) == sorted(records)

    # The API link opens in the browser, the same query, readable (the browsable API).
    page.goto(site + prefix + path)
    row.nth(2).click()
    expect(page).to_have_url(site + hrefs[2])
    expect(page.locator("body")).to_contain_text('"count":')


def focus_outline(locator) -> tuple[str, float]:
    style = locator.evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
    )
    return style[0], float(style[1].removesuffix("px"))


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", ["dashboard", "statements", "targets", "indicators"])
def test_the_links_are_reached_by_keyboard_with_a_visible_focus(site, page, watch, name, language):
    path, _selector, has_feed = PAGES[name]
    page.goto(site + ("/fr" if language == "fr" else "") + path)
    links = page.locator("ul.take-away a")
    # Tab from the top of the page to the first link, then through each in turn.
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('ul.take-away')"):
            break
    for index in range(4 if has_feed else 3):
        if index:
            page.keyboard.press("Tab")
        expect(links.nth(index)).to_be_focused()
        style, width = focus_outline(links.nth(index))
        assert style != "none", style
        assert width >= 2, width
    watch.assert_clean()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_row_fits_a_phone(site, page, language):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + ("/fr" if language == "fr" else "") + "/statements/?actor=xi-jinping")
    links = page.locator("ul.take-away a")
    expect(links).to_have_count(4)
    for link in links.all():
        box = link.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 390, box
        # Tall enough to tap.
        assert box["height"] >= 24, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
