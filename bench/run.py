"""`make bench`: build synthetic data sets, measure the app and Datasette, write BENCHMARKS.md.

For each database (SQLite, and PostgreSQL at DATABASE_URL's server) and each size, it builds a
database with `generate_demo_data` once (reused on later runs), then runs bench/measure.py
against it in a fresh process, and for SQLite serves the same file with Datasette and times
its faceted table page in the same run. Results go to bench/results/latest.json and the
tables in BENCHMARKS.md.

    .venv/bin/python bench/run.py --sizes 10000,100000 --databases sqlite,postgres
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import write_benchmarks

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
# Rows per timed import: the goal's 100k (fewer for a quick run).
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))


def env_for(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_HTTPS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def manage(database_url: str, *args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env_for(database_url), check=True)


def sqlite_url(size: int) -> tuple[str, Path]:
    path = DATA / f"statements-{size}.sqlite3"
    return f"sqlite:///{path}", path


def postgres_url(size: int, server: str) -> str:
    base, _, _name = server.rpartition("/")
    return f"{base}/bench_{size}"


def prepare(database: str, size: int, server: str) -> str:
    """A database holding `size` synthetic statements, built once and kept."""
    if database == "sqlite":
        url, path = sqlite_url(size)
        if path.exists() and path.with_suffix(".ready").exists():
            manage(url, "migrate", "--noinput", "-v", "0")  # a kept data set follows the schema
            return url
        DATA.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
    else:
        import psycopg

        url = postgres_url(size, server)
        name = url.rsplit("/", 1)[1]
        ready = DATA / f"{name}.ready"
        with psycopg.connect(server.replace("postgres://", "postgresql://"), autocommit=True) as c:
            exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and ready.exists():
                manage(url, "migrate", "--noinput", "-v", "0")
                analyze(url)
                return url
            if exists:
                c.execute(f'DROP DATABASE "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / name
    print(f"building {database} with {size:,} statements", flush=True)
    manage(url, "migrate", "--noinput", "-v", "0")
    manage(url, "generate_demo_data", "--statements", str(size), "--seed", "1")
    if database == "postgres":
        analyze(url)
    path.with_suffix(".ready").touch()
    return url


def analyze(url: str) -> None:
    """Fresh planner statistics, expression indexes included (the search index's), and
    the visibility map an index-only scan needs: what autovacuum leaves a database in
    once it has caught up with a load, which a data set just built has not."""
    manage(
        url,
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')",
    )


def _json_of(url: str, *args: str) -> dict:
    """The last line of a bench script's output, as JSON; its errors shown if it fails."""
    done = subprocess.run(
        [PYTHON, *args], env=env_for(url), capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.stderr.write(done.stderr[-5000:])
        done.check_returncode()
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(url: str, repeat: int) -> dict:
    script = str(ROOT / "bench" / "measure.py")
    result = _json_of(url, script, "--repeat", str(repeat))
    result["export_csv"] = _json_of(url, script, "--export")
    result["import_csv"] = _json_of(url, script, "--import-rows", str(IMPORT_ROWS))
    combinations = str(ROOT / "bench" / "combinations.py")
    result["combinations"] = _json_of(url, combinations, "--repeat", str(repeat))
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def datasette(path: Path, repeat: int, questions: dict[str, str] | None = None) -> dict:
    """Datasette's table page for statements with facets like the dashboard's, over HTTP;
    with ``questions`` (name: query string, from bench/combinations.py), each of them too,
    in the same server run."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "datasette"),
            "serve",
            str(path),
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "120000",
            "--setting",
            "facet_time_limit_ms",
            "120000",
            "--setting",
            "default_page_size",
            "5",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = (
        f"http://127.0.0.1:{port}/{path.stem}/policies_statement"
        "?_facet=kind&_facet=actor_id&_facet=status&_facet_date=published_on&_size=5"
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        median = _median_ms(url, repeat)
        table = url.split("?", 1)[0]
        asked = {
            name: _median_ms(f"{table}?{query}", repeat)
            for name, query in (questions or {}).items()
        }
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {"url": url.split("?", 1)[1], "median_ms": median, "combinations": asked}


def _median_ms(url: str, repeat: int) -> float:
    urllib.request.urlopen(url, timeout=300).read()  # warm up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        urllib.request.urlopen(url, timeout=300).read()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "10000,100000,1000000"))
    parser.add_argument(
        "--databases", default=os.environ.get("BENCH_DATABASES", "sqlite,postgres")
    )
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "5")))
    # A live question at 1M takes seconds to a minute on SQLite: timed five times each, the
    # combinations alone would take an hour there.
    parser.add_argument(
        "--repeat-1m",
        type=int,
        default=int(os.environ.get("BENCH_REPEAT_1M", "2")),
        help="Repeats at a million statements and more.",
    )
    parser.add_argument(
        "--skip",
        default=os.environ.get("BENCH_SKIP", ""),
        help="database:size pairs not to build or measure, comma-separated (sqlite:1000000); "
        "the report says they were not measured.",
    )
    args = parser.parse_args()
    skipped = {pair.strip() for pair in args.skip.split(",") if pair.strip()}
    server = os.environ.get("DATABASE_URL") or DEFAULT_PG
    # Production mode serves hashed, compressed static files from collectstatic's output.
    manage("sqlite:///:memory:", "collectstatic", "--noinput", "-v", "0")
    results = []
    for database in args.databases.split(","):
        for size in [int(s) for s in args.sizes.split(",")]:
            if f"{database}:{size}" in skipped:
                print(f"skipping {database} at {size:,}", flush=True)
                continue
            url = prepare(database, size, server)
            repeat = args.repeat_1m if size >= 1_000_000 else args.repeat
            print(
                f"measuring {database} at {size:,}, each figure the median of {repeat}", flush=True
            )
            result = measure(url, repeat)
            result["size"] = size
            result["repeat"] = repeat
            if database == "sqlite":
                # Datasette beside every question at 100k (the goal's size), its one faceted
                # page at the others.
                questions = result["combinations"]["datasette"] if size == 100_000 else None
                result["datasette"] = datasette(sqlite_url(size)[1], repeat, questions)
            results.append(result)
            print(json.dumps(result), flush=True)
            # Saved as it goes, so a failure later keeps what was measured.
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / "partial.json").write_text(json.dumps(results, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "results": results,
        "skipped": sorted(skipped),
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    write_benchmarks(report, ROOT / "BENCHMARKS.md")
    print("wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
