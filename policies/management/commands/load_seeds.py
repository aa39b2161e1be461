from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from policies import planner
from policies.data_io.loads import seed_load
from policies.data_io.readers import SeedError
from policies.writes import WriteBusy


class Command(BaseCommand):
    help = (
        "Load the reviewed seed records from seeds/ in one transaction, verifying every "
        "statement's excerpt against its source. Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Verify the seeds and report what would change, without writing anything.",
        )
        parser.add_argument(
            "--path",
            type=Path,
            default=settings.BASE_DIR / "seeds",
            help="The seeds directory (default: seeds/ in the project).",
        )

    def handle(self, *args: Any, check: bool, path: Path, verbosity: int, **options: Any) -> None:
        try:
            report = seed_load(directory=path, dry_run=check)
        except SeedError as error:
            raise CommandError(f"Seeds not loaded, nothing was written. {error}") from None
        except WriteBusy as error:
            raise CommandError(f"Seeds not loaded, nothing was written. {error}") from None
        if not check:
            planner.refresh_statistics()  # SQLite's join plans (policies/planner.py)

        if verbosity >= 2:
            for line in report.lines():
                self.stdout.write(f"  {line}")
        for record in report.kept:
            self.stderr.write(
                self.style.WARNING(
                    f"Kept {record} as edited in the admin; its seed differs. Bring the seed "
                    "file in line with the edit, or revert the edit, to silence this."
                )
            )
        if report.changed:
            verdict = (
                "Seeds are valid; loading them would change the database."
                if check
                else "Seeds loaded."
            )
        elif report.kept:
            verdict = "Seeds are valid." if check else "Nothing else to change."
        else:
            verdict = (
                "Seeds are valid and the database already matches them."
                if check
                else "Nothing to change: the database already matches the seeds."
            )
        if report.kept:
            verdict += (
                f" {len(report.kept)} record(s) differ from their seeds because an editor "
                "changed them; they were kept (see above)."
            )
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(verdict))
