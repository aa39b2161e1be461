"""Search by stems, phrases, Chinese pairs and names: the app writes each statement's search
terms into a table beside it, ``StatementSearch`` (policies/search/), and the databases index
that instead of the raw text (migration 0006's index is dropped).

PostgreSQL: a GIN index on the stored vector of the terms. SQLite: an FTS5 table over the
terms, kept current by triggers on ``policies_statementsearch`` (not on the statements: a
later migration that rebuilds policies_statement leaves them alone).
"""

from importlib import import_module

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

old = import_module("policies.migrations.0006_statement_search")

FTS_TABLE = "policies_statement_search"
TERMS = "policies_statementsearch"
INDEX = "statement_search_vector_gin"
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "document, content='policies_statementsearch', content_rowid='statement_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON {TERMS} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, document) "
    "VALUES (new.statement_id, new.document); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON {TERMS} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, document) "
    "VALUES ('delete', old.statement_id, old.document); END",
    # Only a change of the terms touches the index (the app writes them after each save).
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update "
    f"AFTER UPDATE OF document ON {TERMS} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, document) "
    "VALUES ('delete', old.statement_id, old.document); "
    f"INSERT INTO {FTS_TABLE}(rowid, document) "
    "VALUES (new.statement_id, new.document); END",
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
        terms = apps.get_model("policies", "StatementSearch")
        schema_editor.add_index(terms, GinIndex(fields=["vector"], name=INDEX))
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
        migrations.CreateModel(
            name="StatementSearch",
            fields=[
                (
                    "statement",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="policies.statement",
                    ),
                ),
                ("document", models.TextField(default="", verbose_name="search terms")),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={
                "verbose_name": "statement search terms",
                "verbose_name_plural": "statement search terms",
            },
        ),
        # The terms first, then the index over them: one build instead of a million updates.
        migrations.RunPython(write_terms, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
