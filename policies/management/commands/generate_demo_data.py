import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policies import planner
from policies.ops.demo import DemoDataExists, demo_data_generate


class Command(BaseCommand):
    help = (
        "Add reproducible SYNTHETIC statements, plans, indicators, targets and observations for "
        "benchmarks. "
        "Every record is marked synthetic; never run it on a database readers use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--statements", type=int, required=True, help="How many statements.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed makes the same data."
        )

    def handle(
        self, *args: Any, statements: int, seed: int, verbosity: int, **options: Any
    ) -> None:
        if statements < 1:
            raise CommandError("--statements must be a positive number.")
        started = time.perf_counter()
        progress = self.stdout.write if verbosity >= 2 else None
        try:
            report = demo_data_generate(statements=statements, seed=seed, progress=progress)
        except DemoDataExists as error:
            raise CommandError(str(error)) from None
        planner.refresh_statistics()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.statements} synthetic statements, {report.plans} plans, "
                f"{report.indicators} indicators, {report.targets} targets, "
                f"{report.observations} observations, "
                f"{report.sources} sources and {report.links} links in {elapsed:.1f} s."
            )
        )
