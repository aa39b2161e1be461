"""Cells on their way out: safe to open in a spreadsheet, one CSV line per row, each
read-only column beside the one it explains."""

import csv
import io

import pytest

from policies.data_io.cells import neutralise
from policies.data_io.schema import PERMALINK, RECORD_KINDS, ReadOnlyColumn, RecordKind
from policies.data_io.streaming import csv_lines
from policies.models import Target

OBSERVATION_COLUMNS = [
    "indicator",
    "period",
    "value",
    "unit",
    "indicator_value",
    "qualifier",
    "published_on",
    "source",
    "locator",
    "verified",
    "supersedes",
    "note",
    "note_fr",
]


@pytest.mark.parametrize("value", ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"])
def test_cells_that_would_run_as_formulas_are_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("plain") == "plain"
    kind = RECORD_KINDS["observations"]
    assert list(kind.exported) == OBSERVATION_COLUMNS
    row = ["ind", "2022", "8.5", "", "8.5", "exact", None, None, "", True, None, value, value]
    header, line = csv.reader(io.StringIO("".join(csv_lines(kind, [row])), newline=""))
    assert header == OBSERVATION_COLUMNS
    assert line == [
        *["ind", "2022", "8.5", "", "8.5", "exact", "", "", "", "true", ""],
        *["'" + value] * 2,
    ]


def test_a_read_only_text_column_is_neutralised_too():
    kind = RECORD_KINDS["targets"]
    row = [None] * len(kind.exported)
    row[kind.exported.index("indicator_name")] = "=cmd"
    row[kind.exported.index("target_value")] = "-5"  # a number, written as it is
    _header, line = csv.reader(io.StringIO("".join(csv_lines(kind, [row])), newline=""))
    assert line[kind.exported.index("indicator_name")] == "'=cmd"
    assert line[kind.exported.index("target_value")] == "-5"


def test_read_only_columns_sit_after_what_they_follow_and_are_skipped_on_import():
    kind = RecordKind(
        "targets",
        Target,
        ("plan", "slug"),
        ("plan", "slug", "indicator", "value"),
        read_only=(
            ReadOnlyColumn("second", "indicator__unit", after="first"),
            ReadOnlyColumn("first", "indicator__name_en", after="indicator"),
            ReadOnlyColumn("last", "target_value", after="value"),
        ),
        permalink="policies:target_detail",
    )
    assert kind.exported == ("plan", "slug", "indicator", "first", "second", "value", "last")
    assert kind.skipped_on_import == {"first", "second", "last", PERMALINK}
    assert kind.lookup_of("first") == "indicator__name_en"
    assert kind.field_of("second").name == "unit"
    assert kind.field_of("second").model.__name__ == "Indicator"
    assert kind.field_of("value").model is Target
