"""The API's serializers: published records, relations as natural keys (slug; a target as
plan-slug/target-slug), as in the exports."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from policies import selectors
from policies.data_io.schema import natural_key
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


@extend_schema_field({"type": "string", "nullable": True})
class KeyField(serializers.Field):
    """A related record as its natural key.

    Declared as ``source`` or ``parent``, it is a field of that name, not an override of
    the ``Field`` attribute: DRF's metaclass takes declared fields out of the class. The
    stubs cannot tell (typeddjango/djangorestframework-stubs#158), hence the ignores.
    """

    def to_representation(self, value: Any) -> str | None:
        return natural_key(value)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class KeyListField(serializers.Field):
    """Related records as a list of natural keys (prefetched by the viewset)."""

    def get_attribute(self, instance: Any) -> Any:
        # Bound to its serializer: the field's name, or the ``source`` it was given.
        return getattr(instance, cast(str, self.source)).all()

    def to_representation(self, value: Any) -> list[str]:
        return sorted(natural_key(obj) for obj in value)


class PageLink(serializers.HyperlinkedIdentityField):
    """The record's page on the site, for people."""

    def get_url(self, obj, view_name, request, format):
        return request.build_absolute_uri(obj.get_absolute_url()) if request else None


def page_link() -> PageLink:
    return PageLink(view_name="", read_only=True)


def permalink() -> PageLink:
    """The record's permanent address: its page, named by its slug, which outlives the
    database ids (an export and re-import keeps it)."""
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
            "title_descriptive",
            "author",
            "publisher",
            "kind",
            "tier",
            "language",
            "url",
            "translation_url",
            "archive_url",
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
    parent = KeyField(read_only=True)  # type: ignore[assignment]  # a field: see KeyField
    page = page_link()

    class Meta:
        model = Sector
        fields = ["id", "slug", "name", "code", "parent", "path", "description", "page"]


class PlanSerializer(serializers.ModelSerializer):
    issuer = KeyField(read_only=True)
    source = KeyField(read_only=True)  # type: ignore[assignment]  # a field: see KeyField
    themes = KeyListField(read_only=True)
    sectors = KeyListField(read_only=True)
    targets = KeyListField(read_only=True)
    page = page_link()
    permalink = permalink()

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
            "permalink",
        ]


class TargetSerializer(serializers.ModelSerializer):
    key = serializers.SerializerMethodField()
    plan = KeyField(read_only=True)
    sector = KeyField(read_only=True)
    theme = KeyField(read_only=True)
    source = KeyField(read_only=True)  # type: ignore[assignment]  # a field: see KeyField
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

    def get_status(self, target: Target) -> str:
        """achieved, on_track, behind, overdue or no_data (computed, verified figures only)."""
        return str(selectors.latest_progress(target).status)

    def get_progress(self, target: Target) -> float | None:
        """Share of the way from baseline to target, 0 at the baseline and 1 at the target."""
        share = selectors.latest_progress(target).share
        return None if share is None else round(share, 4)


class ObservationSerializer(serializers.ModelSerializer):
    target = KeyField(read_only=True)
    source = KeyField(read_only=True)  # type: ignore[assignment]  # a field: see KeyField

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
    source = KeyField(read_only=True)  # type: ignore[assignment]  # a field: see KeyField
    origin = KeyField(read_only=True)
    language = serializers.CharField(read_only=True)
    themes = KeyListField(read_only=True)
    sectors = KeyListField(read_only=True)
    plans = KeyListField(read_only=True)
    targets = KeyListField(read_only=True)
    citation = serializers.SerializerMethodField()
    page = page_link()
    permalink = permalink()

    class Meta:
        model = Statement
        fields = [
            "id",
            "slug",
            "actor",
            "kind",
            "headline",
            "excerpt",
            "wording",
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
            "permalink",
        ]

    def get_citation(self, statement: Statement) -> str | None:
        """The address of the cited paragraph on the source's page."""
        request = self.context.get("request")
        url = f"{statement.source.get_absolute_url()}#p{statement.paragraph}"
        return request.build_absolute_uri(url) if request else url
