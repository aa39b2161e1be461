"""The read-only JSON API under /api/v1/: published records, the dashboard's filters.

Relations are given by natural key (slug; a target as plan-slug/target-slug), as in the
exports. Unknown parameters and malformed values answer 400 with a JSON body saying which;
writes answer 405.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import PageNumberPagination

from policies import selectors
from policies.filters import PlanFilter, StatementFilter, TargetFilter
from policies.models import (
    Actor,
    Observation,
    Plan,
    PublicationStatus,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)
from policies.records import natural_key


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and not (
            size.isascii() and size.isdigit() and 1 <= int(size) <= self.max_page_size
        ):
            raise ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            # A page past the end is a malformed value, not a missing resource.
            raise ValidationError({"page": [str(error.detail)]}) from None


class KnownParametersOnly(BaseFilterBackend):
    """Refuses parameters the endpoint does not know, so a typo never filters silently."""

    always_allowed = frozenset({"page", "page_size", "format"})

    def filter_queryset(self, request, queryset, view):
        filterset_class = getattr(view, "filterset_class", None)
        allowed = set(self.always_allowed)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError(
                {
                    "unknown_parameters": unknown,
                    "allowed_parameters": sorted(allowed),
                }
            )
        return queryset


@extend_schema_field({"type": "string", "nullable": True})
class KeyField(serializers.Field):
    """A related record as its natural key."""

    def to_representation(self, value: Any) -> str | None:
        return natural_key(value)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class KeyListField(serializers.Field):
    """Related records as a list of natural keys (prefetched by the viewset)."""

    def get_attribute(self, instance):
        return getattr(instance, self.source).all()

    def to_representation(self, value) -> list[str]:
        return sorted(natural_key(obj) for obj in value)


class PageLink(serializers.HyperlinkedIdentityField):
    """The record's page on the site, for people."""

    def get_url(self, obj, view_name, request, format):
        return request.build_absolute_uri(obj.get_absolute_url()) if request else None


def page_link() -> PageLink:
    return PageLink(view_name="", read_only=True)


class SourceSerializer(serializers.ModelSerializer):
    page = page_link()
    paragraphs = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "slug",
            "title",
            "title_en",
            "publisher",
            "kind",
            "tier",
            "language",
            "url",
            "published_on",
            "paragraphs",
            "notes",
            "page",
        ]


class ActorSerializer(serializers.ModelSerializer):
    page = page_link()

    class Meta:
        model = Actor
        fields = [
            "id",
            "slug",
            "name",
            "name_original",
            "kind",
            "jurisdiction",
            "role",
            "description",
            "page",
        ]


class ThemeSerializer(serializers.ModelSerializer):
    page = page_link()

    class Meta:
        model = Theme
        fields = ["id", "slug", "name", "description", "colour", "page"]


class SectorSerializer(serializers.ModelSerializer):
    parent = KeyField(read_only=True)
    page = page_link()

    class Meta:
        model = Sector
        fields = ["id", "slug", "name", "code", "parent", "path", "description", "page"]


class PlanSerializer(serializers.ModelSerializer):
    issuer = KeyField(read_only=True)
    source = KeyField(read_only=True)
    themes = KeyListField(read_only=True)
    sectors = KeyListField(read_only=True)
    targets = KeyListField(read_only=True)
    page = page_link()

    class Meta:
        model = Plan
        fields = [
            "id",
            "slug",
            "title",
            "title_en",
            "language",
            "kind",
            "issuer",
            "document_number",
            "signed_on",
            "published_on",
            "start_year",
            "end_year",
            "summary",
            "source",
            "themes",
            "sectors",
            "targets",
            "page",
        ]


class TargetSerializer(serializers.ModelSerializer):
    key = serializers.SerializerMethodField()
    plan = KeyField(read_only=True)
    sector = KeyField(read_only=True)
    theme = KeyField(read_only=True)
    source = KeyField(read_only=True)
    supersedes = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    latest_verified_value = serializers.DecimalField(
        source="latest_value", max_digits=20, decimal_places=4, read_only=True, allow_null=True
    )
    latest_verified_year = serializers.IntegerField(
        source="latest_year", read_only=True, allow_null=True
    )
    progress = serializers.SerializerMethodField()
    page = page_link()

    class Meta:
        model = Target
        fields = [
            "id",
            "key",
            "plan",
            "slug",
            "indicator",
            "indicator_en",
            "unit",
            "unit_en",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "direction",
            "kind",
            "sector",
            "theme",
            "source",
            "locator",
            "supersedes",
            "status",
            "latest_verified_value",
            "latest_verified_year",
            "progress",
            "page",
        ]

    def get_key(self, target: Target) -> str:
        return natural_key(target)

    def get_supersedes(self, target: Target) -> str | None:
        """The target this one revises, unless that one belongs to a draft plan."""
        earlier = target.supersedes
        if earlier is None or earlier.plan.status != PublicationStatus.PUBLISHED:
            return None
        return natural_key(earlier)

    @staticmethod
    def _progress(target: Target):
        # Status and share come from one computation per target, not one each.
        if not hasattr(target, "_progress"):
            target._progress = selectors.progress_of(target)
        return target._progress

    def get_status(self, target: Target) -> str:
        """achieved, on_track, behind, overdue or no_data (computed, verified figures only)."""
        return str(self._progress(target).status)

    def get_progress(self, target: Target) -> float | None:
        """Share of the way from baseline to target, 0 at the baseline and 1 at the target."""
        share = self._progress(target).share
        return None if share is None else round(share, 4)


class ObservationSerializer(serializers.ModelSerializer):
    target = KeyField(read_only=True)
    source = KeyField(read_only=True)

    class Meta:
        model = Observation
        fields = [
            "id",
            "target",
            "year",
            "value",
            "released_on",
            "source",
            "locator",
            "verified",
            "note",
        ]


class StatementSerializer(serializers.ModelSerializer):
    actor = KeyField(read_only=True)
    source = KeyField(read_only=True)
    origin = KeyField(read_only=True)
    language = serializers.CharField(read_only=True)
    themes = KeyListField(read_only=True)
    sectors = KeyListField(read_only=True)
    plans = KeyListField(read_only=True)
    targets = KeyListField(read_only=True)
    citation = serializers.SerializerMethodField()
    page = page_link()

    class Meta:
        model = Statement
        fields = [
            "id",
            "slug",
            "actor",
            "kind",
            "headline",
            "excerpt",
            "language",
            "text_en",
            "source",
            "paragraph",
            "citation",
            "origin",
            "venue",
            "delivered_on",
            "published_on",
            "themes",
            "sectors",
            "plans",
            "targets",
            "page",
        ]

    def get_citation(self, statement: Statement) -> str | None:
        """The address of the cited paragraph on the source's page."""
        request = self.context.get("request")
        url = f"{statement.source.get_absolute_url()}#p{statement.paragraph}"
        return request.build_absolute_uri(url) if request else url


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination
    filter_backends = [KnownParametersOnly, DjangoFilterBackend]


class StatementViewSet(ReadOnly):
    """Published statements, newest first, with the dashboard's filters."""

    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    queryset = (
        selectors.published_statements()
        .select_related("actor", "source", "origin")
        .prefetch_related(
            "themes",
            "sectors",
            # Links to draft plans (and their targets) stay hidden from readers.
            Prefetch("plans", queryset=selectors.published_plans()),
            Prefetch("targets", queryset=selectors.published_targets().select_related("plan")),
        )
        .order_by("-published_on", "-pk")
    )


class PlanViewSet(ReadOnly):
    """Published plans, newest first, with the dashboard's filters."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    queryset = (
        selectors.published_plans()
        .select_related("issuer", "source")
        .prefetch_related("themes", "sectors", "targets__plan")
        .order_by("-published_on", "-pk")
    )


class TargetViewSet(ReadOnly):
    """Targets of published plans, with their computed status."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    queryset = selectors.target_list().select_related("source", "supersedes__plan")


class ObservationViewSet(ReadOnly):
    """Measured values of published plans' targets; only verified ones count for status."""

    serializer_class = ObservationSerializer
    queryset = (
        Observation.objects.filter(target__in=selectors.published_targets())
        .select_related("target__plan", "source")
        .order_by("target__plan__slug", "target__slug", "year")
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
