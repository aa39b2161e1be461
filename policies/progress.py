"""How far a target has come: computed from its baseline, its latest verified observation and
its target along the straight path between them. Pure functions, no database.

Only verified observations count. The status is judged at the year of the latest verified
figure, so a target whose deadline has passed but whose final figures are not yet out is
judged on the path ("on track as of 2023"), not declared missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    OVERDUE = "overdue"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.ACHIEVED: _("achieved"),
    Status.ON_TRACK: _("on track"),
    Status.BEHIND: _("behind"),
    Status.OVERDUE: _("overdue"),
    Status.NO_DATA: _("no data"),
}

# Colour-blind-safe (Okabe-Ito), and each status also has a text label wherever it is shown.
STATUS_COLOURS = {
    Status.ACHIEVED: "#009e73",
    Status.ON_TRACK: "#0072b2",
    Status.BEHIND: "#e69f00",
    Status.OVERDUE: "#d55e00",
    Status.NO_DATA: "#999999",
}


@dataclass(frozen=True)
class Progress:
    status: Status
    as_of_year: int | None
    latest_value: Decimal | None
    # Share of the way from baseline to target (0 at baseline, 1 at target), if measurable.
    share: float | None
    # Where the straight path says the indicator should be in ``as_of_year``.
    expected_value: Decimal | None

    @property
    def percent(self) -> int | None:
        """The share as a whole percentage, for display."""
        return None if self.share is None else round(self.share * 100)


def path_value(
    *,
    baseline_value: Decimal,
    baseline_year: int,
    target_value: Decimal,
    target_year: int,
    year: int,
) -> Decimal:
    """The value on the straight line from baseline to target in ``year``."""
    span = Decimal(target_year - baseline_year)
    return baseline_value + (target_value - baseline_value) * Decimal(year - baseline_year) / span


def target_progress(
    *,
    baseline_value: Decimal | None,
    baseline_year: int | None,
    target_value: Decimal,
    target_year: int,
    decreasing: bool,
    latest_value: Decimal | None,
    latest_year: int | None,
) -> Progress:
    """Status of one target from its latest verified observation (None when there is none)."""
    if latest_value is None or latest_year is None:
        return Progress(Status.NO_DATA, None, None, None, None)

    def reached(value: Decimal, goal: Decimal) -> bool:
        return value <= goal if decreasing else value >= goal

    if baseline_value is None or baseline_year is None:
        # Without a baseline there is no path: only achieved, overdue or not yet judged.
        if reached(latest_value, target_value):
            status = Status.ACHIEVED
        elif latest_year >= target_year:
            status = Status.OVERDUE
        else:
            status = Status.NO_DATA
        return Progress(status, latest_year, latest_value, None, None)

    if latest_year <= baseline_year:
        # Only the baseline itself is known: nothing measured since the plan began.
        return Progress(Status.NO_DATA, latest_year, latest_value, None, None)

    share = float((latest_value - baseline_value) / (target_value - baseline_value))
    expected = path_value(
        baseline_value=baseline_value,
        baseline_year=baseline_year,
        target_value=target_value,
        target_year=target_year,
        year=min(latest_year, target_year),
    )
    if reached(latest_value, target_value):
        status = Status.ACHIEVED
    elif latest_year >= target_year:
        status = Status.OVERDUE
    elif reached(latest_value, expected):
        status = Status.ON_TRACK
    else:
        status = Status.BEHIND
    return Progress(status, latest_year, latest_value, share, expected)
