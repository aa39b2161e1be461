"""One benchmark run inside Django, against the database DATABASE_URL names.

Prints one JSON object: for each measure, the median server time of repeated requests (made
in-process through Django's handler, so it is the app's own time, without a network) and the
number of queries. Run by bench/run.py; see BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import OperationalError, connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from policies.models import Sector, Statement  # noqa: E402

# The dashboard under filters only the live counts answer.
LIVE_URL = "/?kind=speech&kind=essay"


def timed(client: Client, url: str, repeat: int, *, clear_cache: bool) -> dict:
    """Median and spread of the server time for ``url``, and its query count."""
    times, queries, status = [], 0, 0
    client.get(url)  # warm up: imports, template loading, connection
    for _ in range(repeat):
        if clear_cache:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                for _chunk in response.streaming_content:
                    pass
            times.append(time.perf_counter() - started)
        queries, status = len(captured), response.status_code
    return {
        "url": url,
        "status": status,
        "median_ms": round(statistics.median(times) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "queries": queries,
        "runs": repeat,
    }


def dashboard_sql_alone(client: Client, url: str, repeat: int) -> dict:
    """The dashboard's own SQL, run directly on the database, without Django around it."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # A server-side cursor (PostgreSQL) is logged as DECLARE ... FOR <the query>.
    sqls = [
        q["sql"].split(" FOR ", 1)[1] if q["sql"].startswith("DECLARE") else q["sql"]
        for q in captured.captured_queries
    ]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        # In a transaction, as the page ran them: its facet counts each run in a savepoint
        # under SET LOCAL statement_timeout.
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in sqls:
                # The captured SQL has its parameters inlined, as Django logs them.
                try:
                    cursor.execute(sql)
                except OperationalError as error:
                    # A count the page stopped at its time limit stops here too, and the
                    # page's ROLLBACK TO SAVEPOINT comes next.
                    if "statement timeout" not in str(error):
                        raise
                    continue
                if cursor.description:
                    cursor.fetchall()
        times.append(time.perf_counter() - started)
    return {"median_ms": round(statistics.median(times) * 1000, 1), "queries": len(sqls)}


def first_visit_bytes(client: Client) -> dict:
    """Bytes a first visit to the dashboard downloads, each file gzip-compressed as served."""
    html = b"".join([client.get("/").content])
    files = ["css/tracker.css", "js/charts.js", "vendor/plotly/plotly-cartesian-4.1.1.min.js"]
    sizes = {"html": len(gzip.compress(html, 9))}
    for name in files:
        sizes[name] = len(gzip.compress(Path(finders.find(name)).read_bytes(), 9))
    return {"total_kb": round(sum(sizes.values()) / 1024, 1), "files": sizes}


def export_run() -> dict:
    """A full CSV export of statements: rows per second and this process's peak memory,
    resident (ru_maxrss) and private (``PrivatePeak``, which the goal reads)."""
    client = Client()
    started = time.perf_counter()
    with PrivatePeak() as private:
        response = client.get("/export/statements.csv")
        rows, size = -1, 0
        for chunk in response.streaming_content:
            rows += chunk.count(b"\n")
            size += len(chunk)
    elapsed = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": round(elapsed, 1),
        "rows_per_second": round(rows / elapsed),
        "megabytes": round(size / 1_048_576, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_private_mb": private.mb,
    }


class PrivatePeak:
    """The most private memory (``RssAnon``: the heap, not files) this process held while
    the block ran, sampled every few milliseconds from /proc/self/status (Linux).

    ``ru_maxrss`` also counts the pages of files mapped into memory, and SQLite maps its
    database (tracker/settings.py): the pages of the data set read before and during the
    import are counted in it, though they are the system's file cache, shared and given
    back under pressure. What could take a web worker down is its private memory."""

    def __init__(self, every: float = 0.005) -> None:
        self.every = every
        self.mb = 0
        self._done = threading.Event()

    @staticmethod
    def now() -> int:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) // 1024
        return 0

    def _sample(self) -> None:
        while not self._done.is_set():
            self.mb = max(self.mb, self.now())
            self._done.wait(self.every)

    def __enter__(self) -> PrivatePeak:
        self.mb = self.now()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self.mb = max(self.mb, self.now())


def import_run(rows: int) -> dict:
    """Import ``rows`` new statements from a CSV file, as an editor would: every row parsed,
    resolved, validated, written with its links and history, the rollups brought up to
    date. It is a dry run (rolled back at the end), so the data set stays as it was.

    The rows are the data set's own statements under new slugs (the natural key), so each
    creates a record; a data set smaller than ``rows`` is read several times over.

    ``peak_mb`` is this process's peak memory (ru_maxrss), the import's: the file is made
    a few hundred rows at a time, so that making it costs less than importing it (the peak
    before the import is ``peak_mb_before_import``). ``peak_private_mb`` is the most
    private memory it held during the import (``PrivatePeak``), which the goal reads."""
    import csv
    import io
    import tempfile

    from django.http import QueryDict

    from policies.data_io.loads import records_import
    from policies.data_io.schema import RECORD_KINDS
    from policies.data_io.streaming import export_stream
    from policies.filters import select

    kind = RECORD_KINDS["statements"]
    queryset = select(QueryDict(), surface="statements", include_drafts=True).records
    first = queryset.order_by("pk").values_list("pk", flat=True)
    chosen = queryset.filter(pk__in=list(first[:rows]))
    # On disk while it is made, then read in one piece: in memory, its last copy doubled it.
    out = tempfile.TemporaryFile()  # noqa: SIM115 (closed once read, below)
    lines = io.StringIO()
    writer = csv.writer(lines, lineterminator="\r\n")
    written, passes = 0, 0
    while written < rows:
        header: list[str] | None = None
        for chunk in export_stream(kind, chosen, "csv", include_drafts=True):
            for row in csv.reader(io.StringIO(chunk, newline="")):
                if header is None:
                    header = row
                    slug = header.index("slug")
                    if not passes:
                        writer.writerow(header)
                    continue
                if written == rows:
                    break
                row[slug] = f"bench-import-{passes}-{row[slug]}"
                writer.writerow(row)
                written += 1
            out.write(lines.getvalue().encode())
            lines.seek(0)
            lines.truncate()
        passes += 1
    out.seek(0)
    data = out.read()
    out.close()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with PrivatePeak() as private:
        report = records_import(name="statements.csv", data=data, dry_run=True)
    elapsed = time.perf_counter() - started
    created = sum(counter["created"] for counter in report.counts.values())
    return {
        "rows": created,
        "megabytes": round(len(data) / 1_048_576, 1),
        "seconds": round(elapsed, 1),
        "rows_per_second": round(created / elapsed, 1),
        "seconds_per_100k": round(elapsed / created * 100_000),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_mb_before_import": round(before / 1024),
        "peak_private_mb": private.mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--export", action="store_true", help="Only the CSV export run.")
    parser.add_argument("--import-rows", type=int, help="Only an import of this many rows.")
    args = parser.parse_args()
    if args.export:
        print(json.dumps(export_run()))
        return
    if args.import_rows:
        print(json.dumps(import_run(args.import_rows)))
        return

    client = Client()
    statement = Statement.objects.filter(status="published").order_by("pk").first()
    sector = Sector.objects.filter(parent=None, synthetic=True).order_by("slug").first()
    sector_url = f"/?sector={sector.slug}" if sector else "/"
    results = {
        "database": connection.vendor,
        "statements": Statement.objects.count(),
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "dashboard": timed(client, "/", args.repeat, clear_cache=True),
        "dashboard_cached": timed(client, "/", args.repeat, clear_cache=False),
        "dashboard_sector": timed(client, sector_url, args.repeat, clear_cache=True),
        # Two kinds: one alone is read from the rollups (migration 0021).
        "dashboard_live": timed(client, LIVE_URL, args.repeat, clear_cache=True),
        "dashboard_sql_alone": dashboard_sql_alone(client, "/", args.repeat),
        # Uncached: the list's facets are kept until the next write, and a reader's first
        # visit under new filters pays for them.
        "list_page_1": timed(client, "/statements/", args.repeat, clear_cache=True),
        "list_page_1000": timed(client, "/statements/?page=1000", args.repeat, clear_cache=False),
        "detail": timed(client, f"/statements/{statement.pk}/", args.repeat, clear_cache=False),
        "search": timed(client, "/statements/?q=semiconductor", args.repeat, clear_cache=True),
        # A word no statement holds: the database cannot know it is rare before it looks.
        "search_rare": timed(client, "/statements/?q=zeppelin", args.repeat, clear_cache=True),
        "first_visit": first_visit_bytes(client),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
