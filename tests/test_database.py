import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_lane_runs_on_the_database_it_names():
    """CI's PostgreSQL lane must really run on PostgreSQL, not fall back to SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
