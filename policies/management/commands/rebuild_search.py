import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policies import search


class Command(BaseCommand):
    help = (
        "Write every statement's search terms again. Writes keep them current; run this "
        "after upgrading the stemmers (snowballstemmer, PyStemmer) or changing statements "
        "with raw SQL, or with --check to verify."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit with an error if any statement's terms are stale.",
        )

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        started = time.perf_counter()
        if check:
            stale = search.stale_statements()
            if stale:
                shown = ", ".join(map(str, stale[:20]))
                raise CommandError(
                    f"{len(stale)} statements have stale search terms (ids {shown}); "
                    "run `manage.py rebuild_search`."
                )
            self.stdout.write(self.style.SUCCESS("Search terms match the statements."))
            return
        written = search.reindex()
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote the search terms of {written} statements "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
