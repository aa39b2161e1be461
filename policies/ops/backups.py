"""Whole-database backups with each database's own tool, and restores into an empty one.

A backup holds everything: records, their history, accounts, rollups and the search
index. SQLite's online backup copies a consistent snapshot while the app runs; pg_dump does
the same on PostgreSQL (its custom format, restored with pg_restore in one transaction).
A restore never overwrites: the target must have no tables yet.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def backup(connection: BaseDatabaseWrapper, file: Path) -> int:
    """Write the database to ``file``; returns its size in bytes."""
    if file.exists():
        raise BackupError(f"{file} exists already: choose a new file name.")
    if connection.vendor == "sqlite":
        source = _sqlite_file(connection)
        live, copy = sqlite3.connect(source), sqlite3.connect(file)
        try:
            live.backup(copy)
        finally:
            live.close()
            copy.close()
    elif connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(file)], connection)
    else:
        raise BackupError(f"No backup for {connection.vendor}.")
    return file.stat().st_size


def restore(connection: BaseDatabaseWrapper, file: Path) -> None:
    """Load ``file`` into the database, which must have no tables."""
    if not file.is_file():
        raise BackupError(f"{file} does not exist.")
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database already has {len(tables)} tables: restore only into an empty one "
            "(created, not migrated), so that nothing is overwritten."
        )
    connection.close()
    if connection.vendor == "sqlite":
        try:
            with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as saved:
                saved.execute("SELECT count(*) FROM django_migrations")
                with sqlite3.connect(_sqlite_file(connection)) as target:
                    saved.backup(target)
                target.close()
            saved.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{file} is not a backup of this app ({error}).") from None
    elif connection.vendor == "postgresql":
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                str(connection.settings_dict["NAME"]),
                str(file),
            ],
            connection,
        )
    else:
        raise BackupError(f"No restore for {connection.vendor}.")


def _sqlite_file(connection: BaseDatabaseWrapper) -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("An in-memory database cannot be backed up or restored.")
    return name


def _run(command: list[str], connection: BaseDatabaseWrapper) -> None:
    """Run a PostgreSQL client tool against this connection; the password goes by the
    environment, never on a command line that other users can read."""
    settings = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": str(settings.get("HOST") or ""),
        "PGPORT": str(settings.get("PORT") or ""),
        "PGUSER": str(settings.get("USER") or ""),
        "PGPASSWORD": str(settings.get("PASSWORD") or ""),
        "PGDATABASE": str(settings["NAME"]),
    }
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed: install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client)."
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
