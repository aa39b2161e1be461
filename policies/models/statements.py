"""Statements: what an actor said, proven by a verbatim excerpt."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.postgres.search import SearchVectorField
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.models.common import (
    LocalMixin,
    PublicationStatus,
    check_retired_slug,
    check_sources_published,
    clean_citation,
    not_only_digits,
)
from policies.models.plans import Plan, Target
from policies.models.reference import Actor, Sector, Source, Theme
from policies.querysets import StatementQuerySet


class Statement(LocalMixin, models.Model):
    """Something an actor said or wrote, proven by a verbatim excerpt of a source we hold."""

    TRANSLATED: ClassVar[dict[str, str]] = {"headline": "headline", "notes": "notes"}

    class Kind(models.TextChoices):
        ESSAY = "essay", _("essay")
        SPEECH = "speech", _("speech")
        INTERVIEW = "interview", _("interview")
        PRESS_CONFERENCE = "press_conference", _("press conference")
        ARTICLE = "article", _("article")
        SOCIAL_MEDIA = "social_media", _("social media post")
        DOCUMENT = "document", _("official document")
        OTHER = "other", _("other")

    class Wording(models.TextChoices):
        """Whose words the excerpt is, by the cited source's own quotation marks."""

        QUOTATION = "quotation", _("quotation (the speaker's words, quoted)")
        PARTIAL_QUOTATION = (
            "partial_quotation",
            _("partial quotation (a report around a few quoted words)"),
        )
        PARAPHRASE = "paraphrase", _("paraphrase (the source's words, reporting the speaker)")

    slug = models.SlugField(_("slug"), max_length=120, unique=True, validators=[not_only_digits])
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="statements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    headline = models.CharField(
        _("headline"), max_length=300, help_text=_("One line in English, for lists and feeds.")
    )
    headline_fr = models.CharField(_("headline in French"), max_length=300, blank=True)
    excerpt = models.TextField(
        _("excerpt"),
        help_text=_("Verbatim from the source, in its language; it is checked against the text."),
    )
    wording = models.CharField(
        _("wording"),
        max_length=20,
        choices=Wording,
        # The safe default: a citation never puts a paraphrase in the speaker's mouth.
        default=Wording.PARAPHRASE,
        help_text=_(
            "Whose words the excerpt is: the speaker's, quoted by the source, or the "
            "source's own report of what was said. Decide it by the source's quotation marks."
        ),
    )
    text_en = models.TextField(_("English rendering"))
    source = models.ForeignKey(
        Source,
        verbose_name=_("cited source"),
        on_delete=models.PROTECT,
        related_name="statements",
        help_text=_("The document the excerpt is taken from; its text must be held."),
    )
    paragraph = models.PositiveIntegerField(_("paragraph"))
    origin = models.ForeignKey(
        Source,
        verbose_name=_("original document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="originated_statements",
        help_text=_("Where the actor first said or wrote it, when the cited source reports it."),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    delivered_on = models.DateField(
        _("delivered on"),
        null=True,
        blank=True,
        help_text=_("When it was said, if earlier than its publication (a speech printed later)."),
    )
    published_on = models.DateField(_("published on"), help_text=_("When it was made public."))
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="statements")
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), related_name="statements", blank=True
    )
    plans = models.ManyToManyField(
        Plan, verbose_name=_("related plans"), related_name="statements", blank=True
    )
    targets = models.ManyToManyField(
        Target, verbose_name=_("related targets"), related_name="statements", blank=True
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
    history = HistoricalRecords(m2m_fields=[themes, sectors, plans, targets])

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-published_on", "source", "paragraph"]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivered_on__isnull=True) | Q(delivered_on__lte=F("published_on")),
                name="statement_delivered_before_published",
                violation_error_message=_(
                    "A statement cannot be delivered after it was published."
                ),
            ),
            models.CheckConstraint(
                condition=Q(paragraph__gte=1),
                name="statement_paragraph_gte_1",
                violation_error_message=_("Paragraphs are numbered from 1."),
            ),
        ]
        # Lists and "latest statements" read published statements newest first, ties by id:
        # with the id in the index, page 1 of a million is an index walk, not a sort.
        indexes = [
            models.Index(
                fields=["status", "published_on", "id"], name="statement_status_published_id"
            ),
            # Readers' exports list published statements by slug: read in index order,
            # not sorted (a sort of every row's text was half of a full export's time).
            models.Index(fields=["status", "slug"], name="statement_status_slug"),
            # The dashboard's live counts filter published statements by kind or by actor,
            # then read their dates: with every column they read in the index, SQLite never
            # reads the wide rows (100k statements, `kind=speech`: counting them took 1.1 s,
            # 6 ms with the index). Migration 0019 adds the link tables' reverse indexes.
            # SQLite keeps the id (the rowid) in every index; PostgreSQL needs it included
            # for an index-only scan, which the joins to the link tables need (100k, `kind=
            # speech`, counts by month and theme: 176 ms from the table, 50 ms from this).
            models.Index(
                fields=["kind", "published_on", "actor", "delivered_on"],
                include=["id"],
                condition=models.Q(status="published"),
                name="statement_pub_kind",
            ),
            models.Index(
                fields=["actor", "published_on", "kind", "delivered_on"],
                include=["id"],
                condition=models.Q(status="published"),
                name="statement_pub_actor",
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The rollup upkeep locks this row before the save (a pre_save handler), and a row
        # lock lasts only as long as a transaction: so a save is always inside one.
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("policies:statement_detail", args=[self.slug])

    @property
    def language(self) -> str:
        return self.source.language

    def clean(self) -> None:
        super().clean()
        clean_citation(self, required=True)
        check_sources_published(self, "source", "origin")

    def validate_unique(self, exclude: Any = None) -> None:
        super().validate_unique(exclude)
        if not exclude or "slug" not in exclude:
            check_retired_slug(self)


class StatementSearch(models.Model):
    """A statement's search terms (policies/search/): derived, written by the app on every
    write of the statement, never edited. Kept beside the statement rather than in its row,
    so that reading statements never carries them."""

    statement = models.OneToOneField(
        Statement, on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    document = models.TextField(_("search terms"), default="")
    # PostgreSQL's word vector of ``document``, stored (GIN-indexed) so that checking a row
    # does not parse its terms again; empty on SQLite, whose FTS5 table reads ``document``.
    vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("statement search terms")
        verbose_name_plural = _("statement search terms")

    def __str__(self) -> str:
        return f"search terms of statement {self.statement_id}"
