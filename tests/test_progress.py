"""The status rules (policies.progress): pure, no database, and no clock but the ``today``
they are given.

These replace the tests of the old rules, which judged a target on its latest figure alone
and called every target past its deadline "overdue". The statuses change with the rules:
the core-industries share still reads ``on_track`` before its deadline, and once 2025 is
over it reads ``awaiting_result``, because its last figure is only "about 10" % and cannot
by itself prove a target of 10 % met.
"""

import datetime
import inspect
import types
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policies import progress
from policies.progress import (
    ABOUT_TOLERANCE,
    RULES,
    Facts,
    Figure,
    Goal,
    Status,
    status_rule,
    target_progress,
)

BEFORE_2025_ENDS = datetime.date(2025, 6, 1)
AFTER_2025 = datetime.date(2026, 3, 1)

# FACTS.md's cases, in each indicator's unit.
CORE_SHARE = Goal(D("10"), 2025, baseline_value=D("7.8"), baseline_year=2020)
CORE_SHARE_FIGURES = [Figure(2023, None, D("9.9")), Figure(2024, None, D("10"), "about")]
GIGABIT = Goal(D("6000"), 2025, baseline_value=D("640"), baseline_year=2020)
IPV6 = Goal(D("8"), 2025, baseline_value=D("4.6"), baseline_year=2020)
ONLINE_RETAIL = Goal(D("17"), 2025, baseline_value=D("11.76"), baseline_year=2020)


def judged(goal: Goal, *figures: Figure, today: datetime.date = AFTER_2025) -> progress.Progress:
    return target_progress(goal=goal, figures=figures, today=today)


def status(goal: Goal, *figures: Figure, today: datetime.date = AFTER_2025) -> Status:
    return judged(goal, *figures, today=today).status


def year(value: str, when: int, qualifier: str = "exact") -> Figure:
    return Figure(when, None, D(value), qualifier)


class TestTheSeededCases:
    def test_core_share_is_on_track_before_its_deadline(self):
        result = judged(CORE_SHARE, *CORE_SHARE_FIGURES, today=BEFORE_2025_ENDS)
        assert result.status == Status.ON_TRACK
        # The latest figure, "about 10" for 2024, stands at the end of 2024, where the
        # straight path from 7.8 (end of 2020) to 10 (end of 2025) is at 9.56.
        assert result.figure == CORE_SHARE_FIGURES[1]
        assert result.expected_value == D("9.56")

    def test_core_share_awaits_its_result_once_2025_is_over(self):
        # "About 10" may be as low as 9.5: it cannot prove a target of 10 reached.
        result = judged(CORE_SHARE, *CORE_SHARE_FIGURES, today=AFTER_2025)
        assert result.status == Status.AWAITING_RESULT
        assert result.figure == CORE_SHARE_FIGURES[1]  # the last verified figure is shown
        assert result.as_of == "2024"

    def test_gigabit_users_achieved_early(self):
        result = judged(GIGABIT, year("20700", 2024), today=BEFORE_2025_ENDS)
        assert result.status == Status.ACHIEVED
        assert result.as_of_year == 2024

    def test_ipv6_achieved_on_a_june_figure(self):
        june = Figure(2025, 6, D("8.34"))
        result = judged(IPV6, year("7.6", 2024), june, today=AFTER_2025)
        assert (result.status, result.as_of) == (Status.ACHIEVED, "2025-06")

    def test_online_retail_missed(self):
        result = judged(ONLINE_RETAIL, year("15.97", 2025))
        assert (result.status, result.latest_value) == (Status.MISSED, D("15.97"))

    def test_gdp_about_5_5_against_3_is_missed(self):
        goal = Goal(D("5.5"), 2022, qualifier="about", annual=True)
        assert status(goal, year("3", 2022)) == Status.MISSED

    def test_gdp_about_5_against_5_0_is_achieved(self):
        goal = Goal(D("5"), 2024, qualifier="about", annual=True)
        assert status(goal, year("5.0", 2024)) == Status.ACHIEVED

    def test_cpi_about_3_read_as_a_ceiling_against_0_9_is_achieved(self):
        goal = Goal(D("3"), 2021, qualifier="about", sense="lower", annual=True)
        assert status(goal, year("0.9", 2021)) == Status.ACHIEVED
        assert status(goal, year("3.1", 2021)) == Status.ACHIEVED  # within "about"
        assert status(goal, year("3.2", 2021)) == Status.MISSED


class TestQualifiers:
    def test_an_about_figure_cannot_prove_an_exact_target(self):
        assert status(Goal(D("10"), 2025), year("10", 2025, "about")) == Status.AWAITING_RESULT

    def test_an_about_figure_well_short_proves_it_missed(self):
        # "About 9" is at most 9.45.
        assert status(Goal(D("10"), 2025), year("9", 2025, "about")) == Status.MISSED

    def test_an_about_figure_within_rounding_decides_nothing(self):
        # "About 9.6" may be up to 10.08: neither met nor missed for sure.
        assert status(Goal(D("10"), 2025), year("9.6", 2025, "about")) == Status.AWAITING_RESULT

    def test_an_over_figure_proves_a_lower_floor(self):
        goal = Goal(D("1.3"), 2024, qualifier="at_least", annual=True)
        assert status(goal, year("1.4", 2024, "at_least")) == Status.ACHIEVED

    def test_an_over_figure_below_the_floor_decides_nothing(self):
        goal = Goal(D("1.3"), 2024, qualifier="at_least", annual=True)
        assert status(goal, year("1.2", 2024, "at_least")) == Status.AWAITING_RESULT

    def test_an_at_most_figure_proves_a_ceiling_but_not_a_floor(self):
        ceiling = Goal(D("5.5"), 2024, qualifier="at_most", sense="lower", annual=True)
        assert status(ceiling, year("5", 2024, "at_most")) == Status.ACHIEVED
        floor = Goal(D("5"), 2024, annual=True)
        assert status(floor, year("6", 2024, "at_most")) == Status.AWAITING_RESULT
        assert status(floor, year("4", 2024, "at_most")) == Status.MISSED

    def test_an_about_target_is_met_within_the_tolerance(self):
        goal = Goal(D("1100"), 2024, qualifier="about", annual=True)
        least = D("1100") * (1 - ABOUT_TOLERANCE)
        assert status(goal, year(str(least), 2024)) == Status.ACHIEVED
        assert status(goal, year(str(least - D("0.01")), 2024)) == Status.MISSED

    def test_staying_near_a_value_is_judged_both_ways(self):
        goal = Goal(D("3"), 2025, sense="near", baseline_value=D("3.4"), baseline_year=2020)
        assert status(goal, year("3.1", 2025)) == Status.ACHIEVED
        assert status(goal, year("2.8", 2025)) == Status.MISSED
        assert status(goal, year("3.3", 2025)) == Status.MISSED
        # Near the goal before the deadline proves nothing yet: judged on the path.
        assert status(goal, year("3", 2023), today=BEFORE_2025_ENDS) == Status.ON_TRACK


class TestTime:
    def test_awaiting_result_depends_on_today(self):
        figures = [year("9.6", 2024)]  # beyond the path's 9.56
        goal = Goal(D("10"), 2025, baseline_value=D("7.8"), baseline_year=2020)
        assert status(goal, *figures, today=datetime.date(2025, 12, 31)) == Status.ON_TRACK
        assert status(goal, *figures, today=datetime.date(2026, 1, 1)) == Status.AWAITING_RESULT

    def test_without_figures_it_is_no_data_then_awaiting(self):
        goal = Goal(D("10"), 2025, baseline_value=D("7.8"), baseline_year=2020)
        assert status(goal, today=BEFORE_2025_ENDS) == Status.NO_DATA
        assert status(goal, today=AFTER_2025) == Status.AWAITING_RESULT

    def test_an_annual_target_counts_only_its_years_full_result(self):
        goal = Goal(D("5"), 2025, qualifier="about", annual=True)
        june = Figure(2025, 6, D("5.3"))
        last_year = year("5.2", 2024)
        assert status(goal, june, last_year, today=BEFORE_2025_ENDS) == Status.NO_DATA
        assert status(goal, june, last_year, today=AFTER_2025) == Status.AWAITING_RESULT
        assert status(goal, june, year("5.0", 2025)) == Status.ACHIEVED

    def test_a_multi_year_target_is_achieved_early_when_higher_is_better(self):
        goal = Goal(D("10"), 2025, baseline_value=D("7.8"), baseline_year=2020)
        early = year("10.2", 2023)
        assert status(goal, early, today=datetime.date(2024, 1, 1)) == Status.ACHIEVED
        # Reached early counts, whatever the deadline's result.
        assert status(goal, early, year("9.8", 2025)) == Status.ACHIEVED

    def test_a_ceiling_must_hold_at_the_deadline(self):
        goal = Goal(D("30"), 2025, sense="lower", baseline_value=D("50"), baseline_year=2020)
        early = year("28", 2023)
        assert status(goal, early, today=datetime.date(2024, 6, 1)) == Status.ON_TRACK
        assert status(goal, early, year("31", 2025)) == Status.MISSED
        assert status(goal, early, year("29", 2025)) == Status.ACHIEVED

    def test_a_month_figure_stands_at_its_month(self):
        june = Figure(2023, 6, D("8.9"))
        assert june.at == D("2023.5")
        assert year("8.9", 2023).at == D("2024")
        result = judged(CORE_SHARE, june, today=BEFORE_2025_ENDS)
        # The path from 7.8 at the end of 2020 to 10 at the end of 2025, in mid-2023.
        assert result.expected_value == D("7.8") + (D("10") - D("7.8")) * D("2.5") / 5
        assert result.status == Status.ON_TRACK
        assert judged(CORE_SHARE, year("8.9", 2023), today=BEFORE_2025_ENDS).status == (
            Status.BEHIND  # the same value for the whole year stands later on the path
        )

    def test_a_month_figure_is_not_the_years_result(self):
        goal = Goal(D("10"), 2025, sense="lower", baseline_value=D("12"), baseline_year=2020)
        assert status(goal, Figure(2025, 6, D("9"))) == Status.AWAITING_RESULT
        assert status(goal, Figure(2025, 12, D("9"))) == Status.ACHIEVED  # as of December

    def test_figures_up_to_the_baseline_do_not_count(self):
        assert status(CORE_SHARE, year("7.8", 2020), today=BEFORE_2025_ENDS) == Status.NO_DATA
        assert status(CORE_SHARE, year("12", 2026), today=BEFORE_2025_ENDS) == Status.NO_DATA


class TestEveryRule:
    """Each rule of RULES (the methodology page lists exactly these) is the one that
    decides some case, and gives its status."""

    CASES = [
        (Facts(GIGABIT, (year("20700", 2024),), BEFORE_2025_ENDS), 0),
        (Facts(ONLINE_RETAIL, (year("15.97", 2025),), AFTER_2025), 1),
        (Facts(CORE_SHARE, tuple(CORE_SHARE_FIGURES), AFTER_2025), 2),
        (Facts(CORE_SHARE, (), BEFORE_2025_ENDS), 3),
        (Facts(Goal(D("10"), 2025), (year("9", 2023),), BEFORE_2025_ENDS), 4),
        (Facts(CORE_SHARE, (year("9.9", 2023),), BEFORE_2025_ENDS), 5),
        (Facts(CORE_SHARE, (year("8", 2023),), BEFORE_2025_ENDS), 6),
    ]

    @pytest.mark.parametrize(("facts", "index"), CASES)
    def test_the_rule_that_decides(self, facts, index):
        rule = status_rule(facts)
        assert rule is RULES[index]
        ordered = facts.figures
        assert target_progress(goal=facts.goal, figures=ordered, today=facts.today).status == (
            rule.status
        )

    def test_every_rule_is_covered(self):
        assert sorted(index for _facts, index in self.CASES) == list(range(len(RULES)))
        assert {rule.status for rule in RULES} == set(Status)


class TestProgress:
    def test_share_of_the_way(self):
        result = judged(CORE_SHARE, year("9.9", 2023), today=BEFORE_2025_ENDS)
        assert result.share == pytest.approx((9.9 - 7.8) / (10 - 7.8))
        assert result.percent == 95

    def test_no_baseline_no_share(self):
        assert judged(Goal(D("10"), 2025), year("9", 2025)).share is None

    def test_status_labels_are_words(self):
        assert Status.ON_TRACK.label == "on track"
        assert Status.AWAITING_RESULT.label == "awaiting result"
        assert Status.NO_DATA.label == "no data"


@pytest.mark.django_db
def test_superseded_and_unverified_figures_do_not_count():
    """Through the queryset the pages use: a revision replaces the figure it supersedes."""
    from policies.models import Observation
    from policies.selectors import figures_of
    from tests.factories import IndicatorFactory, ObservationFactory

    indicator = IndicatorFactory()
    first = ObservationFactory(indicator=indicator, period="2025", value=D("10.2"))
    ObservationFactory(
        indicator=indicator, period="2024", value=D("11"), source=None, verified=False
    )
    goal = Goal(D("10"), 2025, baseline_value=D("7.8"), baseline_year=2020)

    def counted_status() -> Status:
        figures = figures_of(Observation.objects.filter(indicator=indicator).counted())
        return status(goal, *figures)

    assert counted_status() == Status.ACHIEVED
    ObservationFactory(indicator=indicator, period="2025", value=D("9.7"), supersedes=first)
    assert counted_status() == Status.MISSED


# The property tests: figures drawn around a goal, in any order, on any day.
VALUES = st.sampled_from([D(v) for v in ("0.5", "4.75", "5", "5.3", "9.5", "9.9", "10", "12")])
QUALIFIERS = st.sampled_from(["exact", "about", "at_least", "at_most"])
FIGURES = st.lists(
    st.builds(
        Figure,
        year=st.integers(2019, 2027),
        month=st.none() | st.integers(1, 12),
        value=VALUES,
        qualifier=QUALIFIERS,
        published_on=st.none() | st.dates(datetime.date(2020, 1, 1), datetime.date(2028, 1, 1)),
    ),
    max_size=8,
)


@st.composite
def goals(draw) -> Goal:
    sense = draw(st.sampled_from(["higher", "lower", "near"]))
    qualifier = draw(
        st.sampled_from(
            {"higher": ["exact", "about", "at_least"], "lower": ["exact", "about", "at_most"]}.get(
                sense, ["exact", "about"]
            )
        )
    )
    target_year = draw(st.integers(2021, 2026))
    annual = draw(st.booleans())
    baseline = draw(st.none() | st.tuples(VALUES, st.integers(2018, target_year - 1)))
    return Goal(
        value=draw(VALUES),
        year=target_year,
        qualifier=qualifier,
        sense=sense,
        baseline_value=None if baseline is None else baseline[0],
        baseline_year=None if baseline is None else baseline[1],
        annual=annual,
    )


DAYS = st.dates(datetime.date(2019, 1, 1), datetime.date(2029, 12, 31))


@settings(max_examples=400, deadline=None)
@given(goal=goals(), figures=FIGURES, today=DAYS, data=st.data())
def test_the_order_of_the_figures_never_matters(goal, figures, today, data):
    shuffled = data.draw(st.permutations(figures))
    assert target_progress(goal=goal, figures=shuffled, today=today) == target_progress(
        goal=goal, figures=figures, today=today
    )


class _NoClock(datetime.date):
    """A date class whose clock fails the test if read."""

    @classmethod
    def today(cls):
        raise AssertionError("progress read the clock (date.today)")


class _NoNow(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        raise AssertionError("progress read the clock (datetime.now)")

    @classmethod
    def today(cls):
        raise AssertionError("progress read the clock (datetime.today)")


@settings(max_examples=200, deadline=None)
@given(goal=goals(), figures=FIGURES, today=DAYS, other=DAYS)
def test_today_is_read_only_through_the_argument(goal, figures, today, other):
    clockless = types.SimpleNamespace(date=_NoClock, datetime=_NoNow)
    real = progress.datetime
    progress.datetime = clockless
    try:
        result = target_progress(goal=goal, figures=figures, today=today)
    finally:
        progress.datetime = real
    assert result == target_progress(goal=goal, figures=figures, today=today)
    # Today matters only as "is the target year over?".
    if (today.year > goal.year) == (other.year > goal.year):
        assert result == target_progress(goal=goal, figures=figures, today=other)


def test_the_module_has_no_clock():
    source = inspect.getsource(progress)
    for clock in ("today()", "now()", "localdate", "time.time", "timezone"):
        assert clock not in source, clock


def test_a_december_figure_settles_a_one_year_target():
    """A target of 8.5 亿 by the end of 2025 is met by a figure as of December 2025."""
    goal = Goal(D("8.5"), 2025, sense="higher", annual=True)
    december = Figure(2025, 12, D("8.6"))
    assert status(goal, december) == Status.ACHIEVED
    assert status(goal, Figure(2025, 6, D("8.6"))) == Status.AWAITING_RESULT


def test_a_years_result_and_its_december_figure_read_the_same_in_any_order():
    goal = Goal(D("1"), 2019, sense="higher", annual=True)
    figures = [Figure(2019, None, D("0.5")), Figure(2019, 12, D("0.5"))]
    assert judged(goal, *figures) == judged(goal, *reversed(figures))
    assert judged(goal, *figures).figure == figures[0]  # the year's result closes the year


def test_only_the_last_word_for_a_period_is_judged():
    """Two releases for 2025 that do not revise each other: the later one decides."""
    goal = Goal(D("17"), 2025, baseline_value=D("11.76"), baseline_year=2020)
    early = Figure(2025, None, D("17.2"), published_on=datetime.date(2026, 1, 19))
    late = Figure(2025, None, D("15.97"), published_on=datetime.date(2026, 2, 28))
    assert status(goal, early, late) == Status.MISSED
    assert judged(goal, late, early).figure == late
