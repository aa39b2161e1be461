"""The "every question" part of BENCHMARKS.md: the dashboard under each filter combination
(bench/combinations.py) at every size on both databases, Datasette beside it at 100k, and
the goals issue 18 set for them."""

from __future__ import annotations

# Issue 18's goals for the dashboard under any filters (ms, uncached, at 1M).
GOAL_MS = {"postgresql": 300, "sqlite": 500}
WORD_GOAL_MS = 1000  # with `q` added, PostgreSQL at 1M
DATASETTE_RATIO = 0.25  # at 100k on SQLite, against Datasette's equivalent faceted page


def _runs(results: list[dict]) -> list[dict]:
    return [r for r in results if "combinations" in r]


def _names(results: list[dict]) -> list[str]:
    for r in _runs(results):
        return list(r["combinations"]["pages"])
    return []


def _verdict(ok: bool, detail: str) -> str:
    return ("met: " if ok else "**not met**: ") + detail


def combination_goals(results: list[dict]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    runs = _runs(results)
    names = _names(results)
    if not runs:
        return [("Every filter combination", "not measured in this run")]
    at_100k = next((r for r in runs if r["database"] == "sqlite" and r["size"] == 100_000), None)
    if at_100k and at_100k.get("datasette", {}).get("combinations"):
        theirs = at_100k["datasette"]["combinations"]
        for name in names:
            if name not in theirs:
                continue
            own = at_100k["combinations"]["pages"][name]["median_ms"]
            ratio = own / theirs[name]
            rows.append(
                (
                    f"`{name}`, 100k, SQLite ≤ {DATASETTE_RATIO} × Datasette",
                    _verdict(
                        ratio <= DATASETTE_RATIO,
                        f"{own} ms vs Datasette {theirs[name]} ms ({ratio:.2f}×)",
                    ),
                )
            )
    for database, goal in GOAL_MS.items():
        run = next((r for r in runs if r["database"] == database and r["size"] == 1_000_000), None)
        if run is None:
            rows.append((f"Every combination, 1M, {database} < {goal} ms", "not measured"))
            continue
        for name in names:
            page = run["combinations"]["pages"][name]
            limit = WORD_GOAL_MS if name.endswith(" + q") and database == "postgresql" else goal
            if name.endswith(" + q") and database != "postgresql":
                continue  # the word goal is PostgreSQL's
            ms = page["median_ms"]
            distance = "" if ms < limit else f", {ms / limit:.1f}× the goal"
            rows.append(
                (
                    f"`{name}`, 1M, {database} < {limit:,} ms",
                    _verdict(ms < limit, f"{ms} ms{distance}"),
                )
            )
    for database in ("sqlite", "postgresql"):
        mine = sorted((r for r in runs if r["database"] == database), key=lambda r: r["size"])
        if len(mine) < 2:
            continue
        # A facet that ran out of FACET_TIME_LIMIT_MS runs no more queries: compare the
        # counts of runs whose facets were all counted, and say which were cut.
        varying, cut = [], []
        for name in names:
            pages = [r["combinations"]["pages"][name] for r in mine]
            whole = {p["queries"] for p in pages if not p.get("uncounted_facets")}
            if len(whole) > 1:
                varying.append(name)
            if any(p.get("uncounted_facets") for p in pages):
                cut.append(name)
        sizes = ", ".join(f"{r['size']:,}" for r in mine)
        title = f"Query count of every combination constant across sizes ({database})"
        if varying:
            rows.append((title, _verdict(False, f"at {sizes}; varies: {', '.join(varying)}")))
        elif cut:
            # A facet cut by its time runs fewer queries: the counts are not comparable.
            rows.append(
                (
                    title,
                    f"not shown by this run: facets ran out of time in {len(cut)} of "
                    f"{len(names)} questions at some size (tests/web/budgets.py pins each "
                    "page's count on the seeds and on ten times more)",
                )
            )
        else:
            rows.append((title, _verdict(True, f"at {sizes}")))
    return rows


def combination_table(results: list[dict]) -> list[str]:
    runs = sorted(_runs(results), key=lambda r: (r["database"] != "sqlite", r["size"]))
    names = _names(results)
    if not runs:
        return []
    at_100k = next((r for r in runs if r["database"] == "sqlite" and r["size"] == 100_000), None)
    theirs = (at_100k or {}).get("datasette", {}).get("combinations") or {}
    header = [f"{r['database']} {r['size']:,}" for r in runs]
    lines = [
        "| question | " + " | ".join(header) + " | Datasette, SQLite 100,000 |",
        "|---|" + "---|" * (len(runs) + 1),
    ]
    for name in names:
        url = runs[0]["combinations"]["pages"][name]["url"]
        cells = []
        for r in runs:
            page = r["combinations"]["pages"][name]
            missing = page.get("uncounted_facets", 0)
            note = f", {missing} facet{'s' if missing > 1 else ''} uncounted" if missing else ""
            cells.append(f"{page['median_ms']} ({page['queries']}){note}")
        lines.append(
            f"| `{name}` (`{url}`) | " + " | ".join(cells) + f" | {theirs.get(name, '—')} |"
        )
    return lines
