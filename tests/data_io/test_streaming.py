"""Cells on their way out: safe to open in a spreadsheet, one CSV line per row."""

import csv
import io

import pytest

from policies.data_io.cells import neutralise
from policies.data_io.schema import RECORD_KINDS
from policies.data_io.streaming import csv_lines


@pytest.mark.parametrize("value", ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"])
def test_cells_that_would_run_as_formulas_are_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("plain") == "plain"
    kind = RECORD_KINDS["observations"]
    columns = ["target", "year", "value", "released_on", "source", "locator", "verified", "note"]
    assert list(kind.columns) == columns
    row = ["plan/target", 2022, "8.5", None, None, "", True, value]
    header, line = csv.reader(io.StringIO("".join(csv_lines(kind, [row])), newline=""))
    assert header == columns
    assert line == ["plan/target", "2022", "8.5", "", "", "", "true", "'" + value]
