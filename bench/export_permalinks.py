"""What the exports' permalink column costs: the statements' CSV export of one database,
streamed in this process with and without it, best of three each.

    DATABASE_URL=sqlite:///bench/data/statements-100000.sqlite3 DJANGO_DEBUG=1 \\
        .venv/bin/python bench/export_permalinks.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django

django.setup()

from policies.data_io.schema import RECORD_KINDS  # noqa: E402
from policies.data_io.streaming import export_stream  # noqa: E402
from policies.models import Statement  # noqa: E402


def rows_per_second(site: str | None) -> tuple[int, float]:
    started = time.perf_counter()
    lines = 0
    stream = export_stream(
        RECORD_KINDS["statements"],
        Statement.objects.published(),
        "csv",
        include_drafts=False,
        site=site,
    )
    for chunk in stream:
        lines += chunk.count("\r\n")
    rows = lines - 1  # the header
    return rows, rows / (time.perf_counter() - started)


def main() -> None:
    runs: dict[str, list[float]] = {"without": [], "with": []}
    rows = 0
    for _ in range(3):
        for label, site in (("without", None), ("with", "https://tracker.example.org")):
            rows, speed = rows_per_second(site)
            runs[label].append(speed)
    best = {label: max(speeds) for label, speeds in runs.items()}
    print(f"{rows:,} published statements")
    for label, speed in best.items():
        print(f"{label} the permalink column: {speed:,.0f} rows/s")
    print(f"cost: {1 - best['with'] / best['without']:.1%} of the rows per second")


if __name__ == "__main__":
    main()
