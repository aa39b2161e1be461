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
from django.utils.html import escape

from policies.localized import sort_key
from policies.models import (
    Actor,
    Indicator,
    Observation,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)
from tests.factories import PlanFactory, StatementFactory, TargetFactory, ThemeFactory
from tests.web.budgets import BUDGETS, budget, page_urls, query_count

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
    # The chosen value in the filter form, checked, under its marked English name.
    assert (
        f'<input type="checkbox" id="f-theme-{theme.slug}" name="theme" value="{theme.slug}"'
        f' checked>\n  <label for="f-theme-{theme.slug}"><span class="facet-label">'
        "Quantum sensing (EN)</span>"
    ) in listing


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

    def options(name: str) -> list[tuple[int, str]]:
        """The facet's values as (depth in its tree, label), in the order the page lists them."""
        facet = re.search(rf'<fieldset class="facet facet-{name}".*?</fieldset>\n', page, re.S)
        assert facet is not None
        found, depth = [], 0
        for tag, label in re.findall(
            r'(</?ul>)|<span class="facet-label">([^<]*)</span>', facet[0]
        ):
            if tag:
                depth += -1 if tag.startswith("</") else 1
            else:
                found.append((depth - 1, html.unescape(label)))
        return found

    # The values with statements are listed (the seeds: all but one theme, and the tree).
    themes = [label for _depth, label in options("theme")]
    assert len(themes) > 5
    assert set(themes) <= {t.name_fr for t in Theme.objects.all()}
    assert themes == sorted(
        themes, key=lambda name: name.casefold().replace("é", "e").replace("É", "e")
    )
    sectors = options("sector")
    assert len(sectors) > 5
    with translation.override("fr"):
        tree = [(s.depth, str(s.local.name)) for s in Sector.objects.order_by("path")]
    assert sectors == [sector for sector in tree if sector in sectors]


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
    assert counts == {name: budget(name) for name in BUDGETS}


# English that has no French: sources named in the reader's words, and free text written in
# English (venues, locators, publishers) marked as English on French pages.

REPORT = "fr-report-xi-qiushi-digital-economy-2022-01"
LOCATOR = "Main indicators table"


def english(text: str) -> str:
    """``text`` as a French page shows English it has no French for."""
    with translation.override("fr"):
        why = escape(translation.gettext("Not yet translated into French; shown in English"))
    return f'<span lang="en">{escape(text)}</span><abbr class="fallback" title="{why}">EN</abbr>'


def test_french_pages_name_a_source_in_its_own_words_when_it_is_in_french(seeded, client):
    report = Source.objects.get(slug=REPORT)
    statement = Statement.objects.get(slug="xi-big-but-not-strong")
    assert statement.source == report
    assert report.title != report.title_en
    target = Target.objects.get(plan__slug="government-work-report-2022", slug="gdp-growth")
    Target.objects.filter(pk=target.pk).update(source=report, locator=LOCATOR)
    Observation.objects.filter(indicator=target.indicator).update(source=report)
    title, title_en = escape(report.title), escape(report.title_en)
    link = f'<a href="/fr/sources/{report.pk}/'

    page = client.get(f"/fr/statements/{statement.slug}/").content.decode()
    assert f'{link}#p{statement.paragraph}">{title}</a>,' in page
    page = client.get(f"/fr/targets/{target.pk}/").content.decode()
    assert f'<dd>{link}">{title}</a>, {english(LOCATOR)}</dd>' in page
    page = client.get(f"/fr/indicators/{target.indicator.slug}/").content.decode()
    assert f'<small>{link}">{title}</a></small>' in page
    # The chart's hovers and table, plain text.
    assert report.title in chart_words(page)
    assert report.title_en not in chart_words(page)
    assert f"<td>{title}</td>" in page
    assert title_en not in page
    assert f"<title>{title} · " in client.get(f"/fr/sources/{report.pk}/").content.decode()

    # In English, its English rendering, unmarked.
    page = client.get(f"/statements/{statement.slug}/").content.decode()
    assert f'<a href="/sources/{report.pk}/#p{statement.paragraph}">{title_en}</a>,' in page
    page = client.get(f"/targets/{target.pk}/").content.decode()
    assert f'<dd><a href="/sources/{report.pk}/">{title_en}</a>, {LOCATOR}</dd>' in page
    page = client.get(f"/indicators/{target.indicator.slug}/").content.decode()
    assert f'<small><a href="/sources/{report.pk}/">{title_en}</a></small>' in page
    assert report.title_en in chart_words(page)
    assert MARKER not in page


def test_a_source_in_another_language_reads_in_english_marked_on_french_pages(seeded, client):
    target = Target.objects.get(plan__slug="government-work-report-2022", slug="gdp-growth")
    source = target.source
    assert source is not None
    assert source.language == "zh"
    page = client.get(f"/fr/targets/{target.pk}/").content.decode()
    assert f'<dd><a href="/fr/sources/{source.pk}/">{english(source.title_en)}</a>' in page
    page = client.get(f"/fr/sources/{source.pk}/").content.decode()
    assert f"<title>{escape(source.title_en)} (EN) · " in page
    page = client.get(f"/sources/{source.pk}/").content.decode()
    assert f"<title>{escape(source.title_en)} · " in page


def test_english_free_text_is_marked_english_on_french_pages_only(seeded, client):
    statement = Statement.objects.get(slug="xi-big-but-not-strong")
    assert statement.venue
    page = client.get(f"/fr/statements/{statement.slug}/").content.decode()
    assert f"<dd>{english(statement.venue)}</dd>" in page
    page = client.get(f"/statements/{statement.slug}/").content.decode()
    assert f"<dd>{escape(statement.venue)}</dd>" in page

    report = Source.objects.get(slug=REPORT)
    page = client.get(f"/fr/sources/{report.pk}/").content.decode()
    assert f"<dd>{english(report.publisher)}</dd>" in page
    # The author is a name, as the document credits it: said in English, not marked.
    assert f'<dd><span lang="en">{escape(report.author)}</span></dd>' in page
    page = client.get("/fr/sources/").content.decode()
    assert f'<th scope="rowgroup" colspan="7">{english(report.publisher)}</th>' in page
    page = client.get(f"/sources/{report.pk}/").content.decode()
    assert f"<dd>{escape(report.publisher)}</dd>" in page
    assert MARKER not in page + client.get("/sources/").content.decode()

    # Where in its source a figure was found: on the figures' table and the scorecard.
    target = Target.objects.get(plan__slug="government-work-report-2022", slug="gdp-growth")
    # The figure the target rests on (2022's), so that the scorecard shows it too.
    observation = Observation.objects.get(indicator=target.indicator, period="2022")
    observation.locator = "Table 1, line 3"
    observation.save()
    for path in (f"/targets/{target.pk}/", target.plan.get_absolute_url()):
        french = client.get(f"/fr{path}").content.decode()
        assert english(observation.locator) in french, path
        page = client.get(path).content.decode()
        assert escape(observation.locator) in page, path
        assert MARKER not in page, path


def test_a_cited_excerpt_is_titled_by_its_statement_headline_in_french(seeded, client):
    report = Source.objects.get(slug=REPORT)
    translated = Statement.objects.get(slug="xi-big-but-not-strong")
    assert translated.headline_fr
    untranslated = Statement.objects.filter(source=report).exclude(pk=translated.pk)[0]
    Statement.objects.filter(pk=untranslated.pk).update(headline_fr="")

    def highlight(page: str, statement: Statement, prefix: str) -> str:
        found = re.search(
            rf'<mark><a href="{prefix}/statements/{statement.slug}/" title="([^"]*)"', page
        )
        assert found is not None, statement.slug
        return html.unescape(found[1])

    page = client.get(f"/fr/sources/{report.pk}/").content.decode()
    assert highlight(page, translated, "/fr") == translated.headline_fr
    assert highlight(page, untranslated, "/fr") == f"{untranslated.headline} (EN)"
    page = client.get(f"/sources/{report.pk}/").content.decode()
    assert highlight(page, translated, "") == translated.headline
    assert highlight(page, untranslated, "") == untranslated.headline


def test_the_citations_stay_english_and_say_so_on_french_pages(seeded, client):
    page = client.get("/fr/statements/xi-big-but-not-strong/").content.decode()
    blocks = re.findall(r'<(p|pre) ([^>]*)id="cite-\w+-text"', page)
    assert len(blocks) == 5
    assert all('lang="en"' in attributes for _tag, attributes in blocks)


def test_a_source_page_names_its_language_in_the_readers_words(seeded, client):
    report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    english = client.get(report.get_absolute_url()).content.decode()
    french = client.get("/fr" + report.get_absolute_url()).content.decode()
    assert "<dd>French</dd>" in english
    assert "<dd>Français</dd>" in french


def test_a_sectors_children_read_in_french_alphabetical_order_on_french_pages(seeded, client):
    page = client.get("/fr/sectors/digital-economy/").content.decode()
    children = Sector.objects.get(slug="digital-economy").children.all()
    names = [child.name_fr for child in children]
    positions = [page.index(f">{html.escape(name)}<") for name in names]
    in_page_order = [name for _, name in sorted(zip(positions, names, strict=True))]
    assert in_page_order == sorted(names, key=sort_key)
