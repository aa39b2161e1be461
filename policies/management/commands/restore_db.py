from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from policies.ops.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup_db FILE into an empty database (created, not migrated): nothing "
        "there is ever overwritten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A file written by backup_db.")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            restore(connections[DEFAULT_DB_ALIAS], file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {file}."))
