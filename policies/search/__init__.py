"""Full-text search over statements, the same on PostgreSQL and SQLite.

The app turns each statement into a string of search terms (``analysis``: folded words,
Snowball stems in English and French, Chinese character pairs; ``names``: tags for its
themes, sectors and actor), kept beside it in ``StatementSearch`` (``index``). Each database
indexes that string with its plainest tokenizer, which only splits at spaces:

- PostgreSQL: a GIN index on the stored ``to_tsvector('simple', document)``;
- SQLite: an FTS5 table over the terms, kept current by triggers.

A query (``analysis.parse``) is only ever a list of terms, quoted for the database: whatever
a reader types (operators, quotes, ``NEAR``, control characters) is text, never syntax.
Every word and every quoted phrase must match: a word as the start of a term, or by the
name of a theme, sector or actor; a phrase, term after term. Plans and targets (a few per
hundred statements) keep the substring match of their FilterSets.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from policies.models import StatementSearch
from policies.search import names
from policies.search.analysis import Query, parse
from policies.search.highlight import highlight
from policies.search.highlight import spans as highlight_spans
from policies.search.index import connect, refresh, reindex, stale_statements

__all__ = [
    "FTS_TABLE",
    "Query",
    "connect",
    "highlight",
    "highlight_spans",
    "matching_statements",
    "parse",
    "refresh",
    "reindex",
    "stale_statements",
]

SEARCH_CONFIG = "simple"
# A search matching at most this many statements reads them by id (``matching_statements``).
# Each id is a query parameter, and a page's query may hold the statements more than once:
# 2,000 keeps that far below SQLite's 32,766 parameters. Past it, matches are at least one
# statement in 500 at 1M, and the newest first walk finds a page within about 10,000 rows.
SPARSE = 2_000
FTS_TABLE = "policies_statement_search"
MATCH_SQL = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608


# One group per query word or phrase: its alternatives, any of which may match.
Group = list[tuple[str, tuple[str, ...]]]  # (kind, terms): "prefix", "phrase" or "term"


def _groups(query: Query) -> list[Group]:
    named = names.named_records()
    groups: list[Group] = []
    for forms in query.words:
        group: Group = [("prefix", (form,)) for form in forms]
        group += [("term", (tag,)) for tag in names.word_tags(forms, named)]
        groups.append(group)
    for terms in query.phrases:
        group = [("phrase", terms)]
        group += [("term", (tag,)) for tag in names.phrase_tags(terms, named)]
        groups.append(group)
    return groups


def _fts5(groups: list[Group]) -> str:
    """FTS5's query syntax: each term in double quotes (doubled inside), ``*`` a prefix."""

    def quoted(terms: tuple[str, ...]) -> str:
        return '"{}"'.format(" ".join(terms).replace('"', '""'))

    def alternative(kind: str, terms: tuple[str, ...]) -> str:
        return quoted(terms) + ("*" if kind == "prefix" else "")

    return " AND ".join(
        "(" + " OR ".join(alternative(kind, terms) for kind, terms in group) + ")"
        for group in groups
    )


def _tsquery(groups: list[Group]) -> str:
    """PostgreSQL's tsquery syntax: each term a quoted lexeme, ``:*`` a prefix, ``<->`` the
    next word."""

    def lexeme(term: str) -> str:
        return "'{}'".format(term.replace("\\", "").replace("'", "''"))

    def alternative(kind: str, terms: tuple[str, ...]) -> str:
        if kind == "phrase":
            return "(" + " <-> ".join(lexeme(term) for term in terms) + ")"
        return lexeme(terms[0]) + (":*" if kind == "prefix" else "")

    return " & ".join(
        "(" + " | ".join(alternative(kind, terms) for kind, terms in group) + ")"
        for group in groups
    )


def matching_statements(queryset: QuerySet, text: str) -> QuerySet:
    """Statements of ``queryset`` that match every word and phrase of ``text``.

    One query first reads the ids of up to ``SPARSE + 1`` matches from the word index. When
    that is all of them, the statements are chosen by those ids: a database cannot tell a
    rare word from a common one before it runs (PostgreSQL guesses at least half a percent
    for any prefix), and walked a million statements newest first looking for the twenty
    newest matches of a word that had none (41 s at 1M). Past ``SPARSE`` the matches are
    many, that walk finds the first page at once, and the index condition itself is kept.
    """
    query = parse(text)
    if not query:
        return queryset.none()
    groups = _groups(query)
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        terms = SearchQuery(_tsquery(groups), config=SEARCH_CONFIG, search_type="raw")
        matched = StatementSearch.objects.using(queryset.db).filter(vector=terms)
        first = list(matched.values_list("statement_id", flat=True)[: SPARSE + 1])
        if len(first) <= SPARSE:
            return queryset.filter(pk__in=first)
        return queryset.filter(search__vector=terms)
    if vendor == "sqlite":
        expression = _fts5(groups)
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(f"{MATCH_SQL} LIMIT %s", [expression, SPARSE + 1])
            first = [row[0] for row in cursor.fetchall()]
        if len(first) <= SPARSE:
            return queryset.filter(pk__in=first)
        matches = RawSQL(MATCH_SQL, [expression])  # noqa: S611 (fixed SQL, a parameter)
        return queryset.filter(pk__in=matches)
    raise NotImplementedError(f"No full-text search for {vendor}.")  # pragma: no cover
