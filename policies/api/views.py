"""The read-only JSON API under /api/v1/: published records, the dashboard's filters.

Relations are given by natural key (slug; a target as plan-slug/target-slug; an observation
as indicator-slug/period/source-slug), as in the exports. Indicators and their observations
are public on their own (but for figures from a draft source); targets only as their
published plans and published sources are. Unknown parameters and
malformed values answer 400 with a JSON body saying which (``policies.api.errors``); writes
answer 405.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import F, Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import routers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from policies import selectors
from policies.api.errors import exception_handler
from policies.api.paging import KnownParametersOnly, Pagination
from policies.api.serializers import (
    ActorSerializer,
    PlanSerializer,
    SectorSerializer,
    SourceSerializer,
    StatementSerializer,
    ThemeSerializer,
)
from policies.api.series import (
    IndicatorSerializer,
    ObservationSerializer,
    TargetSerializer,
)
from policies.filters import ObservationFilter, PlanFilter, StatementFilter, TargetFilter
from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)
from policies.querysets import ObservationQuerySet


class APIRoot(routers.APIRootView):
    """The Policy Tracker's read-only JSON API: published statements, plans, targets,
    indicators and their figures, and the reference data they point to.

    "documentation" leads to every endpoint and filter, explained and tried in the browser;
    "schema" is the same as OpenAPI, for generating a client.
    """

    # The browsable API's heading (DRF would say "Api Root").
    name = "Policy Tracker API"

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        docs = reverse("api-docs", request=request)
        schema = reverse("api-schema", request=request)
        response.data = {"documentation": docs, "schema": schema, **response.data}
        # The same two addresses for a client that reads headers (RFC 8631).
        response["Link"] = f'<{docs}>; rel="service-doc", <{schema}>; rel="service-desc"'
        return response


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
        .prefetch_related(
            "co_issuers",
            "themes",
            "sectors",
            Prefetch(
                "targets", queryset=Target.objects.of_published_plans().select_related("plan")
            ),
        )
        .newest_first()
    )


class TargetViewSet(ReadOnly):
    """Targets of published plans, each with its status on the server's date and the figure
    it rests on (its indicator's verified figures, loaded in one query for the page)."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    queryset = selectors.target_list(targets=Target.objects.of_published_plans()).select_related(
        "source", "supersedes__plan"
    )


def observations() -> ObservationQuerySet:
    """Observations with what their keys name (indicator, source, the figure revised)."""
    return Observation.objects.public().select_related(
        "indicator", "source", "supersedes__indicator", "supersedes__source"
    )


class ObservationViewSet(ReadOnly):
    """Every figure of every indicator, public on its own, verified or not (only verified,
    current ones count towards a status), by indicator and period."""

    serializer_class = ObservationSerializer
    filterset_class = ObservationFilter
    queryset = observations().order_by(
        "indicator__slug", "year", F("month").asc(nulls_last=True), "pk"
    )


class IndicatorViewSet(ReadOnly):
    """Indicators, each with its observations by period and the targets that published
    plans set on it, with their status."""

    serializer_class = IndicatorSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    queryset = (
        Indicator.objects.select_related("sector", "theme")
        .prefetch_related(
            Prefetch("observations", queryset=observations().by_period()),
            Prefetch(
                "targets",
                queryset=selectors.target_list(
                    targets=Target.objects.of_published_plans()
                ).order_by("target_year", "plan__slug", "slug"),
            ),
        )
        .order_by("slug")
    )


class SourceViewSet(ReadOnly):
    serializer_class = SourceSerializer
    queryset = Source.objects.published().order_by("slug")


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
