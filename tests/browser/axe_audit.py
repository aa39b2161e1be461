"""axe-core in the test browser: what it finds on a page, as a list a person can read.

axe-core is an npm package pinned in tests/browser/axe/ (package.json, package-lock.json);
`make test` installs it there with `npm ci`. It is read from that file and evaluated in the
page through the DevTools protocol, which the page's Content-Security-Policy does not govern:
a <script> tag (Playwright's add_script_tag) would be inline script, which the CSP refuses.
Without the file the accessibility tests are skipped, unless REQUIRE_BROWSER=1 (as CI sets
it), which turns a missing axe-core into a failure, as tests/browser/fixtures.py does for a
missing chromium.
"""

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from playwright.sync_api import Page

AXE_FOLDER = Path(__file__).parent / "axe"
AXE_SCRIPT = AXE_FOLDER / "node_modules" / "axe-core" / "axe.min.js"

SERIOUS = frozenset({"serious", "critical"})
CRITICAL = frozenset({"critical"})

# Runs axe over the whole document and keeps what a report needs, nodes by their own impact
# (a rule's impact is its worst node's).
RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((rule) => ({
    rule: rule.id,
    help: rule.help,
    nodes: rule.nodes.map((node) => ({
      impact: node.impact || rule.impact,
      target: node.target.map((part) => [].concat(part).join(" >>> ")).join(" "),
    })),
  }));
}"""


@cache
def _read_axe() -> str | None:
    return AXE_SCRIPT.read_text(encoding="utf-8") if AXE_SCRIPT.exists() else None


def axe_source() -> str:
    """axe.min.js's text; skips the test (fails it under REQUIRE_BROWSER=1) without it."""
    source = _read_axe()
    if source is not None:
        return source
    message = (
        f"axe-core is not installed at {AXE_SCRIPT}: run `npm ci --prefix tests/browser/axe` "
        "(`make test` does, given node and npm: `apt-get install -y nodejs npm`)"
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail("REQUIRE_BROWSER=1 but " + message, pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class Violation:
    """One rule broken on one page, at the impacts asked about."""

    where: str  # the page, and the width or whatever else the caller tells apart
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]  # CSS selectors of the offending elements

    def __str__(self) -> str:
        lines = [f"{self.where}: {self.rule} ({self.impact}): {self.help}"]
        lines += [f"    {target}" for target in self.targets]
        return "\n".join(lines)


def audit(page: Page, where: str, impacts: frozenset[str] = SERIOUS) -> list[Violation]:
    """axe-core's violations on the page as it stands, at the given impacts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    found = []
    for rule in page.evaluate(RUN):
        by_impact: dict[str, list[str]] = {}
        for node in rule["nodes"]:
            if node["impact"] in impacts:
                by_impact.setdefault(node["impact"], []).append(node["target"])
        for impact, targets in sorted(by_impact.items()):
            found.append(Violation(where, rule["rule"], impact, rule["help"], tuple(targets)))
    return found


def report(violations: list[Violation]) -> str:
    """The violations as a failure message: how many, then each with its elements."""
    return f"{len(violations)} accessibility violations:\n" + "\n".join(map(str, violations))
