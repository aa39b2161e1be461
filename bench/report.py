"""Turns a benchmark run (bench/results/latest.json) into BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path

from bench.combinations_report import combination_goals, combination_table

# The load test (bench/loadtest.py) writes its own section between these; a bench run keeps it.
LOADTEST_START = "<!-- loadtest: written by make loadtest -->"
LOADTEST_END = "<!-- /loadtest -->"

GOALS_NOTE = """\
Figures are medians of repeated in-process requests (the app's own server time, no
network); Datasette is timed over HTTP on loopback in the same run, on the same SQLite file.
"Uncached" clears the cache before every request. Synthetic data from
`generate_demo_data --seed 1`.

The dashboard reads its statement counts through one door (`rollups.statement_counts`):
the rollups kept current on write when the filters are none or one sector, theme, actor or
kind ("dashboard", "by sector"); any other filter counts live ("two kinds (live)",
`?kind=speech&kind=essay`), and "Every question" times a fixed set of combinations. The
import reads a CSV file of `BENCH_IMPORT_ROWS` new statements (100,000 by default; the data
set's own rows under new slugs) as a dry run: all the work of a real import, then a
rollback.
"""


def _memory(run: dict, resident: str) -> tuple[int, str]:
    """A run's peak memory as its goal reads it, and as the report shows it.

    The goal reads the private memory (bench/measure.py, ``PrivatePeak``) when the run has
    it: ``ru_maxrss`` (``resident``) also counts the database's pages SQLite maps into
    memory. Both are shown."""
    if "peak_private_mb" not in run:
        return run[resident], f"{run[resident]} MB peak resident"
    private = run["peak_private_mb"]
    return private, f"{private} MB private at most, {run[resident]} MB peak resident"


def _find(results: list[dict], database: str, size: int) -> dict | None:
    return next((r for r in results if r["database"] == database and r["size"] == size), None)


def _verdict(ok: bool | None, detail: str) -> str:
    if ok is None:
        return f"not measured in this run ({detail})"
    return ("met: " if ok else "**not met**: ") + detail


def _rare(r: dict) -> float:
    """The search for a word with no match (runs before it was measured have none: 0)."""
    return r["search_rare"]["median_ms"] if "search_rare" in r else 0.0


def goals(results: list[dict]) -> list[tuple[str, str]]:
    rows = []
    r = _find(results, "sqlite", 100_000)
    if r:
        ds, own, sql = (
            r["datasette"]["median_ms"],
            r["dashboard"]["median_ms"],
            r["dashboard_sql_alone"]["median_ms"],
        )
        rows.append(
            (
                "Dashboard, uncached, 100k, SQLite ≤ ½ Datasette's faceted page",
                _verdict(own <= ds / 2, f"{own} ms vs Datasette {ds} ms ({own / ds:.2f}×)"),
            )
        )
        rows.append(
            (
                "… and ≤ 1.5 × its own SQL run directly",
                _verdict(own <= 1.5 * sql, f"{own} ms vs SQL alone {sql} ms ({own / sql:.2f}×)"),
            )
        )
    else:
        rows.append(
            (
                "Dashboard, uncached, 100k, SQLite vs Datasette",
                _verdict(None, "no 100k SQLite run"),
            )
        )
    r = _find(results, "postgresql", 1_000_000)
    rows.append(
        (
            "Dashboard, uncached, 1M, PostgreSQL < 1 s",
            _verdict(r["dashboard"]["median_ms"] < 1000, f"{r['dashboard']['median_ms']} ms")
            if r
            else _verdict(None, "no 1M PostgreSQL run"),
        )
    )
    for result in results:
        cached, uncached = (
            result["dashboard_cached"]["median_ms"],
            result["dashboard"]["median_ms"],
        )
        rows.append(
            (
                f"Dashboard cached < 5 % of uncached ({result['database']}, {result['size']:,})",
                _verdict(
                    cached < 0.05 * uncached,
                    f"{cached} ms vs {uncached} ms ({100 * cached / uncached:.1f} %)",
                ),
            )
        )
    by_database: dict[str, set[int]] = {}
    for result in results:
        by_database.setdefault(result["database"], set()).add(result["dashboard"]["queries"])
    for database, counts in by_database.items():
        sizes = sorted(r["size"] for r in results if r["database"] == database)
        rows.append(
            (
                f"Dashboard query count constant across sizes ({database})",
                _verdict(
                    len(counts) == 1,
                    f"{sorted(counts)} queries at {', '.join(f'{s:,}' for s in sizes)}",
                ),
            )
        )
    for result in results:
        first, deep = result["list_page_1"]["median_ms"], result["list_page_1000"]["median_ms"]
        rows.append(
            (
                f"List page 1,000 ≤ 1.5 × page 1 ({result['database']}, {result['size']:,})",
                _verdict(deep <= 1.5 * first, f"{deep} ms vs {first} ms ({deep / first:.2f}×)"),
            )
        )
    for database in ("sqlite", "postgresql"):
        r = _find(results, database, 1_000_000)
        if r:
            e = r["export_csv"]
            peak, shown = _memory(e, "peak_rss_mb")
            rows.append(
                (
                    f"CSV export of 1M: peak memory < 200 MB, ≥ 50k rows/s ({database})",
                    _verdict(
                        peak < 200 and e["rows_per_second"] >= 50_000,
                        f"{shown}, {e['rows_per_second']:,} rows/s",
                    ),
                )
            )
        else:
            rows.append((f"CSV export of 1M ({database})", _verdict(None, "no 1M run")))
    for result in results:
        i = result.get("import_csv")
        if i is None:
            continue
        rows.append(
            (
                f"Import of 100k rows < 60 s ({result['database']}, into {result['size']:,})",
                _verdict(
                    i["seconds_per_100k"] < 60,
                    f"{i['rows']:,} rows ({i.get('megabytes', '?')} MB) in {i['seconds']} s "
                    f"({i['rows_per_second']:,} rows/s), so about {i['seconds_per_100k']:,} s "
                    "per 100k",
                ),
            )
        )
        if "peak_mb" in i:
            # Beside the peak, ru_maxrss before the import began: the data set's own reading.
            peak, shown = _memory(i, "peak_mb")
            rows.append(
                (
                    f"Import's peak memory < 200 MB ({result['database']}, {i['rows']:,} rows "
                    f"into {result['size']:,})",
                    _verdict(
                        peak < 200,
                        f"{shown} ({i['peak_mb_before_import']} MB before the import began)",
                    ),
                )
            )
    r = _find(results, "postgresql", 1_000_000)
    rows.append(
        (
            "Full-text search, 1M, PostgreSQL < 100 ms (a common word; a word with no match)",
            _verdict(
                r["search"]["median_ms"] < 100 and _rare(r) < 100,
                f"{r['search']['median_ms']} ms; {_rare(r)} ms",
            )
            if r
            else _verdict(None, "no 1M PostgreSQL run"),
        )
    )
    any_result = results[0] if results else None
    if any_result:
        kb = any_result["first_visit"]["total_kb"]
        rows.append(
            (
                "First visit to the dashboard < 700 kB compressed",
                _verdict(kb < 700, f"{kb} kB gzip"),
            )
        )
    return rows


def write_benchmarks(report: dict, path: Path) -> None:
    results = report["results"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); do not edit the tables by hand.",
        "",
        f"- **Run:** {report['date']}",
        f"- **Machine:** {report['machine']}",
        "- **Command:** `make bench` (sizes and databases: `BENCH_SIZES`, `BENCH_DATABASES`; "
        "PostgreSQL server from `DATABASE_URL`)",
        "- **Repeats:** "
        + ", ".join(
            f"{r['database']} {r['size']:,}: median of {r['repeat']}"
            for r in results
            if "repeat" in r
        )
        + " (`BENCH_REPEAT`, `BENCH_REPEAT_1M`)",
        *(
            [
                "- **Not measured:** "
                + ", ".join(report["skipped"])
                + " (`BENCH_SKIP`: left out of this run)"
            ]
            if report.get("skipped")
            else []
        ),
        "",
        GOALS_NOTE,
        "## Goals",
        "",
        "| goal | result |",
        "|---|---|",
        *[f"| {goal} | {verdict} |" for goal, verdict in goals(results)],
        "",
        "### Every question: the dashboard under each kind of filter",
        "",
        "| goal | result |",
        "|---|---|",
        *[f"| {goal} | {verdict} |" for goal, verdict in combination_goals(results)],
        "",
        "Median server time in ms, uncached, with the number of queries in brackets; "
        "the facet counts run within `FACET_TIME_LIMIT_MS` (200 ms), and a cell says how "
        "many facets ran out of it and were listed uncounted "
        "(bench/combinations.py; the values are the first root sector by path, the first "
        "themes and actor by id). Datasette is its table page for the same question on the "
        "same SQLite file, with `_where` subqueries for themes and the sector subtree and "
        "facets on kind, actor and the date; it has no word index to compare with `q`.",
        "",
        *combination_table(results),
        "",
        "## Figures",
        "",
        "Median server time in ms, with the number of queries in brackets.",
        "",
        "| database | statements | dashboard | cached | by sector | two kinds (live) | its SQL alone | list p.1 | list p.1000 | detail | search | rare word | Datasette | CSV export |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def cell(r: dict, key: str) -> str:
        return f"{r[key]['median_ms']} ({r[key]['queries']})"

    for r in results:
        datasette = f"{r['datasette']['median_ms']}" if "datasette" in r else "—"
        e = r["export_csv"]
        lines.append(
            f"| {r['database']} | {r['statements']:,} | {cell(r, 'dashboard')} | {cell(r, 'dashboard_cached')} "
            f"| {cell(r, 'dashboard_sector')} | {cell(r, 'dashboard_live') if 'dashboard_live' in r else '—'} "
            f"| {r['dashboard_sql_alone']['median_ms']} "
            f"| {cell(r, 'list_page_1')} | {cell(r, 'list_page_1000')} | {cell(r, 'detail')} | {cell(r, 'search')} "
            f"| {cell(r, 'search_rare') if 'search_rare' in r else '—'} "
            f"| {datasette} | {e['seconds']} s, {e['rows_per_second']:,} rows/s, {e['peak_rss_mb']} MB peak |"
        )
    first = results[0]["first_visit"] if results else None
    if first:
        lines += [
            "",
            f"First visit to the dashboard: {first['total_kb']} kB gzip-compressed "
            f"({', '.join(f'{k} {v / 1024:.1f} kB' for k, v in first['files'].items())}).",
        ]
    if any("datasette" in r for r in results):
        lines += [
            "",
            "Datasette's page: `"
            + next(r["datasette"]["url"] for r in results if "datasette" in r)
            + "`",
        ]
    # The load test's section, from its own run, stays.
    old = path.read_text() if path.exists() else ""
    if LOADTEST_START in old:
        section = LOADTEST_START + old.split(LOADTEST_START, 1)[1].split(LOADTEST_END, 1)[0]
        lines += ["", section + LOADTEST_END]
    path.write_text("\n".join(lines) + "\n")
