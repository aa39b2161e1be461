"""The pages that answer "did they do it?": the indicators, each as one series with every
target set on it, and a target with its indicator's series.

Thin, like every page: selector (policies.scorecards) → chart → render. A target's status is
computed on the server's date; the tests set the date through the reads.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from policies import changes, charts, scorecards, selectors
from policies.models import Indicator


def _aliases(indicator: Indicator) -> list[dict[str, Any]]:
    """The other names documents use for the indicator, by language (those it has)."""
    by_language = [
        (_("Chinese"), "zh", indicator.aliases_zh),
        (_("English"), "en", indicator.aliases_en),
        (_("French"), "fr", indicator.aliases_fr),
    ]
    return [
        {"label": label, "lang": code, "names": names}
        for label, code, text in by_language
        if (names := [line.strip() for line in text.splitlines() if line.strip()])
    ]


@require_GET
def indicator_list(request: HttpRequest) -> HttpResponse:
    """Every indicator, with its targets and verified figures counted, and its latest figure."""
    return render(request, "policies/indicator_list.html", {"rows": scorecards.indicator_list()})


@require_GET
def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One indicator: its series as a chart and a table, and every target set on it."""
    try:
        indicator = scorecards.indicator_detail(slug=slug)
    except ObjectDoesNotExist:
        raise Http404 from None
    series = scorecards.indicator_series(indicator=indicator)
    rows = scorecards.indicator_targets(indicator=indicator, series=series)
    context = {
        "indicator": indicator,
        "aliases": _aliases(indicator),
        "series": series,
        "rows": rows,
        "chart": charts.indicator_chart(
            indicator=indicator, observations=scorecards.chartable(series), rows=rows
        ),
    }
    return render(request, "policies/indicator_detail.html", context)


@require_GET
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A target, judged on its indicator's series, which the page shows with its citations."""
    try:
        target = selectors.target_detail(pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    series = scorecards.indicator_series(indicator=target.indicator)
    (row,) = scorecards.judge([target], series, today=timezone.localdate())
    context = {
        "target": target,
        "row": row,
        "progress": row.progress,
        "series": series,
        "chart": charts.target_chart(row=row, observations=scorecards.chartable(series)),
        "history": changes.change_log(target),
    }
    return render(request, "policies/target_detail.html", context)
