import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policies import rollups
from policies.caching import data_changed


class Command(BaseCommand):
    help = (
        "Recount the dashboard's statement rollups from the statements. Writes keep them "
        "current; run this after changing statements with raw SQL, or with --check to verify."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit with an error if any stored count differs from a recount.",
        )

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        started = time.perf_counter()
        if check:
            stale = rollups.stale_keys()
            if stale:
                for key, stored, recounted in stale[:20]:
                    self.stderr.write(f"{key}: stored {stored}, recounted {recounted}")
                raise CommandError(
                    f"{len(stale)} rollup counts differ from the statements; "
                    "run `manage.py rebuild_rollups`."
                )
            self.stdout.write(self.style.SUCCESS("Rollups match the statements."))
            return
        rows = rollups.rebuild()
        data_changed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {rows} rollup rows in {time.perf_counter() - started:.1f} s."
            )
        )
