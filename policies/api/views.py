"""The read-only JSON API under /api/v1/: published records, the dashboard's filters.

Relations are given by natural key (slug; a target as plan-slug/target-slug), as in the
exports. Unknown parameters and malformed values answer 400 with a JSON body saying which
(``policies.api.errors``); writes answer 405.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.response import Response

from policies import selectors
from policies.api.errors import exception_handler
from policies.api.paging import KnownParametersOnly, Pagination
from policies.api.serializers import (
    ActorSerializer,
    ObservationSerializer,
    PlanSerializer,
    SectorSerializer,
    SourceSerializer,
    StatementSerializer,
    TargetSerializer,
    ThemeSerializer,
)
from policies.filters import PlanFilter, StatementFilter, TargetFilter
from policies.models import Actor, Observation, Plan, Sector, Source, Statement, Target, Theme


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination
    filter_backends = [KnownParametersOnly, DjangoFilterBackend]

    def get_exception_handler(self) -> Callable[..., Response | None]:
        # Every refused request answers in the one shape the exports and feeds use.
        return exception_handler


class StatementViewSet(ReadOnly):
    """Published statements, newest first, with the dashboard's filters."""

    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    queryset = (
        Statement.objects.published()
        .with_listing()
        .select_related("origin")
        .prefetch_related(
            "sectors",
            # Links to draft plans (and their targets) stay hidden from readers.
            Prefetch("plans", queryset=Plan.objects.published()),
            Prefetch(
                "targets",
                queryset=Target.objects.of_published_plans().select_related("plan"),
            ),
        )
        .newest_first()
    )


class PlanViewSet(ReadOnly):
    """Published plans, newest first, with the dashboard's filters."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    queryset = (
        Plan.objects.published()
        .select_related("issuer", "source")
        .prefetch_related("themes", "sectors", "targets__plan")
        .newest_first()
    )


class TargetViewSet(ReadOnly):
    """Targets of published plans, with their computed status."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    queryset = selectors.target_list(targets=Target.objects.of_published_plans()).select_related(
        "source", "supersedes__plan"
    )


class ObservationViewSet(ReadOnly):
    """Measured values of published plans' targets; only verified ones count for status."""

    serializer_class = ObservationSerializer
    queryset = Observation.objects.select_related("indicator", "source").order_by(
        "indicator__slug", "year", "month", "pk"
    )


class SourceViewSet(ReadOnly):
    serializer_class = SourceSerializer
    queryset = Source.objects.order_by("slug")


class ActorViewSet(ReadOnly):
    serializer_class = ActorSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    queryset = Actor.objects.order_by("slug")


class ThemeViewSet(ReadOnly):
    serializer_class = ThemeSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    queryset = Theme.objects.order_by("slug")


class SectorViewSet(ReadOnly):
    serializer_class = SectorSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    queryset = Sector.objects.select_related("parent").order_by("path")
