"""Full-text search over statements: words by prefix, on both databases, following writes."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from policies import search
from policies.filters import select
from policies.models import Statement
from tests.factories import (
    ActorFactory,
    SectorFactory,
    SourceFactory,
    StatementFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def found(q: str) -> set[str]:
    records = select(QueryDict(f"q={q}"), surface="statements").records
    return set(records.values_list("slug", flat=True))


@pytest.fixture
def statements(empty_db):
    StatementFactory(
        slug="economie",
        headline="Economy is digital",
        excerpt="« l'économie numérique est grande mais pas forte »",
        text_en="The digital economy is big but not strong.",
    )
    StatementFactory(
        slug="chips",
        headline="Semiconductor self-reliance",
        excerpt="« les semi-conducteurs »",
        text_en="Chips are a priority.",
    )


def test_words_match_by_prefix_in_any_case_and_all_must_match(statements):
    assert found("numérique") == {"economie"}
    assert found("NUMÉR") == {"economie"}  # a prefix, in capitals
    assert found("semicond") == {"chips"}
    assert found("digital strong") == {"economie"}  # every word, in any column
    assert found("digital chips") == set()
    assert found("gital") == set()  # words are matched from their start, not inside


def test_search_follows_every_write(statements):
    statement = Statement.objects.get(slug="chips")
    statement.headline = "Quantum computing"
    statement.save()
    assert found("quantum") == {"chips"}
    assert found("semiconductor") == set()
    StatementFactory(slug="later", headline="Quantum networks")
    assert found("quantum") == {"chips", "later"}
    statement.delete()
    assert found("quantum") == {"later"}


@pytest.mark.parametrize(
    "q",
    ['"', "'", "a' OR 1=1 --", "NEAR(a b)", "data*", "-x", ":*", "\\", "a & b | !c", "(", "中"],
)
def test_search_syntax_in_the_query_is_just_text(statements, client, q):
    # The query languages of both databases are escaped: no error, whatever is typed.
    assert client.get("/statements/", {"q": q}).status_code == 200
    assert client.get("/", {"q": q}).status_code == 200
    assert client.get("/api/v1/statements/", {"q": q}).status_code == 200


def test_a_query_without_letters_or_digits_finds_nothing(statements):
    assert not search.parse("— … !")
    assert found("—") == set()


@pytest.mark.postgres
@pytest.mark.parametrize("sparse", [search.SPARSE, 0])
def test_postgresql_search_uses_the_gin_index(statements, monkeypatch, sparse):
    # Few matches are read by id (the index answers the first query); many keep the index
    # condition in the statements' query. Both must find their rows through the GIN index.
    monkeypatch.setattr(search, "SPARSE", sparse)
    with connection.cursor() as cursor:
        # On a handful of rows the planner would rightly scan. With plain and index scans
        # forbidden, a bitmap scan remains, and only the index on the stored vector can serve
        # the condition.
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        with CaptureQueriesContext(connection) as queries:
            queryset = search.matching_statements(Statement.objects.all(), "digital")
            assert set(queryset.values_list("slug", flat=True)) == {"economie"}
        searched = [q["sql"] for q in queries if "@@" in q["sql"]]
        assert len(searched) == 1 + (sparse == 0)
        with connection.cursor() as explain:
            explain.execute("EXPLAIN " + searched[-1])
            plan = "\n".join(row[0] for row in explain.fetchall())
    assert "Bitmap Index Scan on statement_search_vector_gin" in plan


@pytest.mark.parametrize("sparse", [search.SPARSE, 1, 0])
def test_few_and_many_matches_find_the_same_statements(statements, monkeypatch, sparse):
    StatementFactory(slug="more", headline="Digital twins")
    monkeypatch.setattr(search, "SPARSE", sparse)
    assert found("digital") == {"economie", "more"}
    assert found("digital strong") == {"economie"}
    assert found("zeppelin") == set()


@pytest.mark.sqlite
def test_sqlite_keeps_an_fts5_table_with_triggers(statements):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["policies_statementsearch"],
        )
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers == {f"{search.FTS_TABLE}_{event}" for event in ("insert", "update", "delete")}


def test_a_search_past_the_cap_says_more_than_and_pages_that_far(statements, client, monkeypatch):
    from policies.web import pages, pagination

    StatementFactory.create_batch(6, headline="Zeppelin news", status="published")
    monkeypatch.setattr(pages, "SEARCH_COUNT_CAP", 5)
    monkeypatch.setattr(pagination, "PER_PAGE", 2)
    page = client.get("/statements/?q=zeppelin").content.decode()
    assert "More than 5 statements match: the newest 5 are listed." in page
    assert "Page 1 of 3" in page
    # The last page within the cap is the fifth newest; a page past it is not offered.
    assert client.get("/statements/?q=zeppelin&page=3").context["page"].object_list
    assert "There is no page “4”" in client.get("/statements/?q=zeppelin&page=4").content.decode()
    # Past the cap the facets list their values without counts, and say why.
    facets = client.get("/statements/?q=zeppelin").context["facets"]
    assert facets
    assert not any(facet.counted for facet in facets)
    assert "Counts take too long for this selection." in page

    # Within the cap, and without words, the count is exact.
    monkeypatch.setattr(pages, "SEARCH_COUNT_CAP", 6)
    within = client.get("/statements/?q=zeppelin")
    assert "6 statements" in within.content.decode()
    assert all(facet.counted for facet in within.context["facets"])
    listed = client.get("/statements/").content.decode()
    assert f"{Statement.objects.published().count()} statements" in listed


def test_seeded_searches_find_their_statements(seeded):
    # The three: a stem, a French phrase, and (below) Chinese mid-sentence.
    assert "xi-prevent-monopolies-and-disorderly-capital" in found("monopoly")
    assert found('"expansion désordonnée"') == {"xi-prevent-monopolies-and-disorderly-capital"}
    assert "xi-prevent-monopolies-and-disorderly-capital" in found("monopole")
    # A phrase is its words in order: the same words apart, or reversed, are not it.
    assert found('"désordonnée expansion"') == set()
    assert found("expansion désordonnée") >= found('"expansion désordonnée"')


def test_an_english_query_finds_a_french_excerpt_by_its_english_rendering(seeded):
    statement = Statement.objects.get(slug="xi-prevent-monopolies-and-disorderly-capital")
    assert "disorderly" not in statement.excerpt.lower()
    assert statement.slug in found("disorderly expansion")


def test_a_chinese_word_is_found_in_the_middle_of_a_sentence(empty_db):
    text = "各地要加快推动数字经济核心产业发展壮大。"
    source = SourceFactory(language="zh", text=text)
    StatementFactory(slug="zh", source=source, paragraph=1, excerpt=text, text_en="Grow it.")
    StatementFactory(slug="other", excerpt="核心技术", text_en="Core technology.")
    assert found("核心产业") == {"zh"}
    assert found("产业发展") == {"zh"}
    assert found("核心") == {"zh", "other"}
    assert found("产业核心") == set()  # the pairs must follow each other


def test_theme_sector_and_actor_names_are_searched_in_both_languages(empty_db):
    parent = SectorFactory(name="Manufacturing", name_fr="Industrie manufacturière")
    child = SectorFactory(name="Robots", parent=parent)
    theme = ThemeFactory(name="Cybersecurity", name_fr="Cybersécurité")
    actor = ActorFactory(name="Ministry of Industry", name_fr="Ministère de l'Industrie")
    tagged = StatementFactory(slug="tagged", actor=actor, themes=[theme])
    tagged.sectors.set([child])
    StatementFactory(slug="plain")
    assert found("cybersécurité") == {"tagged"}
    assert found("cybersecurity") == {"tagged"}
    # A parent sector's name finds the statements of the sectors below it.
    assert found("manufacturière") == {"tagged"}
    assert found("robots") == {"tagged"}
    assert found("ministère") == {"tagged"}
    assert found('"ministry of industry"') == {"tagged"}
    # A name is matched as a name: renaming it needs no rewrite of its statements.
    theme.name, theme.name_fr = "Resilience", "Résilience"
    theme.save()
    assert found("resilience") == {"tagged"}
    assert found("cybersecurity") == set()
    # Links follow their writes as the text does.
    tagged.themes.clear()
    assert found("resilience") == set()


def test_the_search_column_follows_link_changes_made_from_either_side(empty_db):
    theme = ThemeFactory(name="Quantum")
    statement = StatementFactory(slug="s", themes=[])
    assert found("quantum") == set()
    theme.statements.add(statement)
    assert found("quantum") == {"s"}
    theme.statements.clear()
    assert found("quantum") == set()


@pytest.mark.parametrize(
    "q",
    [
        "x" * 10_000,
        "données " * 1500,
        '"unbalanced quote',
        'a "b" "c',
        "NEAR(digital strong, 2)",
        "digital*",
        "-digital",
        '"""',
        "digital\x00strong",
        "\x07\x1b[31mdigital",
        "数字\u200b经济",
    ],
)
def test_bad_queries_are_answered_with_a_page_never_an_error(statements, client, q):
    for url in ("/statements/", "/", "/api/v1/statements/", "/export/statements.csv"):
        response = client.get(url, {"q": q})
        assert response.status_code in (200, 400), (url, response.status_code)
        if response.status_code == 400:
            # Refused with words a reader can act on, naming the search field.
            body = response.content.decode()
            assert "Search" in body or '"q"' in body, (url, body[:300])


def test_a_query_is_at_most_200_characters_and_says_so(statements, client):
    response = client.get("/statements/", {"q": "x" * 10_000})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    api = client.get("/api/v1/statements/", {"q": "x" * 10_000})
    assert api.status_code == 400
    assert "q" in api.json()["errors"]


def test_results_mark_the_words_a_search_matched(seeded, client):
    page = client.get("/statements/", {"q": "monopoly"}).content.decode()
    # The English headline, marked by stem.
    assert "<mark>monopolies</mark>" in page
    # The French excerpt holds "monopoles", which the English word does not match: the
    # English rendering that did is shown, marked, under it.
    assert '<p class="rendering" lang="en">' in page
    french = client.get("/statements/", {"q": '"expansion désordonnée"'}).content.decode()
    assert "<mark>expansion désordonnée</mark>" in french
    assert '<p class="rendering"' not in french  # the excerpt itself matched


def test_marked_words_are_escaped_like_all_text(empty_db, client):
    StatementFactory(headline="<script>alert(1)</script> chips", excerpt="« <b>chips</b> »")
    page = client.get("/statements/", {"q": "script chips"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in page
    assert "&lt;b&gt;<mark>chips</mark>&lt;/b&gt;" in page


def test_a_region_tagged_language_is_stemmed_and_a_new_language_restems(empty_db):
    # "nationales" reaches "nationaux" only through their French stem, "national".
    source = SourceFactory(language="fr-FR", text="Les champions nationaux.")
    StatementFactory(slug="fr", source=source, excerpt="champions nationaux", text_en="x")
    assert found("nationales") == {"fr"}
    source.language = "zh"  # no stemmer: the excerpt's words stand alone
    source.save()
    assert found("nationales") == set()
    assert found("nationaux") == {"fr"}


def test_the_index_tags_for_names_cannot_be_typed(statements):
    assert found("zz") == set()
    assert found("zzt1") == set()
    assert found("digital zz") == found("digital") == {"economie"}  # zz is no word


def test_a_statement_found_by_a_name_shows_the_name_marked(seeded, client):
    page = client.get("/statements/", {"q": "governance"}).content.decode()
    assert "<mark>Governance</mark>" in page  # the theme's tag
    french = client.get("/fr/statements/", {"q": "gouvernance"}).content.decode()
    assert "<mark>Gouvernance</mark>" in french


def test_no_template_comment_reaches_a_page(seeded, client):
    # Django's {# #} is one line only: a longer one is printed as text.
    for url in ("/statements/?q=governance", "/?q=governance", "/statements/"):
        page = client.get(url).content.decode()
        assert "{#" not in page, url
        assert "{% comment" not in page, url
