"""The API's serializers: published records, relations as natural keys (slug; a target as
plan-slug/target-slug), as in the exports. Targets, indicators and their observations are
in ``series``."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from policies.data_io.naming import natural_key
from policies.models import Actor, Plan, Sector, Source, Statement, Theme


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
            "notes_fr",
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
            "name_fr",
            "name_original",
            "kind",
            "jurisdiction",
            "role",
            "role_fr",
            "description",
            "description_fr",
            "page",
        ]


class ThemeSerializer(serializers.ModelSerializer):
    page = page_link()

    class Meta:
        model = Theme
        fields = [
            "id",
            "slug",
            "name",
            "name_fr",
            "description",
            "description_fr",
            "colour",
            "page",
        ]


class SectorSerializer(serializers.ModelSerializer):
    parent = KeyField(read_only=True)  # type: ignore[assignment]  # a field: see KeyField
    page = page_link()

    class Meta:
        model = Sector
        fields = [
            "id",
            "slug",
            "name",
            "name_fr",
            "code",
            "parent",
            "path",
            "description",
            "description_fr",
            "page",
        ]


class PlanSerializer(serializers.ModelSerializer):
    issuer = KeyField(read_only=True)
    co_issuers = KeyListField(read_only=True)
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
            "title_fr",
            "language",
            "kind",
            "issuer",
            "co_issuers",
            "document_number",
            "signed_on",
            "published_on",
            "start_year",
            "end_year",
            "summary",
            "summary_fr",
            "source",
            "themes",
            "sectors",
            "targets",
            "page",
            "permalink",
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
            "headline_fr",
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
