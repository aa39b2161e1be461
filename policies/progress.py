"""How far a target has come: computed from its baseline, its latest verified observation and
its target along the straight path between them. Pure functions, no database.

Only verified observations count. The status is judged at the year of the latest verified
figure, so a target whose deadline has passed but whose final figures are not yet out is
judged on the path ("on track as of 2023"), not declared missed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, cast

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


@dataclass(frozen=True)
class Facts:
    """What the status rules read about one target and its latest verified figure."""

    baseline_value: Decimal | None
    baseline_year: int | None
    target_value: Decimal
    target_year: int
    decreasing: bool
    latest_value: Decimal | None
    latest_year: int | None

    @property
    def has_baseline(self) -> bool:
        return self.baseline_value is not None and self.baseline_year is not None

    @property
    def measured(self) -> bool:
        """A figure after the baseline year: there is a way along the path to measure."""
        return (
            self.has_baseline
            and self.latest_year is not None
            and self.latest_year > cast(int, self.baseline_year)
        )

    def reached(self, goal: Decimal | None) -> bool:
        if self.latest_value is None or goal is None:
            return False
        return self.latest_value <= goal if self.decreasing else self.latest_value >= goal

    @property
    def deadline_passed(self) -> bool:
        return self.latest_year is not None and self.latest_year >= self.target_year

    @property
    def expected(self) -> Decimal | None:
        """Where the straight path puts the indicator in the latest figure's year."""
        if not self.measured:
            return None
        return path_value(
            baseline_value=cast(Decimal, self.baseline_value),
            baseline_year=cast(int, self.baseline_year),
            target_value=self.target_value,
            target_year=self.target_year,
            year=min(cast(int, self.latest_year), self.target_year),
        )


@dataclass(frozen=True)
class Rule:
    """One line of the status rules: the first rule that applies gives the status."""

    status: Status
    when: StrOrPromise
    applies: Callable[[Facts], bool]


# The rules, in the order they are tried. The methodology page lists exactly these.
RULES: tuple[Rule, ...] = (
    Rule(
        Status.NO_DATA,
        _("No verified figure has been recorded for the indicator."),
        lambda facts: facts.latest_value is None or facts.latest_year is None,
    ),
    Rule(
        Status.NO_DATA,
        _(
            "The latest verified figure is for the baseline year or earlier: nothing has "
            "been measured since the plan began."
        ),
        lambda facts: facts.has_baseline and not facts.measured,
    ),
    Rule(
        Status.ACHIEVED,
        _(
            "The latest verified figure has reached the target: at least the target value "
            "for an increase, at most for a decrease."
        ),
        lambda facts: facts.reached(facts.target_value),
    ),
    Rule(
        Status.OVERDUE,
        _(
            "The latest verified figure is for the target year or later, and has not "
            "reached the target."
        ),
        lambda facts: facts.deadline_passed,
    ),
    Rule(
        Status.NO_DATA,
        _(
            "The target has no baseline, so there is no path to judge it by before its "
            "target year."
        ),
        lambda facts: not facts.has_baseline,
    ),
    Rule(
        Status.ON_TRACK,
        _(
            "The latest verified figure is at or beyond the straight path from the baseline "
            "to the target, for the year it measures (no tolerance)."
        ),
        lambda facts: facts.reached(facts.expected),
    ),
    Rule(
        Status.BEHIND,
        _("Otherwise: the latest verified figure falls short of the straight path."),
        lambda facts: True,
    ),
)


def status_rule(facts: Facts) -> Rule:
    """The first of ``RULES`` that applies to ``facts`` (the last always does)."""
    return next(rule for rule in RULES if rule.applies(facts))


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
    facts = Facts(
        baseline_value=baseline_value,
        baseline_year=baseline_year,
        target_value=target_value,
        target_year=target_year,
        decreasing=decreasing,
        latest_value=latest_value,
        latest_year=latest_year,
    )
    status = status_rule(facts).status
    if latest_value is None or latest_year is None:
        return Progress(status, None, None, None, None)
    share = None
    if facts.measured:
        baseline = cast(Decimal, baseline_value)
        share = float((latest_value - baseline) / (target_value - baseline))
    return Progress(status, latest_year, latest_value, share, facts.expected)
