"""The targets' charts: every target on one scale of progress, grouped by plan, and one
target's indicator series against the straight path from its baseline to its goal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from policies.charts.base import (
    Chart,
    ObservationLike,
    TargetLike,
    TargetRowLike,
    make_figure,
    make_layout,
    make_trace,
    plotly_escape,
    words,
    wrap_label,
)
from policies.charts.indicators import (
    counted,
    not_counted,
    series_layout,
    series_table,
    series_traces,
    target_traces,
    targets_table,
)
from policies.charts.values import in_full, in_words, period_end, period_words
from policies.progress import STATUS_COLOURS, STATUS_ORDER, Progress, Status, status_count

# The progress chart's rows, in px: a bar, above it its indicator's name in lines of
# LINE_PX, and above a plan's first target the plan's name in lines of HEADER_PX.
BAR_PX = 20
LINE_PX = 16
HEADER_PX = 18
GAP_PX = 10
NAME_WIDTH = 36
# A status's words beside an empty or short bar, in its colour darkened to read on white
# (the badges' colours in static/css/tracker.css).
STATUS_TEXT_COLOURS = {
    Status.ACHIEVED: "#007a5a",
    Status.ON_TRACK: "#0072b2",
    Status.BEHIND: "#a86500",
    Status.MISSED: "#b24400",
    Status.AWAITING_RESULT: "#8f3f73",
    Status.NO_DATA: "#6b6b6b",
}
# Plans' names are bold, wider a character: fewer characters a line.
HEADER_WIDTH = 32


def _names(rows: Sequence[TargetRowLike], grouped: bool) -> list[str]:
    """Each target's indicator name, told apart from another target's of the same name
    (a revision and the target it supersedes) by its year, and its plan when the chart
    does not already say which plan it is in. A target without a baseline has no bar to
    read, so its name also gives the figure its status rests on."""
    names = [words(row.target.indicator) for row in rows]
    keys = [
        (row.target.plan.pk if grouped else None, name)
        for row, name in zip(rows, names, strict=True)
    ]
    labels = []
    for row, name, key in zip(rows, names, keys, strict=True):
        target, progress = row.target, row.progress
        if keys.count(key) > 1:
            name = (
                f"{name} ({target.target_year})"
                if grouped
                else f"{name} ({target.target_year}, {words(target.plan, 'title')})"
            )
        figure = progress.figure
        if progress.share is None and figure is not None:
            value = in_words(figure.value, target.indicator.unit, figure.qualifier)
            period = period_words(figure.year, figure.month)
            # Awaiting its result, a target rests on a figure of an earlier period: say so.
            on = (
                _("last confirmed %(value)s (%(period)s)")
                if progress.status == Status.AWAITING_RESULT
                else "%(value)s (%(period)s)"
            )
            name = f"{name} · " + on % {"value": value, "period": period}
        labels.append(wrap_label(name, NAME_WIDTH))
    return labels


def progress_chart(rows: Sequence[TargetRowLike]) -> Chart:
    """Each target on one scale: 0 % at its baseline, 100 % at its target, coloured and
    labelled by status; grouped under their plans' names when there are several plans."""
    plans = list(dict.fromkeys(row.target.plan.pk for row in rows))
    grouped = len(plans) > 1
    labels = _names(rows, grouped)
    shares = [
        round(row.progress.share * 100, 1) if row.progress.share is not None else 0.0
        for row in rows
    ]
    # The y axis counts pixels down from the top: each plan's name, then each target's
    # name above its bar. Names are written across the plot rather than beside it as tick
    # labels, which left a phone a plot some 80 px wide.
    annotations: list[dict[str, Any]] = []
    ticks: list[int] = []
    y = 0
    previous = None
    for row, label in zip(rows, labels, strict=True):
        plan = row.target.plan
        if grouped and plan.pk != previous:
            y += GAP_PX if ticks else 0
            header = wrap_label(words(plan, "title"), HEADER_WIDTH)
            annotations.append(
                {
                    "text": "<br>".join(f"<b>{line}</b>" for line in header.split("<br>")),
                    "xref": "paper",
                    "x": 0,
                    "xanchor": "left",
                    "yref": "y",
                    "y": y,
                    "yanchor": "top",
                    "align": "left",
                    "showarrow": False,
                    "font": {"size": 13, "color": "#1d232b"},
                }
            )
            y += HEADER_PX * (header.count("<br>") + 1) + 4
        previous = plan.pk
        y += LINE_PX * (label.count("<br>") + 1) + 4
        ticks.append(y)
        annotations.append(
            {
                "text": label,
                # Where the bars start, clear of the axis line at 0.
                "xref": "x",
                "x": 0,
                "xanchor": "left",
                "xshift": 2,
                "yref": "y",
                "y": y,
                "yanchor": "bottom",
                "yshift": 1,
                "align": "left",
                "showarrow": False,
            }
        )
        y += BAR_PX + GAP_PX
    figure = make_figure(
        [
            make_trace(
                "bar",
                x=shares,
                y=ticks,
                orientation="h",
                # From the row's tick down, leaving the name the room above the tick.
                width=BAR_PX,
                offset=0,
                marker_color=[STATUS_COLOURS[row.progress.status] for row in rows],
                text=[row.progress.status.label for row in rows],
                # Short or empty bars (no baseline, no data yet) keep their label beside
                # them, readable: the status only, short enough for a phone.
                textposition=["inside" if share >= 30 else "outside" for share in shares],
                # Beside an empty bar, the words carry the status's colour (inside a bar,
                # plotly picks black or white to contrast with it).
                outsidetextfont={
                    "color": [STATUS_TEXT_COLOURS[row.progress.status] for row in rows]
                },
                hovertext=[
                    "<br>".join(
                        plotly_escape(p) for p in _progress_parts(row.target, row.progress)
                    )
                    for row in rows
                ],
                hoverinfo="text",
                name=_("progress"),
            )
        ],
        make_layout(
            height=y + 100,
            showlegend=False,
            xaxis={
                "title": {
                    "text": wrap_label(_("% of the way from baseline to target"), 36),
                    "font": {"size": 13},
                },
                "range": [min([0, *shares]) - 5, max([110, *shares]) + 5],
                "ticksuffix": " %",
                "automargin": True,
                "gridcolor": "#eeeeee",
            },
            yaxis={
                # Reversed (top to bottom, in px), from the first name to the last bar.
                "range": [y, 0],
                "showticklabels": False,
                "showgrid": False,
                "zeroline": False,
            },
            annotations=annotations,
            # The goal, 100 %, marked across each bar, not through the names above them:
            # a solid tick a little taller than the bar (a dashed one broke into specks).
            shapes=[
                {
                    "type": "line",
                    "x0": 100,
                    "x1": 100,
                    "y0": tick - 3,
                    "y1": tick + BAR_PX + 3,
                    "line": {"color": "#333333", "width": 2},
                }
                for tick in ticks
            ],
        ),
    )
    counts = Counter(row.progress.status for row in rows)
    summary = (
        _("%(count)d targets: %(statuses)s.")
        % {
            "count": len(rows),
            "statuses": ", ".join(
                status_count(status, counts[status]) for status in STATUS_ORDER if counts[status]
            ),
        }
        if rows
        else _("No targets match these filters.")
    )
    if grouped:
        summary += " " + _("Grouped by plan, newest first.")
    return Chart(
        key="progress",
        title=_("Target progress"),
        summary=summary,
        figure=figure,
        columns=[
            _("Indicator"),
            _("Plan"),
            _("Baseline"),
            _("Latest verified"),
            _("Target"),
            _("Status"),
            _("Progress"),
        ],
        rows=[_table_row(row) for row in rows],
    )


def _baseline(target: TargetLike) -> str:
    if target.baseline_value is None:
        return "—"
    return _("%(value)s in %(year)s") % {
        "value": in_full(target.baseline_value, target.unit),
        "year": target.baseline_year,
    }


def _latest(target: TargetLike, progress: Progress) -> str:
    figure = progress.figure
    if figure is None:
        return "—"
    return _("%(value)s in %(period)s") % {
        "value": in_full(figure.value, target.indicator.unit, figure.qualifier),
        "period": period_words(figure.year, figure.month),
    }


def _table_row(row: TargetRowLike) -> list[Any]:
    target, progress = row.target, row.progress
    return [
        words(target.indicator),
        words(target.plan, "title"),
        _baseline(target),
        _latest(target, progress),
        in_full(target.value, target.unit, target.qualifier) + f" ({target.target_year})",
        progress.status.label,
        "—" if progress.percent is None else f"{progress.percent} %",
    ]


def _progress_parts(target: TargetLike, progress: Progress) -> list[str]:
    """The facts of one target's progress, as plain text (escape them for plotly)."""
    parts = [words(target.indicator), words(target.plan, "title")]
    if target.baseline_value is not None:
        parts.append(_("baseline: %(baseline)s") % {"baseline": _baseline(target)})
    if progress.figure is not None:
        parts.append(_("latest verified: %(latest)s") % {"latest": _latest(target, progress)})
    parts.append(
        _("target: %(value)s by %(year)s")
        % {
            "value": in_full(target.value, target.unit, target.qualifier),
            "year": target.target_year,
        }
    )
    parts.append(progress.status.label)
    return parts


def target_chart(
    *, row: TargetRowLike, observations: Sequence[ObservationLike], key: str = ""
) -> Chart:
    """One target: its indicator's figures against the straight path from the baseline to
    the target, and the target at its deadline, shaped and coloured by its status."""
    target, progress = row.target, row.progress
    indicator = target.indicator
    data: list[dict[str, Any]] = []
    baseline = target.baseline_in_indicator_unit
    if baseline is not None and target.baseline_year is not None:
        data.append(
            make_trace(
                "scatter",
                name=_("Straight path to the target"),
                x=[period_end(target.baseline_year, None), period_end(target.target_year, None)],
                y=[float(baseline), float(target.target_value)],
                mode="lines",
                line={"color": "#777777", "dash": "dash"},
                hoverinfo="skip",
            )
        )
    data += series_traces(observations, indicator) + target_traces([row])
    years = [target.target_year] + [o.year for o in observations]
    if target.baseline_year is not None:
        years.append(target.baseline_year)
    summary = "; ".join(_progress_parts(target, progress)) + "."
    others = sum(1 for o in observations if not counted(o))
    if others:
        summary += " " + not_counted(others)
    return Chart(
        key=key or f"target-{target.pk}",
        title=_("%(indicator)s: %(value)s by %(year)s")
        % {
            "indicator": words(indicator),
            "value": in_words(target.value, target.unit, target.qualifier),
            "year": target.target_year,
        },
        summary=summary,
        figure=make_figure(data, series_layout(indicator, years=years, entries=len(data))),
        columns=[_("Period"), _("Source or plan"), _("Value"), _("Status")],
        rows=series_table(observations, indicator) + targets_table([row]),
    )
