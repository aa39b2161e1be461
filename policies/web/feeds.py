"""Atom feeds: a saved search becomes a subscription.

``/feeds/statements.atom`` takes the dashboard's filters; ``/feeds/targets.atom`` tells when a
target's computed status changes as verified figures arrive.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from policies import filters, selectors
from policies.models import Observation, Statement, Target
from policies.progress import Status
from policies.querysets import StatementQuerySet

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


class StatementFeed(Feed):
    feed_type = SafeAtom1Feed
    description_template = "policies/feed_statement.html"

    def __init__(self, statements: StatementQuerySet, query: str) -> None:
        super().__init__()
        self.statements = statements
        self.query = query

    def title(self) -> str:
        return _("Policy Tracker: statements") + (f" ({self.query})" if self.query else "")

    def link(self) -> str:
        return "/statements/" + (f"?{self.query}" if self.query else "")

    def subtitle(self) -> str:
        return _("The newest statements matching these filters, each with its verbatim excerpt.")

    def items(self) -> list[Statement]:
        return list(selectors.statement_list(statements=self.statements)[:FEED_SIZE])

    def item_title(self, item: Statement) -> str:
        return item.headline

    def item_pubdate(self, item: Statement) -> datetime.datetime:
        return _midnight(item.published_on)

    def item_author_name(self, item: Statement) -> str:
        return item.actor.name

    def item_categories(self, item: Statement) -> list[str]:
        return [theme.name for theme in item.themes.all()]


@require_GET
def statements_feed(request: HttpRequest) -> HttpResponse:
    selection = filters.select(request.GET, surface="statements")
    if not selection.valid:
        return JsonResponse(selection.error_document(), status=selection.status)
    # The records of the "statements" surface are a StatementQuerySet.
    statements = cast(StatementQuerySet, selection.records)
    return StatementFeed(statements, request.GET.urlencode())(request)


@dataclass(frozen=True)
class StatusChange:
    target: Target
    year: int
    value: Any
    status: Status
    previous: Status
    recorded: datetime.datetime


def status_changes(*, targets: QuerySet[Target]) -> list[StatusChange]:
    """Every change of computed status, replaying each target's verified figures by year."""
    loaded = targets.select_related("plan").prefetch_related(
        Prefetch(
            "observations",
            queryset=Observation.objects.filter(verified=True).order_by("year", "pk"),
            to_attr="verified_observations",
        )
    )
    records = list(loaded)
    ids = [o.pk for t in records for o in t.verified_observations]
    recorded = dict(
        Observation.history.filter(id__in=ids, history_type="+").values_list("id", "history_date")
    )
    changes = []
    for target in records:
        previous = Status.NO_DATA
        for observation in target.verified_observations:
            status = selectors.progress_at(
                target, latest_value=observation.value, latest_year=observation.year
            ).status
            if status != previous:
                changes.append(
                    StatusChange(
                        target,
                        observation.year,
                        observation.value,
                        status,
                        previous,
                        recorded.get(observation.pk)
                        or _midnight(datetime.date(observation.year, 12, 31)),
                    )
                )
            previous = status
    changes.sort(key=lambda change: change.recorded, reverse=True)
    return changes[:FEED_SIZE]


class TargetStatusFeed(Feed):
    feed_type = SafeAtom1Feed

    def __init__(self, changes: list[StatusChange], query: str) -> None:
        super().__init__()
        self.changes = changes
        self.query = query

    def title(self) -> str:
        return _("Policy Tracker: target status changes") + (
            f" ({self.query})" if self.query else ""
        )

    def link(self) -> str:
        return "/targets/" + (f"?{self.query}" if self.query else "")

    def subtitle(self) -> str:
        return _("When a verified figure changes a target's computed status.")

    def items(self) -> list[StatusChange]:
        return self.changes

    def item_title(self, item: StatusChange) -> str:
        return _("%(indicator)s: %(status)s (%(value)s in %(year)s)") % {
            "indicator": item.target.indicator_en,
            "status": item.status.label,
            "value": format(item.value.normalize(), "f"),
            "year": item.year,
        }

    def item_description(self, item: StatusChange) -> str:
        return _(
            "%(plan)s. Status was %(previous)s; the verified figure for %(year)s makes "
            "it %(status)s."
        ) % {
            "plan": item.target.plan.title_en,
            "previous": item.previous.label,
            "year": item.year,
            "status": item.status.label,
        }

    def item_link(self, item: StatusChange) -> str:
        return item.target.get_absolute_url()

    def item_guid(self, item: StatusChange) -> str:
        return f"{item.target.get_absolute_url()}#status-{item.year}-{item.status}"

    def item_pubdate(self, item: StatusChange) -> datetime.datetime:
        return item.recorded

    def item_updateddate(self, item: StatusChange) -> datetime.datetime:
        return item.recorded or timezone.now()


@require_GET
def targets_feed(request: HttpRequest) -> HttpResponse:
    selection = filters.select(request.GET, surface="targets")
    if not selection.valid:
        return JsonResponse(selection.error_document(), status=selection.status)
    changes = status_changes(targets=selection.records)
    return TargetStatusFeed(changes, request.GET.urlencode())(request)
