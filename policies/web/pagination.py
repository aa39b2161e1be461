"""Paging a list: the page's ids first, then only those rows, and a clear word for a page
number that is not one."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from policies import search

PER_PAGE = 20
# A search lists at most this many statements (newest first); more is "more than". The
# number a search reads by id (``search.SPARSE``): counting further costs a row per match
# (10,000 took 90 to 800 ms at 1M on PostgreSQL).
SEARCH_COUNT_CAP = search.SPARSE


class IdPages:
    """A queryset the Paginator slices in two steps: the page's ids, then those rows.

    It still pages with ``OFFSET``, but over ids alone: the database built and threw away
    every row before the page with its joins (page 1,000 of the statements, 20,000 rows,
    took twice as long as page 1 at 100k). The ids come from the ordering index; the rows,
    with their joins and prefetches, are then read for the 20 ids of the page only.
    """

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        rows: QuerySet[Any] | None = None,
        count_cap: int | None = None,
    ) -> None:
        self.queryset = queryset
        # Where the page's rows are read by id: the same listing without the filters,
        # which chose the ids already. Kept, a word search ran again to read 20 rows
        # (0.4 s at 1M on SQLite, which evaluates the FTS subquery before the ids).
        self.rows = queryset if rows is None else rows
        self.count_cap = count_cap
        self._count: int | None = None

    def _full_count(self) -> int:
        if self._count is None:
            if self.count_cap is None:
                self._count = self.queryset.count()
            else:
                self._count = self.queryset.order_by()[: self.count_cap + 1].count()
        return self._count

    def count(self) -> int:
        """All the rows; with ``count_cap``, at most that many (see ``capped``).

        A search for a common word matches a third of a million statements: counting them
        all took 200 ms, while the page of the newest twenty takes 3. Past the cap, the
        count stops, and only the first ``count_cap`` rows can be paged through.
        """
        full = self._full_count()
        return full if self.count_cap is None else min(full, self.count_cap)

    @property
    def capped(self) -> bool:
        """Whether more rows match than ``count_cap``: the count is then a lower bound."""
        return self.count_cap is not None and self._full_count() > self.count_cap

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        if not isinstance(index, slice):
            raise TypeError("IdPages is read a page (a slice) at a time.")
        ids = list(self.queryset.values_list("pk", flat=True)[index])
        found = {record.pk: record for record in self.rows.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]


def paginate(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    rows: QuerySet[Any] | None = None,
    count_cap: int | None = None,
) -> tuple[Page[Any], str | None]:
    """The requested page, or the first one with a message when the number is not a page.

    ``rows``: the unfiltered listing the page's records are read from (``IdPages``).
    """
    pages = IdPages(queryset, rows=rows, count_cap=count_cap)
    # IdPages is read a page (a slice) at a time, never by index: it is no Sequence.
    paginator: Paginator[Any] = Paginator(pages, PER_PAGE)  # type: ignore[arg-type]
    raw = request.GET.get("page", "1")
    if raw.isascii() and raw.isdigit() and len(raw) <= 9 and 1 <= int(raw) <= paginator.num_pages:
        return paginator.page(int(raw)), None
    message = _(
        "There is no page “%(page)s”: the results have %(count)d page(s). Showing the first."
    ) % {"page": raw[:20], "count": paginator.num_pages}
    return paginator.page(1), message
