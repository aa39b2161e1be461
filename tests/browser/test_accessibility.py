"""No barrier: axe-core over every kind of public page and every admin form, in a real browser.

Public pages, in English and French, on a phone (390 px) and a desktop (1366 px): no serious
or critical violation. One test per language and width visits every page in one browser page
and collects everything axe finds, so that one run lists every failure at once, and the
module pays a test's set-up (the live server's seeds loaded again) per combination, not per
page. The admin's add and change forms and its import page: none either, at desktop width,
in English. Then what axe does not see: charts as images that keep their tools, and the
keyboard reaching every link with a visible focus.

axe-core is pinned in tests/browser/axe/ (see tests/browser/axe_audit.py).
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

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
from tests.browser.axe_audit import Violation, audit, axe_source, report
from tests.conftest import SEED_REPORT

pytestmark = pytest.mark.browser

WIDTHS = [390, 1366]
PLAN = "14th-fyp-digital-economy"  # its targets draw charts; the admin shows them inline
INDICATOR = "core-digital-share"  # has observations: a chart, and the admin's inline rows
MISSING = "/no-such-page/"
# An address with more parameters than the app reads answers its own 400 page.
TOO_MANY = "/statements/?" + "&".join(["kind=speech"] * 1001)


@pytest.fixture
def axe() -> str:
    """axe-core's script; without it, the test skips (fails in CI) before it starts."""
    return axe_source()


def public_pages() -> list[str]:
    """One page of every kind readers can open, by its English (unprefixed) address."""
    target = Target.objects.get(plan__slug=PLAN, slug="core-industries-share-of-gdp")
    source = Source.objects.get(slug=SEED_REPORT)
    return [
        "/",
        "/?sector=6g&theme=digital-infrastructure",
        "/statements/",
        "/plans/",
        "/targets/",
        "/indicators/",
        "/statements/xi-big-but-not-strong/",
        f"/plans/{PLAN}/",
        target.get_absolute_url(),
        f"/indicators/{INDICATOR}/",
        "/sectors/6g/",
        "/themes/digital-infrastructure/",
        "/actors/cpc-central-committee/",
        source.get_absolute_url(),
        "/sources/",
        "/actors/",
        "/themes/",
        "/sectors/",
        "/methodology/",
        MISSING,
        TOO_MANY,
    ]


def wait_for_charts(page: Page) -> None:
    """Every plot on the page drawn (axe would otherwise see an empty box, and miss plotly's
    toolbar), the number of them being the page's own."""
    undrawn = page.locator("[data-figure]:not([data-drawn=true])")
    expect(undrawn).to_have_count(0, timeout=15_000)


def visit(page: Page, url: str, language: str) -> None:
    response = page.goto(url)
    assert response is not None
    expected = 404 if MISSING in url else 400 if TOO_MANY in url else 200
    assert response.status == expected, f"{url} answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", language)
    wait_for_charts(page)


def audit_api_docs(page: Page, site: str, where: str) -> list[Violation]:
    """The API documentation as it opens, then with one operation tried out: Swagger UI draws
    its parameters, the request and the response only then."""
    page.goto(site + reverse("api-docs"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    found = audit(page, where)
    page.locator(".opblock-summary-control").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table")).to_be_visible(timeout=15_000)
    return found + audit(page, where + ", an operation tried out")


@pytest.mark.usefixtures("axe")
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_public_pages_have_no_serious_violations(site, page, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    found: list[Violation] = []
    for path in public_pages():
        visit(page, site + prefix + path, language)
        found += audit(page, f"{prefix}{path} at {width}px")
    if language == "en":  # the API and its documentation are English only
        found += audit_api_docs(page, site, f"/api/v1/docs/ at {width}px")
    if found:
        pytest.fail(report(found), pytrace=False)


def test_a_chart_is_an_image_with_a_caption_and_a_table_and_keeps_its_tools(site, page):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(site + "/")
    wait_for_charts(page)
    plots = page.locator("[data-figure]")
    assert plots.count() == 4
    for index in range(plots.count()):
        plot = plots.nth(index)
        key = (plot.get_attribute("id") or "").removesuffix("-plot")
        title = page.locator(f"#{key}-title").inner_text()
        # Plotly's drawing is the image, named by the title and described by the summary;
        # the element around it is no image, since the toolbar's buttons are in it too.
        image = plot.get_by_role("img", name=title, exact=True)
        expect(image).to_have_count(1)
        expect(image).to_have_attribute("aria-describedby", f"{key}-summary")
        expect(plot).not_to_have_attribute("role", re.compile("."))
        expect(page.locator(f"#{key}-summary")).not_to_be_empty()
        expect(plot.locator("xpath=..").locator("details.chart-data table")).to_have_count(1)
        # Legends and hover labels are drawn over the image; a screen reader skips them.
        expect(plot.locator(".svg-container > svg:not([role=img])")).to_have_count(2)
        for layer in plot.locator(".svg-container > svg:not([role=img])").all():
            expect(layer).to_have_attribute("aria-hidden", "true")

    progress = page.locator("#progress-plot")
    # The toolbar is reached from the keyboard, shows itself when it has the focus, and
    # offers no upload to Plotly's cloud.
    download = progress.get_by_role("button", name="Download plot as a PNG")
    download.focus()
    expect(download).to_be_focused()
    expect(progress.locator(".modebar-group").first).to_have_css("opacity", "1")
    expect(page.get_by_role("button", name="Share chart...")).to_have_count(0)
    # Hovering a bar still shows its label.
    bars = page.locator("[data-drawn=true] .point path")
    index = bars.evaluate_all(
        "(bars) => bars.findIndex((bar) => {"
        " const box = bar.getBoundingClientRect(); return box.width > 4 && box.height > 4; })"
    )
    assert index >= 0
    bars.nth(index).hover(force=True)  # through the drag layer plotly lays over the bars
    expect(page.locator(".hoverlayer .hovertext")).not_to_have_count(0)
    # Drawn again for a phone's width, the image keeps its name.
    drawing = progress.locator(".main-svg").first
    desktop = drawing.get_attribute("width")
    page.set_viewport_size({"width": 390, "height": 900})
    expect(drawing).not_to_have_attribute("width", desktop or "")
    title = page.locator("#progress-title").inner_text()
    expect(progress.get_by_role("img", name=title, exact=True)).to_have_count(1)


# What has the keyboard's focus: whether it shows a ring (an outline or a shadow) and is on
# the screen, and the address when it is a link.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    body: element === document.body,
    what: element.outerHTML.slice(0, 100),
    href: element.href || null,
    ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight,
  };
}"""

# Every link a reader can see (not those in a closed <details>, say).
VISIBLE_LINKS = (
    "(links) => links.filter((link) => link.checkVisibility()).map((link) => link.href)"
)

KEYBOARD_PAGES = ["/?sector=6g", "/fr/statements/?sector=6g", "/sources/", "/fr/themes/"]


def tab_through(page: Page) -> list[dict]:
    """Each element the Tab key stops at, in order, once each, from the top of the page."""
    page.locator("body").focus()
    stops: list[dict] = []
    for _ in range(500):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop["body"] or (stops and stop["what"] == stops[0]["what"]):
            return stops
        if not stops or stop["what"] != stops[-1]["what"]:  # a date field stops per part
            stops.append(stop)
    raise AssertionError("the Tab key never came back to the top")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_link_and_control_takes_the_focus_visibly(site, page, width):
    """Keyboard use: the Tab key reaches every link a reader sees (the navigation to the
    indexes, the language picker, the take-away links, the footer's), and each element it
    stops at shows a focus ring, on the screen."""
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    for path in KEYBOARD_PAGES:
        page.goto(site + path)
        wait_for_charts(page)
        stops = tab_through(page)
        problems += [
            f"{path}: no visible focus on {stop['what']}"
            for stop in stops
            if not (stop["ring"] and stop["shown"])
        ]
        reached = {stop["href"] for stop in stops}
        links = page.locator("a[href]").evaluate_all(VISIBLE_LINKS)
        problems += [
            f"{path}: the Tab key never reaches {link}" for link in links if link not in reached
        ]
    assert not problems, "\n".join(problems)


def tab_to_language(page: Page, code: str) -> None:
    """Tab from the top of the page to the language picker's link to the given language."""
    page.locator("body").focus()
    for _ in range(50):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == code:
            return
    raise AssertionError(f"the Tab key does not reach the link to the {code} page")


def test_the_language_picker_works_from_the_keyboard(site, page):
    page.goto(site + "/?sector=6g")
    tab_to_language(page, "fr")
    page.keyboard.press("Enter")
    # The French twin of the same page, its filter kept.
    expect(page).to_have_url(site + "/fr/?sector=6g")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    tab_to_language(page, "en")
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/?sector=6g")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def admin_forms() -> list[tuple[str, str]]:
    """(what, address) for the add and the change form of every record the admin edits, and
    the import page. Each change form shows a record with its relations filled in, and the
    plan's and the indicator's show their inline rows (targets, observations)."""
    indicator = Indicator.objects.get(slug=INDICATOR)
    plan = Plan.objects.get(slug=PLAN)
    observation = Observation.objects.filter(indicator=indicator).first()
    assert observation is not None
    assert plan.targets.exists()
    records: list[Model] = [
        Statement.objects.get(slug="xi-big-but-not-strong"),
        plan,
        Target.objects.get(plan=plan, slug="core-industries-share-of-gdp"),
        indicator,
        observation,
        Source.objects.get(slug=SEED_REPORT),
        Actor.objects.get(slug="cpc-central-committee"),
        Theme.objects.get(slug="digital-infrastructure"),
        Sector.objects.get(slug="6g"),
    ]
    forms = []
    for record in records:
        name = f"admin:policies_{record._meta.model_name}"
        forms.append((f"{name}_add", reverse(f"{name}_add")))
        forms.append((f"{name}_change", reverse(f"{name}_change", args=[record.pk])))
    forms.append(("admin:policies_statement_import", reverse("admin:policies_statement_import")))
    return forms


def log_in(page: Page, client: Client, user: User, site: str) -> None:
    """The browser holds the session that Django's test client opens for the user."""
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site}]
    )


def label_of(page: Page, selector: str) -> re.Pattern[str]:
    """A name that starts with the text of the label (or column header) at the selector."""
    return re.compile("^" + re.escape((page.locator(selector).text_content() or "").strip()))


@pytest.mark.usefixtures("axe")
def test_admin_forms_have_no_serious_violations(site, page, client, editor):
    """The issue asks for no critical violation on the admin's forms; with our mends to
    Django's widgets (static/js/admin-labels.js, static/css/admin.css) there is no serious
    one either, and this keeps it so."""
    log_in(page, client, editor, site)
    page.set_viewport_size({"width": 1366, "height": 900})
    found: list[Violation] = []
    for what, address in admin_forms():
        response = page.goto(site + address)
        assert response is not None
        assert response.status == 200, f"{what}: {address} answered {response.status}"
        expect(page.locator("#content-main")).to_be_visible()
        found += audit(page, what)

    # An autocomplete open, then a value chosen from it, on a new statement; each named
    # after its field's label.
    page.goto(site + reverse("admin:policies_statement_add"))
    page.get_by_role("combobox", name=label_of(page, "label[for=id_source]")).click()
    expect(page.locator(".select2-results__option--highlighted")).to_be_visible()
    found += audit(page, "a new statement's source, its list open")
    page.keyboard.press("Enter")
    themes = page.get_by_role("searchbox", name=label_of(page, "label[for=id_themes]"))
    themes.fill("dig")
    expect(page.locator(".select2-results__option--highlighted")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#id_themes + .select2 .select2-selection__choice")).to_have_count(1)
    found += audit(page, "a new statement, with a source and a theme chosen")
    # A row added to a plan's inline targets is named like the others.
    page.goto(site + reverse("admin:policies_plan_change", args=[Plan.objects.get(slug=PLAN).pk]))
    rows = page.locator("#targets-group tbody tr.form-row:not(.empty-form)")
    before = rows.count()
    page.locator("#targets-group .add-row a").click()
    expect(rows).to_have_count(before + 1)
    slug = label_of(page, "#targets-group th.column-slug")
    expect(rows.last.get_by_role("textbox", name=slug)).to_have_count(1)
    found += audit(page, "a plan with a target row added")
    if found:
        pytest.fail(report(found), pytrace=False)
