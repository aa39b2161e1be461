"""Rollups: the dashboard's statement counts, kept current by the writes themselves.

Counting statements by month and theme, by theme and sector, and by sector means joining
every statement to its tags: about 1.5 s at 100k statements on SQLite and 5 s at 1M on
PostgreSQL (BENCHMARKS.md). The dashboard instead reads ``StatementRollup``: a few thousand
rows per scope, whatever the number of statements.

Each published statement adds one to a set of keys (its *contribution*) in each scope it
belongs to: all statements, each of its themes, its actor, and each sector at or above one
of its sectors. A sector scope counts a statement once however many of its sectors lie in
that subtree, which is what the live sector filter does.

Keeping it current: before a statement, or its themes or sectors, change, its contribution
is read from the database; after the change it is read again and the difference is applied
in the same transaction, so a rollback undoes both. Bulk loaders wrap their work in
``deferred()``, which reads each touched statement's old contribution once and applies all
differences in a few statements at the end. Writes that bypass signals (``bulk_create``,
``QuerySet.update``) and changes to the sector tree call ``rebuild()``.

``policies.selectors.rollup_*`` answer from these rows only when the filters are none, or a
single sector, theme or actor; anything else (dates, kinds, words, plans, several values)
goes to the live queries. ``tests/test_rollups.py`` checks that both give the same figures.
"""

from __future__ import annotations

import contextlib
import itertools
import operator
import threading
from collections import Counter
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from policies.models import PublicationStatus, Sector, Statement, StatementRollup, Theme

Key = tuple[str, str, int, int, int]  # scope, measure, month, theme, sector

CHUNK = 2000
WRITE_BATCH = 500
M = StatementRollup.Measure

_local = threading.local()


def _state() -> threading.local:
    if not hasattr(_local, "old"):
        _local.old = {}  # statement pk -> its contribution before the pending change
        _local.depth = 0  # nesting of deferred()
        _local.rebuild = False  # a deferred block asked for a full rebuild
        _local.cleared = {}  # (through, pk) -> statement pks, from pre_clear to post_clear
    return _local


# --- Contributions ----------------------------------------------------------------------


def _models(apps=None) -> tuple:
    """The live models, or a migration's historical ones."""
    if apps is None:
        return Statement, Sector, StatementRollup
    return tuple(
        apps.get_model("policies", name) for name in ("Statement", "Sector", "StatementRollup")
    )


def ancestors_map(apps=None) -> dict[int, tuple[int, ...]]:
    """Each sector's id with its ancestors' ids (the tree is small: one query)."""
    parents = dict(_models(apps)[1].objects.values_list("pk", "parent_id"))
    result = {}
    for pk in parents:
        chain, node, seen = [], pk, set()
        while node is not None and node not in seen:  # `seen` guards a corrupt cycle
            seen.add(node)
            chain.append(node)
            node = parents.get(node)
        result[pk] = tuple(chain)
    return result


def contribution(
    *,
    actor: int,
    month: int,
    themes: Iterable[int],
    sectors: Iterable[int],
    ancestors: dict[int, tuple[int, ...]],
) -> list[Key]:
    """The keys one published statement adds one to (pure; see the module docstring)."""
    themes = sorted(set(themes))
    sectors = sorted(set(sectors))
    local = [(M.MONTH.value, month, 0, 0)]
    local += [(M.MONTH_THEME.value, month, t, 0) for t in themes or [0]]
    local += [(M.THEME_SECTOR.value, 0, t, s) for t in themes for s in sectors]
    local += [(M.SECTOR.value, 0, 0, s) for s in sectors]
    closure = {a for s in sectors for a in ancestors.get(s, (s,))}
    scopes = ["", f"a{actor}", *(f"t{t}" for t in themes), *(f"s{s}" for s in sorted(closure))]
    return [(scope, *key) for scope in scopes for key in local]


def _month(day) -> int:
    return day.year * 100 + day.month


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


Row = tuple[int, int, int, list[int], list[int]]  # pk, actor, month, themes, sectors


def _published_rows(ids: list[int], apps=None) -> Iterator[Row]:
    """The published statements among ``ids`` (sorted), each with its themes and sectors.

    Ids close together are read as a range, three ordered streams merged by statement (no
    long ``IN`` lists, no per-statement queries); scattered ids are read with ``IN``.
    """
    statement_model = _models(apps)[0]
    for chunk in _chunks(ids):
        lo, hi = chunk[0], chunk[-1]
        if hi - lo + 1 <= 4 * len(chunk):
            wanted = set(chunk)
            for row in _range_rows(statement_model, lo, hi):
                if row[0] in wanted:
                    yield row
        else:
            yield from _listed_rows(statement_model, chunk)


def _range_rows(statement_model, lo: int | None, hi: int | None) -> Iterator[Row]:
    """Published statements with lo <= pk <= hi (None: unbounded), merged with their tags."""
    bounds = {}
    if lo is not None:
        bounds["pk__gte"] = lo
    if hi is not None:
        bounds["pk__lte"] = hi
    statements = (
        statement_model.objects.filter(status=PublicationStatus.PUBLISHED, **bounds)
        .order_by("pk")
        .values_list("pk", "actor_id", "published_on")
        .iterator(chunk_size=20000)
    )
    link_bounds = {f"statement_id{key[2:]}": value for key, value in bounds.items()}
    themes = _grouped(statement_model.themes.through, "theme_id", link_bounds)
    sectors = _grouped(statement_model.sectors.through, "sector_id", link_bounds)
    theme_pk, theme_ids = next(themes, (None, []))
    sector_pk, sector_ids = next(sectors, (None, []))
    for pk, actor, published_on in statements:
        while theme_pk is not None and theme_pk < pk:
            theme_pk, theme_ids = next(themes, (None, []))
        while sector_pk is not None and sector_pk < pk:
            sector_pk, sector_ids = next(sectors, (None, []))
        yield (
            pk,
            actor,
            _month(published_on),
            theme_ids if theme_pk == pk else [],
            sector_ids if sector_pk == pk else [],
        )


def _grouped(through, field: str, bounds: dict) -> Iterator[tuple[int, list[int]]]:
    rows = (
        through.objects.filter(**bounds)
        .order_by("statement_id")
        .values_list("statement_id", field)
        .iterator(chunk_size=20000)
    )
    for pk, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        yield pk, [other for _pk, other in group]


def _listed_rows(statement_model, ids: list[int]) -> Iterator[Row]:
    themes = _links(statement_model.themes.through, "theme_id", ids)
    sectors = _links(statement_model.sectors.through, "sector_id", ids)
    rows = (
        statement_model.objects.filter(pk__in=ids, status=PublicationStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", "actor_id", "published_on")
    )
    for pk, actor, published_on in rows:
        yield pk, actor, _month(published_on), themes.get(pk, []), sectors.get(pk, [])


def _links(through, field: str, ids: list[int]) -> dict[int, list[int]]:
    links: dict[int, list[int]] = {}
    rows = (
        through.objects.filter(statement_id__in=ids).order_by().values_list("statement_id", field)
    )
    for pk, other in rows:
        links.setdefault(pk, []).append(other)
    return links


def _count(rows: Iterable[Row], ancestors: dict[int, tuple[int, ...]]) -> Counter:
    totals = Counter()
    for _pk, actor, month, themes, sectors in rows:
        totals.update(
            contribution(
                actor=actor, month=month, themes=themes, sectors=sectors, ancestors=ancestors
            )
        )
    return totals


def contributions(ids: Iterable[int], apps=None) -> dict[int, Counter]:
    """The current contribution of each statement in ``ids`` (empty if absent or a draft)."""
    ids = sorted(set(ids))
    result = {pk: Counter() for pk in ids}
    if ids:
        ancestors = ancestors_map(apps)
        for row in _published_rows(ids, apps):
            result[row[0]] = _count([row], ancestors)
    return result


def total_contribution(ids: Iterable[int], apps=None) -> Counter:
    """The sum of the contributions of ``ids``: what they add to the rollups together."""
    ids = sorted(set(ids))
    return _count(_published_rows(ids, apps), ancestors_map(apps)) if ids else Counter()


# --- Writing ----------------------------------------------------------------------------


def _apply(delta: Counter) -> None:
    """Add ``delta`` to the stored counts, then drop the keys that fell to zero."""
    changes = [(key, n) for key, n in delta.items() if n]
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
    # Only a decrease can leave a zero behind.
    scopes = sorted({key[0] for key, n in changes if n < 0})
    for start in range(0, len(scopes), WRITE_BATCH):
        StatementRollup.objects.filter(n=0, scope__in=scopes[start : start + WRITE_BATCH]).delete()


def _capture(ids: Iterable[int]) -> None:
    """Remember the contribution of ``ids`` before they change (once per deferred block)."""
    state = _state()
    ids = [pk for pk in ids if pk is not None]
    if state.depth:
        ids = [pk for pk in ids if pk not in state.old]
    state.old.update(contributions(ids))


def _flush(ids: Iterable[int] | None = None) -> None:
    """Apply the difference between the remembered and the current contribution of ``ids``."""
    state = _state()
    ids = list(state.old) if ids is None else [pk for pk in ids if pk in state.old]
    if not ids:
        return
    delta = total_contribution(ids)
    for pk in ids:
        delta.subtract(state.old.pop(pk))
    _apply(delta)


def created(ids: Iterable[int]) -> None:
    """Count statements written without signals (``bulk_create``), links included."""
    ids = list(ids)
    old = _state().old
    for pk in ids:
        old.setdefault(pk, Counter())
    _after_change(ids)


def _after_change(ids: Iterable[int]) -> None:
    if not _state().depth:
        _flush(ids)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Batch the rollup upkeep of many writes (an import) into a few queries at the end.

    Use inside the loader's transaction: the differences are applied before it commits.
    """
    state = _state()
    if not state.depth:
        state.old.clear()  # nothing from an earlier, failed write may leak into this batch
    state.depth += 1
    try:
        yield
        # A transaction already marked for rollback takes the changes with it: nothing to do.
        if state.depth == 1 and not connection.needs_rollback:
            if state.rebuild:
                state.old.clear()
                rebuild()
            else:
                _flush()
    finally:
        state.depth -= 1
        if not state.depth:
            state.old.clear()
            state.rebuild = False


def recount(apps=None) -> Counter:
    """Every key's count, computed from the statements (streams them; writes nothing)."""
    statement_model = _models(apps)[0]
    return _count(_range_rows(statement_model, None, None), ancestors_map(apps))


def rebuild(apps=None) -> int:
    """Recount every rollup from the statements, in one transaction; returns the row count.

    Inside ``deferred()`` the rebuild waits for the end of the block, and happens once.
    """
    state = _state()
    if state.depth and apps is None:
        state.rebuild = True
        return 0
    rollup_model = _models(apps)[2]
    totals = recount(apps)
    with transaction.atomic():
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


# --- Signals ----------------------------------------------------------------------------


def _statement_pre_save(sender, instance: Statement, raw: bool = False, **kwargs) -> None:
    if instance.pk is not None:
        _capture([instance.pk])


def _statement_post_save(sender, instance: Statement, **kwargs) -> None:
    _state().old.setdefault(instance.pk, Counter())
    _after_change([instance.pk])


def _statement_pre_delete(sender, instance: Statement, **kwargs) -> None:
    _capture([instance.pk])


def _statement_post_delete(sender, instance: Statement, **kwargs) -> None:
    _after_change([instance.pk])


def _links_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """Themes or sectors of statements were added, removed or cleared."""
    if action not in {
        "pre_add",
        "pre_remove",
        "pre_clear",
        "post_add",
        "post_remove",
        "post_clear",
    }:
        return
    state = _state()
    if not reverse:
        ids = [instance.pk]
    elif action == "pre_clear":
        # theme.statements.clear(): the statements are those linked before the clear.
        field = "theme" if sender is Statement.themes.through else "sector"
        ids = list(
            sender.objects.filter(**{field: instance.pk}).values_list("statement_id", flat=True)
        )
        state.cleared[(sender, instance.pk)] = ids
    elif action == "post_clear":
        ids = state.cleared.pop((sender, instance.pk), [])
    else:
        ids = list(pk_set or ())
    if action.startswith("pre_"):
        _capture(ids)
    else:
        _after_change(ids)


def _sector_pre_save(sender, instance: Sector, raw: bool = False, **kwargs) -> None:
    instance._rollup_old_parent = (
        Sector.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
        if instance.pk is not None
        else None
    )


def _sector_post_save(sender, instance: Sector, created: bool, **kwargs) -> None:
    # A moved subtree changes which sector scopes count its statements.
    if not created and getattr(instance, "_rollup_old_parent", None) != instance.parent_id:
        rebuild()


def _tag_deleted(sender, instance, **kwargs) -> None:
    # Deleting a theme or sector drops its links without m2m signals: recount.
    rebuild()


def connect() -> None:
    uid = "rollups-"
    pre_save.connect(_statement_pre_save, sender=Statement, dispatch_uid=uid + "st-pre")
    post_save.connect(_statement_post_save, sender=Statement, dispatch_uid=uid + "st-post")
    pre_delete.connect(_statement_pre_delete, sender=Statement, dispatch_uid=uid + "st-pre-del")
    post_delete.connect(_statement_post_delete, sender=Statement, dispatch_uid=uid + "st-post-del")
    for through in (Statement.themes.through, Statement.sectors.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=uid + through.__name__)
    pre_save.connect(_sector_pre_save, sender=Sector, dispatch_uid=uid + "sector-pre")
    post_save.connect(_sector_post_save, sender=Sector, dispatch_uid=uid + "sector-post")
    post_delete.connect(_tag_deleted, sender=Sector, dispatch_uid=uid + "sector-del")
    post_delete.connect(_tag_deleted, sender=Theme, dispatch_uid=uid + "theme-del")
