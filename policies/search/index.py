"""The statements' search terms, ``StatementSearch``: written here, read by the databases'
word indexes (migration 0016).

A statement's terms are ``analysis.document`` of its headline (English and French), its
excerpt (in its source's language) and its English rendering, with the tags of its themes,
sectors and actor (``names``). The app writes them because neither database can: SQLite's
triggers cannot stem, and a PostgreSQL index expression cannot read the source's language
or the statement's tags. On PostgreSQL the same write stores their vector.

``refresh(ids)`` rewrites the terms of some statements; the rollup upkeep calls it for every
statement a write touched, at the same point it recounts them (policies/rollups/upkeep.py),
so admin saves, imports and seeds all keep it current. ``reindex()`` rewrites them all:
migration 0016 and ``generate_demo_data`` call it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connections, router

from policies.search import analysis, names

BATCH = 2000


def _models(apps: Any = None) -> tuple[Any, Any]:
    """The statements and their terms: the live models, or a migration's historical ones."""
    if apps is None:
        from policies.models import Statement, StatementSearch

        return Statement, StatementSearch
    return apps.get_model("policies", "Statement"), apps.get_model("policies", "StatementSearch")


def documents(statement_model: Any, ids: list[int]) -> dict[int, str]:
    """The search document of each statement in ``ids`` (three queries)."""
    rows = statement_model.objects.filter(pk__in=ids).values_list(
        "pk", "headline", "headline_fr", "excerpt", "text_en", "source__language", "actor_id"
    )
    themes: dict[int, list[int]] = defaultdict(list)
    sectors: dict[int, list[int]] = defaultdict(list)
    for links, field in ((themes, "themes"), (sectors, "sectors")):
        through = statement_model._meta.get_field(field).remote_field.through
        column = field[:-1]
        for statement, linked in through.objects.filter(statement_id__in=ids).values_list(
            "statement_id", f"{column}_id"
        ):
            links[statement].append(linked)
    result = {}
    for pk, headline, headline_fr, excerpt, text_en, language, actor in rows:
        fields = [(headline, "en"), (headline_fr, "fr"), (excerpt, language), (text_en, "en")]
        tags = names.statement_tags(actor, themes[pk], sectors[pk])
        result[pk] = analysis.document(fields, tags)
    return result


def refresh(ids: Iterable[int], *, apps: Any = None) -> int:
    """Rewrite the terms of these statements (those that exist); returns how many."""
    statement_model, terms_model = _models(apps)
    ids = sorted(set(ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        found = documents(statement_model, ids[start : start + BATCH])
        _write(terms_model, found)
        written += len(found)
    return written


def reindex(*, apps: Any = None) -> int:
    """Rewrite the terms of every statement, in batches; returns how many."""
    statement_model, terms_model = _models(apps)
    written = 0
    for batch in _id_batches(statement_model):
        found = documents(statement_model, batch)
        _write(terms_model, found)
        written += len(found)
    return written


def stale_statements() -> list[int]:
    """The statements whose stored terms differ from what they would be written as now
    (after a stemmer upgrade, say), or that have none; read in batches."""
    statement_model, terms_model = _models()
    stale = []
    for batch in _id_batches(statement_model):
        stored = dict(
            terms_model.objects.filter(statement_id__in=batch).values_list(
                "statement_id", "document"
            )
        )
        fresh = documents(statement_model, batch)
        stale += [pk for pk, document in fresh.items() if stored.get(pk) != document]
    return stale


def _id_batches(statement_model: Any) -> Iterator[list[int]]:
    last = 0
    while True:
        batch = list(
            statement_model.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not batch:
            return
        yield batch
        last = batch[-1]


def _write(terms_model: Any, found: dict[int, str]) -> None:
    """Insert or replace each statement's terms, in order of id and many rows to a
    statement; on PostgreSQL with their vector, parsed once here rather than at every search.

    Both are for SQLite's FTS5, which writes what it holds in memory to disk as a segment
    of its own, to be merged later, at the end of every statement and before any row whose
    id is not above the last. Written a row per statement, or in the order the database
    returned them, 4,000 statements' terms took 12 s and 6.8 s on a database already
    holding 260,000; sorted, 499 rows to a statement (SQLite's 999 parameters), 0.1 s."""
    if not found:
        return
    connection = connections[router.db_for_write(terms_model)]
    table = connection.ops.quote_name(terms_model._meta.db_table)
    ordered = sorted(found.items())
    columns: tuple[str, ...] = ("statement_id", "document")
    row = "(%s, %s)"
    values: list[tuple[Any, ...]] = list(ordered)
    if connection.vendor == "postgresql":
        columns += ("vector",)
        row = "(%s, %s, to_tsvector('simple', %s))"
        values = [(pk, document, document) for pk, document in ordered]
    update = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns[1:])
    per_statement = connection.ops.bulk_batch_size(columns, values)
    with connection.cursor() as cursor:
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (a table name)
                f"VALUES {', '.join([row] * len(chunk))} "
                f"ON CONFLICT (statement_id) DO UPDATE SET {update}",
                [value for values_of_row in chunk for value in values_of_row],
            )


# --- Upkeep beyond the statements' own writes ------------------------------------------


def _source_pre_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if instance.pk is not None:
        instance._language_before = (
            sender.objects.filter(pk=instance.pk).values_list("language", flat=True).first()
        )


def _source_post_save(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A source's language says how its statements' excerpts are stemmed: when it changes,
    their terms are written again."""
    before = getattr(instance, "_language_before", instance.language)
    if not created and before != instance.language:
        statements = _models()[0].objects.filter(source=instance).values_list("pk", flat=True)
        refresh(list(statements))


def connect() -> None:
    from django.db.models.signals import post_save, pre_save

    from policies.models import Source

    pre_save.connect(_source_pre_save, sender=Source, dispatch_uid="search-source-pre")
    post_save.connect(_source_post_save, sender=Source, dispatch_uid="search-source-post")
