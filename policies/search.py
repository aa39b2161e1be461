"""Full-text search over statements: PostgreSQL's text search, SQLite's FTS5.

``q`` was a substring match (``icontains``) on three columns: a scan of every statement,
1.8 s at 1M on PostgreSQL and 3.2 s on SQLite (BENCHMARKS.md). Both databases now keep a
word index, built by migration 0006:

- PostgreSQL: a GIN index on ``to_tsvector('simple', headline || excerpt || text_en)``;
  the query below builds the very same expression, so the planner uses the index.
- SQLite: an FTS5 table over the same columns, kept current by triggers.

Each word of ``q`` must start a word of the statement (``numér`` finds "numérique"), in any
case; all words must match. The "simple" configuration and the unicode61 tokenizer both
keep accents and do no stemming, so the two databases find the same statements.
Plans and targets (a few per hundred statements) keep the substring match.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

SEARCH_CONFIG = "simple"
FIELDS = ("headline", "excerpt", "text_en")
FTS_TABLE = "policies_statement_fts"
MATCH_SQL = "SELECT rowid FROM policies_statement_fts WHERE policies_statement_fts MATCH %s"


def search_words(text: str) -> list[str]:
    """The words of a query that can match a word of a text (some letter or digit in them)."""
    return [word for word in text.split() if any(ch.isalnum() for ch in word)]


def statement_vector() -> SearchVector:
    return SearchVector(*FIELDS, config=SEARCH_CONFIG)


def matching_statements(queryset: QuerySet, text: str) -> QuerySet:
    """Statements of ``queryset`` in which every word of ``text`` starts a word."""
    words = search_words(text)
    if not words:
        return queryset.none()
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        # Each word quoted as one lexeme (quotes doubled) and matched as a prefix.
        terms = " & ".join(
            "'{}':*".format(word.replace("'", "''").replace("\\", "")) for word in words
        )
        query = SearchQuery(terms, config=SEARCH_CONFIG, search_type="raw")
        return queryset.alias(search=statement_vector()).filter(search=query)
    if vendor == "sqlite":
        # FTS5 phrase syntax: each word quoted (quotes doubled), '*' for a prefix.
        expression = " ".join('"{}"*'.format(word.replace('"', '""')) for word in words)
        matches = RawSQL(MATCH_SQL, [expression])  # noqa: S611 (fixed SQL, a parameter)
        return queryset.filter(pk__in=matches)
    raise NotImplementedError(f"No full-text search for {vendor}.")  # pragma: no cover
