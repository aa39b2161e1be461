"""Chart builders are pure: rows in, figure dict, summary and table out, no database."""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal as D
from typing import ClassVar

import plotly.graph_objects as go
import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import translation

from policies import charts, units
from policies.charts.base import count_ticks, period_sequence, sector_label, wrap_label
from policies.models import Source
from policies.progress import Figure, Progress, Status


@dataclass
class FakeTheme:
    TRANSLATED: ClassVar[dict[str, str]] = {"name": "name"}
    slug: str
    name: str
    colour: str = "#1f77b4"
    name_fr: str = ""


@dataclass
class FakeSector:
    TRANSLATED: ClassVar[dict[str, str]] = {"name": "name"}
    slug: str
    name: str
    depth: int = 0
    name_fr: str = ""


@dataclass
class FakePlan:
    TRANSLATED: ClassVar[dict[str, str]] = {"title": "title_en"}
    pk: int
    title_en: str = "14th Five-Year Plan for Digital Economy Development"
    title_fr: str = ""


@dataclass
class FakeIndicator:
    TRANSLATED: ClassVar[dict[str, str]] = {"name": "name_en"}
    slug: str = "core-digital-share"
    name: str = "数字经济核心产业增加值占GDP比重"
    name_en: str = "Core share"
    unit: str = "percent"
    name_fr: str = ""


@dataclass
class FakeTarget:
    pk: int
    indicator: FakeIndicator
    plan: FakePlan = field(default_factory=lambda: FakePlan(1))
    value: D = D("10")
    unit: str = "percent"
    qualifier: str = "exact"
    baseline_value: D | None = D("7.8")
    baseline_year: int | None = 2020
    target_value: D = D("10")
    target_year: int = 2025

    @property
    def baseline_in_indicator_unit(self):
        if self.baseline_value is None:
            return None
        return units.convert(self.baseline_value, from_unit=self.unit, to_unit=self.indicator.unit)


def target(pk: int, name: str, **kwargs) -> FakeTarget:
    indicator = kwargs.pop("indicator", None) or FakeIndicator(name_en=name)
    return FakeTarget(pk, indicator, **kwargs)


@dataclass
class Row:
    target: FakeTarget
    progress: Progress


@dataclass
class FakeSource:
    reader_title: str


@dataclass
class FakeObservation:
    TRANSLATED: ClassVar[dict[str, str]] = {"note": "note"}
    period: str
    value: D
    verified: bool = True
    source: FakeSource | None = field(default_factory=lambda: FakeSource("NBS"))
    qualifier: str = "exact"
    unit: str = ""
    revised: bool = False
    published_on: datetime.date | None = None
    indicator_value: D | None = None
    note: str = ""
    note_fr: str = ""

    def __post_init__(self):
        if self.indicator_value is None:
            self.indicator_value = self.value

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def month(self) -> int | None:
        return int(self.period[5:]) if len(self.period) > 4 else None


def figure(period: str, value: str, qualifier: str = "exact", published_on=None) -> Figure:
    month = int(period[5:]) if len(period) > 4 else None
    return Figure(int(period[:4]), month, D(value), qualifier, published_on)


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
    users = FakeIndicator("ipv6-active-users", "IPv6活跃用户数", "IPv6 users", "yi-users")
    rows = [
        Row(
            target(1, "Core share"),
            Progress(Status.ON_TRACK, figure("2023", "9.9"), 0.9545, D("9.12")),
        ),
        Row(
            FakeTarget(
                2,
                users,
                value=D("8"),
                unit="yi-users",
                baseline_value=D("4.6"),
                target_value=D("8"),
            ),
            Progress(Status.NO_DATA, None, None, None),
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
        "14th Five-Year Plan for Digital Economy Development",
        "7.8% in 2020",
        "9.9% in 2023",
        "10% (2025)",
        "on track",
        "95 %",
    ]
    # Units in words, with the unit as the plan writes it beside them.
    assert chart.rows[1][2] == "460 million users (4.6 × 10⁸; 4.6 亿户) in 2020"
    assert chart.rows[1][3] == "—"
    assert chart.rows[1][4] == "800 million users (8 × 10⁸; 8 亿户) (2025)"
    hover = bar["hovertext"][1]
    assert "target: 800 million users (8 × 10⁸; 8 亿户) by 2025" in hover


def test_progress_without_a_baseline_names_the_figure_it_rests_on():
    gdp = FakeIndicator("gdp-growth", "国内生产总值增长", "GDP growth", "percent")
    report = FakePlan(7, "Government Work Report 2024")
    row = Row(
        FakeTarget(
            3,
            gdp,
            report,
            D("5"),
            qualifier="about",
            baseline_value=None,
            baseline_year=None,
            target_value=D("5"),
            target_year=2024,
        ),
        Progress(Status.ACHIEVED, figure("2024", "5"), None, None),
    )
    chart = serialisable(charts.progress_chart([row]))
    bar = chart.figure["data"][0]
    # No baseline, no path: the bar is empty, labelled with its status beside it, and the
    # name above it says what the status rests on.
    assert list(bar["x"]) == [0.0]
    assert list(bar["text"]) == ["achieved"]
    assert list(bar["textposition"]) == ["outside"]
    assert list(bar["outsidetextfont"]["color"]) == ["#007a5a"]  # dark enough on white
    names = [note["text"] for note in chart.figure["layout"]["annotations"]]
    assert names == ["GDP growth · 5% (2024)"]
    # Awaiting its result, a target rests on an earlier year's figure, and says so.
    waiting = Row(
        FakeTarget(
            4,
            gdp,
            FakePlan(8, "Government Work Report 2025"),
            D("5"),
            qualifier="about",
            baseline_value=None,
            baseline_year=None,
            target_value=D("5"),
        ),
        Progress(Status.AWAITING_RESULT, figure("2024", "5"), None, None),
    )
    later = serialisable(charts.progress_chart([waiting]))
    names = [note["text"] for note in later.figure["layout"]["annotations"]]
    assert names == ["GDP growth · last confirmed 5%<br>(2024)"]
    assert list(later.figure["data"][0]["text"]) == ["awaiting result"]
    assert chart.rows[0][4] == "about 5% (2024)"


def test_progress_groups_targets_under_their_plans():
    newer, older = FakePlan(2, "Government Work Report 2025"), FakePlan(1, "Report <2024>")
    rows = [
        Row(target(1, "GDP growth", plan=newer), NO_PROGRESS),
        Row(target(2, "CPI", plan=newer), NO_PROGRESS),
        Row(target(3, "GDP growth", plan=older), NO_PROGRESS),
    ]
    chart = serialisable(charts.progress_chart(rows))
    notes = chart.figure["layout"]["annotations"]
    texts = [note["text"] for note in notes]
    # Each plan's name, bold and escaped, above its first target; then its targets' names.
    assert texts == [
        "<b>Government Work Report 2025</b>",
        "GDP growth",
        "CPI",
        "<b>Report &lt;2024&gt;</b>",
        "GDP growth",
    ]
    ys = [note["y"] for note in notes]
    assert ys == sorted(ys)  # top to bottom, in the order given
    bar = chart.figure["data"][0]
    # Each bar sits just under its own name.
    assert list(bar["y"]) == [ys[1], ys[2], ys[4]]
    assert chart.figure["layout"]["yaxis"]["range"][1] == 0
    assert chart.figure["layout"]["yaxis"]["range"][0] > ys[-1]
    assert chart.summary.endswith("Grouped by plan, newest first.")
    # One plan only: no heading, the page says which plan it is.
    alone = charts.progress_chart(rows[:2])
    assert [n["text"] for n in alone.figure["layout"]["annotations"]] == ["GDP growth", "CPI"]


def test_target_chart_separates_unverified_figures():
    row = Row(
        target(7, "Core share"),
        Progress(Status.ON_TRACK, figure("2023", "9.9"), 0.95, D("9.12")),
    )
    chart = serialisable(
        charts.target_chart(
            row=row,
            observations=[
                FakeObservation("2020", D("7.8")),
                FakeObservation("2023", D("9.9")),
                FakeObservation("2024", D("10.4"), verified=False, source=None),
            ],
        )
    )
    names = [trace["name"] for trace in chart.figure["data"]]
    assert names == [
        "Straight path to the target",
        "Verified figures",
        "Unverified, not counted",
        "Target: on track",
    ]
    path = chart.figure["data"][0]
    assert (list(path["x"]), list(path["y"])) == (["2020-12-31", "2025-12-31"], [7.8, 10.0])
    assert list(chart.figure["data"][2]["y"]) == [10.4]
    assert chart.figure["data"][2]["marker"]["symbol"] == "circle-open"
    assert "1 unverified or revised figure is drawn apart and not counted." in chart.summary
    assert chart.rows[2] == ["2024", "—", "10.4%", "unverified, not counted"]


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
    hostile = FakeIndicator("x", "<i>x</i>", "<i>x</i>")
    hostile_row = Row(
        FakeTarget(1, hostile, FakePlan(1, "<a href='https://e.example'>plan</a>")), NO_PROGRESS
    )
    target_chart = charts.target_chart(
        row=hostile_row,
        observations=[FakeObservation("2022", D("8"), source=FakeSource("<b>src</b>"))],
    )
    dumped = json.dumps(target_chart.figure)
    for markup in ("<a ", "<i>", "<b>src"):
        assert markup not in dumped
    assert target_chart.summary.startswith("<i>x</i>;")
    indicator_chart = charts.indicator_chart(
        indicator=hostile,
        observations=[FakeObservation("2022", D("8"), source=FakeSource("<b>src</b>"))],
        rows=[hostile_row],
    )
    dumped = json.dumps(indicator_chart.figure)
    for markup in ("<a ", "<i>", "<b>src"):
        assert markup not in dumped


# Charts that cannot be misread (issue 13).

NO_PROGRESS = Progress(Status.NO_DATA, None, None, None)


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
        charts.progress_chart([Row(target(1, "Core share"), NO_PROGRESS)]),
        charts.target_chart(
            row=Row(target(7, "Core share"), NO_PROGRESS),
            observations=[FakeObservation("2020", D("7.8"))],
        ),
        charts.indicator_chart(
            indicator=FakeIndicator(),
            observations=[FakeObservation("2020", D("7.8"))],
            rows=[Row(target(7, "Core share"), NO_PROGRESS)],
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
    alone = charts.target_chart(row=Row(target(7, "Core share"), NO_PROGRESS), observations=[])
    assert not alone.empty


@pytest.mark.parametrize(("language", "separators"), [("en", ".,"), ("fr", ",\xa0")])
def test_numbers_in_charts_follow_the_language(language, separators):
    with translation.override(language):
        built = one_of_each() + empty_charts()
        table = charts.target_chart(
            row=Row(target(7, "Core share"), NO_PROGRESS),
            observations=[FakeObservation("2020", D("7.8"))],
        ).rows
    for chart in built:
        # Plotly's decimal mark, then its thousands separator: Django's, for the language.
        assert chart.figure["layout"]["separators"] == separators, chart.key
    assert table[0][2] == ("7,8\u202f%" if language == "fr" else "7.8%")


def test_progress_names_sit_above_their_bars():
    rows = [
        Row(
            target(1, "Value added of core digital-economy industries, share of GDP"),
            NO_PROGRESS,
        ),
        Row(target(2, "<b>IPv6</b> users"), NO_PROGRESS),
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
    bar = chart.figure["data"][0]
    assert [note["y"] for note in layout["annotations"]] == list(bar["y"])
    assert all(note["yanchor"] == "bottom" for note in layout["annotations"])
    # From the row's tick down, below its name, clear of the next name.
    assert bar["offset"] == 0
    first, second = bar["y"]
    assert first + bar["width"] < second - 16  # the second name is one line
    assert len(layout["shapes"]) == 2  # the goal marked on each bar


def test_long_labels_are_wrapped_for_narrow_screens():
    assert sector_label(FakeSector("ce", "Communication equipment", 1)) == (
        "\u2002Communication<br>\u2002equipment"
    )
    with translation.override("fr"):
        chart = charts.progress_chart([Row(target(1, "Core share"), NO_PROGRESS)])
    title = chart.figure["layout"]["xaxis"]["title"]["text"]
    assert all(len(line) <= 36 for line in title.split("<br>"))


# The indicator's chart (issue 14): its series, and every target set on it.

GDP = FakeIndicator("gdp-growth", "国内生产总值增长", "GDP growth", "percent")
USERS = FakeIndicator(
    "gigabit-users", "千兆宽带用户数", "Gigabit broadband users", "wan-households"
)


def report(year: int) -> FakePlan:
    return FakePlan(year, f"Government Work Report {year}")


def annual(year: int, value: str, status: Status, result: Figure | None, qualifier="about"):
    return Row(
        FakeTarget(
            year,
            GDP,
            report(year),
            D(value),
            qualifier=qualifier,
            baseline_value=None,
            baseline_year=None,
            target_value=D(value),
            target_year=year,
        ),
        Progress(status, result, None, None),
    )


def gdp_chart():
    observations = [
        FakeObservation("2022", D("3"), published_on=datetime.date(2023, 3, 5)),
        FakeObservation("2023", D("5.2"), note="The year's <average>."),
        FakeObservation("2024", D("5"), qualifier="about"),
        FakeObservation("2025", D("5.4"), verified=False, source=None),
    ]
    rows = [
        annual(2022, "5.5", Status.MISSED, figure("2022", "3")),
        annual(2023, "5", Status.ACHIEVED, figure("2023", "5.2")),
        annual(2024, "5", Status.ACHIEVED, figure("2024", "5", "about")),
        annual(2025, "5", Status.AWAITING_RESULT, figure("2024", "5", "about")),
    ]
    return serialisable(
        charts.indicator_chart(indicator=GDP, observations=observations, rows=rows)
    )


def trace(chart, name):
    return next(t for t in chart.figure["data"] if t["name"] == name)


def test_indicator_chart_draws_verified_figures_as_a_line_and_the_rest_apart():
    chart = gdp_chart()
    line = trace(chart, "Verified figures")
    assert line["mode"] == "lines+markers"
    # A year's figure stands at the year's end.
    assert list(line["x"]) == ["2022-12-31", "2023-12-31", "2024-12-31"]
    assert list(line["y"]) == [3.0, 5.2, 5.0]
    # A rounded figure says so when hovered.
    assert line["hovertext"][2].startswith("2024: about 5%")
    # The note says what the figure measures (an average, a year-end rate), escaped.
    assert line["hovertext"][1].endswith("<br>The year's &lt;average&gt;.")
    apart = trace(chart, "Unverified, not counted")
    assert apart["mode"] == "markers"
    assert apart["marker"]["symbol"] == "circle-open"
    assert apart["marker"]["color"] != line["marker"]["color"]
    assert list(apart["y"]) == [5.4]
    assert "unverified, not counted" in apart["hovertext"][0]


def test_indicator_chart_marks_every_target_at_its_deadline_by_status():
    chart = gdp_chart()
    missed = trace(chart, "Target: missed")
    assert (list(missed["x"]), list(missed["y"])) == (["2022-12-31"], [5.5])
    assert missed["marker"]["color"] == "#d55e00"
    achieved = trace(chart, "Target: achieved")
    assert list(achieved["x"]) == ["2023-12-31", "2024-12-31"]
    assert achieved["marker"]["color"] == "#009e73"
    awaiting = trace(chart, "Target: awaiting result")
    # Shape as well as colour, so that the status does not rest on colour alone.
    symbols = {
        missed["marker"]["symbol"],
        achieved["marker"]["symbol"],
        awaiting["marker"]["symbol"],
    }
    assert len(symbols) == 3
    hover = awaiting["hovertext"][0]
    assert hover == (
        "Government Work Report 2025<br>target: about 5% by 2025<br>"
        "awaiting result, on about 5% (2024)"
    )
    assert missed["hovertext"][0] == (
        "Government Work Report 2022<br>target: about 5.5% by 2022<br>missed, on 3% (2022)"
    )
    assert chart.summary == (
        "GDP growth: 3 verified figures from 2022 to 2024; the latest, about 5%. "
        "4 targets set on it: 2 achieved, 1 missed, 1 awaiting result. "
        "1 unverified or revised figure is drawn apart and not counted."
    )
    # The table holds the same data: the figures, then the targets.
    assert chart.rows[0] == ["2022", "NBS", "3%", "verified"]
    assert chart.rows[4] == [
        "2022",
        "target of Government Work Report 2022",
        "about 5.5%",
        "missed, on 3% (2022)",
    ]
    ticks = chart.figure["layout"]["xaxis"]
    assert ticks["ticktext"] == ["2022", "2023", "2024", "2025"]
    assert ticks["tickvals"][0] == "2022-12-31"


def test_indicator_chart_places_month_figures_at_their_month_and_marks_revisions():
    observations = [
        FakeObservation("2021", D("3456"), unit="wan-households"),
        FakeObservation("2024", D("2.07"), unit="yi-households", indicator_value=D("20700")),
        FakeObservation("2025-06", D("22600"), qualifier="at_least"),
        FakeObservation("2024", D("20000"), revised=True),
    ]
    row = Row(
        FakeTarget(
            1,
            USERS,
            value=D("6000"),
            unit="wan-households",
            baseline_value=D("640"),
            target_value=D("6000"),
        ),
        Progress(Status.ACHIEVED, figure("2024", "20700"), 3.7, None),
    )
    chart = serialisable(
        charts.indicator_chart(indicator=USERS, observations=observations, rows=[row])
    )
    line = trace(chart, "Verified figures")
    assert list(line["x"]) == ["2021-12-31", "2024-12-31", "2025-06-30"]
    # In the indicator's unit on the axis; as published in the hover.
    assert list(line["y"]) == [3456.0, 20700.0, 22600.0]
    assert line["hovertext"][1].startswith("2024: 207 million households (2.07 × 10⁸; 2.07 亿户)")
    assert line["hovertext"][2].startswith("June 2025: at least 226 million households")
    revised = trace(chart, "Revised, not counted")
    assert list(revised["y"]) == [20000.0]
    target_marker = trace(chart, "Target: achieved")
    assert target_marker["hovertext"][0].endswith(
        "target: 60 million households (6,000 × 10,000; 6,000 万户) by 2025<br>"
        "achieved, on 207 million households (2024)"
    )
    assert chart.figure["layout"]["yaxis"]["title"]["text"] == "10,000 households (万户)"


def test_an_indicator_with_nothing_recorded_says_so():
    chart = charts.indicator_chart(indicator=GDP, observations=[], rows=[])
    assert chart.empty
    assert chart.summary == "No figures or targets are recorded for GDP growth yet."


def test_indicator_chart_in_french_formats_numbers_the_french_way():
    row = Row(
        FakeTarget(
            1,
            USERS,
            value=D("6000"),
            unit="wan-households",
            baseline_value=None,
            baseline_year=None,
            target_value=D("6000"),
        ),
        NO_PROGRESS,
    )
    with translation.override("fr"):
        chart = serialisable(
            charts.indicator_chart(
                indicator=USERS,
                observations=[FakeObservation("2024", D("20700.5"))],
                rows=[row],
            )
        )
    assert chart.figure["layout"]["separators"] == ",\xa0"
    line = chart.figure["data"][0]
    # French groups thousands with a no-break space and writes the decimal comma.
    assert "20\xa0700,5 × 10\xa0000\u202f; 20\xa0700,5 万户" in line["hovertext"][0]
    assert "millions" in line["hovertext"][0]
    target_hover = chart.figure["data"][1]["hovertext"][0]
    assert "(6\xa0000 × 10\xa0000\u202f; 6\xa0000 万户)" in target_hover


def test_indicator_chart_names_each_source_in_the_reader_words():
    """The hover and the table name a figure's source by ``Source.reader_title`` (unsaved
    models: the property reads loaded fields only): its own title in its own language, else
    its English rendering, marked " (EN)" on a French chart."""
    french = Source(title="Dépêche de l'AFP", title_en="AFP wire", language="fr")
    chinese = Source(title="国家统计局公报", title_en="NBS communiqué", language="zh-Hans")
    observations = [
        FakeObservation("2022", D("3"), source=french),
        FakeObservation("2023", D("4"), source=chinese),
    ]
    for language, expected in [
        ("en", ["AFP wire", "NBS communiqué"]),
        ("fr", ["Dépêche de l'AFP", "NBS communiqué (EN)"]),
    ]:
        with translation.override(language):
            chart = charts.indicator_chart(indicator=GDP, observations=observations, rows=[])
        assert [row[1] for row in chart.rows] == expected, language
        hovers = chart.figure["data"][0]["hovertext"]
        for hover, title in zip(hovers, expected, strict=True):
            assert hover.split("<br>")[2] == title


def test_charts_name_records_in_the_reader_language_and_mark_the_english_standing_in():
    themes = [
        FakeTheme("security", "Security", name_fr="Sécurité"),
        FakeTheme("tech", "Key technologies"),  # no French yet
    ]
    sectors = [FakeSector("de", "Digital economy", name_fr="Économie numérique")]
    indicator = FakeIndicator(name_en="Core share", name_fr="Part du cœur")
    plan = FakePlan(1, title_fr="14e plan quinquennal")
    no_data = Progress(Status.NO_DATA, None, None, None)
    rows = [
        Row(target(1, "", indicator=indicator, plan=plan), no_data),
        Row(target(2, "Core share", plan=FakePlan(2)), no_data),
    ]
    with translation.override("fr"):
        timeline = charts.timeline_chart(
            statement_rows=[
                {"period": datetime.date(2022, 1, 1), "themes__slug": "security", "count": 1},
                {"period": datetime.date(2022, 1, 1), "themes__slug": "tech", "count": 3},
            ],
            plan_rows=[],
            themes=themes,
            granularity="month",
        )
        heatmap = charts.heatmap_chart(
            rows=[{"themes__slug": "tech", "sectors__slug": "de", "count": 2}],
            themes=themes,
            sectors=sectors,
        )
        coverage = charts.coverage_chart(
            counts={"statements": {"de": 1}, "plans": {}, "targets": {}}, sectors=sectors
        )
        progress = charts.progress_chart(rows)
        series = charts.indicator_chart(
            indicator=indicator,
            observations=[FakeObservation("2022", D("8"), note="Year-end", note_fr="Fin d'année")],
            rows=[],
        )
    assert [trace["name"] for trace in timeline.figure["data"]] == [
        "Sécurité",
        "Key technologies (EN)",
    ]
    assert timeline.columns[1:3] == ["Sécurité", "Key technologies (EN)"]
    assert "Key technologies (EN) (3)" in timeline.summary
    assert heatmap.figure["data"][0]["x"] == ["Key technologies (EN)"]
    assert heatmap.rows == [["Économie numérique", 2]]
    assert "Key technologies (EN) × Économie numérique" in heatmap.summary
    assert "Économie numérique" in coverage.summary
    assert coverage.rows[0][0] == "Économie numérique"
    # Each target's indicator and plan: in French where they have it.
    assert [row[:2] for row in progress.rows] == [
        ["Part du cœur", "14e plan quinquennal"],
        ["Core share (EN)", "14th Five-Year Plan for Digital Economy Development (EN)"],
    ]
    headers = [a["text"] for a in progress.figure["layout"]["annotations"] if "<b>" in a["text"]]
    assert headers[0].startswith("<b>14e plan quinquennal")
    assert series.summary.startswith("Part du cœur")
    assert "Part du cœur" in series.title
    assert "Fin d'année" in series.figure["data"][0]["hovertext"][0]


def test_charts_in_english_read_the_english_whatever_french_there_is():
    themes = [FakeTheme("security", "Security", name_fr="Sécurité")]
    chart = charts.timeline_chart(
        statement_rows=[
            {"period": datetime.date(2022, 1, 1), "themes__slug": "security", "count": 1}
        ],
        plan_rows=[],
        themes=themes,
        granularity="month",
    )
    assert chart.figure["data"][0]["name"] == "Security"
    assert "(EN)" not in json.dumps(chart.figure) + chart.summary
