"""The targets' charts: every target on one scale of progress, and one target's figures
against the straight path from its baseline to its goal."""

from __future__ import annotations

from collections import defaultdict
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
    number,
    plotly_escape,
    wrap_label,
)
from policies.progress import STATUS_COLOURS, Progress

# The progress chart's rows: a bar, and above it its indicator's name in lines of this height.
BAR_PX = 20
LINE_PX = 16


def progress_chart(rows: Sequence[TargetRowLike]) -> Chart:
    """Each target on one scale: 0 % at its baseline, 100 % at its target, coloured by status."""
    labels, shares, colours, hovers, table = [], [], [], [], []
    names = [row.target.indicator_en for row in rows]
    for row in rows:
        target, progress = row.target, row.progress
        # Plotly merges bars with the same label: tell repeated indicators (a revision and
        # the target it supersedes) apart by their year, then their plan.
        label = target.indicator_en
        if names.count(label) > 1:
            label = f"{label} ({target.target_year}, {target.plan.title_en})"
        labels.append(wrap_label(label, 40))
        share = progress.share if progress.share is not None else 0.0
        shares.append(round(share * 100, 1))
        colours.append(STATUS_COLOURS[progress.status])
        hovers.append("<br>".join(plotly_escape(p) for p in _progress_parts(target, progress)))
        table.append(
            [
                target.indicator_en,
                f"{number(target.baseline_value)} ({target.baseline_year or '—'})",
                f"{number(progress.latest_value)} ({progress.as_of_year or '—'})",
                f"{number(target.target_value)} ({target.target_year})",
                target.unit_en,
                progress.status.label,
                "—" if progress.share is None else f"{share * 100:.0f} %",
            ]
        )
    # Each indicator's name is written above its bar, across the plot's width, rather than
    # beside it as a tick label: beside, the names left a phone a plot some 80 px wide, too
    # narrow for the bars' labels and the axis title.
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    row_px = BAR_PX + LINE_PX * lines + 14
    bar = BAR_PX / row_px  # a bar's height, in rows
    figure = make_figure(
        [
            make_trace(
                "bar",
                x=shares,
                y=labels,
                orientation="h",
                # From the row's tick down, leaving the name the room above the tick.
                width=bar,
                offset=0,
                marker_color=colours,
                text=[r.progress.status.label for r in rows],
                # Short or empty bars (no data yet) keep their label beside them, readable.
                textposition=["inside" if share >= 30 else "outside" for share in shares],
                hovertext=hovers,
                hoverinfo="text",
                name=_("progress"),
            )
        ],
        make_layout(
            height=row_px * len(rows) + 100,
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
                # Reversed, so that the first target is on top: from just under the last
                # bar up to the room the first name needs above its tick.
                "range": [len(rows) - 1 + bar + 0.1, -(LINE_PX * lines + 6) / row_px],
                "showticklabels": False,
                "showgrid": False,
                "zeroline": False,
            },
            annotations=[
                {
                    "text": label,
                    # Where the bars start, clear of the axis line at 0.
                    "xref": "x",
                    "x": 0,
                    "xanchor": "left",
                    "xshift": 2,
                    "yref": "y",
                    "y": index,
                    "yanchor": "bottom",
                    "yshift": 2,
                    "align": "left",
                    "showarrow": False,
                }
                for index, label in enumerate(labels)
            ],
            # The goal, 100 %, marked across each bar, not through the names above them:
            # a solid tick a little taller than the bar (a dashed one broke into specks).
            shapes=[
                {
                    "type": "line",
                    "x0": 100,
                    "x1": 100,
                    "y0": index - 0.15 * bar,
                    "y1": index + 1.15 * bar,
                    "line": {"color": "#333333", "width": 2},
                }
                for index in range(len(rows))
            ],
        ),
    )
    by_status: dict[str, int] = defaultdict(int)
    for row in rows:
        by_status[row.progress.status.label] += 1
    summary = (
        _("%(count)d targets: %(statuses)s.")
        % {
            "count": len(rows),
            "statuses": ", ".join(f"{n} {label}" for label, n in by_status.items()),
        }
        if rows
        else _("No targets match these filters.")
    )
    return Chart(
        key="progress",
        title=_("Target progress"),
        summary=summary,
        figure=figure,
        columns=[
            _("Indicator"),
            _("Baseline"),
            _("Latest verified"),
            _("Target"),
            _("Unit"),
            _("Status"),
            _("Progress"),
        ],
        rows=table,
    )


def _progress_parts(target: TargetLike, progress: Progress) -> list[str]:
    """The facts of one target's progress, as plain text (escape them for plotly)."""
    parts = [target.indicator_en]
    if target.baseline_value is not None:
        parts.append(
            _("baseline %(value)s in %(year)s")
            % {"value": number(target.baseline_value), "year": target.baseline_year}
        )
    if progress.latest_value is not None:
        parts.append(
            _("latest verified %(value)s in %(year)s")
            % {"value": number(progress.latest_value), "year": progress.as_of_year}
        )
    parts.append(
        _("target %(value)s %(unit)s by %(year)s")
        % {
            "value": number(target.target_value),
            "unit": target.unit_en,
            "year": target.target_year,
        }
    )
    parts.append(progress.status.label)
    return parts


def target_chart(
    *, target: TargetLike, observations: Sequence[ObservationLike], progress: Progress
) -> Chart:
    """One target: its observations against the straight path from baseline to target."""
    data: list[dict[str, Any]] = []
    if target.baseline_value is not None:
        data.append(
            make_trace(
                "scatter",
                name=_("Straight path to the target"),
                x=[target.baseline_year, target.target_year],
                y=[float(target.baseline_value), float(target.target_value)],
                mode="lines",
                line={"color": "#777777", "dash": "dash"},
                hovertemplate="%{x}: %{y}<extra></extra>",
            )
        )
    data.append(
        make_trace(
            "scatter",
            name=_("Target"),
            x=[target.target_year],
            y=[float(target.target_value)],
            mode="markers",
            marker={"symbol": "star", "size": 14, "color": STATUS_COLOURS[progress.status]},
            hovertemplate="%{x}: %{y}<extra>" + _("target") + "</extra>",
        )
    )
    verified = [o for o in observations if o.verified]
    unverified = [o for o in observations if not o.verified]
    if verified:
        data.append(
            make_trace(
                "scatter",
                name=_("Verified observations"),
                x=[o.year for o in verified],
                y=[float(o.value) for o in verified],
                mode="lines+markers",
                marker={"size": 9, "color": "#0072b2"},
                line={"color": "#0072b2"},
                hovertemplate="%{x}: %{y}<extra>" + _("verified") + "</extra>",
            )
        )
    if unverified:
        data.append(
            make_trace(
                "scatter",
                name=_("Unverified"),
                x=[o.year for o in unverified],
                y=[float(o.value) for o in unverified],
                mode="markers",
                marker={"size": 9, "symbol": "circle-open", "color": "#d55e00"},
                hovertemplate="%{x}: %{y}<extra>" + _("unverified") + "</extra>",
            )
        )
    years = [target.target_year] + [o.year for o in observations]
    if target.baseline_year:
        years.append(target.baseline_year)
    summary = "; ".join(_progress_parts(target, progress)) + "."
    if unverified:
        summary += " " + _("%(count)d unverified figure(s) shown apart, not counted.") % {
            "count": len(unverified)
        }
    return Chart(
        key=f"target-{target.pk}",
        title=target.indicator_en,
        summary=summary,
        figure=make_figure(
            data,
            make_layout(
                height=300,
                xaxis={
                    "dtick": 1,
                    "range": [min(years) - 0.5, max(years) + 0.5],
                    "automargin": True,
                    "gridcolor": "#eeeeee",
                },
                yaxis={
                    "title": {"text": plotly_escape(target.unit_en)},
                    "automargin": True,
                    "gridcolor": "#eeeeee",
                    "rangemode": "tozero",
                },
            ),
        ),
        columns=[_("Year"), _("Value"), _("Verified"), _("Source")],
        rows=[
            [o.year, number(o.value), _("yes") if o.verified else _("no"), str(o.source or "—")]
            for o in observations
        ],
    )
