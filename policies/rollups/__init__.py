"""Rollups: the dashboard's statement counts, kept current by the writes themselves.

Counting statements by month and theme, by theme and sector, and by sector means joining
every statement to its tags: about 1.5 s at 100k statements on SQLite and 5 s at 1M on
PostgreSQL (BENCHMARKS.md). The dashboard instead reads ``StatementRollup``: a few thousand
rows per scope, whatever the number of statements.

Each published statement adds one to a set of keys (its *contribution*) in each scope it
belongs to: all statements, each of its themes, its actor, its kind, and each sector at or
above one of its sectors. A sector scope counts a statement once however many of its sectors lie in
that subtree, which is what the live sector filter does.

The package in four rooms:

- ``keys``: which keys one statement adds one to (pure);
- ``storage``: contributions read from the database, counts written to it;
- ``upkeep``: the signal handlers and ``deferred()`` that keep the counts current on write;
- ``reading``: one scope's rows for the dashboard, and which filters a scope can answer;
- ``live``: the same figures counted live, and ``statement_counts``, which picks.

The dashboard reads its statement figures through ``statement_counts`` (``live``), the one
door: these rows when the filters are none, or a single sector, theme, actor or kind; anything
else (dates, words, plans, several values) is counted live into the same shape.
``tests/rollups/`` checks that both give the same figures as the plain ORM queries.
The browse indexes (``actor_index``, ``theme_index``, ``sector_tree`` in the selectors) read
each scope's total from them too, one query for every actor, theme or sector;
``tests/web/test_indexes.py`` holds each count to the live filter query.
"""

from policies.rollups.keys import Key, ancestors_map, contribution
from policies.rollups.live import live_counts, statement_counts
from policies.rollups.reading import RollupCounts, rollup_counts, rollup_scope
from policies.rollups.storage import recount, stale_keys
from policies.rollups.upkeep import connect, created, deferred, rebuild

__all__ = [
    "Key",
    "RollupCounts",
    "ancestors_map",
    "connect",
    "contribution",
    "created",
    "deferred",
    "live_counts",
    "rebuild",
    "recount",
    "rollup_counts",
    "rollup_scope",
    "stale_keys",
    "statement_counts",
]
