"""Bad input on indicators, figures and targets is refused by the models' own validation,
with a message that says what is wrong (the admin shows the same: tests/admin)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from policies.models import Observation, Target
from tests.factories import IndicatorFactory, ObservationFactory, PlanFactory, TargetFactory

pytestmark = pytest.mark.django_db

PERIOD_MESSAGE = (
    "Write the period as a year (2024) or a year and its month (2025-06); a month period "
    "needs its month, from 01 to 12."
)


def refused(record) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    return error.value.message_dict


class TestObservation:
    def test_a_unit_of_another_quantity_is_refused_naming_both_units(self):
        gigabit = IndicatorFactory(unit="wan-households", name_en="Gigabit users")
        figure = ObservationFactory.build(
            indicator=gigabit, source=None, verified=False, value=Decimal("2"), unit="wan-yi-yuan"
        )
        message = refused(figure)["unit"][0]
        assert "万亿元 (trillion yuan)" in message
        assert "万户 (10,000 households)" in message
        assert "Gigabit users" in message

    def test_a_value_too_large_once_converted_is_refused_not_stored(self):
        """9,999,999,999,999,999 亿户 is 10²⁰ 万户: more digits than the converted value
        keeps, which would fail at the database or on every page reading it."""
        gigabit = IndicatorFactory(unit="wan-households")
        figure = ObservationFactory.build(
            indicator=gigabit,
            source=None,
            verified=False,
            value=Decimal("9999999999999999"),
            unit="yi-households",
        )
        message = refused(figure)["value"][0]
        assert "too large to store in the indicator's unit (万户)" in message
        with pytest.raises(ValidationError):
            figure.save()
        assert not Observation.objects.filter(indicator=gigabit).exists()

    def test_a_unit_of_the_same_quantity_is_converted(self):
        gigabit = IndicatorFactory(unit="wan-households")
        figure = ObservationFactory.build(
            indicator=gigabit,
            source=None,
            verified=False,
            value=Decimal("2.07"),
            unit="yi-households",
        )
        figure.full_clean()
        assert figure.indicator_value == Decimal("20700")
        figure.save()
        assert Observation.objects.get(pk=figure.pk).indicator_value == Decimal("20700")

    def test_an_unknown_unit_code_is_refused_not_a_crash(self):
        figure = ObservationFactory.build(
            indicator=IndicatorFactory(), source=None, verified=False, unit="furlongs"
        )
        messages = refused(figure)["unit"]
        assert any("not a unit the tracker knows" in m for m in messages), messages

    @pytest.mark.parametrize("period", ["2025-", "2025-13", "2025-00", "2025-6", "25", "2025/06"])
    def test_a_period_without_a_proper_month_is_refused(self, period):
        figure = ObservationFactory.build(
            indicator=IndicatorFactory(), source=None, verified=False, period=period
        )
        assert refused(figure)["period"] == [PERIOD_MESSAGE]

    @pytest.mark.parametrize("period", ["2025-13", "2025-"])
    def test_a_bad_period_cannot_be_saved_past_validation(self, period):
        figure = ObservationFactory(period="2025-06")
        figure.period = period
        with pytest.raises(ValidationError, match="a month period needs its month"):
            figure.save()
        figure.refresh_from_db()
        assert (figure.period, figure.year, figure.month) == ("2025-06", 2025, 6)

    @pytest.mark.parametrize(
        ("period", "year", "month"), [("2024", 2024, None), ("2025-06", 2025, 6)]
    )
    def test_year_and_month_are_read_off_the_period(self, period, year, month):
        figure = ObservationFactory(period=period)
        assert (figure.year, figure.month) == (year, month)

    def test_a_revision_supersedes_a_figure_of_the_same_period(self):
        first = ObservationFactory(period="2023")
        revision = ObservationFactory.build(
            indicator=first.indicator, period="2024", source=None, verified=False, supersedes=first
        )
        assert "same indicator and period" in refused(revision)["supersedes"][0]


class TestTarget:
    def target(self, **fields) -> Target:
        return TargetFactory.build(plan=PlanFactory(), indicator=IndicatorFactory(), **fields)

    @pytest.mark.parametrize(
        ("qualifier", "sense"),
        [("at_least", "lower"), ("at_least", "near"), ("at_most", "higher"), ("at_most", "near")],
    )
    def test_a_qualifier_that_contradicts_the_sense_is_refused(self, qualifier, sense):
        target = self.target(
            qualifier=qualifier, sense=sense, baseline_value=None, baseline_year=None
        )
        assert refused(target)["__all__"] == [
            "The qualifier contradicts the sense: “at least” goes with higher is better, and "
            "“at most” with lower is better."
        ]

    @pytest.mark.parametrize(
        ("qualifier", "sense"),
        [("at_least", "higher"), ("at_most", "lower"), ("about", "near"), ("exact", "lower")],
    )
    def test_a_qualifier_that_agrees_with_the_sense_is_accepted(self, qualifier, sense):
        target = self.target(
            qualifier=qualifier, sense=sense, baseline_value=None, baseline_year=None
        )
        target.full_clean()

    def test_a_unit_of_another_quantity_is_refused_naming_both_units(self):
        target = self.target(value=Decimal("6000"), unit="wan-households")  # a percent indicator
        message = refused(target)["unit"][0]
        assert "万户 (10,000 households)" in message
        assert "% (per cent)" in message

    def test_the_value_is_converted_to_the_indicators_unit(self):
        target = TargetFactory.build(
            plan=PlanFactory(),
            indicator=IndicatorFactory(unit="wan-households", kind="level"),
            value=Decimal("0.3"),
            unit="yi-households",
            baseline_value=Decimal("0.064"),
        )
        target.full_clean()
        target.save()
        assert target.target_value == Decimal("3000")
        assert target.baseline_in_indicator_unit == Decimal("640")


class TestIndicator:
    def test_its_unit_cannot_change_under_its_figures(self):
        figure = ObservationFactory(indicator=IndicatorFactory(unit="wan-households"))
        indicator = figure.indicator
        indicator.unit = "yi-households"
        assert "unit cannot change" in refused(indicator)["unit"][0]

    def test_its_unit_may_change_while_nothing_uses_it(self):
        indicator = IndicatorFactory(unit="wan-households")
        indicator.unit = "yi-households"
        indicator.full_clean()
