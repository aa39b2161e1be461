"""The live counts read published statements' dates, kinds and actors from an index alone.

At a million statements the table is a gigabyte of text, and every live count that read it
took seconds; the partial indexes of migration 0020 hold every column those counts read,
the id included (PostgreSQL keeps it only in the table unless an index includes it).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def live_count_plan(client, query: str) -> str:
    """The plan of the dashboard's live counts for ``query``, with the scans of the
    table forbidden: on a handful of rows the planner would rightly read the table, and an
    index that does not hold every column the count reads leaves an index scan, which
    reads the table too."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/?{query}").status_code == 200
    (counted,) = [q["sql"] for q in queries if q["sql"].startswith("WITH selected ")]
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + counted)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_a_count_by_kinds_reads_only_its_index(seeded, client):
    # Two kinds: one alone is read from the rollups.
    plan = live_count_plan(client, "kind=speech&kind=essay")
    assert "Index Only Scan using statement_pub_" in plan, plan


# What the live counts read of a published statement: its id, for the joins and the count,
# the columns they filter on and the dates they count by.
READ = {"id", "kind", "actor_id", "published_on", "delivered_on"}


@pytest.mark.postgres
@pytest.mark.parametrize("name", ["statement_pub_kind", "statement_pub_actor"])
def test_each_partial_index_holds_every_column_the_counts_read(db, name):
    # The planner picks among these and the foreign keys' indexes by cost, which on a test
    # database's few rows is a toss-up: the indexes themselves are checked here.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(a.attname), pg_get_expr(i.indpred, i.indrelid) "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE c.relname = %s GROUP BY i.indpred, i.indrelid",
            [name],
        )
        columns, predicate = cursor.fetchone()
    assert set(columns) == READ
    assert predicate == "((status)::text = 'published'::text)"
