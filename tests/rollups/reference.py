"""The oracle the rollups and the live counts are held to: the dashboard's statement figures
as plain ORM queries over the selected statements, written the obvious way (grouped by slug
through the tag tables, the theme-and-sector pairs through ``exclude``), as the dashboard
computed them before ``rollups.statement_counts``. Slow at scale; exact by construction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import Trunc

from policies.filters import DateBasis, statement_date


def _date(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def count(statements: QuerySet[Any]) -> int:
    return statements.count()


def span(statements: QuerySet[Any], basis: DateBasis) -> tuple[Any, Any]:
    row = statements.order_by().aggregate(
        first=Min(statement_date(basis)), last=Max(statement_date(basis))
    )
    return row["first"], row["last"]


def timeline(statements: QuerySet[Any], granularity: str, basis: DateBasis) -> list[tuple]:
    """(period, theme slug or "", count), sorted: a statement counts under each theme."""
    rows = (
        statements.annotate(period=Trunc(statement_date(basis), granularity))
        .values("period", "themes__slug")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return sorted((_date(r["period"]), r["themes__slug"] or "", r["count"]) for r in rows)


def heatmap(statements: QuerySet[Any]) -> list[tuple]:
    """(theme slug, sector slug, statements tagged with both), sorted."""
    rows = (
        statements.exclude(themes=None)
        .exclude(sectors=None)
        .values("themes__slug", "sectors__slug")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return sorted((r["themes__slug"], r["sectors__slug"], r["count"]) for r in rows)


def coverage(statements: QuerySet[Any]) -> dict[str, int]:
    """Statements tagged directly with each sector slug."""
    rows = statements.values("sectors__slug").annotate(count=Count("pk")).order_by()
    return {r["sectors__slug"]: r["count"] for r in rows if r["sectors__slug"] is not None}
