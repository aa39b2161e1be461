"""The rollups' figures counted live, for a selection no rollup scope answers (dates, kinds,
plans, words, several filters): the same ``RollupCounts`` the stored rows give, so that the
dashboard reads one shape whichever answered.

Four grouped queries over the selected statements, each grouped by ids, not by slugs: the
labels come from the small tables the dashboard loads anyway. Grouping by slug joined the
theme and sector tables into every row, and asking for "statements with a theme and a
sector" through ``exclude(themes=None)`` added two anti-joins that read both link tables
whole whatever the filters (PostgreSQL, 100k statements, ``kind=speech``: 530 ms for the
theme-sector query, against 120 ms grouped by ids).

Months are ``yyyymm`` numbers, as the rollups key them: the timeline's quarters and years
are summed from months in Python (``RollupCounts.timeline``), and the span is taken in whole
months, as ``granularity_for`` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import CharField, Count, Func, QuerySet

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
    per_month, month_theme = live_months(statements=statements, dated_by=dated_by)
    # A statement counts once for each theme and sector pair it holds: the left joins'
    # rows without one of them are not pairs.
    theme_sector = [
        (theme, sector, n)
        for theme, sector, n in _grouped(statements, "themes", "sectors")
        if theme is not None and sector is not None
    ]
    sector = {s: n for s, n in _grouped(statements, "sectors") if s is not None}
    return RollupCounts(per_month, month_theme, theme_sector, sector)


def live_months(
    *, statements: QuerySet[Any], dated_by: Any
) -> tuple[dict[int, int], list[tuple[int, int, int]]]:
    """``statements``' counts by month, and by month and theme (0: none), as
    ``live_counts`` gives them."""
    by_month = statements.order_by().annotate(month=MonthOf(dated_by))
    per_month = {
        _month(month): n
        for month, n in by_month.values_list("month").annotate(n=Count("pk"))
        if month is not None
    }
    month_theme = [
        (_month(month), theme or 0, n)
        for month, theme, n in by_month.values_list("month", "themes").annotate(n=Count("pk"))
        if month is not None
    ]
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


def _grouped(statements: QuerySet[Any], *fields: str) -> Iterable[tuple[Any, ...]]:
    return statements.order_by().values_list(*fields).annotate(n=Count("pk"))
