"""The reader's language, data included: on /fr/ the records' names, descriptions, headlines
and notes read in French; a record without French shows its English, marked (``lang="en"``
and a visible "EN"), never an empty field; the English pages are as they were, and no page
costs a query more in French.
"""

import datetime
import html
import json
import re

import pytest
from django.utils import translation

from policies.models import Actor, Indicator, Sector, Statement, Theme
from tests.factories import PlanFactory, StatementFactory, TargetFactory, ThemeFactory
from tests.web.test_pages import BUDGETS, page_urls, query_count

pytestmark = pytest.mark.django_db

MARKER = '<abbr class="fallback" title="'
# Words that would betray English inside a French generated sentence.
ENGLISH_WORDS = re.compile(r"\b(the|and|of|by|is|are|with|from|to|statements?|records?)\b")


def visible_text(page: str) -> str:
    """What a reader sees of a page: no scripts or styles, no tags (so no URLs, hreflang or
    other attributes), entities decoded, whitespace collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def chart_words(page: str) -> str:
    """Every string of every chart's figure (its labels, hovers, key), which plotly draws."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for data in re.findall(
        r'<script id="[^"]+-data" type="application/json">(.*?)</script>', page
    ):
        walk(json.loads(data))
    return " ".join(found)


def summaries(page: str) -> dict[str, str]:
    return {
        key: html.unescape(text)
        for key, text in re.findall(r'<p class="summary" id="([\w-]+)-summary">(.*?)</p>', page)
    }


def taxonomy_names() -> list[tuple[str, str]]:
    """(English, French) of every theme, sector, actor and indicator whose French name is not
    its English one."""
    pairs = [(t.name, t.name_fr) for t in Theme.objects.all()]
    pairs += [(s.name, s.name_fr) for s in Sector.objects.all()]
    pairs += [(a.name, a.name_fr) for a in Actor.objects.all()]
    pairs += [(i.name_en, i.name_fr) for i in Indicator.objects.all()]
    return [(english, french) for english, french in pairs if english != french]


def containing(text: str, names: list[str]) -> list[str]:
    return [name for name in names if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)]


def test_every_seed_taxonomy_record_has_its_french_name(seeded):
    missing = [
        str(record)
        for model in (Theme, Sector, Actor, Indicator)
        for record in model.objects.filter(synthetic=False)
        if not record.name_fr
    ]
    assert missing == []


@pytest.mark.parametrize(
    "path",
    [
        "/fr/",
        "/fr/?sector=digital-economy&theme=security",
        "/fr/themes/security/",
        "/fr/sectors/digital-economy/",
        "/fr/methodology/",
    ],
)
def test_the_french_pages_show_no_english_taxonomy_name(seeded, client, path):
    pairs = taxonomy_names()
    assert len(pairs) > 20  # the test means something only if the seeds differ in French
    page = client.get(path).content.decode()
    english = [english for english, _french in pairs]
    assert containing(visible_text(page), english) == []
    assert containing(chart_words(page), english) == []
    # And they are there, in French.
    assert containing(visible_text(page), [french for _english, french in pairs])


def test_the_french_chart_summaries_read_in_french(seeded, client):
    french, english = (
        summaries(client.get("/fr/").content.decode()),
        summaries(client.get("/").content.decode()),
    )
    assert set(french) == set(english) == {"timeline", "progress", "heatmap", "coverage"}
    names = taxonomy_names()
    french_themes = [t.name_fr for t in Theme.objects.all()]
    french_sectors = [s.name_fr for s in Sector.objects.all()]
    for key, sentence in french.items():
        assert sentence != english[key]
        assert ENGLISH_WORDS.findall(sentence) == [], sentence
        assert containing(sentence, [english for english, _french in names]) == [], sentence
    # The names the sentences give are the records' French names.
    assert containing(french["timeline"], french_themes)
    assert containing(french["heatmap"], french_themes)
    assert containing(french["heatmap"], french_sectors)
    assert containing(french["coverage"], french_sectors)
    # Quarters in the French way, not "2021 Q1".
    assert not re.search(r"\d{4} Q\d", french["timeline"])


def test_a_record_without_french_shows_its_english_marked_never_empty(seeded, client):
    theme = ThemeFactory(name="Quantum sensing", description="Sensors that count photons.")
    bare = ThemeFactory(name="Space economy", description="")
    statement = Statement.objects.get(slug="xi-big-but-not-strong")
    statement.themes.add(theme, bare)
    marked = '<span lang="en">Quantum sensing</span>' + MARKER

    page = client.get(f"/fr/themes/{theme.slug}/").content.decode()
    assert f"<h1>{marked}" in page
    assert '<p class="lede"><span lang="en">Sensors that count photons.</span>' + MARKER in page
    assert "<title>Quantum sensing (EN)" in page
    # The tag on the statement, and the chart that counts it.
    assert marked in page
    assert "Quantum sensing (EN)" in chart_words(page)

    page = client.get(f"/fr/themes/{bare.slug}/").content.decode()
    assert '<h1><span lang="en">Space economy</span>' + MARKER in page
    assert '<p class="lede"></p>' not in page
    assert re.search(r"<(h1|h2|h3|p|dd|td|th|a|li)\b[^>]*>\s*</\1>", page) is None

    listing = client.get("/fr/statements/?theme=" + theme.slug).content.decode()
    assert marked in listing
    assert f'<option value="{theme.slug}" selected>Quantum sensing (EN)</option>' in listing


def test_a_statement_without_french_is_marked_in_the_feed(seeded, client):
    StatementFactory(headline="A headline in English only", published_on="2030-01-01")
    feed = client.get("/fr/feeds/statements.atom").content.decode()
    assert "<title>A headline in English only (EN)</title>" in feed
    translated = Statement.objects.exclude(headline_fr="").first()
    assert translated is not None
    assert f"<title>{html.escape(translated.headline_fr, quote=False)}</title>" in feed


def test_the_english_pages_are_unchanged(seeded, client):
    page = client.get("/").content.decode()
    assert MARKER not in page
    assert "(EN)" not in visible_text(page) + chart_words(page)
    themes = [t.name for t in Theme.objects.all()]
    assert containing(visible_text(page), themes)
    assert containing(summaries(page)["heatmap"], themes), (
        "the English summary names the English theme"
    )
    # French names only where a French page asked for them.
    french = [fr for en, fr in taxonomy_names() if fr and fr not in en]
    assert containing(visible_text(page), french) == []


def test_filter_choices_read_and_sort_in_french_and_the_sector_tree_keeps_its_order(
    seeded, client
):
    page = client.get("/fr/statements/").content.decode()

    def options(name: str) -> list[str]:
        select = re.search(rf'<select [^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
        assert select is not None
        return [html.unescape(label) for label in re.findall(r">([^<]*)</option>", select[1])]

    themes = options("theme")
    assert themes == sorted(
        (t.name_fr for t in Theme.objects.all()),
        key=lambda name: name.casefold().replace("é", "e").replace("É", "e"),
    )
    sectors = options("sector")
    with translation.override("fr"):
        tree = ["— " * s.depth + str(s.local.name) for s in Sector.objects.order_by("path")]
    assert sectors == tree


def test_no_page_costs_a_query_more_in_french(seeded, client):
    # The French columns are on the same rows: the English budgets hold, measured as
    # tests/web/test_pages.py measures them (Xi's page given a target, the cache empty).
    xi = Actor.objects.get(slug="xi-jinping")
    TargetFactory(
        plan=PlanFactory(issuer=xi, published_on=datetime.date(2014, 1, 1), signed_on=None)
    )
    with translation.override("fr"):
        urls = page_urls()
    assert all(url.startswith("/fr/") for url in urls.values())
    counts = {name: query_count(client, url) for name, url in urls.items()}
    assert counts == BUDGETS
