"""The statements' search column, ``Statement.search_document``: written here, read by the
databases' word indexes (migration 0016).

The column holds ``analysis.document`` of a statement's headline (English and French), its
excerpt (in its source's language) and its English rendering, with the tags of its themes,
sectors and actor (``names``). The app writes it because neither database can: SQLite's
triggers cannot stem, and a PostgreSQL index expression cannot read the source's language
or the statement's tags.

``refresh(ids)`` rewrites the column of some statements; the rollup upkeep calls it for every
statement a write touched, at the same point it recounts them (policies/rollups/upkeep.py),
so admin saves, imports and seeds all keep it current. ``reindex()`` rewrites every row:
migration 0016 and ``generate_demo_data`` call it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connections, router

from policies.search import analysis, names

BATCH = 2000


def _models(apps: Any = None) -> Any:
    if apps is None:
        from policies.models import Statement

        return Statement
    return apps.get_model("policies", "Statement")


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
    """Rewrite the search column of these statements (those that exist); returns how many."""
    statement_model = _models(apps)
    ids = sorted(set(ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        found = documents(statement_model, ids[start : start + BATCH])
        _write(statement_model, found)
        written += len(found)
    return written


def reindex(*, apps: Any = None) -> int:
    """Rewrite the search column of every statement, in batches; returns how many."""
    statement_model = _models(apps)
    written = 0
    for batch in _id_batches(statement_model):
        found = documents(statement_model, batch)
        _write(statement_model, found)
        written += len(found)
    return written


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


def _write(statement_model: Any, found: dict[int, str]) -> None:
    """One UPDATE per statement, sent as one batch (``executemany``)."""
    if not found:
        return
    connection = connections[router.db_for_write(statement_model)]
    table = connection.ops.quote_name(statement_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET search_document = %s WHERE id = %s",  # noqa: S608 (a table name)
            [(document, pk) for pk, document in found.items()],
        )
