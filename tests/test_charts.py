"""Chart builders are pure: rows in, figure dict, summary and table out, no database."""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal as D

import plotly.graph_objects as go
import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import translation

from policies import charts
from policies.charts.base import count_ticks, period_sequence, sector_label, wrap_label
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
    go.Figure(chart.figure)  # raises on any property plotly does not know
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
    # The axis names what the stacks count: pairs of a statement and a theme, not statements.
    assert chart.figure["layout"]["yaxis"]["title"]["text"] == "statements per<br>theme; plans"


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


# Charts that cannot be misread (issue 13).

NO_PROGRESS = Progress(Status.NO_DATA, None, None, None, None)


def one_of_each():
    """Every builder's chart, from a little data."""
    return [
        charts.timeline_chart(
            statement_rows=[
                {"period": datetime.date(2022, 1, 1), "themes__slug": "security", "count": 2},
                {"period": datetime.date(2022, 1, 1), "themes__slug": "tech", "count": 1},
            ],
            plan_rows=[{"period": datetime.date(2022, 1, 1), "count": 1}],
            themes=THEMES,
            granularity="month",
        ),
        charts.heatmap_chart(
            rows=[{"themes__slug": "tech", "sectors__slug": "6g", "count": 2}],
            themes=THEMES,
            sectors=SECTORS,
        ),
        charts.coverage_chart(
            counts={"statements": {"de": 2}, "plans": {"6g": 1}, "targets": {}}, sectors=SECTORS
        ),
        charts.progress_chart([Row(FakeTarget(1, "Core share"), NO_PROGRESS)]),
        charts.target_chart(
            target=FakeTarget(7, "Core share"),
            observations=[FakeObservation(2020, D("7.8"), True)],
            progress=NO_PROGRESS,
        ),
    ]


def luminance(colour: str) -> float:
    """WCAG's relative luminance of a "#rrggbb" colour: 0 is black, 1 white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_heatmap_draws_zero_in_the_lightest_colour():
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
    assert 0 in [cell for row in heatmap["z"] for cell in row]
    # Zero is pinned to the scale's first stop, which is its lightest.
    assert heatmap["zmin"] == 0
    assert heatmap["zmax"] == 3
    assert not heatmap.get("reversescale")
    scale = heatmap["colorscale"]
    assert scale[0][0] == 0
    brightness = [luminance(colour) for _stop, colour in scale]
    assert brightness[0] == max(brightness)
    assert brightness == sorted(brightness, reverse=True)  # darker as the count grows


def test_stacked_timeline_says_a_statement_counts_once_per_theme():
    chart = one_of_each()[0]
    sentence = "A statement with several themes counts once per theme."
    # One bar of 3, though a statement tagged with both themes is in both of its stacks.
    assert [t["y"] for t in chart.figure["data"] if t["type"] == "bar"] == [[2], [1]]
    assert chart.summary.endswith(" " + sentence)
    legend_title = chart.figure["layout"]["legend"]["title"]["text"]
    assert legend_title.replace("<br>", " ") == sentence
    plans_only = charts.timeline_chart(
        statement_rows=[],
        plan_rows=[{"period": datetime.date(2022, 1, 1), "count": 1}],
        themes=THEMES,
        granularity="month",
    )
    assert sentence not in plans_only.summary  # no stacks, nothing to warn about
    assert "title" not in plans_only.figure["layout"]["legend"]


def integer_ticks(axis):
    return axis["tickformat"] in {"d", ",d"} and type(axis["dtick"]) is int and axis["dtick"] >= 1


def test_count_axes_tick_whole_numbers():
    timeline, heatmap, coverage, *_ = one_of_each()
    # Small maxima (3 in a stack, 2 in a cell, 2 sectors' records), which plotly would tick
    # at 0.5: every step is one.
    assert integer_ticks(timeline.figure["layout"]["yaxis"])
    assert timeline.figure["layout"]["yaxis"]["dtick"] == 1
    colour_bar = heatmap.figure["data"][0]["colorbar"]
    assert integer_ticks(colour_bar)
    assert colour_bar["dtick"] == 1
    assert integer_ticks(coverage.figure["layout"]["xaxis"])
    assert coverage.figure["layout"]["xaxis"]["dtick"] == 1
    # Larger ones step by 1, 2 or 5 times a power of ten, a few ticks from 0 up.
    for highest in [0, 1, 6, 7, 13, 99, 1_000, 123_456]:
        ticks = count_ticks(highest)
        assert ticks["tick0"] == 0
        assert ticks["dtick"] in {step * 10**power for step in (1, 2, 5) for power in range(6)}
        assert highest / ticks["dtick"] <= 6
        assert ticks["dtick"] == 1 or highest / ticks["dtick"] > 2


def empty_charts():
    return [
        charts.timeline_chart(statement_rows=[], plan_rows=[], themes=THEMES, granularity="year"),
        charts.heatmap_chart(rows=[], themes=THEMES, sectors=SECTORS),
        charts.coverage_chart(
            counts={"statements": {}, "plans": {}, "targets": {}}, sectors=SECTORS
        ),
        charts.progress_chart([]),
    ]


@pytest.mark.parametrize("index", range(4), ids=["timeline", "heatmap", "coverage", "progress"])
def test_an_empty_chart_shows_a_sentence_not_empty_axes(index):
    chart = serialisable(empty_charts()[index])
    assert chart.empty
    html = render_to_string("components/chart.html", {"chart": chart})
    assert f'<p class="summary" id="{chart.key}-summary">{chart.summary}</p>' in html
    assert chart.summary.startswith("No ")
    assert "chart-empty" in html
    # No figure for plotly to draw: no plot element and no figure's JSON.
    assert "data-figure" not in html
    assert "application/json" not in html


def test_a_chart_with_data_sends_its_figure():
    for chart in one_of_each():
        assert not chart.empty, chart.key
        html = render_to_string("components/chart.html", {"chart": chart})
        assert f'data-figure="{chart.key}-data"' in html
        assert f'id="{chart.key}-data" type="application/json"' in html
        assert "chart-empty" not in html
    # A target with no figures yet still has something to draw: its goal, and the path to it.
    target = charts.target_chart(
        target=FakeTarget(7, "Core share"), observations=[], progress=NO_PROGRESS
    )
    assert not target.empty


@pytest.mark.parametrize(("language", "separators"), [("en", ".,"), ("fr", ",\xa0")])
def test_numbers_in_charts_follow_the_language(language, separators):
    with translation.override(language):
        built = one_of_each() + empty_charts()
        table = charts.target_chart(
            target=FakeTarget(7, "Core share"),
            observations=[FakeObservation(2020, D("7.8"), True)],
            progress=NO_PROGRESS,
        ).rows
    for chart in built:
        # Plotly's decimal mark, then its thousands separator: Django's, for the language.
        assert chart.figure["layout"]["separators"] == separators, chart.key
    assert table[0][1] == ("7,8" if language == "fr" else "7.8")


def test_progress_names_sit_above_their_bars():
    rows = [
        Row(
            FakeTarget(1, "Value added of core digital-economy industries, share of GDP"),
            NO_PROGRESS,
        ),
        Row(FakeTarget(2, "<b>IPv6</b> users"), NO_PROGRESS),
    ]
    chart = serialisable(charts.progress_chart(rows))
    layout = chart.figure["layout"]
    # Written across the plot above each bar, not as tick labels beside it, which left a
    # phone a plot some 80 px wide.
    assert layout["yaxis"]["showticklabels"] is False
    names = [note["text"] for note in layout["annotations"]]
    assert names == [
        "Value added of core digital-economy<br>industries, share of GDP",
        "&lt;b&gt;IPv6&lt;/b&gt; users",
    ]
    assert [note["y"] for note in layout["annotations"]] == [0, 1]
    assert all(note["yanchor"] == "bottom" for note in layout["annotations"])
    bar = chart.figure["data"][0]
    # From the row's tick down, below its name.
    assert bar["offset"] == 0
    assert 0 < bar["width"] < 1
    assert len(layout["shapes"]) == 2  # the goal marked on each bar


def test_long_labels_are_wrapped_for_narrow_screens():
    assert sector_label(FakeSector("ce", "Communication equipment", 1)) == (
        "\u2002Communication<br>\u2002equipment"
    )
    with translation.override("fr"):
        chart = charts.progress_chart([Row(FakeTarget(1, "Core share"), NO_PROGRESS)])
    title = chart.figure["layout"]["xaxis"]["title"]["text"]
    assert all(len(line) <= 36 for line in title.split("<br>"))
