"""Target status from baseline, latest verified figure and the straight path (no database)."""

from decimal import Decimal as D

import pytest

from policies.progress import Status, path_value, target_progress


def progress(
    latest_value, latest_year, *, baseline=("7.8", 2020), target=("10", 2025), decreasing=False
):
    return target_progress(
        baseline_value=D(baseline[0]) if baseline[0] is not None else None,
        baseline_year=baseline[1],
        target_value=D(target[0]),
        target_year=target[1],
        decreasing=decreasing,
        latest_value=None if latest_value is None else D(latest_value),
        latest_year=latest_year,
    )


def test_path_is_a_straight_line():
    assert path_value(
        baseline_value=D("7.8"),
        baseline_year=2020,
        target_value=D("10"),
        target_year=2025,
        year=2023,
    ) == D("9.12")


def test_headline_target_is_on_track_as_of_2023():
    # FACTS.md: 7.8 % in 2020, 9.9 % in 2023, 10 % by 2025; the path says 9.12 in 2023.
    result = progress("9.9", 2023)
    assert result.status == Status.ON_TRACK
    assert result.expected_value == D("9.12")
    assert result.share == pytest.approx((9.9 - 7.8) / (10 - 7.8))
    assert result.as_of_year == 2023


@pytest.mark.parametrize(
    ("value", "year", "status"),
    [
        ("9.0", 2023, Status.BEHIND),
        ("10", 2024, Status.ACHIEVED),
        ("10.4", 2024, Status.ACHIEVED),
        ("9.5", 2025, Status.OVERDUE),
        ("9.5", 2026, Status.OVERDUE),
        ("7.8", 2020, Status.NO_DATA),  # only the baseline itself
        (None, None, Status.NO_DATA),
    ],
)
def test_statuses(value, year, status):
    assert progress(value, year).status == status


def test_decreasing_targets_mirror_increasing_ones():
    kwargs = {"baseline": ("50", 2020), "target": ("30", 2025), "decreasing": True}
    assert progress("40", 2022, **kwargs).status == Status.ON_TRACK  # path: 42
    assert progress("45", 2022, **kwargs).status == Status.BEHIND
    assert progress("29", 2024, **kwargs).status == Status.ACHIEVED
    assert progress("35", 2025, **kwargs).status == Status.OVERDUE


def test_without_a_baseline_only_the_end_can_be_judged():
    assert progress("5", 2022, baseline=(None, None)).status == Status.NO_DATA
    assert progress("11", 2022, baseline=(None, None)).status == Status.ACHIEVED
    assert progress("9", 2025, baseline=(None, None)).status == Status.OVERDUE
    assert progress("9", 2025, baseline=(None, None)).share is None


def test_status_labels_are_words():
    assert Status.ON_TRACK.label == "on track"
    assert Status.NO_DATA.label == "no data"
