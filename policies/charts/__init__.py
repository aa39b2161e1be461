"""Chart builders: pure functions from selector rows to plotly figures, never a query.

Every chart comes with a one-sentence text alternative and its data as a table, so what the
figure shows is also there for screen readers, for copying and for citing.
"""

from policies.charts.base import (
    Chart,
    granularity_label,
    period_label,
    period_sequence,
    plotly_escape,
    wrap_label,
)
from policies.charts.dashboard import coverage_chart, heatmap_chart, timeline_chart
from policies.charts.indicators import indicator_chart
from policies.charts.targets import progress_chart, target_chart

__all__ = [
    "Chart",
    "coverage_chart",
    "granularity_label",
    "heatmap_chart",
    "indicator_chart",
    "period_label",
    "period_sequence",
    "plotly_escape",
    "progress_chart",
    "target_chart",
    "timeline_chart",
    "wrap_label",
]
