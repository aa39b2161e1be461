"""The dashboard's charts: statements over time by theme, themes by sector, and sector
coverage."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.charts.base import (
    NO_THEME_COLOUR,
    PLAN_COLOUR,
    SEQUENTIAL_BLUES,
    Chart,
    PeriodRow,
    PeriodThemeRow,
    SectorCounts,
    SectorLike,
    ThemeLike,
    ThemeSectorRow,
    as_date,
    count_ticks,
    granularity_label,
    make_figure,
    make_layout,
    make_trace,
    period_label,
    period_sequence,
    plotly_escape,
    sector_label,
    words,
    wrap_label,
)


def timeline_chart(
    *,
    statement_rows: Sequence[PeriodThemeRow],
    plan_rows: Sequence[PeriodRow],
    themes: Sequence[ThemeLike],
    granularity: str,
) -> Chart:
    """Statements per period stacked by theme, with plans published as a line."""
    counts: dict[str | None, dict[datetime.date, int]] = defaultdict(dict)
    for row in statement_rows:
        counts[row["themes__slug"]][as_date(row["period"])] = row["count"]
    plan_counts = {as_date(row["period"]): row["count"] for row in plan_rows}
    seen = sorted({p for by_period in counts.values() for p in by_period} | set(plan_counts))
    periods = period_sequence(seen[0], seen[-1], granularity) if seen else []

    series: list[tuple[str | None, str, str]] = [
        (t.slug, words(t), t.colour) for t in themes if t.slug in counts
    ]
    if None in counts:
        series.append((None, _("No theme"), NO_THEME_COLOUR))
    labels = [period_label(p, granularity) for p in periods]
    x = labels
    data: list[dict[str, Any]] = [
        make_trace(
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
            make_trace(
                "scatter",
                name=_("Plans published"),
                x=x,
                y=[plan_counts.get(p, 0) for p in periods],
                mode="lines+markers",
                line={"color": PLAN_COLOUR, "dash": "dot"},
                hovertemplate="%{x}: %{y}<extra>" + _("plans") + "</extra>",
            )
        )
    # The stacks count a statement once for each of its themes, so their totals exceed the
    # number of statements; the chart and its text alternative both say so.
    once_per_theme = _("A statement with several themes counts once per theme.")
    columns = [_("Period")] + [name for _slug, name, _colour in series] + [_("Plans published")]
    rows = [
        [label] + [counts[slug].get(p, 0) for slug, _n, _c in series] + [plan_counts.get(p, 0)]
        for p, label in zip(periods, labels, strict=True)
    ]
    totals = {name: sum(counts[slug].values()) for slug, name, _c in series}
    if rows:
        top = max(totals, key=totals.__getitem__) if totals else None
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
        if series:
            summary += " " + once_per_theme
    else:
        summary = _("No statements or plans match these filters.")
    # A bar's height is the sum of its stack, the tallest of which the axis must tick to.
    highest = max(
        [sum(counts[slug].get(p, 0) for slug, _n, _c in series) for p in periods]
        + list(plan_counts.values()),
        default=0,
    )
    layout = make_layout(
        barmode="stack",
        xaxis={"type": "category", "automargin": True, "gridcolor": "#eeeeee"},
        yaxis={
            # Not "count": the stacks count statement-theme pairs (see the key's note).
            "title": {"text": wrap_label(_("statements per theme; plans"), 18)},
            "automargin": True,
            "gridcolor": "#eeeeee",
            "rangemode": "tozero",
            **count_ticks(highest),
        },
        # The key lists its entries one under the other on a phone: room for each of them,
        # and for the note above them, under a plot that keeps its height.
        height=260 + 20 * (len(series) + bool(plan_counts)) + (40 if series else 0),
    )
    # The key above the plot: below it, it sat where plotly puts the periods' labels once
    # they turn upright (quarters over several years), and hid them. All of it shows, never
    # a scrolled window of it.
    layout["legend"] = {
        "orientation": "h",
        "x": 0,
        "y": 1.02,
        "yanchor": "bottom",
        "maxheight": 1,
    }
    if series:
        # The stacks add up to more than the statements: say so above the themes' key, in
        # the figure itself, so that a copy of the picture says it too.
        layout["legend"]["title"] = {
            "text": wrap_label(once_per_theme, 40),
            "side": "top",
            "font": {"size": 12, "color": "#555555"},
        }
    return Chart(
        key="timeline",
        title=_("Statements and plans over time, by theme"),
        summary=summary,
        figure=make_figure(data, layout),
        columns=columns,
        rows=rows,
    )


def heatmap_chart(
    *, rows: Sequence[ThemeSectorRow], themes: Sequence[ThemeLike], sectors: Sequence[SectorLike]
) -> Chart:
    """Theme × sector matrix of statement counts, sectors in tree order."""
    counts = {(r["themes__slug"], r["sectors__slug"]): r["count"] for r in rows}
    used_themes = [t for t in themes if any(k[0] == t.slug for k in counts)]
    used_sectors = [s for s in sectors if any(k[1] == s.slug for k in counts)]
    z = [[counts.get((t.slug, s.slug), 0) for t in used_themes] for s in used_sectors]
    top = max(counts.values(), default=0)
    sector_labels = [sector_label(s) for s in used_sectors]
    theme_names = [words(t) for t in used_themes]
    theme_labels = [plotly_escape(name) for name in theme_names]
    # The height holds two lines a sector name, the colour bar above and the theme names
    # below, turned upright (about 7 px a character): automargin takes their room from the
    # plot, which would otherwise squeeze the rows.
    longest_theme = max((len(name) for name in theme_names), default=0)
    figure = make_figure(
        [
            make_trace(
                "heatmap",
                z=z,
                x=theme_labels,
                y=sector_labels,
                # Lightest at zero, pinned there: an empty cell reads as (nearly) blank.
                colorscale=SEQUENTIAL_BLUES,
                zmin=0,
                zmax=max(top, 1),
                xgap=2,
                ygap=2,
                hovertemplate="%{y} × %{x}: %{z}<extra></extra>",
                # Across the top, not beside the plot: on a phone a bar at the side took
                # the room the sector names needed, and its title ran off the screen.
                colorbar={
                    "title": {"text": _("statements"), "side": "top"},
                    "orientation": "h",
                    "x": 0,
                    "xanchor": "left",
                    "y": 1,
                    "yanchor": "bottom",
                    "ypad": 10,
                    "len": 1,
                    "lenmode": "fraction",
                    "thickness": 12,
                    **count_ticks(top),
                },
            )
        ],
        make_layout(
            height=36 * len(used_sectors) + 7 * longest_theme + 110,
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"automargin": True, "tickangle": -90},
        ),
    )
    if counts:
        (theme_slug, sector_slug), most = max(counts.items(), key=lambda item: item[1])
        names = {t.slug: words(t) for t in used_themes} | {s.slug: words(s) for s in used_sectors}
        summary = _(
            "Statements counted by theme and sector across %(themes)d themes and %(sectors)d "
            "sectors; the most frequent pair is %(theme)s × %(sector)s (%(count)d)."
        ) % {
            "themes": len(used_themes),
            "sectors": len(used_sectors),
            "theme": names.get(theme_slug, theme_slug),
            "sector": names.get(sector_slug, sector_slug),
            "count": most,
        }
    else:
        summary = _("No statement matching these filters has both a theme and a sector.")
    return Chart(
        key="heatmap",
        title=_("Themes by sector"),
        summary=summary,
        figure=figure,
        # The table's headers are HTML-escaped by the template: the names, not plotly's labels.
        columns=[_("Sector"), *theme_names],
        rows=[[words(s), *row] for s, row in zip(used_sectors, z, strict=True)],
    )


def coverage_chart(*, counts: SectorCounts, sectors: Sequence[SectorLike]) -> Chart:
    """Statements, plans and targets tagged with each sector (direct tags, tree order)."""
    used = [s for s in sectors if any(s.slug in by_sector for by_sector in counts.values())]
    series = [
        ("statements", _("Statements"), "#0072b2"),
        ("plans", _("Plans"), "#e69f00"),
        ("targets", _("Targets"), "#009e73"),
    ]
    labels = [sector_label(s) for s in used]
    data = [
        make_trace(
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
    highest = max((counts[key].get(s.slug, 0) for key, _n, _c in series for s in used), default=0)
    if used:
        top = max(used, key=lambda s: total[s.slug])
        summary = _(
            "Records tagged with each of %(count)d sectors; the most covered is %(sector)s "
            "(%(total)d records)."
        ) % {"count": len(used), "sector": words(top), "total": total[top.slug]}
    else:
        summary = _("No record matching these filters is tagged with a sector.")
    return Chart(
        key="coverage",
        title=_("Coverage by sector"),
        summary=summary,
        figure=make_figure(
            data,
            make_layout(
                barmode="group",
                # Two lines a sector name.
                height=36 * len(used) + 130,
                yaxis={"autorange": "reversed", "automargin": True},
                xaxis={
                    "automargin": True,
                    "gridcolor": "#eeeeee",
                    "rangemode": "tozero",
                    **count_ticks(highest),
                },
                # The key above the bars: below a tall chart it was a screen away from the
                # bars it names.
                legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"},
            ),
        ),
        columns=[_("Sector"), *(name for _k, name, _c in series)],
        rows=[[words(s), *(counts[key].get(s.slug, 0) for key, _n, _c in series)] for s in used],
    )
