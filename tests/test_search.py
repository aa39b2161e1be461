"""Full-text search over statements: words by prefix, on both databases, following writes."""

import pytest
from django.db import connection
from django.http import QueryDict

from policies import search
from policies.filters import select
from policies.models import Statement
from tests.factories import StatementFactory

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
    assert search.search_words("— … !") == []
    assert found("—") == set()


@pytest.mark.postgres
def test_postgresql_search_uses_the_gin_index(statements):
    queryset = search.matching_statements(Statement.objects.all(), "digital")
    with connection.cursor() as cursor:
        # On a handful of rows the planner would rightly scan. With plain and index scans
        # forbidden, a bitmap scan remains, and only an index on the very expression the
        # search builds can serve its condition.
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        plan = queryset.explain()
    assert "Bitmap Index Scan on statement_search_vector" in plan


@pytest.mark.sqlite
def test_sqlite_keeps_an_fts5_table_with_triggers(statements):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["policies_statement"],
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

    # Within the cap, and without words, the count is exact.
    monkeypatch.setattr(pages, "SEARCH_COUNT_CAP", 6)
    assert "6 statements" in client.get("/statements/?q=zeppelin").content.decode()
    listed = client.get("/statements/").content.decode()
    assert f"{Statement.objects.published().count()} statements" in listed
