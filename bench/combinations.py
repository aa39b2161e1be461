"""The dashboard under every kind of question a reader asks: the fixed set of filter
combinations issue 18 names, timed uncached in-process against DATABASE_URL, each with its
query count, and the same questions as Datasette table pages on the same SQLite file.

Prints one JSON object: {"pages": {name: {url, median_ms, queries, status}},
"datasette": {name: query string}}. Run by bench/run.py; the values are chosen by a fixed
rule (the first root sector by path, the first themes and actor by id), never by speed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from policies.models import Actor, Sector, Theme  # noqa: E402

# (name, dashboard parameters) for each question; `q` is added to some at the end.
RANGE: dict[str, object] = {"date_after": "2018-01-01", "date_before": "2019-12-31"}
# Datasette's `_where` for the many-to-many filters, filled from the data set's own paths
# and ids (never from input).
SUBTREE = (
    "id in (select statement_id from policies_statement_sectors where sector_id in "
    "(select id from policies_sector where {likes}))"
)
THEMES = "id in (select statement_id from policies_statement_themes where theme_id in ({ids}))"
WORD = "semiconductor"


def questions() -> list[tuple[str, dict[str, object]]]:
    sector = Sector.objects.filter(parent=None).order_by("path").first()
    themes = list(Theme.objects.order_by("pk")[:2])
    actor = Actor.objects.order_by("pk").first()
    if sector is None or len(themes) < 2 or actor is None:
        raise SystemExit("the data set needs a sector, two themes and an actor")
    asked: list[tuple[str, dict[str, object]]] = [
        ("none", {}),
        ("one sector", {"sector": sector.slug}),
        ("date range", RANGE),
        ("actor + date_after", {"actor": actor.slug, "date_after": "2020-01-01"}),
        ("sector + theme", {"sector": sector.slug, "theme": themes[0].slug}),
        ("kind", {"kind": "speech"}),
        ("two themes", {"theme": [t.slug for t in themes]}),
        ("sector + kind + date range", {"sector": sector.slug, "kind": "speech", **RANGE}),
        ("date_basis=delivered", {"date_basis": "delivered"}),
    ]
    with_word = [(f"{name} + q", {**params, "q": WORD}) for name, params in asked[:1]]
    with_word += [(f"{name} + q", {**params, "q": WORD}) for name, params in asked[5:6]]
    return asked + with_word


def datasette_query(params: dict[str, object]) -> str:
    """The same question as Datasette's table page on policies_statement: its filters, the
    many-to-many ones and the sector subtree as `_where` subqueries, and facets like the
    dashboard's (kind, actor, the publication date)."""
    query: list[tuple[str, str]] = [("status", "published")]
    wheres = []
    for name, values in params.items():
        values = values if isinstance(values, list) else [values]
        if name == "sector":
            paths = list(Sector.objects.filter(slug__in=values).values_list("path", flat=True))
            wheres.append(SUBTREE.format(likes=" or ".join(f"path like '{p}%'" for p in paths)))
        elif name == "theme":
            chosen = Theme.objects.filter(slug__in=values).values_list("pk", flat=True)
            wheres.append(THEMES.format(ids=",".join(str(pk) for pk in chosen)))
        elif name == "actor":
            pk = Actor.objects.get(slug=values[0]).pk
            query.append(("actor_id", str(pk)))
        elif name == "kind":
            query.append(("kind", str(values[0])))
        elif name == "date_after":
            query.append(("published_on__gte", str(values[0])))
        elif name == "date_before":
            query.append(("published_on__lte", str(values[0])))
    query += [("_where", where) for where in wheres]
    date = "delivered_on" if params.get("date_basis") == "delivered" else "published_on"
    query += [("_facet", "kind"), ("_facet", "actor_id"), ("_facet_date", date), ("_size", "5")]
    return urlencode(query)


def timed(client: Client, url: str, repeat: int) -> dict:
    client.get(url)  # warm up
    times, queries, status, uncounted = [], 0, 0, 0
    for _ in range(repeat):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        queries, status = len(captured), response.status_code
        # Facets whose counts ran out of FACET_TIME_LIMIT_MS list their values uncounted.
        uncounted = response.content.decode().count('class="facet-help facet-uncounted"')
    return {
        "url": url,
        "status": status,
        "median_ms": round(statistics.median(times) * 1000, 1),
        "queries": queries,
        "uncounted_facets": uncounted,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    client = Client()
    pages, datasette = {}, {}
    for name, params in questions():
        url = "/?" + urlencode(params, doseq=True) if params else "/"
        pages[name] = timed(client, url, args.repeat)
        if "q" not in params:  # Datasette has no word index on this table to compare
            datasette[name] = datasette_query(params)
        print(name, pages[name]["median_ms"], file=sys.stderr, flush=True)
    print(json.dumps({"pages": pages, "datasette": datasette}))


if __name__ == "__main__":
    main()
