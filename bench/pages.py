"""Time some pages in-process against the database DATABASE_URL names, uncached: the median
of ``--repeat`` requests each, with its query count. A quick check between `make bench`
runs (which measure everything at every size):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_1000000 DJANGO_DEBUG=0 \\
        DJANGO_HTTPS=0 DJANGO_ALLOWED_HOSTS=testserver DJANGO_SECRET_KEY=... \\
        .venv/bin/python bench/pages.py "/statements/?q=semiconductor" /statements/

Production settings serve hashed static files: run `manage.py collectstatic` once first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    client = Client()
    results = {}
    for url in args.urls:
        times = []
        for _ in range(args.repeat):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
        results[url] = {
            "median_ms": round(statistics.median(times), 1),
            "queries": len(queries.captured_queries),
        }
        print(f"{url}: {results[url]['median_ms']} ms, {results[url]['queries']} queries")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
