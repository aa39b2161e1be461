from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policies import planner
from policies.data_io.limits import IMPORT_MAX_BYTES
from policies.data_io.loads import records_import
from policies.data_io.readers import ImportFileError
from policies.data_io.schema import RECORD_KINDS
from policies.writes import WriteBusy


class Command(BaseCommand):
    help = (
        "Import records from a CSV, XLSX or JSON file (the columns the exports write), all or "
        "nothing: one bad row and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A .csv, .xlsx or .json file.")
        parser.add_argument(
            "--model",
            choices=list(RECORD_KINDS),
            help="What the file holds; by default taken from its name (statements.csv).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report what would change, writing nothing.",
        )

    def handle(
        self, *args: Any, file: Path, model: str | None, dry_run: bool, **options: Any
    ) -> None:
        try:
            size = file.stat().st_size
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror}).") from None
        if size > IMPORT_MAX_BYTES:
            # Refused before reading it into memory.
            raise CommandError(
                f"{file}: the file is {size / 1_048_576:.1f} MB; the limit is "
                f"{IMPORT_MAX_BYTES // 1_048_576} MB. Split it into smaller files."
            )
        try:
            report = records_import(
                name=str(file), data=file.read_bytes(), kind=model, dry_run=dry_run
            )
        except ImportFileError as error:
            raise CommandError(
                "Nothing was imported.\n" + "\n".join(f"  {line}" for line in error.errors)
            ) from None
        except WriteBusy as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        if not dry_run:
            planner.refresh_statistics()  # many new rows: SQLite's join plans (planner.py)
        for line in report.lines():
            self.stdout.write(f"  {line}")
        verdict = "Dry run: nothing was written." if dry_run else "Imported."
        self.stdout.write(self.style.SUCCESS(verdict))
