"""Every public page's URL on the seeds, and its exact query budget (tests/web/test_pages.py
holds them to it, on the seeds and on more data; tests/web/test_localized.py in French)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.models import Source, Statement, Target

PLAN = "14th-fyp-digital-economy"
INDICATOR = "core-digital-share"


def page_urls() -> dict[str, str]:
    """One URL of every public page, on the seeded data."""
    statement = Statement.objects.get(slug="xi-big-but-not-strong")
    target = Target.objects.get(slug="core-industries-share-of-gdp")
    report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    return {
        "dashboard": reverse("policies:dashboard"),
        "dashboard filtered": reverse("policies:dashboard")
        + "?sector=digital-economy&theme=security",
        "statements": reverse("policies:statement_list"),
        "statements filtered": reverse("policies:statement_list") + "?sector=6g",
        "plans": reverse("policies:plan_list"),
        "targets": reverse("policies:target_list"),
        "statement": statement.get_absolute_url(),
        "plan": reverse("policies:plan_detail", args=[PLAN]),
        "target": target.get_absolute_url(),
        "sector": reverse("policies:sector_detail", args=["digital-economy"]),
        "theme": reverse("policies:theme_detail", args=["security"]),
        "actor": reverse("policies:actor_detail", args=["xi-jinping"]),
        "source": report.get_absolute_url(),
        "indicators": reverse("policies:indicator_list"),
        "indicator": reverse("policies:indicator_detail", args=[INDICATOR]),
        "sources": reverse("policies:source_list"),
        "actors": reverse("policies:actor_list"),
        "themes": reverse("policies:theme_list"),
        "sectors": reverse("policies:sector_list"),
    }


# Exact queries per page, whatever the amount of data (asserted on the seeds and on more).
BUDGETS = {
    # themes and sectors 2, statement rollups 1, plans' span 1, plan and target counts 2,
    # plan and target coverage 2, plans by period 1, target rows and their indicators'
    # figures 2, latest statements 2; the facets 5: sectors, themes and actors each with
    # its rollup totals, the newest plans with their counts, the kinds of all three records
    # (filters.facets)
    "dashboard": 18,
    # the filters' sector and theme looked up once; statements live (not from the rollups,
    # rollups.live_counts): by month, by month and theme, by theme and sector, and by
    # sector, in one query;
    # the facets 8: the sector tree, its statements' sectors and its parents' subtree
    # counts 3 (live: a theme is chosen), themes from the sector's rollups 1, actors counted
    # and named 2, plans 1, kinds 1; and the theme chosen read for its name (the chips)
    "dashboard filtered": 24,
    # lists: count, the page's ids (from the ordering index), then those rows and theirs;
    # the facets 5 (from the rollups as on the dashboard, then plans and kinds)
    "statements": 9,
    # the facets 6: sectors and themes from the rollups, actors counted and named 2, plans,
    # kinds
    "statements filtered": 12,
    # the facets 8: the sector tree, its plans' sectors and its parents' subtree counts 3,
    # themes and actors each counted and named 2, kinds 1
    "plans": 11,
    # and the targets' indicators' figures; the facets 10: the sector tree and its targets'
    # sectors 2, themes, actors and indicators each counted and named 2, plans 1, kinds 1
    "targets": 14,
    # details: the record's change log 1 on each, and 1 more for the tags it had (records
    # with tags: statements and plans); the statement and the plan also read the data
    # version their citations carry, once per data version (the statement, measured
    # first, reads it; the plan finds it cached)
    "statement": 8,
    # the plan, its co-issuers, themes, sectors, statements (and theirs), its targets and
    # their indicators' whole series
    "plan": 10,
    # the target, its statements (and theirs), its indicator's whole series, which both
    # judges it and fills its table
    "target": 5,
    # the scope itself (and its children), its one-record lookups, then the rollups; the
    # facets, without the scope's own: themes from the scope's rollups (sector and actor
    # pages), or the sector tree 2 (theme and actor pages: the tree, and its parents'
    # subtree counts live; each sector's own from the page's rollups), actors counted and
    # named 2 (sector and theme pages), plans 1, kinds 1
    "sector": 22,
    "theme": 21,
    "actor": 21,
    "source": 5,
    # every indicator with its target count, then their verified figures
    "indicators": 2,
    # the indexes: one query each, every count a subquery of it
    "sources": 1,
    "actors": 1,
    "themes": 1,
    "sectors": 1,
    # the indicator, its whole series, the published plans' targets on it
    "indicator": 3,
}

# The facets' live counts of each page (those the rollups do not answer). On PostgreSQL
# each runs under its own time limit (filters.facets' budget), in a transaction of its own
# (BEGIN, SET LOCAL statement_timeout, the count, ROLLBACK: 3 queries more a count) or, in
# one already open, a savepoint (SAVEPOINT, SET LOCAL, the count, ROLLBACK TO, RELEASE: 4).
# SQLite limits a count with a progress handler, in no query.
LIVE_FACET_COUNTS = {
    "dashboard": 2,  # plans, kinds
    "dashboard filtered": 5,  # the sector tree 2, actors, plans, kinds
    "statements": 2,  # plans, kinds
    "statements filtered": 3,  # actors, plans, kinds
    "plans": 5,  # the sector tree 2, themes, actors, kinds
    "targets": 6,  # sectors, themes, actors, indicators, plans, kinds
    "sector": 3,  # actors, plans, kinds
    "theme": 4,  # the sector tree's parents, actors, plans, kinds
    "actor": 3,  # the sector tree's parents, plans, kinds
}


def budget(name: str) -> int:
    """Page ``name``'s queries on this database, in a transaction (a ``db`` test) or not."""
    if connection.vendor != "postgresql":
        return BUDGETS[name]
    per_count = 4 if connection.in_atomic_block else 3
    return BUDGETS[name] + per_count * LIVE_FACET_COUNTS.get(name, 0)


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)
