"""The rollups' figures counted live, for a selection no rollup scope answers (dates, plans,
words, several values or filters): the same ``RollupCounts`` the stored rows give, so that
the dashboard reads one shape whichever answered.

One query (``_counted``): the selected statements written once, then four counts over
them, grouped by ids, not by slugs: the labels come from the small tables the dashboard
loads anyway. Grouping by slug joined the theme and sector tables into every row, and
asking for "statements with a theme and a sector" through ``exclude(themes=None)`` added
two anti-joins that read both link tables whole whatever the filters (PostgreSQL, 100k
statements, ``kind=speech``: 530 ms for the theme-sector query, against 120 ms grouped by
ids).

Months are ``yyyymm`` numbers, as the rollups key them: the timeline's quarters and years
are summed from months in Python (``RollupCounts.timeline``), and the span is taken in whole
months, as ``granularity_for`` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, Func, QuerySet

from policies.rollups.reading import RollupCounts, rollup_counts


def statement_counts(
    *,
    statements: QuerySet[Any],
    scope: str | None,
    dated_by: Any,
    undated_scope: str | None = None,
) -> RollupCounts:
    """The statement figures of a selection: its rollup scope's stored rows when it has one
    (``reading.rollup_scope``), else counted live from ``statements`` (its records), dated
    by ``dated_by``. The one door the dashboard reads statement counts through.

    ``undated_scope`` is the scope of the same statements counted by another date (the
    selection's filters but its date basis): their themes and sectors do not depend on
    the date, so those come from the rollups, and only the months are counted live. The
    pairs of themes and sectors were the costliest live count (100k statements on
    PostgreSQL: 150 ms of the 620 ms of ``date_basis=delivered``)."""
    if scope is not None:
        return rollup_counts(scope)
    if undated_scope is not None:
        stored = rollup_counts(undated_scope)
        months = live_months(statements=statements, dated_by=dated_by)
        return RollupCounts(*months, stored.theme_sector, stored.sector)
    return live_counts(statements=statements, dated_by=dated_by)


def live_counts(*, statements: QuerySet[Any], dated_by: Any) -> RollupCounts:
    """``statements``' figures in the rollups' shape; ``dated_by`` is the date each counts
    by (a field name or expression: the publication date, or ``filters.statement_date``)."""
    rows = _counted(statements, dated_by, (MONTH, MONTH_THEME, THEME_SECTOR, SECTOR))
    per_month, month_theme = _months(rows)
    # Both counts join the link tables (inner joins): their rows always name a theme and
    # a sector, as the typing cannot tell.
    theme_sector = [
        (theme, sector, n)
        for measure, _, theme, sector, n in rows
        if measure == THEME_SECTOR and theme is not None and sector is not None
    ]
    sector = {s: n for measure, _, _, s, n in rows if measure == SECTOR and s is not None}
    return RollupCounts(per_month, month_theme, theme_sector, sector)


def live_months(
    *, statements: QuerySet[Any], dated_by: Any
) -> tuple[dict[int, int], list[tuple[int, int, int]]]:
    """``statements``' counts by month, and by month and theme (0: none), as
    ``live_counts`` gives them."""
    return _months(_counted(statements, dated_by, (MONTH, MONTH_THEME)))


# The measures ``_counted`` can count, by the number its rows carry, each as a query over
# the selection (``selected``); {themes} and {sectors} are the link tables' names. The
# missing ids are typed: PostgreSQL takes an untyped NULL beside another for text.
# ``CROSS JOIN`` keeps SQLite reading the selection first and looking each statement's tags
# up by its id (PostgreSQL orders it as any join). With a plain join SQLite read the whole
# link table in tag order, to group without sorting, and looked each row up in the
# selection: 100k statements, a date range, 262 ms against 63 ms.
MONTH, MONTH_THEME, THEME_SECTOR, SECTOR = 1, 2, 3, 4
COUNTS = {
    MONTH: "SELECT 1, month, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), COUNT(*) FROM selected "
    "WHERE month IS NOT NULL GROUP BY month",
    MONTH_THEME: "SELECT 2, month, t.theme_id, CAST(NULL AS BIGINT), COUNT(*) FROM selected "
    "LEFT JOIN {themes} t ON t.statement_id = selected.id "
    "WHERE month IS NOT NULL GROUP BY month, t.theme_id",
    THEME_SECTOR: "SELECT 3, NULL, t.theme_id, s.sector_id, COUNT(*) "
    "FROM selected CROSS JOIN {themes} t CROSS JOIN {sectors} s "
    "WHERE t.statement_id = selected.id AND s.statement_id = selected.id "
    "GROUP BY t.theme_id, s.sector_id",
    SECTOR: "SELECT 4, NULL, CAST(NULL AS BIGINT), s.sector_id, COUNT(*) "
    "FROM selected CROSS JOIN {sectors} s WHERE s.statement_id = selected.id "
    "GROUP BY s.sector_id",
}
CountRow = tuple[int, str | None, int | None, int | None, int]  # measure, month, theme, sector, n


def _counted(
    statements: QuerySet[Any], dated_by: Any, measures: tuple[int, ...]
) -> list[CountRow]:
    """The counts of ``measures`` over ``statements``, in one query.

    The selection is written once, as a common table expression, and every measure counts
    from it: as four queries, each found the selected statements again, which is most of
    their time when the filters join the link tables (PostgreSQL, 1M statements, a sector
    and a theme: 6.2 s as four queries, 1.8 s as one). Both databases materialise an
    expression read more than once. The cost, on PostgreSQL: the materialised selection
    gets no parallel workers, and a cheap filter over many statements is slower so (1M, a
    date range: 1.9 s, against 1.0 s for the same query ``NOT MATERIALIZED``, and 1.35 s as
    four queries). Choosing the form by the filters is left to do.

    A statement counts once for each of its themes (by month and theme, with a row of no
    theme when it has none), each pair of them with its sectors, and each of its sectors;
    statements without a date (under the delivery basis) count in no month."""
    connection = connections[statements.db]
    model = statements.model
    tables = {
        name: connection.ops.quote_name(
            model._meta.get_field(name).remote_field.through._meta.db_table
        )
        for name in ("themes", "sectors")
    }
    selected = statements.order_by().annotate(month=MonthOf(dated_by)).values_list("pk", "month")
    try:
        selection, params = selected.query.sql_with_params()
    except EmptyResultSet:  # filters that match nothing, as Django finds without asking
        return []
    counts = " UNION ALL ".join(COUNTS[measure].format(**tables) for measure in measures)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH selected (id, month) AS ({selection}) {counts}", params)
        return cursor.fetchall()


def _months(
    rows: Iterable[CountRow],
) -> tuple[dict[int, int], list[tuple[int, int, int]]]:
    per_month, month_theme = {}, []
    for measure, month, theme, _, n in rows:
        if month is None:  # rows of the measures without months
            continue
        if measure == MONTH:
            per_month[_month(month)] = n
        elif measure == MONTH_THEME:
            month_theme.append((_month(month), theme or 0, n))
    return per_month, month_theme


class MonthOf(Func):
    """A date's month as "yyyy-mm" text, in each database's own terms.

    Not ``TruncMonth``: on SQLite Django computes it by calling a Python function for every
    row, which took most of a live timeline's time (100k statements, two themes: 1.4 s of
    the page's 3.5 s); SQLite keeps dates as ISO text, and its month is the first 7 letters.
    """

    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')")


def _month(text: str) -> int:
    """ "yyyy-mm" as the rollups' yyyymm number."""
    return int(text[:4]) * 100 + int(text[5:7])
