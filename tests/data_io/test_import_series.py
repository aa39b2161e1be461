"""Importing series: indicators named by slug, observations in their sources' units, periods
that are years or months, and targets whose qualifier agrees with their sense; each bad file
refused whole, through the service and the command."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from policies.data_io.loads import records_import
from policies.data_io.readers import ImportFileError
from policies.models import Indicator, Observation, Target
from tests.data_io.files import (
    OBSERVATION_HEADER,
    OBSERVATION_ROW,
    observation_csv,
    snapshot,
    target_csv,
)
from tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        # An unknown indicator: the row and the slug are named.
        (
            "targets.csv",
            target_csv(indicator="atlantis-share"),
            "targets.csv, row 3, column indicator: unknown indicator 'atlantis-share' (no "
            "record with that slug)",
        ),
        (
            "observations.csv",
            observation_csv(indicator="atlantis-share"),
            "observations.csv, row 3, column indicator: unknown indicator 'atlantis-share' (no "
            "record with that slug)",
        ),
        # A unit that counts something else than the indicator's: both are named.
        (
            "observations.csv",
            observation_csv(unit="wan-yi-yuan"),
            "observations.csv, row 3, column unit: 万亿元 (trillion yuan) does not convert to "
            "万户 (10,000 households), the unit of the indicator “Gigabit broadband users”: "
            "they count different things.",
        ),
        (
            "targets.csv",
            target_csv(unit="wan-people"),
            "targets.csv, row 3, column unit: 万人 (10,000 people) does not convert to "
            "% (per cent)",
        ),
        # A month period without its month, or with a month that is not one.
        (
            "observations.csv",
            observation_csv(period="2025-"),
            "observations.csv, row 3, column period: Write the period as a year (2024) or a "
            "year and its month (2025-06); a month period needs its month, from 01 to 12.",
        ),
        (
            "observations.csv",
            observation_csv(period="2025-13"),
            "observations.csv, row 3, column period: Write the period as a year",
        ),
        # A qualifier that contradicts the sense.
        (
            "targets.csv",
            target_csv(qualifier="at_least", sense="lower", baseline_value="13"),
            "targets.csv, row 3: The qualifier contradicts the sense: “at least” goes with "
            "higher is better, and “at most” with lower is better.",
        ),
        (
            "targets.csv",
            target_csv(qualifier="at_most", sense="near"),
            "targets.csv, row 3: The qualifier contradicts the sense",
        ),
        (
            "targets.csv",
            target_csv(qualifier="roughly"),
            "targets.csv, row 3, column qualifier: Value 'roughly' is not a valid choice.",
        ),
    ],
)
def test_bad_series_files_are_refused_whole(seeded, name, data, message):
    before = snapshot()
    with pytest.raises(ImportFileError) as error:
        records_import(name=name, data=data)
    assert any(message in line for line in error.value.errors), error.value.errors
    assert snapshot() == before
    # The good row before the bad one was not kept either.
    assert not Target.objects.filter(slug="new-target").exists()
    assert not Observation.objects.filter(period="2031").exists()


def test_a_file_naming_an_unknown_indicator_is_refused_whole(seeded, tmp_path):
    rows = target_csv({"indicator": "nope-a"}, {}, {"indicator": "nope-b", "value": "x"})
    path = tmp_path / "targets.csv"
    path.write_bytes(rows)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_records", str(path), stdout=StringIO())
    lines = str(error.value).splitlines()
    assert lines[0] == "Nothing was imported."
    named = [line.strip() for line in lines if "column indicator" in line]
    assert named == [
        f"{path}, row 3, column indicator: unknown indicator 'nope-a' (no record with that slug)",
        f"{path}, row 5, column indicator: unknown indicator 'nope-b' (no record with that slug)",
    ]
    # Rows 2 and 4 were good: nothing of them is written either.
    assert snapshot() == before
    assert not Target.objects.filter(slug__startswith="new-target").exists()


def test_observations_import_in_the_units_their_sources_give(seeded):
    indicator = IndicatorFactory(slug="test-gigabit", unit="wan-households", kind="level")
    TargetFactory(indicator=indicator, value=Decimal("6000"), unit="wan-households")
    rows = [
        OBSERVATION_ROW | {"indicator": "test-gigabit", "period": "2024", "value": "2.07"},
        OBSERVATION_ROW
        | {"indicator": "test-gigabit", "period": "2025-06", "value": "22600", "unit": ""},
    ]
    data = OBSERVATION_HEADER + "".join(",".join(row.values()) + "\n" for row in rows)
    report = records_import(name="observations.csv", data=data.encode())
    assert report.lines() == ["observations: 2 created"]
    year, month = Observation.objects.filter(indicator=indicator).by_period()
    assert (year.period, year.year, year.month, year.unit) == ("2024", 2024, None, "yi-households")
    assert year.indicator_value == 20700
    assert year.qualifier == "about"
    # An empty unit is the indicator's.
    assert (month.year, month.month, month.unit, month.indicator_value) == (2025, 6, "", 22600)
    # Importing the same file again changes nothing.
    again = records_import(name="observations.csv", data=data.encode())
    assert again.lines() == ["observations: 2 unchanged"]
    assert Indicator.objects.get(slug="test-gigabit").observations.count() == 2
