"""The one door for writes that several people make at once: each runs as one transaction,
its rollup upkeep applied once at the end, and is run again when the database ended it to
break a deadlock or a serialisation failure, or (SQLite) could not get the write lock
within its busy timeout.

Every writer goes through it: an admin save, delete or bulk action, an import, a seed load,
a script. A retry starts the whole transaction over, so a write either lands whole or, once
the retries run out, raises ``WriteBusy`` with a message for the person who made it, and
leaves nothing half-written.

Why retries are rare: a statement's writer locks the statement's row before reading what it
adds to the rollups (``rollups.upkeep``), and applies its differences once, in one key
order, at the end of the transaction (``rollups.deferred``), so writers of the same
statement queue and writers of different statements take the rollup rows in the same
order. What is left is the odd deadlock between record locks taken in different orders (two
imports of overlapping files, say), which the database breaks by ending one of them.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext_lazy as _

from policies import rollups

T = TypeVar("T")

logger = logging.getLogger(__name__)

# PostgreSQL's codes for "deadlock detected" and "could not serialize access".
RETRIED_SQLSTATES = {"40P01", "40001"}
# SQLite's words when its busy timeout passed before the write lock came free.
RETRIED_SQLITE = ("database is locked", "database table is locked")

BUSY_MESSAGE = _(
    "Other changes kept the database busy, so nothing of this was saved. Please try again."
)


class WriteBusy(Exception):
    """The database stayed busy through every retry; nothing of the write was kept."""

    def __init__(self, attempts: int) -> None:
        super().__init__(f"{BUSY_MESSAGE} ({attempts} attempts)")
        self.attempts = attempts
        self.message = BUSY_MESSAGE


def transient(error: BaseException) -> bool:
    """Whether ``error`` ended the transaction for a reason that a second try may not meet."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in RETRIED_SQLSTATES:
        return True
    return connection.vendor == "sqlite" and str(error).startswith(RETRIED_SQLITE)


def retrying(work: Callable[[], T], *, attempts: int | None = None) -> T:
    """``work()`` in one transaction, its rollup upkeep deferred to the end; run again (up
    to ``attempts``, WRITE_ATTEMPTS by default) if the database ends it with a transient
    error. Raises WriteBusy once the attempts run out.

    Inside a transaction that someone else opened, a retry cannot start over: ``work()``
    then runs once, in a savepoint, and the error goes to the one who opened it.
    """
    if connection.in_atomic_block:
        with transaction.atomic(), rollups.deferred():
            return work()
    attempts = attempts or settings.WRITE_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic(), rollups.deferred():
                return work()
        except OperationalError as error:
            if not transient(error):
                raise
            logger.warning("write attempt %d of %d ended: %s", attempt, attempts, error)
            if attempt < attempts:
                # Backing off by a random, growing pause keeps two writers that met once
                # from meeting again on the next try.
                time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311 (timing only)
    raise WriteBusy(attempts)
