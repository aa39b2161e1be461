"""Rollup storage: reading statements' contributions from the database, and writing the
stored counts (an increment per key, or a full recount)."""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, transaction

from policies.models import PublicationStatus, Statement, StatementRollup
from policies.rollups.keys import Key, Row, ancestors_map, contribution, models_for, month_of

CHUNK = 2000
WRITE_BATCH = 500


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _published_rows(ids: list[int], apps: Any = None) -> Iterator[Row]:
    """The published statements among ``ids`` (sorted), each with its themes and sectors.

    Ids close together are read as a range, three ordered streams merged by statement (no
    long ``IN`` lists, no per-statement queries); scattered ids are read with ``IN``.
    """
    statement_model = models_for(apps)[0]
    for chunk in _chunks(ids):
        lo, hi = chunk[0], chunk[-1]
        if hi - lo + 1 <= 4 * len(chunk):
            wanted = set(chunk)
            for row in _range_rows(statement_model, lo, hi):
                if row[0] in wanted:
                    yield row
        else:
            yield from _listed_rows(statement_model, chunk)


def _range_rows(statement_model: Any, lo: int | None, hi: int | None) -> Iterator[Row]:
    """Published statements with lo <= pk <= hi (None: unbounded), merged with their tags."""
    bounds = {}
    if lo is not None:
        bounds["pk__gte"] = lo
    if hi is not None:
        bounds["pk__lte"] = hi
    statements = (
        statement_model.objects.filter(status=PublicationStatus.PUBLISHED, **bounds)
        .order_by("pk")
        .values_list("pk", "actor_id", "kind", "published_on")
        .iterator(chunk_size=20000)
    )
    link_bounds = {f"statement_id{key[2:]}": value for key, value in bounds.items()}
    themes = _grouped(statement_model.themes.through, "theme_id", link_bounds)
    sectors = _grouped(statement_model.sectors.through, "sector_id", link_bounds)
    theme_pk, theme_ids = next(themes, (None, []))
    sector_pk, sector_ids = next(sectors, (None, []))
    for pk, actor, kind, published_on in statements:
        while theme_pk is not None and theme_pk < pk:
            theme_pk, theme_ids = next(themes, (None, []))
        while sector_pk is not None and sector_pk < pk:
            sector_pk, sector_ids = next(sectors, (None, []))
        yield (
            pk,
            actor,
            kind,
            month_of(published_on),
            theme_ids if theme_pk == pk else [],
            sector_ids if sector_pk == pk else [],
        )


def _grouped(through: Any, field: str, bounds: dict[str, int]) -> Iterator[tuple[int, list[int]]]:
    rows = (
        through.objects.filter(**bounds)
        .order_by("statement_id")
        .values_list("statement_id", field)
        .iterator(chunk_size=20000)
    )
    for pk, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        yield pk, [other for _pk, other in group]


def _listed_rows(statement_model: Any, ids: list[int]) -> Iterator[Row]:
    themes = _links(statement_model.themes.through, "theme_id", ids)
    sectors = _links(statement_model.sectors.through, "sector_id", ids)
    rows = (
        statement_model.objects.filter(pk__in=ids, status=PublicationStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", "actor_id", "kind", "published_on")
    )
    for pk, actor, kind, published_on in rows:
        yield pk, actor, kind, month_of(published_on), themes.get(pk, []), sectors.get(pk, [])


def _links(through: Any, field: str, ids: list[int]) -> dict[int, list[int]]:
    links: dict[int, list[int]] = {}
    rows = (
        through.objects.filter(statement_id__in=ids).order_by().values_list("statement_id", field)
    )
    for pk, other in rows:
        links.setdefault(pk, []).append(other)
    return links


def count(rows: Iterable[Row], ancestors: dict[int, tuple[int, ...]]) -> Counter[Key]:
    """What ``rows`` add to the rollups together, under the sector tree ``ancestors``."""
    totals: Counter[Key] = Counter()
    for _pk, actor, kind, month, themes, sectors in rows:
        totals.update(
            contribution(
                actor=actor,
                kind=kind,
                month=month,
                themes=themes,
                sectors=sectors,
                ancestors=ancestors,
            )
        )
    return totals


def current_rows(ids: Iterable[int], apps: Any = None) -> list[Row]:
    """The published statements among ``ids`` as they are now, with their tags."""
    ids = sorted(set(ids))
    return list(_published_rows(ids, apps)) if ids else []


def locked_rows(ids: Iterable[int]) -> dict[int, Row | None]:
    """Lock the statements ``ids`` (in id order, until the transaction ends), then read
    each as the rollups count it: its row if published, None if a draft or absent.

    Another writer of the same statement waits at the lock until this transaction ends,
    and then reads what it left, so the two cannot both start from the same old contribution.
    Locking in id order keeps two writers of several statements from locking crosswise.
    (SQLite takes no row locks: its writers queue for the database as a whole.)
    """
    result: dict[int, Row | None] = {}
    for chunk in _chunks(sorted(set(ids))):
        statements = list(
            Statement.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "actor_id", "kind", "published_on", "status")
        )
        result.update(dict.fromkeys(chunk))
        published = [row for row in statements if row[4] == PublicationStatus.PUBLISHED]
        if not published:
            continue
        wanted = [row[0] for row in published]
        themes = _links(Statement.themes.through, "theme_id", wanted)
        sectors = _links(Statement.sectors.through, "sector_id", wanted)
        for pk, actor, kind, published_on, _status in published:
            result[pk] = (
                pk,
                actor,
                kind,
                month_of(published_on),
                themes.get(pk, []),
                sectors.get(pk, []),
            )
    return result


def hold_for_delta() -> None:
    """Before reading the sector tree for a delta: wait for a rebuild in progress to end,
    and keep the next from starting until this transaction ends (PostgreSQL).

    A rebuild recounts under the tree as it will be when it commits (a sector move rebuilds
    in the moving transaction); a delta computed under the tree before would then be off by
    the moved subtree's counts. ``rewrite`` takes the conflicting lock.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(StatementRollup._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ROW EXCLUSIVE MODE")


# --- Writing ----------------------------------------------------------------------------


def apply_delta(delta: Counter[Key]) -> None:
    """Add ``delta`` to the stored counts, then drop the keys that fell to zero."""
    # In one key order, so that concurrent writers lock the rows they share in the same order.
    changes = sorted((key, n) for key, n in delta.items() if n)
    if not changes:
        return
    table = connection.ops.quote_name(StatementRollup._meta.db_table)
    # One upsert that both databases speak: an increment, not an overwrite. Only the table
    # name is formatted in; every value is a parameter.
    upsert = (
        f"INSERT INTO {table} (scope, measure, month, theme, sector, n) {{rows}} "
        "ON CONFLICT (scope, measure, month, theme, sector) "
        f"DO UPDATE SET n = {table}.n + excluded.n"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Six arrays instead of six parameters a row: an import adds some 200,000 keys
            # per 20,000 statements, and the driver's cost is per parameter (7 s against 1).
            columns = [list(column) for column in zip(*(key for key, _n in changes), strict=True)]
            cursor.execute(
                upsert.format(
                    rows="SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::integer[], "
                    "%s::bigint[], %s::bigint[], %s::integer[])"
                ),
                [*columns, [n for _key, n in changes]],
            )
        else:
            for start in range(0, len(changes), WRITE_BATCH):
                batch = changes[start : start + WRITE_BATCH]
                values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
                params = [v for key, n in batch for v in (*key, n)]
                cursor.execute(upsert.format(rows=f"VALUES {values}"), params)
    # Only a decrease can leave a zero behind. In SQL, as the upsert: the ORM's delete()
    # would first read every row it deletes (a quarter of an admin save's database time).
    scopes = sorted({key[0] for key, n in changes if n < 0})
    with connection.cursor() as cursor:
        for start in range(0, len(scopes), WRITE_BATCH):
            some = scopes[start : start + WRITE_BATCH]
            cursor.execute(
                f"DELETE FROM {table} WHERE n = 0 AND scope IN ({', '.join(['%s'] * len(some))})",  # noqa: S608
                some,
            )


def recount(apps: Any = None) -> Counter[Key]:
    """Every key's count, computed from the statements (streams them; writes nothing)."""
    statement_model = models_for(apps)[0]
    return count(_range_rows(statement_model, None, None), ancestors_map(apps))


def rewrite(apps: Any = None) -> int:
    """Replace every stored count by a recount, in one transaction; returns the row count.

    On PostgreSQL the table is locked against deltas first (see ``hold_for_delta``): one
    applied between the recount and the rewrite would be lost, and one computed before it
    under another sector tree would be wrong.
    """
    rollup_model = models_for(apps)[2]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(rollup_model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        totals = recount(apps)
        rollup_model.objects.all().delete()
        rollup_model.objects.bulk_create(
            (
                rollup_model(scope=s, measure=m, month=mo, theme=t, sector=se, n=n)
                for (s, m, mo, t, se), n in totals.items()
            ),
            batch_size=5000,
        )
    return len(totals)


def stale_keys() -> list[tuple[Key, int, int]]:
    """Keys whose stored count differs from a recount: (key, stored, recounted). Read-only."""
    stored = Counter(
        {
            (r.scope, r.measure, r.month, r.theme, r.sector): r.n
            for r in StatementRollup.objects.all()
        }
    )
    recounted = recount()
    keys = set(stored) | set(recounted)
    return sorted((k, stored[k], recounted[k]) for k in keys if stored[k] != recounted[k])
