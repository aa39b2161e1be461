"""Chart labels are never clipped, from a phone to a desktop, in English and in French.

Measured, not looked at: every piece of text plotly draws in a chart's SVG (axis titles,
tick labels, the colour bar, the legend, annotations, bar labels) must lie inside the chart's
box and inside the screen. Text outside the box is cut off by the SVG, and text outside the
screen cannot be read.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import PageWatch

pytestmark = pytest.mark.browser

WIDTHS = [360, 390, 1366]
PATHS = ["/", "/plans/14th-fyp-digital-economy/", "/targets/"]
TOLERANCE = 1  # px: sub-pixel rounding of text boxes

# Every text element of every drawn chart whose box leaves the chart's box or the screen,
# with what it says and where it is.
CLIPPED_TEXT = """(tolerance) => {
  const found = [];
  const screen = window.innerWidth;
  document.querySelectorAll("[data-figure][data-drawn=true]").forEach((plot) => {
    const box = plot.getBoundingClientRect();
    plot.querySelectorAll(".main-svg text").forEach((text) => {
      const label = text.textContent.trim();
      const rect = text.getBoundingClientRect();
      if (!label || rect.width === 0 || rect.height === 0) {
        return;  // an empty or undisplayed placeholder, nothing to read
      }
      const outside =
        rect.left < box.left - tolerance || rect.right > box.right + tolerance ||
        rect.top < box.top - tolerance || rect.bottom > box.bottom + tolerance ||
        rect.left < -tolerance || rect.right > screen + tolerance;
      if (outside) {
        const kind = text.closest("[class]").getAttribute("class");
        found.push(`${plot.id} ${kind} "${label}": ` +
          `[${Math.round(rect.left)}, ${Math.round(rect.right)}] x ` +
          `[${Math.round(rect.top)}, ${Math.round(rect.bottom)}] in ` +
          `[${Math.round(box.left)}, ${Math.round(box.right)}] x ` +
          `[${Math.round(box.top)}, ${Math.round(box.bottom)}]`);
      }
    });
  });
  return found;
}"""


@pytest.mark.parametrize("language", ["en", "fr"])
def test_chart_labels_fit_every_width(site, browser, language):
    clipped = []
    # The language is in the URL (/fr/...); one page per width: each page is drawn at its
    # width from the start, as a phone draws it.
    prefix = "" if language == "en" else f"/{language}"
    context = browser.new_context(locale=language)
    try:
        for width in WIDTHS:
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            watch = PageWatch(page)
            for path in PATHS:
                page.goto(site + prefix + path)
                expect(page.locator("html")).to_have_attribute("lang", language)
                figures = page.locator("[data-figure]")
                expect(page.locator("[data-drawn=true]")).to_have_count(
                    figures.count(), timeout=15_000
                )
                assert figures.count() > 0, f"{path} drew no chart"
                clipped += [
                    f"{language} {width}px {path} {found}"
                    for found in page.evaluate(CLIPPED_TEXT, TOLERANCE)
                ]
            watch.assert_clean()
            page.close()
    finally:
        context.close()
    assert clipped == [], "\n".join(clipped)
