"""Atom feeds: a saved search becomes a subscription.

``/feeds/statements.atom`` takes the dashboard's filters; ``/feeds/targets.atom`` (the
targets' filters, ``indicator`` among them) tells when a target's computed status changes as
its indicator's verified figures arrive, and when its deadline passes undecided.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qsl

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from policies import filters, selectors, units
from policies.localized import localized, marked
from policies.models import Statement, Target
from policies.progress import Figure, Status
from policies.querysets import StatementQuerySet, TargetQuerySet
from policies.web import take_away

FEED_SIZE = 50
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class SafeAtom1Feed(Atom1Feed):
    """Atom that drops the control characters XML cannot carry, so one stray character in a
    record never breaks the feed for every subscriber."""

    # Django's Feed passes every field by keyword, so keywords are all this one takes.
    def add_item(self, **kwargs: Any) -> None:  # type: ignore[override]
        cleaned: dict[str, Any] = {
            k: XML_ILLEGAL.sub("", v) if isinstance(v, str) else v for k, v in kwargs.items()
        }
        super().add_item(**cleaned)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class FilteredFeed(Feed):
    """A feed under a reader's filters: its ``rel="self"`` address, and the page it
    follows (``link``), keep them, under the language it was asked in, so a feed reader
    that subscribes from either keeps the same saved search."""

    feed_name: str
    page_name: str

    def __init__(self, query: str) -> None:
        super().__init__()
        self.query = query

    def _with_query(self, path: str) -> str:
        return path + (f"?{self.query}" if self.query else "")

    def _titled(self, title: str) -> str:
        """``title``, then the filters as a reader wrote them ("sector=6g, q=données"),
        not percent-encoded as in the address."""
        pairs = parse_qsl(self.query)
        return title + (" ({})".format(", ".join(f"{k}={v}" for k, v in pairs)) if pairs else "")

    def feed_url(self) -> str:
        return self._with_query(reverse(self.feed_name))

    def link(self) -> str:
        return self._with_query(reverse(self.page_name))


class StatementFeed(FilteredFeed):
    feed_type = SafeAtom1Feed
    description_template = "policies/feed_statement.html"
    feed_name = "feeds:statements"
    page_name = "policies:statement_list"

    def __init__(self, statements: StatementQuerySet, query: str) -> None:
        super().__init__(query)
        self.statements = statements

    def title(self) -> str:
        return self._titled(_("Policy Tracker: statements"))

    def subtitle(self) -> str:
        return _("The newest statements matching these filters, each with its verbatim excerpt.")

    def items(self) -> list[Statement]:
        return list(selectors.statement_list(statements=self.statements)[:FEED_SIZE])

    def item_title(self, item: Statement) -> str:
        return marked(localized(item, "headline"))

    def item_pubdate(self, item: Statement) -> datetime.datetime:
        return _midnight(item.published_on)

    def item_author_name(self, item: Statement) -> str:
        return marked(localized(item.actor, "name"))

    def item_categories(self, item: Statement) -> list[str]:
        return [marked(localized(theme, "name")) for theme in item.themes.all()]


@require_GET
def statements_feed(request: HttpRequest) -> HttpResponse:
    selection = filters.select(request.GET, surface="statements")
    if not selection.valid:
        return JsonResponse(selection.error_document(), status=selection.status)
    # The records of the "statements" surface are a StatementQuerySet.
    statements = cast(StatementQuerySet, selection.records)
    return StatementFeed(statements, take_away.query("statements", request.GET))(request)


def arrival(figure: Figure) -> datetime.date:
    """When a figure became known: its publication date, else the last day of its period."""
    if figure.published_on is not None:
        return figure.published_on
    month = figure.month or 12
    return datetime.date(figure.year, month, calendar.monthrange(figure.year, month)[1])


@dataclass(frozen=True)
class StatusChange:
    """A target's computed status changing on ``day``: as verified figures arrived (``arrived``),
    or as its deadline passed with none that decides it (``arrived`` empty)."""

    target: Target
    day: datetime.date
    status: Status
    previous: Status
    arrived: tuple[Figure, ...]
    # The figure the new status rests on (``Progress.figure``).
    figure: Figure | None


def status_changes(
    *, targets: TargetQuerySet, today: datetime.date | None = None
) -> list[StatusChange]:
    """Every change of computed status, newest first (at most FEED_SIZE), replaying each
    target's indicator's verified figures in the order they arrived: on each day a figure
    arrived, the target is judged on the figures known by then, with that day as "today";
    and once more on the first day after its deadline, when a target that no figure has
    decided turns to awaiting its result. The series is read as it stands: a figure that a
    revision superseded is left out, and the revision counts from the day it arrived. Two
    queries however many targets (``with_series``).
    """
    today = today or timezone.localdate()
    changes = []
    for target in selectors.target_list(targets=targets):
        figures = selectors.figures_of(cast(Any, target.indicator).counted_figures)
        by_day: dict[datetime.date, list[Figure]] = {}
        for figure in figures:
            by_day.setdefault(arrival(figure), []).append(figure)
        after_deadline = datetime.date(target.target_year + 1, 1, 1)
        days = sorted(set(by_day) | ({after_deadline} if after_deadline <= today else set()))
        known: list[Figure] = []
        previous = Status.NO_DATA
        for day in days:
            arrived = tuple(by_day.get(day, ()))
            known.extend(arrived)
            progress = selectors.progress_at(target, figures=known, today=day)
            if progress.status != previous:
                changes.append(
                    StatusChange(target, day, progress.status, previous, arrived, progress.figure)
                )
            previous = progress.status
    changes.sort(key=lambda change: (change.day, change.target.pk), reverse=True)
    return changes[:FEED_SIZE]


class TargetStatusFeed(FilteredFeed):
    feed_type = SafeAtom1Feed
    feed_name = "feeds:targets"
    page_name = "policies:target_list"

    def __init__(self, changes: list[StatusChange], query: str) -> None:
        super().__init__(query)
        self.changes = changes

    def title(self) -> str:
        return self._titled(_("Policy Tracker: target status changes"))

    def subtitle(self) -> str:
        return _(
            "When a verified figure of its indicator, or its deadline passing, changes a "
            "target's computed status."
        )

    def items(self) -> list[StatusChange]:
        return self.changes

    @staticmethod
    def _figure(item: StatusChange, figure: Figure) -> str:
        return str(units.readable(figure.value, item.target.indicator.unit))

    def item_title(self, item: StatusChange) -> str:
        values = {
            "indicator": marked(localized(item.target.indicator, "name")),
            "year": item.target.target_year,
            "status": item.status.label,
        }
        if item.figure is None:
            return _("%(indicator)s by %(year)s: %(status)s") % values
        values |= {
            "value": units.readable(item.figure.value, item.target.indicator.unit).words,
            "period": item.figure.period,
        }
        return _("%(indicator)s by %(year)s: %(status)s (%(value)s in %(period)s)") % values

    def item_description(self, item: StatusChange) -> str:
        values = {
            "plan": marked(localized(item.target.plan, "title")),
            "previous": item.previous.label,
            "status": item.status.label,
            "year": item.target.target_year,
        }
        if item.arrived:
            values["figures"] = "; ".join(
                _("%(value)s in %(period)s") % {"value": self._figure(item, f), "period": f.period}
                for f in item.arrived
            )
            return (
                _(
                    "%(plan)s. Status was %(previous)s; the verified figure published "
                    "(%(figures)s) makes it %(status)s."
                )
                % values
            )
        return (
            _(
                "%(plan)s. Status was %(previous)s; %(year)s is over with no verified result "
                "that decides the target, so it is %(status)s."
            )
            % values
        )

    def item_link(self, item: StatusChange) -> str:
        return item.target.get_absolute_url()

    def item_guid(self, item: StatusChange) -> str:
        return f"{item.target.get_absolute_url()}#status-{item.day.isoformat()}-{item.status}"

    def item_pubdate(self, item: StatusChange) -> datetime.datetime:
        return _midnight(item.day)

    def item_updateddate(self, item: StatusChange) -> datetime.datetime:
        return _midnight(item.day)

    def item_categories(self, item: StatusChange) -> list[str]:
        return [marked(localized(item.target.indicator, "name"))]


@require_GET
def targets_feed(request: HttpRequest) -> HttpResponse:
    selection = filters.select(request.GET, surface="targets")
    if not selection.valid:
        return JsonResponse(selection.error_document(), status=selection.status)
    # The records of the "targets" surface are a TargetQuerySet.
    changes = status_changes(targets=cast(TargetQuerySet, selection.records))
    return TargetStatusFeed(changes, take_away.query("targets", request.GET))(request)
