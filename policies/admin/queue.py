"""The editors' queue: what waits for an editor, each entry a count and a link to the admin
list that shows exactly those records.

Targets whose deadline passed without a result that decides them (``awaiting_result``),
figures not yet checked against a second source, targets whose indicator has no new figure
in the last 18 months, and drafts. Each link opens a filtered changelist: the filters here
(a target's status, a stale series) are also on the targets' list, so the count on the
queue and the length of the list come from the same code.

The page costs a fixed number of queries however many records there are: the targets with
their indicators' counted figures (two queries, as every target list reads them), and one
count for each other entry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from policies.models import Observation, Plan, PublicationStatus, Statement, Target
from policies.progress import STATUS_LABELS, Status
from policies.querysets import TargetQuerySet
from policies.selectors import target_rows

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A series with no figure this long is stale: most indicators here are published yearly,
# a few months after the year ends, so a year and a half without one means a release was
# missed (by the publisher, or by us).
STALE_MONTHS = 18

# What an editor may change (migration 0002): the queue is theirs, and administrators'.
QUEUE_PERMISSIONS = (
    "policies.change_target",
    "policies.change_observation",
    "policies.change_plan",
    "policies.change_statement",
)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` months earlier (the month's last day if it has fewer)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (following - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


def recent_figures(*, since: datetime.date) -> Q:
    """Observations dated on or after ``since``: by the day they were published, or, when
    that is not recorded, by the end of the period they measure (a year's figure by 31
    December, a month's by the month's end)."""
    by_period = (
        Q(year__gt=since.year)
        | Q(year=since.year, month__isnull=True)
        | Q(year=since.year, month__gte=since.month)
    )
    return Q(published_on__gte=since) | (Q(published_on__isnull=True) & by_period)


def stale_targets(targets: QuerySet[Target], *, today: datetime.date) -> QuerySet[Target]:
    """Targets whose indicator has no figure, verified or not, from the last 18 months."""
    since = months_before(today, STALE_MONTHS)
    recent = Observation.objects.filter(
        recent_figures(since=since), indicator=OuterRef("indicator")
    )
    return targets.filter(~Exists(recent))


def target_ids_with_status(
    targets: TargetQuerySet, *, status: Status, today: datetime.date
) -> list[int]:
    """The ids of ``targets`` whose computed status on ``today`` is ``status`` (two
    queries: the targets, and their indicators' counted figures)."""
    # Without the caller's prefetches: with_series() sets its own.
    rows = target_rows(targets=targets.prefetch_related(None).with_series(), today=today)
    return [row.target.pk for row in rows if row.progress.status == status]


class TargetStatusFilter(admin.SimpleListFilter):
    """A target's status today, computed as the pages compute it (never stored)."""

    title = _("status today")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [(status.value, STATUS_LABELS[status]) for status in Status]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Target]) -> QuerySet[Target]:
        value = self.value()
        if value not in {status.value for status in Status}:
            return queryset
        targets = cast(TargetQuerySet, queryset)
        today = timezone.localdate()
        ids = target_ids_with_status(targets, status=Status(str(value)), today=today)
        return queryset.filter(pk__in=ids)


class StaleSeriesFilter(admin.SimpleListFilter):
    """Targets whose indicator has had no new figure for 18 months."""

    title = _("indicator's latest figure")
    parameter_name = "figures"
    STALE = "stale"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [(self.STALE, _("none in the last 18 months"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Target]) -> QuerySet[Target]:
        if self.value() != self.STALE:
            return queryset
        return stale_targets(queryset, today=timezone.localdate())


@dataclass(frozen=True)
class QueueEntry:
    """One line of the queue: what waits, how many, and the list that shows them."""

    label: StrOrPromise
    help: StrOrPromise
    count: int
    url: str


def _changelist(model: type[Any], **filters: str) -> str:
    info = model._meta.app_label, model._meta.model_name
    url = reverse("admin:{}_{}_changelist".format(*info))
    return f"{url}?{urlencode(filters)}" if filters else url


def editors_queue(*, today: datetime.date) -> list[QueueEntry]:
    """Every entry of the queue on ``today``, in a fixed number of queries."""
    targets = Target.objects.all()
    awaiting = target_ids_with_status(targets, status=Status.AWAITING_RESULT, today=today)
    draft = PublicationStatus.DRAFT
    return [
        QueueEntry(
            _("Targets awaiting their result"),
            _(
                "The deadline has passed and no verified figure decides the target yet: "
                "look for the result."
            ),
            len(awaiting),
            _changelist(Target, status=Status.AWAITING_RESULT.value),
        ),
        QueueEntry(
            _("Unverified figures"),
            _(
                "Figures waiting for a second source, or for the publisher's own text, before "
                "they count towards any target."
            ),
            Observation.objects.filter(verified=False).count(),
            _changelist(Observation, verified__exact="0"),
        ),
        QueueEntry(
            _("Targets without a recent figure"),
            _(
                "Their indicator has no figure from the last 18 months (by publication date, "
                "or by the period measured when that is not recorded)."
            ),
            stale_targets(targets, today=today).count(),
            _changelist(Target, figures=StaleSeriesFilter.STALE),
        ),
        QueueEntry(
            _("Draft statements"),
            _("Not yet published: readers do not see them."),
            Statement.objects.filter(status=draft).count(),
            _changelist(Statement, status__exact=draft),
        ),
        QueueEntry(
            _("Draft plans"),
            _("Not yet published: readers see neither them nor their targets."),
            Plan.objects.filter(status=draft).count(),
            _changelist(Plan, status__exact=draft),
        ),
    ]


def may_see_queue(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.has_perms(QUEUE_PERMISSIONS)


def queue_view(request: HttpRequest, *, site: admin.AdminSite) -> HttpResponse:
    """The queue, for editors and administrators (the admin's login guards it first)."""
    if not may_see_queue(request):
        raise PermissionDenied
    today = timezone.localdate()
    context = {
        **site.each_context(request),
        "title": _("Editors' queue"),
        "today": today,
        "entries": editors_queue(today=today),
    }
    return TemplateResponse(request, "admin/policies/queue.html", context)
