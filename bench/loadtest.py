"""Load test: gunicorn serving the 100k data set, driven by many concurrent clients, while
editors save.

`make loadtest` (not part of `make test`). Runs gunicorn in production mode on loopback
against the 100k-statement data set (built once by the bench: a SQLite file in bench/data/,
or with LOADTEST_DATABASE=postgres a database on DATABASE_URL's server; REDIS_URL, when set,
is the cache), then for LOADTEST_SECONDS (60) keeps LOADTEST_CLIENTS (32) clients busy with
a mix of dashboards, lists, details, exports and API calls.

With LOADTEST_WRITERS (default 4) editors save statements through the admin meanwhile, and
an import runs every few seconds (bench/writers.py), on a copy of the data set that the run
may change. At the end their saves are checked against the history and the rollups against
a recount.

Any answer of 500 or above, a failed connection, a writer's error or a rollup that drifted is
an error; the goal is none. A 429 (an export or API limit) is a refusal, counted apart. The
figures go into BENCHMARKS.md, between the load-test markers, one part per database (`make
bench` keeps that section).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import LOADTEST_END, LOADTEST_START
from bench.run import DATA, DEFAULT_PG, ROOT, env_for, free_port, machine, manage, prepare

SIZE = 100_000
DATABASE = os.environ.get("LOADTEST_DATABASE", "sqlite")
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
WRITERS = int(os.environ.get("LOADTEST_WRITERS", "4"))
# Seconds an editor spends on the next record before saving it (reading, typing): people,
# not a script in a loop. The concurrency test runs them without a pause.
# Names this run's part of BENCHMARKS.md beside the database and whether editors ran.
LABEL = os.environ.get("LOADTEST_LABEL", "")
EDITOR_PAUSE = float(os.environ.get("LOADTEST_EDITOR_PAUSE", "2"))
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
    # Every statement (100k, some 2 s of a worker): the export limit's work.
    ("export (full)", "/export/statements.csv", int(os.environ.get("LOADTEST_FULL_EXPORTS", "1"))),
    ("API list", "/api/v1/statements/?page={page}", 3),
    ("API detail", "/api/v1/statements/{slug}/", 3),
]


KEYS_SQL = (
    "SELECT id, slug FROM policies_statement WHERE status = 'published' "
    "ORDER BY random() LIMIT 2000"
)


def statement_keys(url: str) -> list[tuple[int, str]]:
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(KEYS_SQL).fetchall()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        return db.execute(KEYS_SQL).fetchall()


def working_copy(url: str) -> str:
    """A copy of the data set for writers to change, so that the kept one stays as built."""
    if url.startswith("sqlite:///"):
        import sqlite3

        copy = DATA / "loadtest.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        # Through SQLite's backup, not a file copy: the kept file may hold a write-ahead log.
        with (
            sqlite3.connect(url.removeprefix("sqlite:///")) as source,
            sqlite3.connect(copy) as target,
        ):
            source.backup(target)
        return f"sqlite:///{copy}"
    import psycopg

    base, _, name = url.rpartition("/")
    copy = f"{name}_loadtest"
    server = f"{base}/postgres".replace("postgres://", "postgresql://")
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    return f"{base}/{copy}"


def start_writers(url: str, folder: Path) -> list[tuple[subprocess.Popen, Path]]:
    """LOADTEST_WRITERS editors and one importer (bench/writers.py), each writing its
    attempts to a file in ``folder``."""
    script = str(ROOT / "bench" / "writers.py")
    env = env_for(url)
    subprocess.run(
        [sys.executable, script, "prepare", "--editors", str(WRITERS)], env=env, check=True
    )
    commands = [
        [
            "edit",
            "--editor",
            str(n),
            "--seed",
            str(n),
            "--changes",
            "100000",
            "--seconds",
            str(SECONDS),
            "--pool",
            "500",
        ]
        for n in range(1, WRITERS + 1)
    ]
    commands.append(
        [
            "import",
            "--rounds",
            str(max(1, SECONDS // 10)),
            "--pause",
            "8",
            "--pool",
            "500",
            "--batch",
            "50",
            "--seed",
            "99",
        ]
    )
    started = []
    for n, command in enumerate(commands):
        report = folder / f"writer-{n}.jsonl"
        with report.open("w") as out:
            started.append(
                (subprocess.Popen([sys.executable, script, *command], env=env, stdout=out), report)
            )
    return started


def finish_writers(url: str, writers: list[tuple[subprocess.Popen, Path]]) -> dict:
    """Wait for the writers; what they did, what went wrong, and whether the rollups drifted."""
    for process, _report in writers:
        process.wait(timeout=SECONDS + 120)
    script = str(ROOT / "bench" / "writers.py")
    env = env_for(url)
    verified = subprocess.run(
        [sys.executable, script, "verify", *(str(r) for _p, r in writers)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    summary = json.loads(verified.stdout)
    check = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "rebuild_rollups", "--check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    summary["rollups"] = (check.stdout + check.stderr).strip().splitlines()[-1]
    summary["drift"] = check.returncode != 0
    times = [
        json.loads(line)["ms"]
        for _p, report in writers
        for line in report.read_text().splitlines()
        if '"op": "edit"' in line and '"ms"' in line
    ]
    summary["save_p50"] = round(statistics.median(times), 1) if times else None
    summary["save_p95"] = round(percentile(times, 0.95), 1) if times else None
    return summary


def drive(port: int, keys: list[tuple[int, str]], until: float, results, errors, refused) -> None:
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
        if status == 429:
            refused[kind] += 1
            continue
        results[kind].append(elapsed)
        if status >= 500:
            errors.append((kind, path, status))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    url = prepare(DATABASE, SIZE, os.environ.get("DATABASE_URL") or DEFAULT_PG)
    if WRITERS:
        url = working_copy(url)
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
    folder = Path(tempfile.mkdtemp(prefix="loadtest-"))
    writers = []
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        keys = statement_keys(url)
        results: dict[str, list[float]] = defaultdict(list)
        refused: dict[str, int] = defaultdict(int)
        errors: list = []
        writers = start_writers(url, folder) if WRITERS else []
        until = time.monotonic() + SECONDS
        print(
            f"{CLIENTS} clients and {WRITERS} editors for {SECONDS} s against gunicorn "
            f"({WORKERS}×{THREADS}, {DATABASE})"
        )
        clients = [
            threading.Thread(target=drive, args=(port, keys, until, results, errors, refused))
            for _ in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        written = finish_writers(url, writers) if writers else None
    finally:
        for process, _report in writers:
            if process.poll() is None:
                process.kill()
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(v) for v in results.values()) + sum(refused.values())
    cache = "Redis" if os.environ.get("REDIS_URL") else "local memory"
    name = "PostgreSQL" if DATABASE == "postgres" else "SQLite"
    settings = [
        f"{name}={os.environ[name]}"
        for name in (
            "LOADTEST_DATABASE",
            "LOADTEST_WRITERS",
            "LOADTEST_FULL_EXPORTS",
            "DJANGO_EXPORTS_AT_ONCE",
            "DJANGO_API_ANON_RATE",
            "REDIS_URL",
        )
        if name in os.environ
    ]
    summary = {
        "command": " ".join([*settings, "make loadtest"]),
        "database": DATABASE,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "seconds": SECONDS,
        "clients": CLIENTS,
        "server": (
            f"gunicorn, {WORKERS} workers × {THREADS} threads, {name}, {cache} cache, "
            f"{SIZE:,} statements"
        ),
        "requests": total,
        "per_second": round(total / SECONDS, 1),
        "errors": len(errors),
        "error_samples": [str(e) for e in errors[:5]],
        "refused": sum(refused.values()),
        "writers": written,
        "kinds": {
            kind: {
                "requests": len(times) + refused.get(kind, 0),
                "refused": refused.get(kind, 0),
                "p50": round(statistics.median(times), 1) if times else None,
                "p95": round(percentile(times, 0.95), 1) if times else None,
                "p99": round(percentile(times, 0.99), 1) if times else None,
            }
            for kind, times in sorted(
                {**{k: [] for k in refused}, **results}.items(), key=lambda item: -len(item[1])
            )
        },
    }
    print(json.dumps(summary, indent=2))
    write_section(summary, ROOT / "BENCHMARKS.md")
    failures = len(errors) + ((written["problem_count"] + written["drift"]) if written else 0)
    if failures:
        sys.exit(
            f"{failures} errors under load, e.g. {errors[:3]} {written and written['problems'][:2]}"
        )


def write_section(summary: dict, path: Path) -> None:
    """This database's part of the load-test section; the other database's part is kept."""
    writers = summary["writers"]
    database = summary["database"] + ("" if writers else "-readers")
    title = summary["server"].split(", ")[2] + (
        ", editors saving" if writers else ", readers only"
    )
    if LABEL:
        database += "-" + re.sub(r"[^a-z0-9]+", "-", LABEL.lower()).strip("-")
        title += f", {LABEL}"
    part = [
        f"<!-- loadtest:{database} -->",
        f"### {title}",
        "",
        f"- **Run:** {summary['date']}, `{summary['command']}`",
        f"- **Machine:** {summary['machine']} (the clients and editors run on the same machine)",
        f"- **Server:** {summary['server']}",
        f"- **Load:** {summary['clients']} concurrent clients for {summary['seconds']} s: "
        f"{summary['requests']:,} requests, {summary['per_second']} per second, "
        f"**{summary['errors']} errors** (goal: none); {summary['refused']:,} refused with "
        "429 by the export and API limits",
    ]
    if writers:
        outcomes = ", ".join(f"{n:,} {outcome}" for outcome, n in writers["outcomes"].items())
        part += [
            f"- **Editors meanwhile:** {outcomes}; **{writers['problem_count']} errors or lost "
            f"updates**; rollups after the run: {writers['rollups']} Saves through the admin "
            f"took {writers['save_p50']} ms (p50), {writers['save_p95']} ms (p95).",
        ]
    part += [
        "",
        "| request | count | refused (429) | p50 | p95 | p99 |",
        "|---|---|---|---|---|---|",
        *(
            f"| {kind} | {k['requests']:,} | {k['refused']:,} | {k['p50']} | {k['p95']} "
            f"| {k['p99']} |"
            for kind, k in summary["kinds"].items()
        ),
        f"<!-- /loadtest:{database} -->",
    ]
    text = path.read_text() if path.exists() else ""
    section = ""
    if LOADTEST_START in text:
        before, _, rest = text.partition(LOADTEST_START)
        section, _, after = rest.partition(LOADTEST_END)
    else:
        before, after = text.rstrip("\n") + "\n", "\n"
    # The parts already there, in their order; this run's replaces its own or comes last.
    parts = {
        name: f"<!-- loadtest:{name} -->{body}<!-- /loadtest:{name} -->"
        for name, body in re.findall(
            r"<!-- loadtest:([a-z0-9-]+) -->(.*?)<!-- /loadtest:\1 -->", section, flags=re.S
        )
    }
    parts[database] = "\n".join(part)
    lines = [
        LOADTEST_START,
        "## Load test",
        "",
        "Latency in ms, as the clients saw it over loopback. Each client sends its next "
        "request as soon as the last is answered, so with more clients than server threads "
        "most of a latency is time spent queued: throughput and errors are the figures to "
        "compare between runs. Refused requests are counted, not timed.",
        "",
        *(text + "\n" for text in parts.values()),
        LOADTEST_END,
    ]
    path.write_text(before.rstrip("\n") + "\n\n" + "\n".join(lines) + after)


if __name__ == "__main__":
    main()
