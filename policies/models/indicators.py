"""Indicators, each one series of figures across every plan that sets a target on it, and
the figures (observations) measured for them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies import units
from policies.models.common import LocalMixin, check_retired_slug, not_only_digits
from policies.models.reference import Sector, Source, Theme
from policies.querysets import ObservationQuerySet


class Qualifier(models.TextChoices):
    """How a document words a figure or a goal: 左右 about, 以上 at least, 以内 at most."""

    EXACT = "exact", _("exact")
    ABOUT = "about", _("about")
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")


CONVERTED_LIMIT = Decimal(10) ** 16
CONVERTED_PLACES = Decimal("1e-8")


def convert_to(value: Any, *, unit: str, indicator: Indicator, field: str) -> Any:
    """``value`` in ``unit`` expressed in ``indicator``'s unit, or a ValidationError on
    ``field`` that names both units when they count different things."""
    # An unknown code (an import's, a shell's, or an indicator form's not yet valid): said
    # on the field, not a crash.
    if unit not in units.UNITS:
        raise ValidationError(
            {field: _("“%(unit)s” is not a unit the tracker knows.") % {"unit": unit}}
        )
    if indicator.unit not in units.UNITS:
        raise ValidationError(
            {field: _("The indicator has no unit yet to convert this value to.")}
        )
    try:
        # A value set in code rather than through a form may still be text ("7.8").
        value = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(
            {"value": _("“%(value)s” is not a number.") % {"value": value}}
        ) from None
    try:
        converted = units.convert(value, from_unit=unit, to_unit=indicator.unit)
    except units.UnitError:
        given, wanted = units.unit(unit), units.unit(indicator.unit)
        raise ValidationError(
            {
                field: _(
                    "%(given)s does not convert to %(wanted)s, the unit of the indicator "
                    "“%(indicator)s”: they count different things."
                )
                % {
                    "given": f"{given.written} ({given.label})",
                    "wanted": f"{wanted.written} ({wanted.label})",
                    "indicator": indicator.name_en,
                }
            }
        ) from None
    # Stored in 24 digits, 8 of them decimals (target_value, indicator_value): a value that
    # a conversion makes larger would fail at the database, or on every page that reads it.
    if abs(converted) >= CONVERTED_LIMIT:
        raise ValidationError(
            {
                "value": _(
                    "%(value)s %(unit)s is too large to store in the indicator's unit "
                    "(%(wanted)s). Check the value and its unit."
                )
                % {
                    "value": units.plain(value),
                    "unit": units.unit(unit).written,
                    "wanted": units.unit(indicator.unit).written,
                }
            }
        )
    return converted.quantize(CONVERTED_PLACES)


class Indicator(LocalMixin, models.Model):
    """What is measured, as one series: every plan's target on it and every figure for it."""

    TRANSLATED: ClassVar[dict[str, str]] = {
        "name": "name_en",
        "definition": "definition",
        "notes": "notes",
    }

    class Kind(models.TextChoices):
        LEVEL = "level", _("level")
        RATE = "rate", _("rate of change")
        SHARE = "share", _("share")

    slug = models.SlugField(_("slug"), max_length=120, unique=True, validators=[not_only_digits])
    name = models.CharField(
        _("name"),
        max_length=300,
        help_text=_("In the language of the documents, as they word it."),
    )
    name_en = models.CharField(_("English name"), max_length=300)
    name_fr = models.CharField(_("French name"), max_length=300, blank=True)
    aliases_zh = models.TextField(
        _("Chinese aliases"),
        blank=True,
        help_text=_(
            "Other words documents use for it, one per line (the extraction matches them)."
        ),
    )
    aliases_en = models.TextField(_("English aliases"), blank=True, help_text=_("One per line."))
    aliases_fr = models.TextField(_("French aliases"), blank=True, help_text=_("One per line."))
    definition = models.TextField(_("definition"), blank=True, help_text=_("In English."))
    definition_fr = models.TextField(_("definition in French"), blank=True)
    unit = models.CharField(
        _("unit"),
        max_length=30,
        choices=units.choices(),
        help_text=_("Every figure and target is compared in this unit."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    notes = models.TextField(_("notes"), blank=True)
    notes_fr = models.TextField(_("notes in French"), blank=True)
    synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Made by generate_demo_data for benchmarks; never real data."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name_en

    def get_absolute_url(self) -> str:
        return reverse("policies:indicator_detail", args=[self.slug])

    def validate_unique(self, exclude: Any = None) -> None:
        super().validate_unique(exclude)
        if not exclude or "slug" not in exclude:
            check_retired_slug(self)

    def clean(self) -> None:
        super().clean()
        # Each target and figure stores its value converted to this unit: changing the unit
        # under them would silently change what every one of them says.
        if self.pk is None:
            return
        stored = type(self)._default_manager.filter(pk=self.pk).values_list("unit", flat=True)
        if stored.first() not in (None, self.unit) and (
            self.targets.exists() or self.observations.exists()
        ):
            raise ValidationError(
                {
                    "unit": _(
                        "Targets or figures of this indicator are stored in its unit, so the "
                        "unit cannot change: make a new indicator for the other unit."
                    )
                }
            )

    def aliases(self) -> list[str]:
        """Every name documents use for it, in any language, the names first."""
        lines = "\n".join(
            [self.name, self.name_en, self.aliases_zh, self.aliases_en, self.aliases_fr]
        )
        return list(dict.fromkeys(line.strip() for line in lines.splitlines() if line.strip()))


PERIOD_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$"
PERIOD = RegexValidator(
    PERIOD_PATTERN,
    _(
        "Write the period as a year (2024) or a year and its month (2025-06); a month "
        "period needs its month, from 01 to 12."
    ),
)


class Observation(LocalMixin, models.Model):
    """A measured value of an indicator for a year, or for a month ("as of June 2025")."""

    TRANSLATED: ClassVar[dict[str, str]] = {"note": "note"}

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,  # deleting an indicator must not silently drop its figures
        related_name="observations",
    )
    period = models.CharField(
        _("period"),
        max_length=7,
        validators=[PERIOD],
        help_text=_("A year (2024), or a month (2025-06) for a figure “as of” that month."),
    )
    # Read off the period on save, for ordering and filtering.
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    month = models.PositiveSmallIntegerField(_("month"), null=True, editable=False)
    value = models.DecimalField(
        _("value"), max_digits=20, decimal_places=4, help_text=_("As the source gives it.")
    )
    unit = models.CharField(
        _("unit"),
        max_length=30,
        choices=units.choices(),
        blank=True,
        help_text=_("The source's unit; empty means the indicator's."),
    )
    indicator_value = models.DecimalField(
        _("value in the indicator's unit"), max_digits=24, decimal_places=8, editable=False
    )
    qualifier = models.CharField(
        _("qualifier"),
        max_length=10,
        choices=Qualifier,
        default=Qualifier.EXACT,
        help_text=_("When the source rounds it: about (左右), over (超过, 首次跃上), at most."),
    )
    published_on = models.DateField(
        _("published on"), null=True, blank=True, help_text=_("When the figure was published.")
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observations",
    )
    locator = models.CharField(_("where in the source"), max_length=200, blank=True)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_(
            "Checked against the publisher's own text. Unverified figures are shown "
            "as such and never count towards a target's status."
        ),
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # a revision keeps the figure it revised
        related_name="superseded_by",
        help_text=_("The earlier figure for the same period that this revision replaces."),
    )
    note = models.TextField(_("note"), blank=True)
    note_fr = models.TextField(_("note in French"), blank=True)
    history = HistoricalRecords()

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator", "year", F("month").asc(nulls_last=True), "pk"]
        constraints = [
            # One figure per source for a period; a publisher's revision is a new release,
            # recorded as its own source, and names the figure it supersedes.
            models.UniqueConstraint(
                fields=["indicator", "period", "source"],
                name="observation_unique_per_source",
                violation_error_message=_(
                    "This source already gives a value for this indicator and period."
                ),
            ),
            models.UniqueConstraint(
                fields=["indicator", "period"],
                condition=Q(source__isnull=True),
                name="observation_unique_per_period_without_source",
                violation_error_message=_(
                    "This indicator already has a value without a source for this period."
                ),
            ),
            models.CheckConstraint(
                condition=Q(verified=False) | Q(source__isnull=False),
                name="observation_verified_needs_source",
                violation_error_message=_(
                    "A verified observation needs the source it was checked against."
                ),
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="observation_month_in_year",
                violation_error_message=_("A month is from 1 to 12."),
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("pk")),
                name="observation_not_superseding_itself",
                violation_error_message=_("A figure cannot supersede itself."),
            ),
        ]

    def __str__(self) -> str:
        name = self.indicator.name_en if self.indicator_id else "?"
        return f"{name} {self.period}: {units.plain(self.value)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A period the validator refuses would be stored with a year and month that do not
        # say it (a save that skipped full_clean): refused here too.
        PERIOD(self.period or "")
        self._derive()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self._derive()
        if (
            self.supersedes_id is not None
            and self.supersedes is not None
            and (self.supersedes.indicator_id, self.supersedes.period)
            != (self.indicator_id, self.period)
        ):
            raise ValidationError(
                {
                    "supersedes": _(
                        "A revision supersedes a figure for the same indicator and period."
                    )
                }
            )

    def _derive(self) -> None:
        if re.match(PERIOD_PATTERN, self.period or ""):
            year, _sep, month = self.period.partition("-")
            self.year, self.month = int(year), int(month) if month else None
        # An inline row of an indicator being added holds the unsaved indicator, no id yet.
        indicator = (
            self.indicator
            if self.indicator_id is not None
            else self._meta.get_field("indicator").get_cached_value(self, None)
        )
        if indicator is not None and self.value is not None:
            self.indicator_value = convert_to(
                self.value, unit=self.unit or indicator.unit, indicator=indicator, field="unit"
            )
