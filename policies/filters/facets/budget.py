"""The time one page's live facet counts may take, as Datasette's ``facet_time_limit_ms``.

At a million statements a live count takes from a third of a second to several (a filtered
page's facets), which no page should wait for. A page's live counts share
``settings.FACET_TIME_LIMIT_MS``: each runs with the time those before it left, the
database stops it there, and once the time is spent the others do not run. Counts the
rollups answer take a seek and are never limited.

PostgreSQL stops a statement at ``statement_timeout``, set with ``SET LOCAL`` in a savepoint
of the count's own. The savepoint is rolled back after the count, which only reads: a
released one would keep the setting for the rest of the transaction, a rolled-back one puts
the previous value back, and after a cancelled statement it leaves the transaction usable.
SQLite has no timeout on statements: a progress handler interrupts the statement once the
time is past, and is removed after. Other databases are not limited.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TypeVar

from django.db import OperationalError, connection, transaction

T = TypeVar("T")

# PostgreSQL's SQLSTATE for a cancelled statement (statement_timeout's among others).
QUERY_CANCELED = "57014"
# How many of SQLite's virtual machine instructions pass between two looks at the clock.
SQLITE_STEPS = 1000


class TimeBudget:
    """The time one page's live facet counts may take together."""

    def __init__(self, milliseconds: int) -> None:
        self.limit = milliseconds / 1000
        self.spent = 0.0
        # How many counts it refused or stopped: a facet that lost one is not counted.
        self.refused = 0

    @property
    def left(self) -> float:
        """The seconds left."""
        return max(0.0, self.limit - self.spent)

    def run(self, count: Callable[[], T]) -> T | None:
        """``count()``, which evaluates one query, stopped by the database once the time
        left has passed. None when it was stopped, and without a query when no time is left.
        """
        left = self.left
        if left <= 0:
            self.refused += 1
            return None
        started = time.monotonic()
        try:
            with _limited(left):
                return count()
        # sqlite3's own error too: when queries are being recorded (DEBUG, or a test's
        # CaptureQueriesContext), Django formats the stopped statement for its log with one
        # more statement, which the progress handler stops as well, outside Django's
        # wrapping of database errors.
        except (OperationalError, sqlite3.OperationalError) as error:
            if not _stopped(error):
                raise
            self.spent = self.limit  # those after it would be stopped too: none runs
            self.refused += 1
            return None
        finally:
            self.spent += time.monotonic() - started


def _limited(seconds: float) -> AbstractContextManager[None]:
    if connection.vendor == "postgresql":
        return _statement_timeout(seconds)
    if connection.vendor == "sqlite":
        return _interrupted_after(seconds)
    return nullcontext()


@contextmanager
def _statement_timeout(seconds: float) -> Iterator[None]:
    # Whole milliseconds, and at least one: a timeout of 0 is none at all.
    milliseconds = max(1, math.ceil(seconds * 1000))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {milliseconds}")
        yield
        # A cancelled statement rolls the savepoint back on its way out; so does a count.
        transaction.set_rollback(True)


@contextmanager
def _interrupted_after(seconds: float) -> Iterator[None]:
    deadline = time.monotonic() + seconds
    connection.ensure_connection()
    database = connection.connection
    database.set_progress_handler(lambda: time.monotonic() > deadline, SQLITE_STEPS)
    try:
        yield
    finally:
        database.set_progress_handler(None, SQLITE_STEPS)


def _stopped(error: Exception) -> bool:
    """Whether ``error`` is a statement stopped for its time (by ``_limited``)."""
    if connection.vendor == "postgresql":
        return getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED
    # sqlite3 says so when a progress handler interrupts a statement.
    return connection.vendor == "sqlite" and str(error) == "interrupted"
