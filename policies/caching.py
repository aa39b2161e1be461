"""The data version behind the dashboard's cache keys, bumped by any write.

Every cached value's key carries a data version. Any save, delete or change of tags to a
tracker record schedules one bump of that version for when its transaction commits, so a
reader never caches figures computed from data that is about to change (or roll back).
Bulk writes that send no signals (``bulk_create``, ``update``) call ``data_changed()``.

With local-memory caching each process has its own cache and version: run one process, or
set REDIS_URL so every process shares both (see README).
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import get_language

VERSION_KEY = "policies:data-version"
TIMEOUT = 600


def data_version() -> int:
    # Set to 1 when missing, so never None.
    return cast(int, cache.get_or_set(VERSION_KEY, 1, timeout=None))


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key was evicted: any new value invalidates what was cached
        cache.set(VERSION_KEY, data_version() + 1, timeout=None)


def data_changed(**_signal_kwargs: Any) -> None:
    """Invalidate cached aggregates once the current transaction commits (once per commit)."""
    # Each entry is (savepoint ids, function, robust); django-stubs knows only the first two.
    if connection.in_atomic_block and any(entry[1] is _bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(_bump)


def cache_key(name: str, params: list[tuple[str, str]]) -> str:
    """A key for ``name`` under these GET parameters, the language and the data version."""
    digest = hashlib.sha256(repr(sorted(params)).encode()).hexdigest()[:32]
    return f"policies:{name}:v{data_version()}:{get_language()}:{digest}"
