"""Chart builders: pure functions from selector rows to plotly figures, never a query.

Every chart comes with a one-sentence text alternative and its data as a table, so what the
figure shows is also there for screen readers, for copying and for citing.
"""

from __future__ import annotations

import datetime
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.progress import STATUS_COLOURS, Progress

NO_THEME_COLOUR = "#bbbbbb"
PLAN_COLOUR = "#222222"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"


@dataclass
class Chart:
    """A figure with its text alternative and the table of the same data."""

    key: str
    title: str
    summary: str
    figure: dict[str, Any]
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows


def _layout(**overrides: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "template": NO_TEMPLATE,
        "font": {"family": FONT, "size": 13},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "hoverlabel": {"font": {"family": FONT}},
        "legend": {"orientation": "h", "y": -0.15},
        "xaxis": {"automargin": True, "gridcolor": "#eeeeee"},
        "yaxis": {"automargin": True, "gridcolor": "#eeeeee", "rangemode": "tozero"},
        "autosize": True,
    }
    layout.update(overrides)
    return layout


# What plotly's own "none" template becomes in JSON: no styling beyond our layout.
NO_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}


def _trace(kind: str, **properties: Any) -> dict[str, Any]:
    """A trace, with plotly's ``marker_color`` shorthand spelled out as ``marker.color``
    (no trace property has an underscore of its own)."""
    trace: dict[str, Any] = {"type": kind}
    for name, value in properties.items():
        *parents, leaf = name.split("_")
        node = trace
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return trace


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """The figure as plotly.js reads it. Plain dicts: building plotly's validated objects
    took a third of the dashboard's time; tests/test_charts.py validates every figure
    with plotly instead."""
    return {"data": data, "layout": layout}


def granularity_label(granularity: str) -> str:
    return {"month": _("month"), "quarter": _("quarter"), "year": _("year")}[granularity]


def period_label(period: datetime.date, granularity: str) -> str:
    if granularity == "year":
        return str(period.year)
    if granularity == "quarter":
        return f"{period.year} Q{(period.month - 1) // 3 + 1}"
    return period.strftime("%Y-%m")


def plotly_escape(text: str) -> str:
    """Text for plotly, which renders a subset of HTML (links, bold...) in labels and hovers:
    editor-written names must show as written, never as markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap_label(text: str, width: int = 28) -> str:
    """Break a long axis label into lines, so narrow screens keep room for the plot."""
    return "<br>".join(plotly_escape(line) for line in textwrap.wrap(text, width)) or (
        plotly_escape(text)
    )


def period_sequence(
    first: datetime.date, last: datetime.date, granularity: str
) -> list[datetime.date]:
    """Every period start from ``first`` to ``last``, so empty periods show as gaps."""
    step = {"month": 1, "quarter": 3, "year": 12}[granularity]
    periods = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        periods.append(datetime.date(year, month, 1))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return periods


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def timeline_chart(
    *,
    statement_rows: list[dict],
    plan_rows: list[dict],
    themes: list[Any],
    granularity: str,
) -> Chart:
    """Statements per period stacked by theme, with plans published as a line."""
    counts: dict[str | None, dict[datetime.date, int]] = defaultdict(dict)
    for row in statement_rows:
        counts[row["themes__slug"]][_as_date(row["period"])] = row["count"]
    plan_counts = {_as_date(row["period"]): row["count"] for row in plan_rows}
    seen = sorted({p for by_period in counts.values() for p in by_period} | set(plan_counts))
    periods = period_sequence(seen[0], seen[-1], granularity) if seen else []

    series = [(t.slug, t.name, t.colour) for t in themes if t.slug in counts]
    if None in counts:
        series.append((None, _("No theme"), NO_THEME_COLOUR))
    labels = [period_label(p, granularity) for p in periods]
    x = labels
    data: list[Any] = [
        _trace(
            "bar",
            name=plotly_escape(name),
            x=x,
            y=[counts[slug].get(p, 0) for p in periods],
            marker_color=colour,
            hovertemplate="%{x}: %{y}<extra>" + plotly_escape(name) + "</extra>",
        )
        for slug, name, colour in series
    ]
    if plan_counts:
        data.append(
            _trace(
                "scatter",
                name=_("Plans published"),
                x=x,
                y=[plan_counts.get(p, 0) for p in periods],
                mode="lines+markers",
                line={"color": PLAN_COLOUR, "dash": "dot"},
                hovertemplate="%{x}: %{y}<extra>" + _("plans") + "</extra>",
            )
        )
    columns = [_("Period")] + [name for _slug, name, _colour in series] + [_("Plans published")]
    rows = [
        [label] + [counts[slug].get(p, 0) for slug, _n, _c in series] + [plan_counts.get(p, 0)]
        for p, label in zip(periods, labels, strict=True)
    ]
    totals = {name: sum(counts[slug].values()) for slug, name, _c in series}
    if rows:
        top = max(totals, key=totals.get) if totals else None
        plans = sum(plan_counts.values())
        summary = _(
            "Statements and plans by %(granularity)s from %(first)s to %(last)s, "
            "stacked by theme; %(plans)s."
        ) % {
            "granularity": granularity_label(granularity),
            "first": labels[0],
            "last": labels[-1],
            "plans": ngettext("%(count)d plan published", "%(count)d plans published", plans)
            % {"count": plans},
        }
        if top:
            summary += " " + _("The most frequent theme is %(theme)s (%(count)d).") % {
                "theme": top,
                "count": totals[top],
            }
    else:
        summary = _("No statements or plans match these filters.")
    layout = _layout(
        barmode="stack",
        xaxis={"type": "category", "automargin": True, "gridcolor": "#eeeeee"},
        yaxis={
            "title": {"text": _("count")},
            "automargin": True,
            "gridcolor": "#eeeeee",
            "rangemode": "tozero",
        },
        height=360,
    )
    return Chart(
        key="timeline",
        title=_("Statements and plans over time, by theme"),
        summary=summary,
        figure=_figure(data, layout),
        columns=columns,
        rows=rows,
    )


def heatmap_chart(*, rows: list[dict], themes: list[Any], sectors: list[Any]) -> Chart:
    """Theme × sector matrix of statement counts, sectors in tree order."""
    counts = {(r["themes__slug"], r["sectors__slug"]): r["count"] for r in rows}
    used_themes = [t for t in themes if any(k[0] == t.slug for k in counts)]
    used_sectors = [s for s in sectors if any(k[1] == s.slug for k in counts)]
    z = [[counts.get((t.slug, s.slug), 0) for t in used_themes] for s in used_sectors]
    sector_labels = ["\u2002" * s.depth + plotly_escape(s.name) for s in used_sectors]
    theme_labels = [plotly_escape(t.name) for t in used_themes]
    figure = _figure(
        [
            _trace(
                "heatmap",
                z=z,
                x=theme_labels,
                y=sector_labels,
                colorscale="Blues",
                xgap=2,
                ygap=2,
                hovertemplate="%{y} × %{x}: %{z}<extra></extra>",
                colorbar={"title": {"text": _("statements")}, "thickness": 12},
            )
        ],
        _layout(
            height=max(260, 34 * len(used_sectors) + 140),
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"automargin": True, "tickangle": -30},
        ),
    )
    if counts:
        (theme_slug, sector_slug), top = max(counts.items(), key=lambda item: item[1])
        names = {t.slug: t.name for t in themes} | {s.slug: s.name for s in sectors}
        summary = _(
            "Statements counted by theme and sector across %(themes)d themes and %(sectors)d "
            "sectors; the most frequent pair is %(theme)s × %(sector)s (%(count)d)."
        ) % {
            "themes": len(used_themes),
            "sectors": len(used_sectors),
            "theme": names.get(theme_slug, theme_slug),
            "sector": names.get(sector_slug, sector_slug),
            "count": top,
        }
    else:
        summary = _("No statement matching these filters has both a theme and a sector.")
    return Chart(
        key="heatmap",
        title=_("Themes by sector"),
        summary=summary,
        figure=figure,
        columns=[_("Sector"), *theme_labels],
        rows=[[s.name, *row] for s, row in zip(used_sectors, z, strict=True)],
    )


def _number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return number_format(value.normalize() if isinstance(value, Decimal) else value)


def progress_chart(rows: list[Any]) -> Chart:
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
        labels.append(wrap_label(label))
        share = progress.share if progress.share is not None else 0.0
        shares.append(round(share * 100, 1))
        colours.append(STATUS_COLOURS[progress.status])
        hovers.append("<br>".join(plotly_escape(p) for p in _progress_parts(target, progress)))
        table.append(
            [
                target.indicator_en,
                f"{_number(target.baseline_value)} ({target.baseline_year or '—'})",
                f"{_number(progress.latest_value)} ({progress.as_of_year or '—'})",
                f"{_number(target.target_value)} ({target.target_year})",
                target.unit_en,
                progress.status.label,
                "—" if progress.share is None else f"{share * 100:.0f} %",
            ]
        )
    figure = _figure(
        [
            _trace(
                "bar",
                x=shares,
                y=labels,
                orientation="h",
                marker_color=colours,
                text=[r.progress.status.label for r in rows],
                # Short or empty bars (no data yet) keep their label beside them, readable.
                textposition=["inside" if share >= 30 else "outside" for share in shares],
                hovertext=hovers,
                hoverinfo="text",
                name=_("progress"),
            )
        ],
        _layout(
            height=max(200, 40 * len(rows) + 90),
            showlegend=False,
            xaxis={
                "title": {"text": _("% of the way from baseline to target")},
                "range": [min([0, *shares]) - 5, max([110, *shares]) + 5],
                "ticksuffix": " %",
                "automargin": True,
                "gridcolor": "#eeeeee",
            },
            yaxis={"autorange": "reversed", "automargin": True},
            shapes=[
                {
                    "type": "line",
                    "x0": 100,
                    "x1": 100,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#333333", "dash": "dash", "width": 1},
                }
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


def _progress_parts(target: Any, progress: Progress) -> list[str]:
    """The facts of one target's progress, as plain text (escape them for plotly)."""
    parts = [target.indicator_en]
    if target.baseline_value is not None:
        parts.append(
            _("baseline %(value)s in %(year)s")
            % {"value": _number(target.baseline_value), "year": target.baseline_year}
        )
    if progress.latest_value is not None:
        parts.append(
            _("latest verified %(value)s in %(year)s")
            % {"value": _number(progress.latest_value), "year": progress.as_of_year}
        )
    parts.append(
        _("target %(value)s %(unit)s by %(year)s")
        % {
            "value": _number(target.target_value),
            "unit": target.unit_en,
            "year": target.target_year,
        }
    )
    parts.append(progress.status.label)
    return parts


def coverage_chart(*, counts: dict[str, dict[str, int]], sectors: list[Any]) -> Chart:
    """Statements, plans and targets tagged with each sector (direct tags, tree order)."""
    used = [s for s in sectors if any(s.slug in by_sector for by_sector in counts.values())]
    series = [
        ("statements", _("Statements"), "#0072b2"),
        ("plans", _("Plans"), "#e69f00"),
        ("targets", _("Targets"), "#009e73"),
    ]
    labels = ["\u2002" * s.depth + plotly_escape(s.name) for s in used]
    data = [
        _trace(
            "bar",
            name=name,
            y=labels,
            x=[counts[key].get(s.slug, 0) for s in used],
            orientation="h",
            marker_color=colour,
            hovertemplate="%{y}: %{x}<extra>" + name + "</extra>",
        )
        for key, name, colour in series
    ]
    total = {s.slug: sum(counts[key].get(s.slug, 0) for key, _n, _c in series) for s in used}
    if used:
        top = max(used, key=lambda s: total[s.slug])
        summary = _(
            "Records tagged with each of %(count)d sectors; the most covered is %(sector)s "
            "(%(total)d records)."
        ) % {"count": len(used), "sector": top.name, "total": total[top.slug]}
    else:
        summary = _("No record matching these filters is tagged with a sector.")
    return Chart(
        key="coverage",
        title=_("Coverage by sector"),
        summary=summary,
        figure=_figure(
            data,
            _layout(
                barmode="group",
                height=max(260, 30 * len(used) + 120),
                yaxis={"autorange": "reversed", "automargin": True},
            ),
        ),
        columns=[_("Sector"), *(name for _k, name, _c in series)],
        rows=[[s.name, *(counts[key].get(s.slug, 0) for key, _n, _c in series)] for s in used],
    )


def target_chart(*, target: Any, observations: list[Any], progress: Progress) -> Chart:
    """One target: its observations against the straight path from baseline to target."""
    data: list[Any] = []
    if target.baseline_value is not None:
        data.append(
            _trace(
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
        _trace(
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
            _trace(
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
            _trace(
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
        figure=_figure(
            data,
            _layout(
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
            [o.year, _number(o.value), _("yes") if o.verified else _("no"), str(o.source or "—")]
            for o in observations
        ],
    )
