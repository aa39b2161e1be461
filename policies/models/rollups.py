"""Derived counts behind the dashboard, kept current on every write (see policies/rollups/).

Nothing here is edited by hand or exported: it is rebuilt from the statements by
``rebuild_rollups`` and, between rebuilds, changed by the same transaction that changes a
statement. Zero stands for "not applicable" in ``month``, ``theme`` and ``sector`` so that the
unique constraint can merge increments (NULLs never conflict).
"""

from __future__ import annotations

from django.db import models


class StatementRollup(models.Model):
    """How many published statements fall under one key, within one scope.

    ``scope`` is ``""`` for all statements, or ``s<id>``, ``t<id>``, ``a<id>``, ``k<kind>``
    for those in a sector's subtree, with a theme, by an actor or of a kind: the dashboard
    narrowed to one of them.
    """

    class Measure(models.TextChoices):
        MONTH = "month", "statements per month"
        MONTH_THEME = "month_theme", "statements per month and theme"
        THEME_SECTOR = "theme_sector", "statements per theme and sector"
        SECTOR = "sector", "statements per sector"

    scope = models.CharField(max_length=24)
    measure = models.CharField(max_length=12, choices=Measure)
    month = models.IntegerField(default=0, help_text="yyyymm of publication; 0 when not by month.")
    theme = models.BigIntegerField(default=0, help_text="Theme id; 0 for none.")
    sector = models.BigIntegerField(default=0, help_text="Sector id; 0 for none.")
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "measure", "month", "theme", "sector"],
                name="statementrollup_unique_key",
            ),
        ]

    def __str__(self) -> str:
        key = f"{self.month}/{self.theme}/{self.sector}"
        return f"{self.scope or 'all'} {self.measure} {key}: {self.n}"
