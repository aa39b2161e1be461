"""Load test: gunicorn serving the 100k data set, driven by many concurrent clients.

`make loadtest` (not part of `make test`). Runs gunicorn in production mode on loopback
against the 100k-statement SQLite data set (built once by the bench, kept in bench/data/),
then for LOADTEST_SECONDS (60) keeps LOADTEST_CLIENTS (32) clients busy with a mix of
dashboards, lists, details, exports and API calls. Any answer of 500 or above, or a failed
connection, is an error; the goal is none. The latency percentiles go into BENCHMARKS.md,
between the load-test markers (`make bench` keeps that section).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import LOADTEST_END, LOADTEST_START
from bench.run import DEFAULT_PG, ROOT, env_for, free_port, machine, manage, prepare

SIZE = 100_000
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
CLIENTS = int(os.environ.get("LOADTEST_CLIENTS", "32"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", "2"))
THREADS = int(os.environ.get("LOADTEST_THREADS", "4"))

# (kind, path) with a weight: mostly readers browsing, some integrators.
MIX = [
    ("dashboard", "/", 4),
    ("dashboard, by sector", "/?sector=synthetic-1-sector-1", 2),
    ("dashboard, live filter", "/?kind=speech&date_after=2020-01-01", 1),
    ("list", "/statements/?page={page}", 4),
    ("search", "/statements/?q=semiconductor", 2),
    ("detail", "/statements/{pk}/", 6),
    (
        "export (filtered)",
        "/export/statements.csv?actor=synthetic-1-actor-1&date_after=2024-01-01",
        1,
    ),
    ("API list", "/api/v1/statements/?page={page}", 3),
    ("API detail", "/api/v1/statements/{slug}/", 3),
]


def statement_keys(url: str) -> list[tuple[int, str]]:
    import sqlite3

    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT id, slug FROM policies_statement WHERE status = 'published' "
            "ORDER BY random() LIMIT 2000"
        ).fetchall()


def drive(port: int, keys: list[tuple[int, str]], until: float, results, errors) -> None:
    rng = random.Random()  # noqa: S311 (load, not secrets)
    choices = [(kind, path) for kind, path, weight in MIX for _ in range(weight)]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < until:
        kind, template = rng.choice(choices)
        pk, slug = rng.choice(keys)
        path = template.format(page=rng.randint(1, 2000), pk=pk, slug=slug)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            errors.append((kind, path, repr(error)))
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        elapsed = (time.perf_counter() - started) * 1000
        results[kind].append(elapsed)
        if status >= 500:
            errors.append((kind, path, status))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    url = prepare("sqlite", SIZE, os.environ.get("DATABASE_URL") or DEFAULT_PG)
    manage("sqlite:///:memory:", "collectstatic", "--noinput", "-v", "0")
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "tracker.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
        ],
        env=env_for(url),
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        keys = statement_keys(url)
        results: dict[str, list[float]] = defaultdict(list)
        errors: list = []
        until = time.monotonic() + SECONDS
        print(f"{CLIENTS} clients for {SECONDS} s against gunicorn ({WORKERS}×{THREADS})")
        clients = [
            threading.Thread(target=drive, args=(port, keys, until, results, errors))
            for _ in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in results.values())
    summary = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "seconds": SECONDS,
        "clients": CLIENTS,
        "server": f"gunicorn, {WORKERS} workers × {THREADS} threads, SQLite, {SIZE:,} statements",
        "requests": total,
        "per_second": round(total / SECONDS, 1),
        "errors": len(errors),
        "error_samples": [str(e) for e in errors[:5]],
        "kinds": {
            kind: {
                "requests": len(times),
                "p50": round(statistics.median(times), 1),
                "p95": round(percentile(times, 0.95), 1),
                "p99": round(percentile(times, 0.99), 1),
            }
            for kind, times in results.items()
        },
    }
    print(json.dumps(summary, indent=2))
    write_section(summary, ROOT / "BENCHMARKS.md")
    if errors:
        sys.exit(f"{len(errors)} errors under load, e.g. {errors[:3]}")


def write_section(summary: dict, path: Path) -> None:
    lines = [
        LOADTEST_START,
        "## Load test",
        "",
        f"- **Run:** {summary['date']}, `make loadtest`",
        f"- **Machine:** {summary['machine']} (the clients run on the same machine)",
        f"- **Server:** {summary['server']}",
        f"- **Load:** {summary['clients']} concurrent clients for {summary['seconds']} s: "
        f"{summary['requests']:,} requests, {summary['per_second']} per second, "
        f"**{summary['errors']} errors** (goal: none)",
        "",
        "Latency in ms, as the clients saw it over loopback. Each client sends its next "
        "request as soon as the last is answered, so with more clients than server threads "
        "most of a latency is time spent queued: throughput and errors are the figures to "
        "compare between runs.",
        "",
        "| request | count | p50 | p95 | p99 |",
        "|---|---|---|---|---|",
        *(
            f"| {kind} | {k['requests']:,} | {k['p50']} | {k['p95']} | {k['p99']} |"
            for kind, k in summary["kinds"].items()
        ),
        LOADTEST_END,
    ]
    text = path.read_text() if path.exists() else ""
    if LOADTEST_START in text:
        before, _, rest = text.partition(LOADTEST_START)
        _, _, after = rest.partition(LOADTEST_END)
        text = before.rstrip("\n") + "\n\n" + "\n".join(lines) + after
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    path.write_text(text)


if __name__ == "__main__":
    main()
