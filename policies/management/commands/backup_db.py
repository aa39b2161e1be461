from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from policies.ops.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Copy the whole database (records, history, accounts) to FILE while the app runs: "
        "SQLite's online backup, or pg_dump's custom format on PostgreSQL. "
        "restore_db puts it back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write the backup.")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            size = backup(connections[DEFAULT_DB_ALIAS], file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up to {file} ({size / 1_048_576:.1f} MB)."))
