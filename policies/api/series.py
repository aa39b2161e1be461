"""The API's series: indicators with their observations, and the targets set on them with
their computed status. Decimals are written as the exports write them: plain, without
trailing zeros ("6000", "9.9")."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from policies import selectors, units
from policies.api.serializers import KeyField, page_link, permalink
from policies.data_io.naming import natural_key
from policies.models import Indicator, Observation, PublicationStatus, Target
from policies.progress import Progress, Status

UNITS = units.choices()
STATUSES = [(str(status), str(status.label)) for status in Status]


class PlainDecimalField(serializers.DecimalField):
    """A decimal as a string without trailing zeros, whatever places the column keeps."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("normalize_output", True)
        super().__init__(*args, **kwargs)


class SeriesSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: PlainDecimalField,
    }


class StatusFigureSerializer(serializers.Serializer):
    """The verified figure a status rests on: the proof, the deadline's result, the latest
    figure, or (awaiting a result) the last verified figure of any date."""

    period = serializers.CharField(help_text="A year (2024) or a month (2025-06).")
    value = PlainDecimalField(
        max_digits=24, decimal_places=8, help_text="In the indicator's unit."
    )
    published_on = serializers.DateField(allow_null=True)


class JudgedSerializer(SeriesSerializer):
    """A target with its status, computed on the server's date from its indicator's
    verified figures (the queryset is loaded by ``TargetQuerySet.with_series``: no query)."""

    key = serializers.SerializerMethodField()
    plan = KeyField(read_only=True)
    status = serializers.SerializerMethodField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each target is judged once, however many of its fields read the judgment.
        self._progress: dict[int, Progress] = {}

    def progress_of(self, target: Target) -> Progress:
        if target.pk not in self._progress:
            self._progress[target.pk] = selectors.latest_progress(target)
        return self._progress[target.pk]

    def get_key(self, target: Target) -> str:
        return natural_key(target)

    @extend_schema_field(serializers.ChoiceField(choices=STATUSES))
    def get_status(self, target: Target) -> str:
        """achieved, on_track, behind, missed, awaiting_result or no_data: computed on the
        server's date from verified figures only, never typed."""
        return str(self.progress_of(target).status)


class TargetSerializer(JudgedSerializer):
    indicator = KeyField(read_only=True)
    indicator_name = serializers.CharField(
        source="indicator.name_en", read_only=True, help_text="The indicator's English name."
    )
    indicator_name_fr = serializers.CharField(
        source="indicator.name_fr",
        read_only=True,
        help_text="The indicator's French name; empty where it has none yet.",
    )
    # A plain string in the schema: the same codes as ``unit``, whose enum it would repeat.
    indicator_unit = serializers.CharField(
        source="indicator.unit",
        read_only=True,
        help_text="The unit code (one of unit's) of target_value and status_figure.",
    )
    sector = KeyField(read_only=True)
    theme = KeyField(read_only=True)
    source = KeyField(read_only=True)  # type: ignore[assignment]  # a field: see KeyField
    supersedes = serializers.SerializerMethodField()
    status_figure = serializers.SerializerMethodField()
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
            "indicator_name",
            "indicator_name_fr",
            "target_value",
            "indicator_unit",
            "value",
            "unit",
            "qualifier",
            "sense",
            "baseline_value",
            "baseline_year",
            "target_year",
            "kind",
            "sector",
            "theme",
            "source",
            "locator",
            "supersedes",
            "status",
            "status_figure",
            "progress",
            "page",
        ]
        extra_kwargs = {
            "target_value": {"help_text": "The value in the indicator's unit."},
            "value": {"help_text": "The value as the plan writes it, in unit."},
            "baseline_value": {"help_text": "In unit, as the plan writes it."},
        }

    def get_supersedes(self, target: Target) -> str | None:
        """The target this one revises, unless that one belongs to a draft plan."""
        earlier = target.supersedes
        if earlier is None or earlier.plan.status != PublicationStatus.PUBLISHED:
            return None
        return natural_key(earlier)

    @extend_schema_field(StatusFigureSerializer(allow_null=True))
    def get_status_figure(self, target: Target) -> dict[str, Any] | None:
        figure = self.progress_of(target).figure
        return None if figure is None else StatusFigureSerializer(figure).data

    def get_progress(self, target: Target) -> float | None:
        """Share of the way from baseline to target, 0 at the baseline and 1 at the target."""
        share = self.progress_of(target).share
        return None if share is None else round(share, 4)


class ObservationSerializer(SeriesSerializer):
    key = serializers.SerializerMethodField()
    indicator = KeyField(read_only=True)
    unit = serializers.SerializerMethodField()
    source = KeyField(read_only=True)  # type: ignore[assignment]  # a field: see KeyField
    supersedes = KeyField(read_only=True)

    class Meta:
        model = Observation
        fields = [
            "id",
            "key",
            "indicator",
            "period",
            "year",
            "month",
            "value",
            "unit",
            "indicator_value",
            "qualifier",
            "published_on",
            "source",
            "locator",
            "verified",
            "supersedes",
            "note",
            "note_fr",
        ]
        extra_kwargs = {
            "value": {"help_text": "As the source gives it, in unit."},
            "indicator_value": {"help_text": "The value in the indicator's unit."},
        }

    def get_key(self, observation: Observation) -> str:
        """indicator-slug/period/source-slug, or indicator-slug/period without a source."""
        return natural_key(observation)

    @extend_schema_field(serializers.ChoiceField(choices=UNITS))
    def get_unit(self, observation: Observation) -> str:
        """The unit of value: the source's, or the indicator's where the source gives none."""
        return observation.unit or observation.indicator.unit


class IndicatorObservationSerializer(ObservationSerializer):
    """An observation inside its indicator, which it does not name again."""

    class Meta(ObservationSerializer.Meta):
        fields = [name for name in ObservationSerializer.Meta.fields if name != "indicator"]


class IndicatorTargetSerializer(JudgedSerializer):
    """A target set on the indicator, by a published plan."""

    page = page_link()

    class Meta:
        model = Target
        fields = [
            "key",
            "plan",
            "slug",
            "target_value",
            "qualifier",
            "sense",
            "target_year",
            "status",
            "page",
        ]
        extra_kwargs = {"target_value": {"help_text": "In the indicator's unit."}}


ALIASES = {
    "type": "object",
    "properties": {
        language: {"type": "array", "items": {"type": "string"}} for language in ("zh", "en", "fr")
    },
    "required": ["zh", "en", "fr"],
}


class IndicatorSerializer(SeriesSerializer):
    """An indicator with its whole series: every observation, verified or not, and every
    target a published plan sets on it, with its status (the same on the list and on the
    indicator's own address, each a fixed number of queries)."""

    aliases = serializers.SerializerMethodField()
    sector = KeyField(read_only=True)
    theme = KeyField(read_only=True)
    permalink = permalink()
    observations = IndicatorObservationSerializer(many=True, read_only=True)
    targets = IndicatorTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "slug",
            "name",
            "name_en",
            "name_fr",
            "aliases",
            "definition",
            "definition_fr",
            "unit",
            "kind",
            "sector",
            "theme",
            "notes",
            "notes_fr",
            "permalink",
            "observations",
            "targets",
        ]

    @extend_schema_field(ALIASES)
    def get_aliases(self, indicator: Indicator) -> dict[str, list[str]]:
        """The other words documents use for it, by language."""
        return {
            language: [
                line.strip()
                for line in getattr(indicator, f"aliases_{language}").splitlines()
                if line.strip()
            ]
            for language in ("zh", "en", "fr")
        }
