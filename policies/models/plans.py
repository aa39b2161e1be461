"""Plans, and the targets they set."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies import units
from policies.models.common import (
    LocalMixin,
    PublicationStatus,
    bcp47_validator,
    check_retired_slug,
    check_sources_published,
    clean_citation,
    not_only_digits,
)
from policies.models.indicators import Indicator, Qualifier, convert_to
from policies.models.reference import Actor, Sector, Source, Theme
from policies.querysets import PlanQuerySet, TargetQuerySet


class Plan(LocalMixin, models.Model):
    """A policy document that sets out intentions, and usually targets."""

    TRANSLATED: ClassVar[dict[str, str]] = {
        "title": "title_en",
        "summary": "summary",
        "notes": "notes",
    }

    class Kind(models.TextChoices):
        FIVE_YEAR_PLAN = "five_year_plan", _("five-year plan")
        WORK_REPORT = "work_report", _("government work report")
        STRATEGY = "strategy", _("strategy")
        ACTION_PLAN = "action_plan", _("action plan")
        LAW = "law", _("law")
        REGULATION = "regulation", _("regulation")
        GUIDELINE = "guideline", _("guideline")
        NOTICE = "notice", _("notice")
        OTHER = "other", _("other")

    slug = models.SlugField(_("slug"), max_length=120, unique=True, validators=[not_only_digits])
    title = models.CharField(
        _("title"), max_length=500, help_text=_("In the document's language.")
    )
    title_en = models.CharField(_("English title"), max_length=500)
    title_fr = models.CharField(_("French title"), max_length=500, blank=True)
    language = models.CharField(
        _("language"), max_length=35, validators=[bcp47_validator], default="zh"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    issuer = models.ForeignKey(
        Actor,
        verbose_name=_("issuer"),
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("The lead issuer, named first on the document."),
    )
    co_issuers = models.ManyToManyField(
        Actor,
        verbose_name=_("co-issuers"),
        related_name="co_issued_plans",
        blank=True,
        help_text=_("The other bodies that issued it jointly, if any."),
    )
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("period start"))
    end_year = models.PositiveSmallIntegerField(_("period end"))
    summary = models.TextField(_("summary"), blank=True, help_text=_("In English."))
    summary_fr = models.TextField(_("summary in French"), blank=True)
    source = models.ForeignKey(
        Source,
        verbose_name=_("official text"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), related_name="plans", blank=True
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="plans", blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus, default=PublicationStatus.DRAFT
    )
    notes = models.TextField(_("notes"), blank=True)
    notes_fr = models.TextField(_("notes in French"), blank=True)
    synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Made by generate_demo_data for benchmarks; never real data."),
    )
    history = HistoricalRecords(m2m_fields=[themes, sectors])

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-published_on", "title_en"]
        # Lists, "latest" and the dashboard's newest plans read published plans newest
        # first: one index walk instead of a sort of every plan.
        indexes = [
            models.Index(fields=["status", "published_on", "id"], name="plan_status_published_id")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="plan_period_end_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | Q(published_on__isnull=True)
                | Q(published_on__gte=F("signed_on")),
                name="plan_published_after_signed",
                violation_error_message=_("A plan cannot be published before it was signed."),
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    def get_absolute_url(self) -> str:
        return reverse("policies:plan_detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        check_sources_published(self, "source")

    def validate_unique(self, exclude: Any = None) -> None:
        super().validate_unique(exclude)
        if not exclude or "slug" not in exclude:
            check_retired_slug(self)


class Target(LocalMixin, models.Model):
    """A quantified goal of a plan on an indicator, as the plan words it. Its status is
    computed from the indicator's verified figures (``policies.progress``), never typed in."""

    TRANSLATED: ClassVar[dict[str, str]] = {"notes": "notes"}

    class Sense(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")
        NEAR = "near", _("stay near")

    class Kind(models.TextChoices):
        BINDING = "binding", _("binding (约束性)")
        EXPECTED = "expected", _("expected (预期性)")
        UNKNOWN = "unknown", _("unknown")

    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        on_delete=models.PROTECT,  # deleting a plan must not silently drop its targets
        related_name="targets",
    )
    slug = models.SlugField(_("slug"), max_length=120, help_text=_("Unique within the plan."))
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    value = models.DecimalField(
        _("value as written"),
        max_digits=20,
        decimal_places=4,
        help_text=_("As the plan writes it."),
    )
    unit = models.CharField(
        _("unit as written"),
        max_length=30,
        choices=units.choices(),
        help_text=_("The unit the plan writes the value and the baseline in."),
    )
    target_value = models.DecimalField(
        _("target value"),
        max_digits=24,
        decimal_places=8,
        editable=False,
        help_text=_("The value in the indicator's unit, converted from the value as written."),
    )
    qualifier = models.CharField(
        _("qualifier"),
        max_length=10,
        choices=Qualifier,
        default=Qualifier.EXACT,
        help_text=_("左右 about, 以上 at least, 以内 at most; exact when the plan says none."),
    )
    sense = models.CharField(
        _("sense"),
        max_length=10,
        choices=Sense,
        default=Sense.HIGHER,
        help_text=_(
            "Which way is success. A ceiling read into an “about” target (the CPI's) is the "
            "tracker's judgment: say so in the notes."
        ),
    )
    baseline_value = models.DecimalField(
        _("baseline value"),
        max_digits=20,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("In the unit as written."),
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.UNKNOWN)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    locator = models.CharField(
        _("where in the source"),
        max_length=200,
        blank=True,
        help_text=_("Section, table or page, for a source whose text we do not hold."),
    )
    paragraph = models.PositiveIntegerField(_("paragraph"), null=True, blank=True)
    excerpt = models.TextField(
        _("excerpt"),
        blank=True,
        help_text=_("Verbatim, from a source whose text we hold; it is checked."),
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # a revision keeps the target it revised
        related_name="superseded_by",
    )
    notes = models.TextField(_("notes"), blank=True)
    notes_fr = models.TextField(_("notes in French"), blank=True)
    history = HistoricalRecords()

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "target_year", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "slug"],
                name="target_slug_unique_in_plan",
                violation_error_message=_("This plan already has a target with this slug."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True) | Q(target_year__gt=F("baseline_year")),
                name="target_year_after_baseline_year",
                violation_error_message=_("The target year must come after the baseline year."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True, baseline_value__isnull=True)
                | Q(baseline_year__isnull=False, baseline_value__isnull=False),
                name="target_baseline_value_and_year_together",
                violation_error_message=_(
                    "Give the baseline value and the baseline year together, or neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True)
                | Q(sense="near")
                | Q(sense="higher", value__gt=F("baseline_value"))
                | Q(sense="lower", value__lt=F("baseline_value")),
                name="target_value_matches_sense",
                violation_error_message=_(
                    "The target value must be above the baseline when higher is better, and "
                    "below it when lower is better."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(qualifier="at_least", sense__in=["lower", "near"])
                & ~Q(qualifier="at_most", sense__in=["higher", "near"]),
                name="target_qualifier_matches_sense",
                violation_error_message=_(
                    "The qualifier contradicts the sense: “at least” goes with higher is "
                    "better, and “at most” with lower is better."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("pk")),
                name="target_not_superseding_itself",
                violation_error_message=_("A target cannot supersede itself."),
            ),
        ]

    def __str__(self) -> str:
        name = self.indicator.name_en if self.indicator_id else "?"
        return f"{name}: {units.plain(self.value)} {self.unit} by {self.target_year}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._convert()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("policies:target_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        clean_citation(self, required=False)
        self._convert()

    def _convert(self) -> None:
        # target_value is derived: the value as written, in the indicator's unit.
        if self.indicator_id is None or self.value is None or not self.unit:
            return
        self.target_value = convert_to(
            self.value, unit=self.unit, indicator=self.indicator, field="unit"
        )

    @property
    def baseline_in_indicator_unit(self) -> Decimal | None:
        if self.baseline_value is None:
            return None
        return units.convert(self.baseline_value, from_unit=self.unit, to_unit=self.indicator.unit)

    @property
    def annual(self) -> bool:
        """A one-year plan's target, judged on that year's result alone."""
        return self.plan.start_year == self.plan.end_year
