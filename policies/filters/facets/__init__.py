"""Facets: each filter's values with the number of records each would select, and the
active filters as removable chips.

Counts are disjunctive, as search engines' facets are: a facet's values are counted under
every other active filter but not the facet's own, so that choosing a second value adds to
the result, and its count said by how much. A value's count is what ``select`` would count
with that value chosen instead of the facet's others.

Each facet costs a fixed number of queries, whatever the size of the data (``counting``),
and a page's live counts together no more than ``settings.FACET_TIME_LIMIT_MS``
(``budget``): a facet whose counts ran out of that time lists its values without them.

- ``shapes``: what the pages draw (``Option``, ``Facet``, ``Chip``);
- ``records``: which facets each surface has and which records they count;
- ``counting``: the counts, live or from the rollups;
- ``budget``: the time the live counts may take;
- ``chips``: the active filters, each with the query without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from policies.filters.facets.budget import TimeBudget
from policies.filters.facets.chips import chips
from policies.filters.facets.counting import Counting
from policies.filters.facets.records import FACETS
from policies.filters.facets.shapes import Chip, Facet, Option

if TYPE_CHECKING:
    from policies.filters import Selection
    from policies.rollups import RollupCounts

__all__ = ["FACETS", "Chip", "Facet", "Option", "chips", "facets"]


def facets(
    selection: Selection,
    *,
    hide: str | None = None,
    time_limit_ms: int | None = None,
    known: RollupCounts | None = None,
) -> list[Facet]:
    """The facets of ``selection``'s surface, with disjunctive counts; ``hide`` names a
    filter the page fixes (a scope page's own) and leaves out.

    The live counts share ``time_limit_ms`` (``settings.FACET_TIME_LIMIT_MS`` unless given;
    0 counts only what the rollups answer). ``known``: the selection's own statement counts
    (``rollups.statement_counts``), if the page has them, spare the facets whose filter is
    not chosen a query each. An invalid selection counts
    nothing (its page says why): each facet then lists only the values chosen that were
    valid, at zero.
    """
    filterset = selection.filterset
    names = [name for name in FACETS.get(selection.surface, ()) if name != hide]
    if filterset is None or not names:
        return []
    if time_limit_ms is None:
        time_limit_ms = settings.FACET_TIME_LIMIT_MS
    budget = TimeBudget(time_limit_ms)
    counting = Counting(selection, filterset, budget=budget, known=known)
    return [counting.facet(name) for name in names]
