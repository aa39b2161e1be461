"""The filter form's facets in a real browser, in English and French, on the dashboard and on
each list: values with counts said in words, chips that remove them, the keyboard's place kept
across the reload, the sector tree, the box that narrows a long list, the phone's "Filters (n)"
button, the form without JavaScript, and no serious axe finding with filters chosen.
Screenshots go to /tmp/shots/ (FACET_SCREENSHOTS to put them elsewhere), to be looked at."""

import os
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from policies.models import Indicator, Sector, Theme
from tests.browser.axe_audit import audit, axe_source, report
from tests.browser.fixtures import PageWatch

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("FACET_SCREENSHOTS") or Path(tempfile.gettempdir(), "shots"))

# Each surface's address, the facets its form shows in order, and what its counts count (the
# msgid of its result count: "%(counter)s statement").
SURFACES = {
    "dashboard": ("/", ["sector", "theme", "actor", "plan", "kind"], "statement"),
    "statements": ("/statements/", ["sector", "theme", "actor", "plan", "kind"], "statement"),
    "plans": ("/plans/", ["sector", "theme", "actor", "kind"], "plan"),
    "targets": ("/targets/", ["sector", "theme", "actor", "plan", "indicator", "kind"], "target"),
}
LANGUAGES = ["en", "fr"]
# A theme with records on every surface (the seeds: 1 statement, 4 plans, 15 targets).
THEME = "digital-infrastructure"


@pytest.fixture
def axe() -> str:
    """axe-core's script; without it, the test skips (fails in CI) before it starts."""
    return axe_source()


def prefix(language: str) -> str:
    return "" if language == "en" else f"/{language}"


def words(language: str, message: str, plural: str = "", n: int = 1) -> str:
    """The page's words for ``message`` in ``language``, as its catalogue has them."""
    with translation.override(language):
        if plural:
            return translation.ngettext(message, plural, n) % {"counter": n}
        return translation.gettext(message)


def counted(language: str, unit: str, n: int) -> str:
    """A count in words: "12 statements", "1 déclaration"."""
    return words(language, f"%(counter)s {unit}", f"%(counter)s {unit}s", n)


def theme_name(language: str) -> str:
    theme = Theme.objects.get(slug=THEME)
    return theme.name_fr if language == "fr" else theme.name


def shown_total(page: Page, surface: str) -> int:
    """How many records the page says match: the dashboard's statements, or the list's count."""
    where = ".counts p:first-child strong" if surface == "dashboard" else ".result-count"
    found = re.search(r"\d+", page.locator(where).inner_text())
    assert found is not None
    return int(found[0])


def tab_to(page: Page, predicate: str, limit: int = 300) -> None:
    """Press Tab until the focused element passes ``predicate`` (a JavaScript function of it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"({predicate})(document.activeElement)"):
            return
    raise AssertionError(f"the Tab key never reached {predicate}")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("surface", list(SURFACES))
def test_facets_count_in_words_and_the_keyboard_chooses_and_removes(
    site, page, watch, surface, language
):
    path, names, unit = SURFACES[surface]
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(site + prefix(language) + path)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("fieldset.facet")).to_have_count(len(names))
    assert [
        (facet.get_attribute("id") or "").removeprefix("facet-")
        for facet in page.locator("fieldset.facet").all()
    ] == names
    expect(page.locator("a.chip")).to_have_count(0)

    # The value, its count to see, and the count in words to hear.
    box = page.locator(f"#f-theme-{THEME}")
    count = int(
        page.locator(f"label[for='f-theme-{THEME}'] .facet-count [aria-hidden=true]").inner_text()
    )
    assert count > 0
    name = f"{theme_name(language)} {counted(language, unit, count)}"
    expect(
        page.locator("#facet-theme").get_by_role("checkbox", name=name, exact=True)
    ).to_have_count(1)
    expect(box).not_to_be_checked()

    # Keyboard only: Tab to the checkbox, Space; the page comes back filtered, the focus on it.
    page.locator("body").focus()
    tab_to(page, f"(element) => element.id === 'f-theme-{THEME}'")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(rf"\?(.*&)?theme={THEME}(&|$)"))
    expect(box).to_be_checked()
    expect(box).to_be_focused()
    # Empty fields stay out of the address.
    assert "q=" not in page.url
    assert "date_after=" not in page.url
    # Its count said how many records choosing it lists.
    assert shown_total(page, surface) == count
    legend = page.locator("#facet-theme > legend")
    chosen = words(language, "(%(counter)s chosen)", "(%(counter)s chosen)", 1)
    expect(legend).to_contain_text(chosen)

    # The chip above the results, named for what it removes; Tab to it, Enter removes it.
    remove = words(language, "Remove filter")
    named = re.compile(f"^{re.escape(remove)} .*{re.escape(theme_name(language))}")
    chip = page.get_by_role("link", name=named)
    expect(chip).to_have_count(1)
    expect(page.get_by_role("link", name=words(language, "Clear all"), exact=True)).to_be_visible()
    tab_to(page, "(element) => element.matches('a.chip')")
    expect(chip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(f"theme={THEME}"))
    expect(box).not_to_be_checked()
    expect(page.locator("a.chip")).to_have_count(0)
    watch.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_chip_removes_one_value_and_clear_all_removes_every_one(site, page, watch, language):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{site}{prefix(language)}/statements/?theme={THEME}&theme=security&q=digital")
    chips = page.locator("a.chip")
    expect(chips).to_have_count(3)
    page.locator(f"a.chip:has-text('{theme_name(language)}')").click()
    expect(chips).to_have_count(2)
    assert "theme=security" in page.url
    assert f"theme={THEME}" not in page.url
    assert "q=digital" in page.url
    # The focus moved to the chip that took its place.
    expect(chips.first).to_be_focused()
    page.get_by_role("link", name=words(language, "Clear all"), exact=True).click()
    expect(page).to_have_url(f"{site}{prefix(language)}/statements/")
    expect(chips).to_have_count(0)
    watch.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sector_tree_folds_and_opens_where_a_value_is_chosen(site, page, watch, language):
    page.set_viewport_size({"width": 1366, "height": 900})
    chosen = Sector.objects.get(slug="6g")
    page.goto(f"{site}{prefix(language)}/?sector={chosen.slug}")
    tree = page.locator("#facet-sector")
    # The branch holding the chosen sector is open, to show it; the only root is open too.
    for ancestor in Sector.objects.filter(pk__in=[chosen.parent_id, chosen.parent.parent_id]):
        branch = tree.locator(f"li:has(> #f-sector-{ancestor.slug}) > details")
        expect(branch).to_have_attribute("open", "")
    expect(tree.locator(f"#f-sector-{chosen.slug}")).to_be_checked()
    expect(tree.locator(f"#f-sector-{chosen.slug}")).to_be_visible()
    # Another branch is folded; the keyboard opens it.
    owner = tree.locator("li:has(> details.facet-branch:not([open])) > input").first
    closed = tree.locator(f"li:has(> #{owner.get_attribute('id')}) > details")
    expect(closed).not_to_have_attribute("open", "")
    child = closed.locator("input[type=checkbox]").first
    expect(child).to_be_hidden()
    summary = closed.locator("summary")
    page.locator("body").focus()
    tab_to(page, "(element) => element.tagName === 'SUMMARY' && !element.parentElement.open")
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    expect(closed).to_have_attribute("open", "")
    expect(child).to_be_visible()
    watch.assert_clean()


def plain(text: str) -> str:
    """``text`` without accents or case, as a reader might type it."""
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).casefold()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_list_narrows_as_one_types(site, page, watch, language):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{site}{prefix(language)}/targets/")
    facet = page.locator("#facet-indicator")
    options = facet.locator("li.facet-item")
    total = options.count()
    assert total > 10
    # Short lists have no box.
    expect(page.locator("#facet-theme [data-facet-find]")).to_have_count(0)
    find = facet.get_by_role("searchbox", name=words(language, "Find in this list"))
    expect(find).to_be_visible()

    # A word with an accent in the reader's language, typed without it and in capitals.
    labels = [label.strip() for label in facet.locator(".facet-label").all_inner_texts()]
    accented = next(
        (word for label in labels for word in label.split() if plain(word) != word.casefold()),
        labels[0].split()[0],
    )
    typed = plain(accented).upper()
    expected = [label for label in labels if plain(typed) in plain(label)]
    assert 0 < len(expected) < total
    find.fill(typed)
    visible = [
        label.strip()
        for label in facet.locator("li.facet-item:visible > label .facet-label").all_inner_texts()
    ]
    assert visible == expected
    expect(facet.locator("[role=status]")).to_have_text("")
    # Enter in the box narrows; it does not send the form.
    url = page.url
    find.press("Enter")
    assert page.url == url

    find.fill("zzzz-nothing")
    expect(options.filter(visible=True)).to_have_count(0)
    none = words(language, "Nothing in this list matches.")
    expect(facet.locator("[role=status]")).to_have_text(none)
    find.fill("")
    expect(options.filter(visible=True)).to_have_count(total)
    assert Indicator.objects.count() >= total
    watch.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_phone_folds_the_filters_behind_a_button(site, page, watch, language):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}{prefix(language)}/statements/?theme={THEME}&sector=digital-economy")
    toggle = page.locator("[data-filters-toggle]")
    filters = words(language, "Filters")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_accessible_name(f"{filters} (2)")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_attribute("aria-controls", "filters-body")
    box = page.locator(f"#f-theme-{THEME}")
    expect(box).to_be_hidden()
    # The chips and the first result are on the first screen.
    expect(page.locator("a.chip")).to_have_count(2)
    assert page.locator(".result-count").bounding_box()["y"] < 844
    assert page.locator("a.chip").first.bounding_box()["y"] < 844

    # The keyboard opens it, and a value chosen there keeps the form open and the focus.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(box).to_be_visible()
    box.focus()
    page.keyboard.press("Space")
    expect(page).not_to_have_url(re.compile(f"theme={THEME}"))
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(box).to_be_focused()
    expect(toggle).to_have_accessible_name(f"{filters} (1)")
    toggle.focus()
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(box).to_be_hidden()

    # A desktop has no button: the form is open.
    page.set_viewport_size({"width": 1366, "height": 900})
    expect(toggle).to_be_hidden()
    expect(box).to_be_visible()
    watch.assert_clean()


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_javascript_every_facet_shows_and_the_button_applies(site, browser, language):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto(f"{site}{prefix(language)}/plans/")
        # No button to fold them, no box that needs a script: every value shown.
        expect(page.locator("[data-filters-toggle]")).to_be_hidden()
        expect(page.locator("[data-facet-find]").filter(visible=True)).to_have_count(0)
        box = page.locator(f"#f-theme-{THEME}")
        expect(box).to_be_visible()
        count = int(
            page.locator(
                f"label[for='f-theme-{THEME}'] .facet-count [aria-hidden=true]"
            ).inner_text()
        )
        page.locator(f"label[for='f-theme-{THEME}']").click()
        assert page.url.endswith("/plans/")  # nothing applies until the button
        page.get_by_role("button", name=words(language, "Apply filters")).click()
        expect(page).to_have_url(re.compile(f"theme={THEME}"))
        expect(box).to_be_checked()
        assert shown_total(page, "plans") == count
        # The chip is a plain link.
        page.locator("a.chip").click()
        expect(page).not_to_have_url(re.compile(f"theme={THEME}"))
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_value_is_explained_and_its_chip_removes_it(site, page, watch, language):
    page.set_viewport_size({"width": 390, "height": 844})
    response = page.goto(f"{site}{prefix(language)}/statements/?theme=no-such-theme&sector=6g")
    assert response is not None
    assert response.status == 400
    # The reason is on the first screen, above the folded form; nothing is counted.
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("no-such-theme")
    expect(page.locator(".facet-count")).to_have_count(0)
    page.locator("a.chip", has_text="no-such-theme").click()
    expect(page).to_have_url(f"{site}{prefix(language)}/statements/?sector=6g")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator(".facet-count").first).to_be_attached()
    # The 400 page's own resource error is the only console error.
    assert [error for error in watch.console_errors if "400" not in error] == []


# Each surface with filters chosen: values in two facets, and words.
CHOSEN = {
    "dashboard": "/?theme=key-technologies&sector=digital-economy&kind=essay",
    "statements": "/statements/?theme=key-technologies&theme=security&actor=xi-jinping&q=digital",
    "plans": f"/plans/?theme={THEME}&sector=digital-infrastructure",
    "targets": f"/targets/?theme={THEME}&indicator=gigabit-users&date_after=2020-01-01",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.usefixtures("axe")
def test_no_serious_axe_finding_with_filters_chosen(site, page, language):
    """On a desktop, and on a phone with the form folded and unfolded; the screenshots of each
    for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    watch = PageWatch(page)
    found = []
    for surface, path in CHOSEN.items():
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(site + prefix(language) + path)
            assert response is not None
            assert response.status == 200, path
            expect(page.locator("a.chip").first).to_be_visible()
            where = f"{prefix(language)}{path} at {width}px"
            found += audit(page, where)
            shot = SCREENSHOTS / f"{surface}-{language}-{width}.png"
            if width == 390:
                page.screenshot(path=str(shot.with_stem(shot.stem + "-folded")), full_page=True)
                page.locator("[data-filters-toggle]").click()
                found += audit(page, where + ", the filters unfolded")
            page.screenshot(path=str(shot), full_page=True)
    if found:
        pytest.fail(report(found), pytrace=False)
    watch.assert_clean()
