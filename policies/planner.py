"""The query planner's statistics: SQLite keeps none until it is told to gather them.

Without them SQLite guesses its join order, and some guesses cost a full scan per row: the
plan facet counted each plan's statements by reading every published statement (at 10,000
statements, 1.5 s; 14 ms once the statistics say the link table's plan index is selective).
PostgreSQL gathers its own (autovacuum). So the statistics are refreshed after migrating,
and after the writes that change the data's shape most: imports, seeds, generated data.

``analysis_limit`` bounds the rows ANALYZE reads per index (SQLite 3.32+), which keeps the
refresh to a fraction of a second at a million statements while estimating as well as the
planner needs.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

ANALYSIS_LIMIT = 1000


def refresh_statistics(using: str = DEFAULT_DB_ALIAS) -> None:
    """Gather the planner's statistics on SQLite (PostgreSQL keeps its own)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")


def after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate: the schema (and its indexes) as the migrations left them."""
    refresh_statistics(using)
