"""Chart builders are pure: rows in, figure dict, summary and table out, no database."""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal as D

from django.core.serializers.json import DjangoJSONEncoder

from policies import charts
from policies.charts.base import period_sequence, wrap_label
from policies.progress import Progress, Status


@dataclass
class FakeTheme:
    slug: str
    name: str
    colour: str = "#1f77b4"


@dataclass
class FakeSector:
    slug: str
    name: str
    depth: int = 0


@dataclass
class FakeTarget:
    pk: int
    indicator_en: str
    unit_en: str = "%"
    baseline_value: D | None = D("7.8")
    baseline_year: int | None = 2020
    target_value: D = D("10")
    target_year: int = 2025


@dataclass
class Row:
    target: FakeTarget
    progress: Progress


@dataclass
class FakeObservation:
    year: int
    value: D
    verified: bool
    source: str | None = "NBS"


THEMES = [FakeTheme("security", "Security", "#d62728"), FakeTheme("tech", "Key technologies")]
SECTORS = [FakeSector("de", "Digital economy"), FakeSector("6g", "6G", 1)]


def serialisable(chart):
    json.dumps(chart.figure, cls=DjangoJSONEncoder)
    return chart


def test_timeline_stacks_themes_and_fills_empty_periods():
    chart = serialisable(
        charts.timeline_chart(
            statement_rows=[
                {"period": datetime.date(2022, 1, 1), "themes__slug": "security", "count": 2},
                {"period": datetime.date(2022, 3, 1), "themes__slug": "tech", "count": 1},
                {"period": datetime.date(2022, 3, 1), "themes__slug": None, "count": 4},
            ],
            plan_rows=[{"period": datetime.date(2022, 1, 1), "count": 1}],
            themes=THEMES,
            granularity="month",
        )
    )
    bars = [t for t in chart.figure["data"] if t["type"] == "bar"]
    assert [b["name"] for b in bars] == ["Security", "Key technologies", "No theme"]
    assert list(bars[0]["x"]) == ["2022-01", "2022-02", "2022-03"]
    assert list(bars[0]["y"]) == [2, 0, 0]
    assert bars[0]["marker"]["color"] == "#d62728"
    assert chart.figure["layout"]["barmode"] == "stack"
    plans = [t for t in chart.figure["data"] if t["type"] == "scatter"]
    assert list(plans[0]["y"]) == [1, 0, 0]
    assert chart.columns == [
        "Period",
        "Security",
        "Key technologies",
        "No theme",
        "Plans published",
    ]
    assert chart.rows[1] == ["2022-02", 0, 0, 0, 0]
    assert "from 2022-01 to 2022-03" in chart.summary
    assert "No theme (4)" in chart.summary


def test_timeline_by_quarter_and_year():
    assert period_sequence(datetime.date(2021, 10, 1), datetime.date(2022, 7, 1), "quarter") == [
        datetime.date(2021, 10, 1),
        datetime.date(2022, 1, 1),
        datetime.date(2022, 4, 1),
        datetime.date(2022, 7, 1),
    ]
    assert charts.period_label(datetime.date(2022, 4, 1), "quarter") == "2022 Q2"
    assert charts.period_label(datetime.date(2022, 1, 1), "year") == "2022"


def test_empty_timeline_says_so():
    chart = charts.timeline_chart(
        statement_rows=[], plan_rows=[], themes=THEMES, granularity="month"
    )
    assert chart.empty
    assert chart.summary == "No statements or plans match these filters."


def test_heatmap_matrix_follows_sector_tree_order():
    chart = serialisable(
        charts.heatmap_chart(
            rows=[
                {"themes__slug": "tech", "sectors__slug": "6g", "count": 3},
                {"themes__slug": "security", "sectors__slug": "de", "count": 1},
            ],
            themes=THEMES,
            sectors=SECTORS,
        )
    )
    heatmap = chart.figure["data"][0]
    assert list(heatmap["x"]) == ["Security", "Key technologies"]
    assert [list(r) for r in heatmap["z"]] == [[1, 0], [0, 3]]
    assert "Key technologies × 6G (3)" in chart.summary
    assert chart.rows == [["Digital economy", 1, 0], ["6G", 0, 3]]


def test_progress_puts_every_target_on_one_scale():
    rows = [
        Row(
            FakeTarget(1, "Core share"),
            Progress(Status.ON_TRACK, 2023, D("9.9"), 0.9545, D("9.12")),
        ),
        Row(
            FakeTarget(2, "IPv6 users", unit_en="100 million"),
            Progress(Status.NO_DATA, None, None, None, None),
        ),
    ]
    chart = serialisable(charts.progress_chart(rows))
    bar = chart.figure["data"][0]
    assert list(bar["x"]) == [95.5, 0.0]
    assert list(bar["marker"]["color"]) == ["#0072b2", "#999999"]
    assert list(bar["text"]) == ["on track", "no data"]
    assert chart.summary == "2 targets: 1 on track, 1 no data."
    assert chart.rows[0] == [
        "Core share",
        "7.8 (2020)",
        "9.9 (2023)",
        "10 (2025)",
        "%",
        "on track",
        "95 %",
    ]
    assert chart.rows[1][2] == "— (—)"


def test_target_chart_separates_unverified_figures():
    target = FakeTarget(7, "Core share")
    chart = serialisable(
        charts.target_chart(
            target=target,
            observations=[
                FakeObservation(2020, D("7.8"), True),
                FakeObservation(2023, D("9.9"), True),
                FakeObservation(2024, D("10.4"), False, None),
            ],
            progress=Progress(Status.ON_TRACK, 2023, D("9.9"), 0.95, D("9.12")),
        )
    )
    names = [trace["name"] for trace in chart.figure["data"]]
    assert names == [
        "Straight path to the target",
        "Target",
        "Verified observations",
        "Unverified",
    ]
    path = chart.figure["data"][0]
    assert (list(path["x"]), list(path["y"])) == ([2020, 2025], [7.8, 10.0])
    assert list(chart.figure["data"][3]["y"]) == [10.4]
    assert "1 unverified figure(s) shown apart, not counted." in chart.summary
    assert chart.rows[2] == [2024, "10.4", "no", "—"]


def test_coverage_counts_each_record_type():
    chart = charts.coverage_chart(
        counts={"statements": {"de": 5}, "plans": {"6g": 1}, "targets": {}}, sectors=SECTORS
    )
    assert [t["name"] for t in chart.figure["data"]] == ["Statements", "Plans", "Targets"]
    assert chart.rows == [["Digital economy", 5, 0, 0], ["6G", 0, 1, 0]]
    assert "most covered is Digital economy (5 records)" in chart.summary


def test_labels_cannot_inject_markup():
    theme = FakeTheme("x", "<img src=x onerror=alert(1)>")
    chart = charts.timeline_chart(
        statement_rows=[{"period": datetime.date(2022, 1, 1), "themes__slug": "x", "count": 1}],
        plan_rows=[],
        themes=[theme],
        granularity="month",
    )
    trace = chart.figure["data"][0]
    assert "<img" not in trace["hovertemplate"]
    assert trace["name"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert wrap_label("<b>bold</b> and a rather long label to wrap", 12).startswith(
        "&lt;b&gt;bold&lt;/b&gt;<br>"
    )
    # Every label built from records is escaped for plotly; summaries stay plain text,
    # since the page escapes them itself.
    sector = FakeSector("x", '<a href="https://evil.example/">click</a>')
    heatmap = charts.heatmap_chart(
        rows=[{"themes__slug": "x", "sectors__slug": "x", "count": 1}],
        themes=[theme],
        sectors=[sector],
    )
    assert "<a " not in json.dumps(heatmap.figure["data"])
    assert '<a href="https://evil.example/">click</a>' in heatmap.summary
    coverage = charts.coverage_chart(
        counts={"statements": {"x": 1}, "plans": {}, "targets": {}}, sectors=[sector]
    )
    assert "<a " not in json.dumps(coverage.figure["data"])
    target = FakeTarget(1, "<i>x</i>", unit_en="<a href='https://e.example'>u</a>")
    target_chart = charts.target_chart(
        target=target, observations=[], progress=Progress(Status.NO_DATA, None, None, None, None)
    )
    assert "<a " not in json.dumps(target_chart.figure["layout"])
    assert target_chart.summary.startswith("<i>x</i>;")
