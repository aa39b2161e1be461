"""Reference data: the documents we cite, who speaks, and the themes and sector tree."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.localized import DEFAULT_LANGUAGE, Text, reader_language
from policies.models.common import (
    LocalMixin,
    PublicationStatus,
    bcp47_validator,
    colour_validator,
    jurisdiction_validator,
)
from policies.models.excerpts import ExcerptError, paragraph_split, verify_excerpt
from policies.querysets import SectorQuerySet, SourceQuerySet


class Source(LocalMixin, models.Model):
    """A document we cite: the report that quotes a statement, or the official text itself."""

    TRANSLATED: ClassVar[dict[str, str]] = {"notes": "notes"}

    class Kind(models.TextChoices):
        NEWS_REPORT = "news_report", _("news report")
        OFFICIAL_DOCUMENT = "official_document", _("official document")
        ESSAY = "essay", _("essay")
        SPEECH = "speech", _("speech")
        STATISTICAL_RELEASE = "statistical_release", _("statistical release")
        RESEARCH_REPORT = "research_report", _("research report")
        OTHER = "other", _("other")

    class Tier(models.TextChoices):
        PRIMARY = "primary", _("primary (the original text)")
        SECONDARY = "secondary", _("secondary (a report on the original)")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=500, help_text=_("In the source's language."))
    title_en = models.CharField(_("English title"), max_length=500, blank=True)
    title_descriptive = models.BooleanField(
        _("descriptive title"),
        default=False,
        help_text=_(
            "The title was written for this tracker, as the document has none we know; "
            "citations then do not quote it as the document's own."
        ),
    )
    author = models.CharField(
        _("author"),
        max_length=300,
        blank=True,
        help_text=_(
            "Who wrote it: the person, or the body, as it is credited; for a news report, its "
            "reporter. Empty when the document names none: citations then credit the publisher."
        ),
    )
    publisher = models.CharField(_("publisher"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier)
    language = models.CharField(
        _("language"), max_length=35, validators=[bcp47_validator], help_text=_("BCP 47 tag.")
    )
    url = models.URLField(
        _("original's URL"),
        max_length=1000,
        blank=True,
        help_text=_("Where the document itself is published. Leave it empty rather than guess."),
    )
    translation_url = models.URLField(
        _("translation's URL"),
        max_length=1000,
        blank=True,
        help_text=_("A translation we cite, if any; it is always shown labelled as one."),
    )
    archive_url = models.URLField(
        _("archived copy's URL"),
        max_length=1000,
        blank=True,
        help_text=_("A copy in a web archive, in case the original moves."),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    text = models.TextField(
        _("full text"),
        blank=True,
        help_text=_(
            "Only where we may hold it. Paragraphs are separated by a blank line and numbered "
            "from 1; statements cite them by number."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)
    notes_fr = models.TextField(_("notes in French"), blank=True)
    # Published unless the intake made it: a source added from a document stays a draft,
    # with everything taken from it, until an editor has reviewed it (policies/intake/).
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus,
        default=PublicationStatus.PUBLISHED,
        help_text=_(
            "A draft source, and every record that cites it, is hidden from readers. "
            "Publish the source before the statements and plans that cite it."
        ),
    )
    synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Made by generate_demo_data for benchmarks; never real data."),
    )
    history = HistoricalRecords()

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "title"]

    def __str__(self) -> str:
        return self.title_en or self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:source_detail", args=[self.pk])

    @property
    def reader_title(self) -> Text:
        """The title a reader can read: its own when the source is in the reader's language,
        else the English rendering, which on a French page is a marked stand-in."""
        language = reader_language()
        if self.language.split("-")[0] == language or not self.title_en:
            return Text(self.title, language=self.language)
        return Text(self.title_en, language="en", fallback=language != DEFAULT_LANGUAGE)

    def clean(self) -> None:
        super().clean()
        if self.pk is None:
            return
        if self.status == PublicationStatus.DRAFT:
            published = [
                *self.statements.filter(status=PublicationStatus.PUBLISHED)[:3],
                *self.plans.filter(status=PublicationStatus.PUBLISHED)[:3],
            ]
            if published:
                raise ValidationError(
                    {
                        "status": _(
                            "Published records cite this source (%(records)s). Return them "
                            "to draft first: a draft source hides what cites it."
                        )
                        % {"records": ", ".join(f"“{r}”" for r in published)}
                    }
                )
        # Changing the text must not silently orphan an excerpt that cites it.
        broken = []
        for record in [*self.statements.all(), *self.targets.exclude(excerpt="")]:
            try:
                verify_excerpt(self, paragraph=record.paragraph, excerpt=record.excerpt)
            except ExcerptError as error:
                broken.append(f"“{record}”: {error}")
        if broken:
            raise ValidationError(
                {
                    "text": _(
                        "This text no longer holds excerpts that records cite. Correct the "
                        "text or those records first. %(problems)s"
                    )
                    % {"problems": " ".join(broken[:5])}
                }
            )

    @property
    def paragraphs(self) -> list[str]:
        # Cached against the text it was split from, so an edited text is never stale.
        cached = self.__dict__.get("_paragraphs")
        if cached is None or cached[0] is not self.text:
            cached = self.__dict__["_paragraphs"] = (self.text, paragraph_split(self.text))
        return cached[1]


class Actor(LocalMixin, models.Model):
    """A person or body whose words or documents we record."""

    TRANSLATED: ClassVar[dict[str, str]] = {
        "name": "name",
        "role": "role",
        "description": "description",
    }

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        GOVERNMENT_BODY = "government_body", _("government body")
        PARTY_BODY = "party_body", _("party body")
        LEGISLATURE = "legislature", _("legislature")
        REGULATOR = "regulator", _("regulator or agency")
        OTHER = "other", _("other")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200, help_text=_("In English."))
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    name_original = models.CharField(
        _("original name"), max_length=200, blank=True, help_text=_("In the actor's language.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    jurisdiction = models.CharField(
        _("jurisdiction"), max_length=10, validators=[jurisdiction_validator]
    )
    role = models.CharField(
        _("role"), max_length=300, blank=True, help_text=_("Office held, for a person.")
    )
    role_fr = models.CharField(_("role in French"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_(
            "Other names documents use for it, in any language, one per line (Xi, 习近平, "
            "le cabinet chinois): the extraction assistant matches speakers by them."
        ),
    )
    synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Made by generate_demo_data for benchmarks; never real data."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("policies:actor_detail", args=[self.slug])


class Theme(LocalMixin, models.Model):
    """What a statement or plan is about; the colour keeps charts consistent across pages."""

    TRANSLATED: ClassVar[dict[str, str]] = {"name": "name", "description": "description"}

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Words and phrases that signal it, in Chinese, French or English, one per line: "
            "the extraction assistant suggests it for a passage that holds one."
        ),
    )
    synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Made by generate_demo_data for benchmarks; never real data."),
    )
    colour = models.CharField(
        _("chart colour"), max_length=7, validators=[colour_validator], default="#1f77b4"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                # Portable on purpose: a REGEXP check would need Django's own SQLite
                # function, and break backups restored with other tools. The validator
                # checks the hex digits.
                condition=Q(colour__startswith="#") & Q(Exact(Length("colour"), 7)),
                name="theme_colour_hex",
                violation_error_message=_(
                    "Enter a colour as # and six lower-case hex digits, e.g. #1f77b4."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("policies:theme_detail", args=[self.slug])


class Sector(LocalMixin, models.Model):
    """A field a statement or target applies to, as a tree (digital economy › 6G ...)."""

    TRANSLATED: ClassVar[dict[str, str]] = {"name": "name", "description": "description"}

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(_("name in French"), max_length=200, blank=True)
    code = models.CharField(
        _("code"),
        max_length=40,
        blank=True,
        help_text=_("An outside classification code, if any; filters accept it like the slug."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # a subtree is never dropped by deleting its root
        related_name="children",
    )
    # The slugs from the root down, '/'-terminated ("digital-economy/6g/"). Kept by save() so
    # that "this sector and everything below it" is one indexed prefix match, not a recursion.
    path = models.CharField(_("path"), max_length=1000, editable=False, db_index=True)
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Words and phrases that signal it, in Chinese, French or English, one per line: "
            "the extraction assistant suggests it for a passage that holds one."
        ),
    )
    synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        editable=False,
        help_text=_("Made by generate_demo_data for benchmarks; never real data."),
    )
    history = HistoricalRecords(excluded_fields=["path"])

    objects = SectorQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="sector_code_unique_when_set",
                violation_error_message=_("Another sector already has this code."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="sector_not_own_parent",
                violation_error_message=_("A sector cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        old_path = self.path
        self.path = self.computed_path()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # A moved or renamed sector carries its subtree along, all or nothing.
                subtree = Sector.objects.filter(path__startswith=old_path).exclude(pk=self.pk)
                for pk, path in subtree.values_list("pk", "path"):
                    Sector.objects.filter(pk=pk).update(
                        path=self.path + path.removeprefix(old_path)
                    )

    def get_absolute_url(self) -> str:
        return reverse("policies:sector_detail", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError(
                    {"parent": _("A sector cannot sit below itself or one of its descendants.")}
                )
            ancestor = ancestor.parent

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def computed_path(self) -> str:
        return f"{self.parent.path if self.parent else ''}{self.slug}/"
