"""The write door (policies.writes): a write that the database ends to break a deadlock, or
that found SQLite's write lock taken, runs again from the start; one that stays busy is
refused with a message; neither leaves anything written, the rollups included.

These run in transactions of their own (``transactional_db``): inside the test's own
transaction the door cannot retry, and says so by running once.
"""

import psycopg
import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from policies import rollups
from policies.models import Statement, Theme
from policies.writes import WriteBusy, retrying, transient


def met_a_deadlock() -> OperationalError:
    """The error as Django raises it when the database broke a deadlock, or (SQLite) when
    the write lock stayed taken past the busy timeout."""
    if connection.vendor == "postgresql":
        error = OperationalError("deadlock detected")
        error.__cause__ = psycopg.errors.DeadlockDetected("deadlock detected")
        return error
    return OperationalError("database is locked")


@pytest.fixture
def few_attempts(settings):
    settings.WRITE_ATTEMPTS = 3
    return 3


@pytest.mark.django_db(transaction=True)
def test_a_write_that_met_a_deadlock_runs_again_whole(seeded, few_attempts):
    statement = Statement.objects.published().first()
    themes = list(Theme.objects.order_by("pk"))
    attempts = []

    def work():
        attempts.append(1)
        statement.themes.set(themes[: len(attempts)])
        Theme.objects.create(slug="written-once", name="Written once", colour="#123456")
        if len(attempts) == 1:
            raise met_a_deadlock()
        return "done"

    assert retrying(work) == "done"
    assert len(attempts) == 2
    assert Theme.objects.filter(slug="written-once").count() == 1
    assert set(statement.themes.all()) == set(themes[:2])
    assert rollups.stale_keys() == []  # the first attempt's changes went with it


@pytest.mark.django_db(transaction=True)
def test_a_write_that_stays_busy_is_refused_with_a_message_and_leaves_nothing(
    seeded, few_attempts
):
    statement = Statement.objects.published().first()
    before = set(statement.themes.values_list("pk", flat=True))
    attempts = []

    def work():
        attempts.append(1)
        statement.themes.clear()
        Theme.objects.create(slug="never-written", name="Never written", colour="#123456")
        raise met_a_deadlock()

    with pytest.raises(WriteBusy) as refused:
        retrying(work)
    assert len(attempts) == few_attempts
    assert "nothing of this was saved" in str(refused.value.message)
    assert not Theme.objects.filter(slug="never-written").exists()
    assert set(statement.themes.values_list("pk", flat=True)) == before
    assert rollups.stale_keys() == []

    # Any other error is the caller's to see, at once.
    attempts.clear()

    def broken():
        attempts.append(1)
        raise IntegrityError("a real conflict")

    with pytest.raises(IntegrityError):
        retrying(broken)
    assert len(attempts) == 1


def test_inside_someone_elses_transaction_it_runs_once(db):
    attempts = []

    def work():
        attempts.append(1)
        raise met_a_deadlock()

    with transaction.atomic(), pytest.raises(OperationalError) as ended:
        retrying(work)
    assert transient(ended.value)
    assert len(attempts) == 1


def test_only_deadlocks_serialisation_failures_and_sqlite_busy_are_transient(db):
    assert transient(met_a_deadlock())
    assert not transient(OperationalError("no such table: policies_statement"))
    assert not transient(IntegrityError("duplicate key"))
