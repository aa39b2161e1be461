"""Browser tests drive Debian's chromium through Playwright against Django's live server.

A plugin (``pytest_plugins`` in tests/conftest.py) rather than this folder's conftest, so that
browser tests elsewhere (tests/properties/test_hostile_content.py) have the same fixtures.
Without a chromium at CHROMIUM_PATH they are skipped, unless REQUIRE_BROWSER=1 (as CI sets
it), which turns a missing browser into a failure.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"REQUIRE_BROWSER=1 but there is no chromium at {CHROMIUM}: "
            "install Debian's package with `apt-get install -y chromium`."
        )
    skip = pytest.mark.skip(reason=f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def site(live_server, transactional_db, seeded):
    """The live server with the seeds loaded (committed: tests/conftest.py); its URL."""
    return live_server.url


class PageWatch:
    """What a page did that a reader would not want: console errors, requests elsewhere,
    anything the Content-Security-Policy blocked."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.remote_requests: list[str] = []
        # Every Content-Security-Policy violation, as the page itself sees it.
        page.add_init_script(
            "window.cspViolations = [];"
            "document.addEventListener('securitypolicyviolation', (e) =>"
            " window.cspViolations.push([e.violatedDirective, e.blockedURI, e.sourceFile,"
            " e.lineNumber, e.columnNumber, e.sample].join(' ')));"
        )
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("request", self._request)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def _request(self, request):
        host = urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:")):
            return
        if host not in LOCAL_HOSTS:
            self.remote_requests.append(request.url)

    def assert_clean(self):
        assert self.page.evaluate("window.cspViolations") == []
        assert self.console_errors == []
        assert self.remote_requests == []


@pytest.fixture
def watch(page):
    return PageWatch(page)
