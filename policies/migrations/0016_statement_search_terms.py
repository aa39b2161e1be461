"""Search by stems, phrases, Chinese pairs and names: the app writes each statement's search
terms into ``search_document`` (policies/search/), and the databases index that column
instead of the raw text (migration 0006's index is dropped).

PostgreSQL: a GIN index on ``to_tsvector('simple', search_document)``. SQLite: an FTS5 table
over the column, kept current by triggers.

Caution for later migrations on SQLite: Django rebuilds a table to alter some columns, and
dropping the old table drops its triggers. A migration that alters policies_statement must
run ``create_search_index`` of this migration again (tests/search/test_queries.py fails if search
stops following writes).
"""

from importlib import import_module

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

old = import_module("policies.migrations.0006_statement_search")

FTS_TABLE = "policies_statement_search"
INDEX = "statement_search_terms"
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "search_document, content='policies_statement', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON policies_statement BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_document) "
    "VALUES (new.id, new.search_document); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON policies_statement BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); END",
    # Only a change of the terms touches the index (the app writes them after each save).
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update "
    "AFTER UPDATE OF search_document ON policies_statement BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_document) "
    "VALUES (new.id, new.search_document); END",
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
        vector = SearchVector("search_document", config="simple")
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


def write_terms(apps, schema_editor):
    from policies.search.index import reindex

    reindex(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("policies", "0015_translations_fr")]

    operations = [
        migrations.RunPython(old.drop_search_index, old.create_search_index),
        migrations.AddField(
            model_name="statement",
            name="search_document",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search terms"
            ),
        ),
        # The terms first, then the index over them: one build instead of a million updates.
        migrations.RunPython(write_terms, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
