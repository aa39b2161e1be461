"""Taking the data away: every list, the dashboard and the scope pages link to their records
as CSV and JSON, on the API and as a feed, under the page's filters; exports are named for
what they hold; feeds keep their filters in their own address; the API's root leads to its
documentation. (What each link holds, against the page, is in tests/browser/test_take_away.py.)
"""

import datetime
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from policies import filters
from policies.web.take_away import NAME_LENGTH, ORDER, export_filename, filter_params, links

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = datetime.date(2026, 12, 1)


class TakeAwayLinks(HTMLParser):
    """The page's take-away row (link text → address) and its <head>'s alternates
    (type → address), besides the language twins."""

    def __init__(self) -> None:
        super().__init__()
        self.row: dict[str, str] = {}
        self.alternates: dict[str, str] = {}
        self.rows = 0
        self._in_row = False
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "ul" and attributes.get("class") == "take-away":
            self._in_row = True
            self.rows += 1
        elif tag == "a" and self._in_row:
            self._href = attributes["href"]
        elif tag == "link" and attributes.get("rel") == "alternate" and "type" in attributes:
            self.alternates[attributes["type"]] = attributes["href"]

    def handle_endtag(self, tag):
        if tag == "ul":
            self._in_row = False
        elif tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._href is not None and data.strip():
            self.row[data.strip()] = self._href


def take_away_links(client, url: str, status: int = 200) -> TakeAwayLinks:
    response = client.get(url)
    assert response.status_code == status, url
    parser = TakeAwayLinks()
    parser.feed(response.content.decode())
    return parser


def split(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qsl(parts.query, keep_blank_values=True)


# Each page with filters (and a page number and a stray parameter, left behind), the path of
# its export, API list and feed (None: no feed), and the filters its links keep, in order.
PAGES = {
    "dashboard": (
        "/?theme=security&page=2&date_after=2020-01-01&utm_source=x&sector=digital-economy",
        ("statements", "statements", "statements"),
        [("sector", "digital-economy"), ("theme", "security"), ("date_after", "2020-01-01")],
    ),
    "statements": (
        "/statements/?q=numérique&page=1&actor=xi-jinping&date_basis=delivered&kind=essay",
        ("statements", "statements", "statements"),
        [
            ("actor", "xi-jinping"),
            ("kind", "essay"),
            ("date_basis", "delivered"),
            ("q", "numérique"),
        ],
    ),
    "plans": (
        "/plans/?kind=five_year_plan&kind=action_plan&page=1&date_before=2024-12-31&cursor=abc",
        ("plans", "plans", None),
        [("kind", "five_year_plan"), ("kind", "action_plan"), ("date_before", "2024-12-31")],
    ),
    "targets": (
        "/targets/?page=1&indicator=core-digital-share&plan=14th-fyp-digital-economy",
        ("targets", "targets", "targets"),
        [("plan", "14th-fyp-digital-economy"), ("indicator", "core-digital-share")],
    ),
    # The indicators are listed, and exported, whole.
    "indicators": ("/indicators/?page=2&sector=6g", ("indicators", "indicators", None), []),
    # A scope page's links carry its scope as a filter, beside the reader's own.
    "sector": (
        "/sectors/6g/?theme=key-technologies&page=3",
        ("statements", "statements", "statements"),
        [("sector", "6g"), ("theme", "key-technologies")],
    ),
    "theme": (
        "/themes/security/?actor=xi-jinping",
        ("statements", "statements", "statements"),
        [("theme", "security"), ("actor", "xi-jinping")],
    ),
    "actor": (
        "/actors/state-council/?date_basis=published&page=2",
        ("statements", "statements", "statements"),
        [("actor", "state-council"), ("date_basis", "published")],
    ),
}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_links_to_its_records_under_its_filters(seeded, client, name, language):
    url, (export, api, feed), kept = PAGES[name]
    prefix = "/fr" if language == "fr" else ""
    found = take_away_links(client, prefix + url)
    assert found.rows == 1
    expected = {
        # Exports and feeds answer in the page's language; the API has one address.
        "Download CSV": f"{prefix}/export/{export}.csv",
        "Download JSON": f"{prefix}/export/{export}.json",
        "API": f"/api/v1/{api}/",
    }
    if feed:
        expected["Atom feed"] = f"{prefix}/feeds/{feed}.atom"
    # The French labels are the lead's to write; the links are the same four, in order.
    assert len(found.row) == len(expected)
    for (label, path), href in zip(expected.items(), found.row.values(), strict=True):
        assert split(href) == (path, kept), (label, href)
    # The head offers the JSON and the feed to browsers and feed readers.
    alternates = {"application/json": expected["Download JSON"]}
    if feed:
        alternates["application/atom+xml"] = expected["Atom feed"]
    assert {kind: split(href) for kind, href in found.alternates.items()} == {
        kind: (path, kept) for kind, path in alternates.items()
    }


@pytest.mark.parametrize("name", list(PAGES))
def test_every_link_answers_with_what_it_says(seeded, client, name):
    url, _doors, _kept = PAGES[name]
    found = take_away_links(client, url)
    types = {
        "Download CSV": "text/csv",
        "Download JSON": "application/json",
        "API": "application/json",
        "Atom feed": "application/atom+xml",
    }
    for label, href in found.row.items():
        response = client.get(href, headers={"Accept": "application/json"})
        assert response.status_code == 200, (label, href)
        assert response["Content-Type"].startswith(types[label]), (label, href)


@pytest.mark.parametrize(
    "url", ["/statements/?theme=nope", "/?date_after=soon", "/sectors/6g/?actor=nobody"]
)
def test_refused_filters_offer_no_links(seeded, client, url):
    # Every link would answer 400 too: the page says what is wrong, and offers nothing.
    found = take_away_links(client, url, status=400)
    assert found.rows == 0
    assert found.alternates == {}


def test_the_dashboard_says_its_links_hold_its_statements(seeded, client):
    # It counts plans and targets too: the row says which records it takes away.
    html = client.get("/").content.decode()
    assert '<span class="take-away-what" id="take-away-what">The statements:</span>' in html
    assert '<ul class="take-away" aria-labelledby="take-away-what">' in html


def test_the_dashboard_keeps_the_kinds_of_its_statements(seeded, client):
    # The dashboard's one kind list names plans' kinds too; its statements ignore them.
    found = take_away_links(client, "/?kind=essay&kind=five_year_plan")
    assert split(found.row["API"]) == ("/api/v1/statements/", [("kind", "essay")])
    assert client.get(found.row["API"]).json()["count"] == 6
    # Asked for plans of a kind only, it shows no statements: no link could hold none.
    found = take_away_links(client, "/?kind=five_year_plan")
    assert found.rows == 0
    assert found.alternates == {}


def test_the_links_keep_exactly_what_each_filterset_reads():
    everything = {name: ["x"] for name in (*ORDER, "page", "cursor", "format", "page_size")}
    for surface, filterset in filters.FILTERSETS.items():
        kept = [name for name, _value in filter_params(surface, everything) if name != "kind"]
        readable = [] if filterset is None else [n for n in filterset.base_filters if n != "kind"]
        assert sorted(kept) == sorted(readable), surface
    # Every filter has its place in a file's name (a new one must be given its place).
    names = {n for f in filters.FILTERSETS.values() if f for n in f.base_filters}
    assert names <= set(ORDER)


def test_empty_values_filter_nothing_and_are_left_behind():
    # A submitted form sends its empty fields: they are not filters.
    data = {"sector": ["", "6g"], "q": "", "date_after": ""}
    assert filter_params("statements", data) == [("sector", "6g")]
    found = links("statements", data)
    assert found is not None
    assert found.csv == "/export/statements.csv?sector=6g"
    assert links("indicators", {"sector": "6g"}).api == "/api/v1/indicators/"


@pytest.mark.parametrize(
    ("kind", "data", "name"),
    [
        ("statements", {}, "statements-2026-12-01.csv"),
        ("statements", {"sector": "6g"}, "statements-sector-6g-2026-12-01.csv"),
        # Each filter by name, its values after it, in the filter form's order.
        (
            "statements",
            {"theme": ["security", "governance"], "sector": "6g", "page": "2"},
            "statements-sector-6g-theme-security-governance-2026-12-01.csv",
        ),
        (
            "targets",
            {"indicator": "core-digital-share", "date_after": "2020-01-01"},
            "targets-indicator-core-digital-share-date-after-2020-01-01-2026-12-01.csv",
        ),
        # Only [a-z0-9-]: a search's words, lowered and stripped of accents and punctuation.
        (
            "plans",
            {"q": 'Économie "numérique"; ../../etc/passwd'},
            "plans-q-economie-numerique-etc-passwd-2026-12-01.csv",
        ),
        # A value with nothing left to spell still says there was a search.
        ("statements", {"q": "数字经济"}, "statements-q-2026-12-01.csv"),
        # Reference data is exported whole: a filter it ignores is not in its name.
        ("sources", {"sector": "6g"}, "sources-2026-12-01.csv"),
    ],
)
def test_export_files_are_named_for_what_they_hold(kind, data, name):
    assert export_filename(kind, data, file_format="csv", today=DAY) == name


def test_a_long_export_name_is_cut_at_a_word():
    data = {"q": " ".join(["digital-economy"] * 40), "sector": "6g"}
    name = export_filename("statements", data, file_format="json", today=DAY)
    stem = name.removesuffix("-2026-12-01.json")
    assert len(stem) <= NAME_LENGTH
    assert stem.startswith("statements-sector-6g-q-digital-economy-")
    # Cut between words, never inside one.
    assert not stem.endswith("-")
    assert stem.split("-")[-1] in {"digital", "economy"}
    assert re.fullmatch(r"[a-z0-9-]+\.json", name)


def test_the_export_names_its_file_for_its_filters_and_the_day(seeded, client):
    today = timezone.localdate().isoformat()
    response = client.get(
        reverse("policies:export", args=["statements", "csv"]),
        {"sector": "6g", "page": "4"},
    )
    assert response.status_code == 200
    expected = f"statements-sector-6g-{today}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    response = client.get("/fr/export/targets.json", {"indicator": "core-digital-share"})
    expected = f"targets-indicator-core-digital-share-{today}.json"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'


def feed_links(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    return {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}


@pytest.mark.parametrize(
    ("url", "self_link", "page"),
    [
        (
            "/feeds/statements.atom?sector=6g&page=2&theme=key-technologies",
            "/feeds/statements.atom?sector=6g&theme=key-technologies",
            "/statements/?sector=6g&theme=key-technologies",
        ),
        ("/feeds/statements.atom", "/feeds/statements.atom", "/statements/"),
        (
            "/fr/feeds/statements.atom?actor=xi-jinping",
            "/fr/feeds/statements.atom?actor=xi-jinping",
            "/fr/statements/?actor=xi-jinping",
        ),
        (
            "/feeds/targets.atom?indicator=core-digital-share&page=2",
            "/feeds/targets.atom?indicator=core-digital-share",
            "/targets/?indicator=core-digital-share",
        ),
    ],
)
def test_a_feed_keeps_its_filters_in_its_own_address(seeded, client, url, self_link, page):
    site = "http://testserver"
    assert feed_links(client, url) == {"self": site + self_link, "alternate": site + page}


def test_the_api_root_leads_to_its_documentation_and_schema(seeded, client):
    response = client.get("/api/v1/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    root = response.json()
    assert root["documentation"] == "http://testserver/api/v1/docs/"
    assert root["schema"] == "http://testserver/api/v1/schema/"
    assert root["statements"] == "http://testserver/api/v1/statements/"
    assert response["Link"] == (
        '<http://testserver/api/v1/docs/>; rel="service-doc", '
        '<http://testserver/api/v1/schema/>; rel="service-desc"'
    )
    # Both answer.
    assert client.get("/api/v1/docs/").status_code == 200
    assert client.get("/api/v1/schema/").status_code == 200
    # The browsable root, as a browser opens it, links to them.
    html = client.get("/api/v1/", headers={"Accept": "text/html"}).content.decode()
    assert 'href="http://testserver/api/v1/docs/"' in html
    assert 'href="http://testserver/api/v1/schema/"' in html


def test_the_footer_links_to_the_api_documentation(seeded, client):
    html = client.get("/fr/").content.decode()
    assert 'href="/api/v1/docs/"' in html
