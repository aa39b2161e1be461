"""Did they do it? A target's status, computed from its indicator's verified figures and the
date of the question. Pure functions, no database, and no clock: "today" is an argument.

A target is judged as it is written: a value with a qualifier (about, at least, at most,
exact) and a sense (higher is better, lower is better, stay near). A figure is judged as it
is published: "about 10" could be a little under 10, so it cannot by itself prove that a
target of 10 was reached. A one-year plan's target (a Government Work Report's) is judged on
that year's result alone; a multi-year target on every figure up to its deadline, and on the
straight path from its baseline before then.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"
    AWAITING_RESULT = "awaiting_result"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.ACHIEVED: _("achieved"),
    Status.ON_TRACK: _("on track"),
    Status.BEHIND: _("behind"),
    Status.MISSED: _("missed"),
    Status.AWAITING_RESULT: _("awaiting result"),
    Status.NO_DATA: _("no data"),
}


def status_count(status: Status, count: int) -> str:
    """ "3 achieved", in the reader's language, agreeing with the count ("3 atteints")."""
    phrases = {
        Status.ACHIEVED: ngettext("%(count)d achieved", "%(count)d achieved", count),
        Status.ON_TRACK: ngettext("%(count)d on track", "%(count)d on track", count),
        Status.BEHIND: ngettext("%(count)d behind", "%(count)d behind", count),
        Status.MISSED: ngettext("%(count)d missed", "%(count)d missed", count),
        Status.AWAITING_RESULT: ngettext(
            "%(count)d awaiting result", "%(count)d awaiting result", count
        ),
        Status.NO_DATA: ngettext("%(count)d no data", "%(count)d no data", count),
    }
    return phrases[status] % {"count": count}


# Colour-blind-safe (Okabe-Ito), and each status also has a text label wherever it is shown.
STATUS_COLOURS = {
    Status.ACHIEVED: "#009e73",
    Status.ON_TRACK: "#0072b2",
    Status.BEHIND: "#e69f00",
    Status.MISSED: "#d55e00",
    Status.AWAITING_RESULT: "#cc79a7",
    Status.NO_DATA: "#999999",
}

# The order statuses are listed in (legends, tallies, a plan's targets on the dashboard).
STATUS_ORDER = tuple(Status)

# "About" (左右), on a target or on a figure, means within 5 % of the value written: "about
# 5 %" growth is met from 4.75 %, and a figure of "about 10" may be as low as 9.5. A value
# written to one significant figure is only known to within 10 %; half of that keeps "about"
# meaningful without reading a round number as a promise of the exact value. A relative
# tolerance reads the same in every unit (per cent, 万人, 万亿斤), where a fixed number of
# percentage points would not.
ABOUT_TOLERANCE = Decimal("0.05")

EXACT, ABOUT, AT_LEAST, AT_MOST = "exact", "about", "at_least", "at_most"
HIGHER, LOWER, NEAR = "higher", "lower", "near"


@dataclass(frozen=True)
class Figure:
    """A verified figure in the indicator's unit, for a year or a month."""

    year: int
    month: int | None
    value: Decimal
    qualifier: str = EXACT
    published_on: datetime.date | None = None
    # Which record it is (an observation's id), so a page can show the figure's source.
    key: int | None = None

    @property
    def period(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"

    @property
    def at(self) -> Decimal:
        """When it was measured, in years: a year's figure stands at the year's end."""
        return Decimal(self.year) + (Decimal(self.month) / 12 if self.month else Decimal(1))

    @property
    def closes_year(self) -> bool:
        """A result for the whole year, or as of its last month."""
        return self.month in (None, 12)

    @property
    def low(self) -> Decimal | None:
        """The least it can be, as published (None: no bound)."""
        if self.qualifier == AT_MOST:
            return None
        return self.value * (1 - ABOUT_TOLERANCE) if self.qualifier == ABOUT else self.value

    @property
    def high(self) -> Decimal | None:
        if self.qualifier == AT_LEAST:
            return None
        return self.value * (1 + ABOUT_TOLERANCE) if self.qualifier == ABOUT else self.value


@dataclass(frozen=True)
class Goal:
    """A target as the plan writes it, in the indicator's unit."""

    value: Decimal
    year: int
    qualifier: str = EXACT
    sense: str = HIGHER
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    annual: bool = False

    @property
    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """The range of values that meet it (None: open on that side)."""
        slack = abs(self.value) * ABOUT_TOLERANCE if self.qualifier == ABOUT else Decimal(0)
        if self.sense == HIGHER:
            return self.value - slack, None
        if self.sense == LOWER:
            return None, self.value + slack
        near = slack or abs(self.value) * ABOUT_TOLERANCE
        return self.value - near, self.value + near

    def met_by(self, figure: Figure) -> bool:
        """The figure proves the goal met, whatever its rounding hides."""
        low, high = self.bounds
        if low is not None and (figure.low is None or figure.low < low):
            return False
        return high is None or (figure.high is not None and figure.high <= high)

    def failed_by(self, figure: Figure) -> bool:
        """The figure proves the goal not met."""
        low, high = self.bounds
        if low is not None and figure.high is not None and figure.high < low:
            return True
        return high is not None and figure.low is not None and figure.low > high

    def path(self, at: Decimal) -> Decimal | None:
        """Where the straight path from the baseline to the goal stands at ``at``."""
        if self.baseline_value is None or self.baseline_year is None:
            return None
        start, end = Decimal(self.baseline_year + 1), Decimal(self.year + 1)
        share = (min(at, end) - start) / (end - start)
        low, high = self.bounds
        # The path leads to the least value that meets the goal (the most, for a ceiling).
        goal = (
            low if self.sense == HIGHER else high if self.sense == LOWER else None
        ) or self.value
        return self.baseline_value + (goal - self.baseline_value) * share


@dataclass(frozen=True)
class Facts:
    """What the status rules read: the goal, its verified figures, and the day of asking."""

    goal: Goal
    figures: tuple[Figure, ...]  # every verified, current figure of the indicator, by time
    today: datetime.date

    @property
    def counted(self) -> tuple[Figure, ...]:
        """The figures the goal is judged on: that year's result for a one-year plan; every
        figure after the baseline and up to the deadline for a longer one."""
        goal = self.goal
        if goal.annual:
            return tuple(f for f in self.figures if f.year == goal.year and f.closes_year)
        start = goal.baseline_year if goal.baseline_year is not None else -1
        return tuple(f for f in self.figures if f.year <= goal.year and f.at > Decimal(start + 1))

    @property
    def deadline_result(self) -> Figure | None:
        """The result for the target year, once it is out."""
        closing = [f for f in self.counted if f.year == self.goal.year and f.closes_year]
        return closing[-1] if closing else None

    @property
    def proof(self) -> Figure | None:
        """The latest figure that proves the goal met: any counted one when higher is better
        (a level reached early counts), else only the deadline's result (a ceiling or a
        band must hold when the time is up)."""
        if self.goal.sense == HIGHER or self.goal.annual:
            return next((f for f in reversed(self.counted) if self.goal.met_by(f)), None)
        result = self.deadline_result
        return result if result is not None and self.goal.met_by(result) else None

    @property
    def past_deadline(self) -> bool:
        return self.today.year > self.goal.year

    @property
    def latest(self) -> Figure | None:
        return self.counted[-1] if self.counted else None

    @property
    def expected(self) -> Decimal | None:
        latest = self.latest
        return None if latest is None else self.goal.path(latest.at)

    def on_path(self) -> bool:
        latest, expected = self.latest, self.expected
        if latest is None or expected is None:
            return False
        if self.goal.sense == LOWER:
            return latest.value <= expected
        if self.goal.sense == NEAR:
            return abs(latest.value - self.goal.value) <= abs(expected - self.goal.value)
        return latest.value >= expected


@dataclass(frozen=True)
class Rule:
    """One line of the status rules: the first rule that applies gives the status."""

    status: Status
    when: StrOrPromise
    applies: Callable[[Facts], bool]


# The rules, in the order they are tried. The methodology page lists exactly these.
RULES: tuple[Rule, ...] = (
    Rule(
        Status.ACHIEVED,
        _(
            "A verified figure proves the target met, even at the low end of its rounding "
            "(“about 10” may be 9.5). A one-year plan's target is judged on that year's result; "
            "a longer plan's, when higher is better, on any figure up to its deadline (reached "
            "early counts), otherwise on the target year's result."
        ),
        lambda facts: facts.proof is not None,
    ),
    Rule(
        Status.MISSED,
        _("The verified result for the target year is out, and proves the target not met."),
        lambda facts: (
            facts.deadline_result is not None and facts.goal.failed_by(facts.deadline_result)
        ),
    ),
    Rule(
        Status.AWAITING_RESULT,
        _(
            "The target year is over, and no verified result for it decides the target yet "
            "(none is out, or it is too rounded to tell). The last verified figure is shown "
            "with its date."
        ),
        lambda facts: facts.past_deadline,
    ),
    Rule(
        Status.NO_DATA,
        _(
            "Before the deadline, no verified figure has been measured since the plan's "
            "baseline (for a one-year plan: its year's result is not out)."
        ),
        lambda facts: facts.latest is None,
    ),
    Rule(
        Status.NO_DATA,
        _("The target has no baseline, so there is no path to judge it by before its deadline."),
        lambda facts: facts.expected is None,
    ),
    Rule(
        Status.ON_TRACK,
        _(
            "The latest verified figure is at or beyond the straight path from the baseline "
            "to the target (to the least value that meets an “about” target), at the time it "
            "measures (no tolerance beyond the target's own)."
        ),
        lambda facts: facts.on_path(),
    ),
    Rule(
        Status.BEHIND,
        _("Otherwise: the latest verified figure falls short of the straight path."),
        lambda facts: True,
    ),
)


@dataclass(frozen=True)
class Progress:
    status: Status
    # The figure the status rests on: the proof, the deadline's result, the latest counted
    # figure, or (awaiting a result) the last verified figure of any date.
    figure: Figure | None
    # Share of the way from baseline to target (0 at baseline, 1 at target), if measurable.
    share: float | None
    # Where the straight path says the indicator should be at the figure's date.
    expected_value: Decimal | None

    @property
    def latest_value(self) -> Decimal | None:
        return None if self.figure is None else self.figure.value

    @property
    def as_of_year(self) -> int | None:
        return None if self.figure is None else self.figure.year

    @property
    def as_of(self) -> str | None:
        """The figure's period: 2024, or 2025-06."""
        return None if self.figure is None else self.figure.period

    @property
    def percent(self) -> int | None:
        """The share as a whole percentage, for display."""
        return None if self.share is None else round(self.share * 100)


def status_rule(facts: Facts) -> Rule:
    """The first of ``RULES`` that applies to ``facts`` (the last always does)."""
    return next(rule for rule in RULES if rule.applies(facts))


def _sequence(
    figure: Figure,
) -> tuple[Decimal, bool, bool, datetime.date, Decimal, str, int]:
    """Figures by the time they measure (a year's result after its December figure, which
    stands at the same time); within one period, a rounded figure ("over 2 亿") before an
    exact one, and an earlier release before a later one, so that the last of a period is
    its most precise and newest word. The value, qualifier and key break what ties remain,
    so the order never depends on the order of the input."""
    published = figure.published_on or datetime.date.min
    return (
        figure.at,
        figure.month is None,
        figure.qualifier == EXACT,
        published,
        figure.value,
        figure.qualifier,
        figure.key or 0,
    )


def target_progress(*, goal: Goal, figures: Iterable[Figure], today: datetime.date) -> Progress:
    """Status of one target on ``today``, from its indicator's verified, current figures.

    For each period only its last word counts (``_sequence``): two releases that give the
    same period different figures without one naming the other as revised are not both
    judged, or an earlier one could prove what the later one denies."""
    ordered = tuple(sorted(figures, key=_sequence))
    last_word = {figure.period: figure for figure in ordered}
    ordered = tuple(figure for figure in ordered if last_word[figure.period] is figure)
    facts = Facts(goal, ordered, today)
    status = status_rule(facts).status
    if status == Status.ACHIEVED:
        figure = facts.proof
    elif status == Status.MISSED:
        figure = facts.deadline_result
    elif status == Status.AWAITING_RESULT:
        figure = ordered[-1] if ordered else None
    else:
        figure = facts.latest
    share = None
    baseline = goal.baseline_value
    if figure is not None and baseline is not None and baseline != goal.value:
        share = float((figure.value - baseline) / (goal.value - baseline))
    expected = goal.path(figure.at) if figure is not None and figure in facts.counted else None
    return Progress(status, figure, share, expected)
