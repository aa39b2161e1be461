"""Rollup upkeep on write: each change to a statement, its themes or its sectors moves the
stored counts by the difference it makes, in the same transaction.

Before a statement changes, its row is locked and read as the rollups count it; after the
change it is read again and the difference applied, so a rollback undoes both. The lock
makes a second writer of the same statement wait until the first commits and then read what
it left: without it both would start from the same old contribution, and the second would
count the first's change twice.

Writers wrap their work in ``deferred()`` (``policies.writes.retrying`` does), which reads
each touched statement once and applies all differences once, in key order, at the end:
writers that share rollup rows then lock them in the same order, and cannot deadlock on
them. Writes that bypass signals (``bulk_create``, ``QuerySet.update``) call ``created()``
or ``rebuild()``; so do changes to the sector tree.

Every statement a write touched also gets its search terms rewritten here
(``policies.search.refresh``), at the same point: the terms read the same text and links.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from policies import search
from policies.models import Sector, Statement, Theme
from policies.rollups.keys import Row, ancestors_map
from policies.rollups.storage import (
    apply_delta,
    count,
    current_rows,
    hold_for_delta,
    locked_rows,
    rewrite,
)


@dataclass
class PendingChanges:
    """One thread's rollup upkeep in progress (each request or command runs in one thread)."""

    # statement pk -> the statement before the pending change, as the rollups count it
    # (None: a draft, or not there yet). Kept as the row, not its keys, so that old and new
    # are counted under the same sector tree when the difference is applied.
    old: dict[int, Row | None] = field(default_factory=dict)
    # nesting of deferred()
    depth: int = 0
    # a deferred block asked for a full rebuild
    rebuild: bool = False
    # (through, pk) -> statement pks, from pre_clear to post_clear
    cleared: dict[tuple[Any, int], list[int]] = field(default_factory=dict)
    # sector pk -> its parent before a save, to tell whether the save moved the subtree
    old_parents: dict[int, int | None] = field(default_factory=dict)


_local = threading.local()


def _state() -> PendingChanges:
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = PendingChanges()
    return pending


def _capture(ids: Iterable[int]) -> None:
    """Lock ``ids`` and remember them before they change (once per deferred block)."""
    state = _state()
    ids = [pk for pk in ids if pk is not None]
    if state.depth:
        ids = [pk for pk in ids if pk not in state.old]
    if ids:
        state.old.update(locked_rows(ids))


def _flush(ids: Iterable[int] | None = None) -> None:
    """Apply the difference between the remembered and the current state of ``ids``."""
    state = _state()
    ids = list(state.old) if ids is None else [pk for pk in ids if pk in state.old]
    if not ids:
        return
    before = [row for pk in ids if (row := state.old.pop(pk)) is not None]
    # The statements' search terms read the same writes (their text, themes, sectors).
    search.refresh(ids)
    hold_for_delta()
    ancestors = ancestors_map()
    delta = count(current_rows(ids), ancestors)
    delta.subtract(count(before, ancestors))
    apply_delta(delta)


def created(ids: Iterable[int]) -> None:
    """Count statements written without signals (``bulk_create``), links included."""
    ids = list(ids)
    old = _state().old
    for pk in ids:
        old.setdefault(pk, None)
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
                search.refresh(state.old)
                state.old.clear()
                rebuild()
            else:
                _flush()
    finally:
        state.depth -= 1
        if not state.depth:
            state.old.clear()
            state.rebuild = False


def rebuild(apps: Any = None) -> int:
    """Recount every rollup from the statements, in one transaction; returns the row count.

    Inside ``deferred()`` the rebuild waits for the end of the block, and happens once.
    Migrations pass their ``apps`` (historical models).
    """
    state = _state()
    if state.depth and apps is None:
        state.rebuild = True
        return 0
    return rewrite(apps)


# --- Signals ----------------------------------------------------------------------------


def _statement_pre_save(
    sender: type[Statement], instance: Statement, raw: bool = False, **kwargs: Any
) -> None:
    if instance.pk is not None:
        _capture([instance.pk])


def _statement_post_save(sender: type[Statement], instance: Statement, **kwargs: Any) -> None:
    _state().old.setdefault(instance.pk, None)  # a new statement: nothing before
    _after_change([instance.pk])


def _statement_pre_delete(sender: type[Statement], instance: Statement, **kwargs: Any) -> None:
    _capture([instance.pk])


def _statement_post_delete(sender: type[Statement], instance: Statement, **kwargs: Any) -> None:
    _after_change([instance.pk])


def _links_changed(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
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
            sender._default_manager.filter(**{field: instance.pk}).values_list(
                "statement_id", flat=True
            )
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


def _sector_pre_save(
    sender: type[Sector], instance: Sector, raw: bool = False, **kwargs: Any
) -> None:
    if instance.pk is not None:
        _state().old_parents[instance.pk] = (
            Sector.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
        )


def _sector_post_save(
    sender: type[Sector], instance: Sector, created: bool, **kwargs: Any
) -> None:
    # A moved subtree changes which sector scopes count its statements.
    old_parent = _state().old_parents.pop(instance.pk, None)
    if not created and old_parent != instance.parent_id:
        rebuild()


def _tag_deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
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
