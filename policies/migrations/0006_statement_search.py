"""A word index for statement search (policies/search.py at the time), in each database's own kind.

PostgreSQL: a GIN index on the same to_tsvector expression the search builds. SQLite: an
FTS5 table holding the searched columns, kept current by triggers.

Caution for later migrations on SQLite: Django rebuilds a table to alter some columns, and
dropping the old table drops its triggers. A migration that alters policies_statement must
run ``create_search_index`` again (tests/search/test_queries.py fails if search stops following
writes).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# Frozen here: migration 0016 replaced this index, and policies.search moved on.
FTS_TABLE = "policies_statement_fts"
INDEX = "statement_search_vector"
COLUMNS = "headline, excerpt, text_en"
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"{COLUMNS}, content='policies_statement', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON policies_statement BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, {COLUMNS}) "
    "VALUES (new.id, new.headline, new.excerpt, new.text_en); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON policies_statement BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {COLUMNS}) "
    "VALUES ('delete', old.id, old.headline, old.excerpt, old.text_en); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE ON policies_statement BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {COLUMNS}) "
    "VALUES ('delete', old.id, old.headline, old.excerpt, old.text_en); "
    f"INSERT INTO {FTS_TABLE}(rowid, {COLUMNS}) "
    "VALUES (new.id, new.headline, new.excerpt, new.text_en); END",
    # Index the statements already there.
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def create_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statement = apps.get_model("policies", "Statement")
        vector = SearchVector("headline", "excerpt", "text_en", config="simple")
        schema_editor.add_index(statement, GinIndex(vector, name=INDEX))
    elif vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)


def drop_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    elif vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("policies", "0005_list_order_indexes")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
