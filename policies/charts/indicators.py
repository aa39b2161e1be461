"""An indicator's chart: its figures over time, and every target ever set on it.

Verified, current figures are the line the targets are judged on; unverified and revised
ones are drawn apart, hollow and grey, and said not to count. Each figure stands at the end
of its period (a year's result at the year's end, "as of June" at the end of June), and each
target at its deadline, the end of its target year, shaped and coloured by its status and
named in the key, so that colour never carries the meaning alone.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.charts.base import (
    Chart,
    IndicatorLike,
    ObservationLike,
    SourceLike,
    TargetRowLike,
    make_figure,
    make_layout,
    make_trace,
    plotly_escape,
    words,
    wrap_label,
)
from policies.charts.values import in_full, in_words, period_end, period_words, unit_words
from policies.localized import marked
from policies.progress import STATUS_COLOURS, STATUS_ORDER, Progress, Status, status_count

SERIES_COLOUR = "#0072b2"
NOT_COUNTED_COLOUR = "#8a8a8a"
# A figure's note in its hover, at most.
NOTE_CHARACTERS = 90

# A target's marker says its status by its shape as well as its colour.
STATUS_SYMBOLS = {
    Status.ACHIEVED: "star",
    Status.ON_TRACK: "triangle-up",
    Status.BEHIND: "triangle-down",
    Status.MISSED: "x",
    Status.AWAITING_RESULT: "hourglass",
    Status.NO_DATA: "diamond",
}


def counted(observation: ObservationLike) -> bool:
    """A figure a status may rest on: verified and not revised since."""
    return observation.verified and not observation.revised


def figure_status(observation: ObservationLike) -> str:
    """Whether a figure counts, in words."""
    if not observation.verified:
        return _("unverified, not counted")
    if observation.revised:
        return _("revised, not counted")
    return _("verified")


def as_published(observation: ObservationLike, indicator: IndicatorLike) -> str:
    """The figure in words, as its source gave it: "about 10%"."""
    return in_full(observation.value, observation.unit or indicator.unit, observation.qualifier)


def source_words(source: SourceLike) -> str:
    """A figure's source as plain text: its title in the reader's words, " (EN)" where its
    English rendering stands in."""
    return marked(source.reader_title)


def _figure_hover(observation: ObservationLike, indicator: IndicatorLike) -> str:
    parts = [
        f"{period_words(observation.year, observation.month)}: "
        f"{as_published(observation, indicator)}",
        figure_status(observation),
    ]
    if observation.source is not None:
        parts.append(source_words(observation.source))
    hover = "<br>".join(plotly_escape(part) for part in parts)
    note = words(observation, "note")
    if note:
        # What the figure measures, when it differs from year to year (an average, or the
        # year-end rate): the start of the note, wrapped.
        note = textwrap.shorten(note, NOTE_CHARACTERS, placeholder=" …")
        hover += "<br>" + wrap_label(note, 48)
    return hover


def series_traces(
    observations: Sequence[ObservationLike], indicator: IndicatorLike
) -> list[dict[str, Any]]:
    """The figures: the counted ones as a line with markers, the others apart, unjoined."""
    # Each trace's uid names it in the drawn SVG (plotly's class "trace<uid>"), whatever the
    # language of its name.
    groups: list[tuple[list[ObservationLike], str, dict[str, Any], dict[str, Any]]] = [
        (
            [o for o in observations if counted(o)],
            _("Verified figures"),
            {
                "uid": "figures-counted",
                "mode": "lines+markers",
                "line": {"color": SERIES_COLOUR, "width": 2},
            },
            {"size": 9, "color": SERIES_COLOUR},
        ),
        (
            [o for o in observations if not o.verified],
            _("Unverified, not counted"),
            {"uid": "figures-unverified", "mode": "markers"},
            {
                "size": 10,
                "symbol": "circle-open",
                "color": NOT_COUNTED_COLOUR,
                "line": {"width": 2},
            },
        ),
        (
            [o for o in observations if o.verified and o.revised],
            _("Revised, not counted"),
            {"uid": "figures-revised", "mode": "markers"},
            {
                "size": 10,
                "symbol": "square-open",
                "color": NOT_COUNTED_COLOUR,
                "line": {"width": 2},
            },
        ),
    ]
    traces = []
    for figures, name, style, marker in groups:
        if not figures:
            continue
        traces.append(
            make_trace(
                "scatter",
                name=name,
                x=[period_end(o.year, o.month) for o in figures],
                y=[float(o.indicator_value) for o in figures],
                marker=marker,
                hovertext=[_figure_hover(o, indicator) for o in figures],
                hoverinfo="text",
                **style,
            )
        )
    return traces


def status_line(progress: Progress, unit: str) -> str:
    """The status and the figure it rests on: "achieved, on 5% (2024)"."""
    figure = progress.figure
    if figure is None:
        return progress.status.label
    return _("%(status)s, on %(value)s (%(period)s)") % {
        "status": progress.status.label,
        "value": in_words(figure.value, unit, figure.qualifier),
        "period": period_words(figure.year, figure.month),
    }


def target_as_written(row: TargetRowLike) -> str:
    """ "about 5% by 2025", as the plan writes it."""
    target = row.target
    return _("%(value)s by %(year)s") % {
        "value": in_full(target.value, target.unit, target.qualifier),
        "year": target.target_year,
    }


def _target_hover(row: TargetRowLike) -> str:
    target = row.target
    parts = [
        words(target.plan, "title"),
        _("target: %(target)s") % {"target": target_as_written(row)},
        status_line(row.progress, target.indicator.unit),
    ]
    return "<br>".join(plotly_escape(part) for part in parts)


def target_traces(rows: Sequence[TargetRowLike]) -> list[dict[str, Any]]:
    """Each target at its deadline and value (in the indicator's unit): one trace a status,
    in the order statuses are listed, each named in the key."""
    traces = []
    for status in STATUS_ORDER:
        chosen = [row for row in rows if row.progress.status == status]
        if not chosen:
            continue
        traces.append(
            make_trace(
                "scatter",
                name=_("Target: %(status)s") % {"status": status.label},
                uid=f"target-{status.value}",
                x=[period_end(row.target.target_year, None) for row in chosen],
                y=[float(row.target.target_value) for row in chosen],
                mode="markers",
                marker={
                    "size": 15,
                    "symbol": STATUS_SYMBOLS[status],
                    "color": STATUS_COLOURS[status],
                    "line": {"color": "#ffffff", "width": 1},
                },
                hovertext=[_target_hover(row) for row in chosen],
                hoverinfo="text",
            )
        )
    return traces


def _year_ticks(years: Sequence[int]) -> dict[str, Any]:
    """Ticks at the end of each year (where the year's figures and targets stand), few
    enough to read on a phone."""
    first, last = min(years), max(years)
    span = last - first
    step = 1 if span <= 7 else 2 if span <= 14 else 5
    ticks = list(range(last, first - 1, -step))[::-1]
    return {
        "type": "date",
        "tickmode": "array",
        "tickvals": [period_end(year, None) for year in ticks],
        "ticktext": [str(year) for year in ticks],
        # A little room either side, so that end-of-year markers are not cut in half.
        "range": [f"{first - 1}-09-01", f"{last + 1}-04-30"],
        "title": {"text": _("end of year"), "font": {"size": 12}},
        "automargin": True,
        "gridcolor": "#eeeeee",
    }


def series_layout(
    indicator: IndicatorLike, *, years: Sequence[int], entries: int, **overrides: Any
) -> dict[str, Any]:
    """A time chart of an indicator: years at their ends, the unit in words up the side,
    and the whole key below, one entry under another on a phone."""
    layout = make_layout(
        # The plot keeps its height, and the key below it has room for each entry.
        height=300 + 24 * entries,
        xaxis=_year_ticks(years),
        yaxis={
            "title": {"text": wrap_label(unit_words(indicator.unit), 24)},
            "automargin": True,
            "gridcolor": "#eeeeee",
            "rangemode": "tozero",
            # 20,000 (万户), not plotly's "20k": the unit already counts in ten thousands.
            "exponentformat": "none",
            "separatethousands": True,
        },
        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top", "maxheight": 1},
        hovermode="closest",
        **overrides,
    )
    return layout


def not_counted(count: int) -> str:
    """The sentence that says how many figures are drawn apart."""
    return ngettext(
        "%(count)d unverified or revised figure is drawn apart and not counted.",
        "%(count)d unverified or revised figures are drawn apart and not counted.",
        count,
    ) % {"count": count}


def _years(observations: Sequence[ObservationLike], rows: Sequence[TargetRowLike]) -> list[int]:
    return [o.year for o in observations] + [row.target.target_year for row in rows]


def _statuses(rows: Sequence[TargetRowLike]) -> str:
    counts = Counter(row.progress.status for row in rows)
    return ", ".join(
        status_count(status, counts[status]) for status in STATUS_ORDER if counts[status]
    )


def indicator_chart(
    *,
    indicator: IndicatorLike,
    observations: Sequence[ObservationLike],
    rows: Sequence[TargetRowLike],
) -> Chart:
    """The indicator's series, and every target set on it with its status."""
    data = series_traces(observations, indicator) + target_traces(rows)
    name = words(indicator)
    good = [o for o in observations if counted(o)]
    others = len(observations) - len(good)
    sentences = []
    if good:
        latest = good[-1]
        sentences.append(
            ngettext(
                "%(name)s: %(count)d verified figure, for %(first)s: %(value)s.",
                "%(name)s: %(count)d verified figures from %(first)s to %(last)s; the "
                "latest, %(value)s.",
                len(good),
            )
            % {
                "name": name,
                "count": len(good),
                "first": period_words(good[0].year, good[0].month),
                "last": period_words(latest.year, latest.month),
                "value": as_published(latest, indicator),
            }
        )
    elif observations or rows:
        sentences.append(_("%(name)s: no verified figure yet.") % {"name": name})
    if rows:
        sentences.append(
            ngettext(
                "%(count)d target set on it: %(statuses)s.",
                "%(count)d targets set on it: %(statuses)s.",
                len(rows),
            )
            % {"count": len(rows), "statuses": _statuses(rows)}
        )
    if others:
        sentences.append(not_counted(others))
    summary = (
        " ".join(sentences)
        if sentences
        else _("No figures or targets are recorded for %(name)s yet.") % {"name": name}
    )
    years = _years(observations, rows)
    layout = series_layout(indicator, years=years or [0], entries=len(data))
    return Chart(
        key=f"indicator-{indicator.slug}",
        title=_("%(name)s over time, with its targets") % {"name": name},
        summary=summary,
        figure=make_figure(data, layout),
        columns=[_("Period"), _("Source or plan"), _("Value"), _("Status")],
        rows=series_table(observations, indicator) + targets_table(rows),
    )


def series_table(
    observations: Sequence[ObservationLike], indicator: IndicatorLike
) -> list[list[Any]]:
    """The figures as a chart's table rows: period, source, value as published, status."""
    return [
        [
            period_words(o.year, o.month),
            source_words(o.source) if o.source is not None else "—",
            as_published(o, indicator),
            figure_status(o),
        ]
        for o in observations
    ]


def targets_table(rows: Sequence[TargetRowLike]) -> list[list[Any]]:
    """The targets as a chart's table rows: deadline, plan, target as written, status."""
    return [
        [
            str(row.target.target_year),
            _("target of %(plan)s") % {"plan": words(row.target.plan, "title")},
            in_full(row.target.value, row.target.unit, row.target.qualifier),
            status_line(row.progress, row.target.indicator.unit),
        ]
        for row in rows
    ]
