"""What the models share: validators, publication status, citation checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from policies.localized import Local
from policies.models.excerpts import ExcerptError, verify_excerpt
from policies.querysets import PublicationStatus

if TYPE_CHECKING:
    from policies.models.reference import Source

__all__ = [
    "CitingRecord",
    "PublicationStatus",
    "Tracked",
    "bcp47_validator",
    "check_retired_slug",
    "check_sources_published",
    "clean_citation",
    "colour_validator",
    "not_only_digits",
    "tracked",
]

bcp47_validator = RegexValidator(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    _("Enter a BCP 47 language tag such as 'fr', 'zh' or 'zh-Hans'."),
)
colour_validator = RegexValidator(
    r"^#[0-9a-f]{6}$", _("Enter a colour as # and six lower-case hex digits, e.g. #1f77b4.")
)
jurisdiction_validator = RegexValidator(
    r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$",
    _("Enter an ISO 3166 code such as 'CN', or a subdivision such as 'CN-GD'."),
)


# Statement and plan pages live at their slug, and /statements/<id>/ is the old address of
# each statement: a slug of digits alone would take another record's old address.
not_only_digits = RegexValidator(
    r"^[0-9]+$",
    _("A slug cannot be digits alone: such addresses are the old permalinks by id."),
    inverse_match=True,
)


def check_retired_slug(record: models.Model) -> None:
    """Refuse a slug that another record of the kind (one that still exists) had: its old
    permalink keeps leading to that record (the pages redirect from a renamed slug), so
    reusing it would send every citation of the old address to the wrong record."""
    slug = getattr(record, "slug", "")
    history = tracked(record).history.model
    # Only records that still exist: a deleted one's address leads nowhere, so its slug may
    # be taken again (an export imported into an emptied database takes all of them).
    existing = type(record)._default_manager.values("pk")
    others = history.objects.filter(slug=slug, id__in=existing)
    if record.pk is not None:
        others = others.exclude(id=record.pk)
    if slug and others.exists():
        raise ValidationError(
            {
                "slug": _(
                    "Another %(record)s had this slug before, and its old address still "
                    "leads there. Choose another slug."
                )
                % {"record": record._meta.verbose_name}
            }
        )


class CitingRecord(Protocol):
    """A record that cites a passage of its source: a statement, or a target."""

    @property
    def excerpt(self) -> str: ...

    @property
    def paragraph(self) -> int | None: ...

    @property
    def source_id(self) -> int | None: ...

    @property
    def source(self) -> Source | None: ...


def clean_citation(record: CitingRecord, *, required: bool) -> None:
    """Raise a field-level ValidationError unless the record's excerpt is in its source."""
    if not record.excerpt and not required:
        return
    if record.source_id is None:
        # The missing source is reported on its own field by the form already.
        if not required:
            raise ValidationError({"source": _("An excerpt needs the source it comes from.")})
        return
    # It has a source id, so it has a source.
    source = cast("Source", record.source)
    try:
        verify_excerpt(source, paragraph=record.paragraph, excerpt=record.excerpt)
    except ExcerptError as error:
        raise ValidationError({error.field: str(error)}) from None


def check_sources_published(record: models.Model, *fields: str) -> None:
    """Refuse to publish a record that cites a draft source: the source would hide it from
    readers anyway, and publishing the two in the wrong order must not leak a draft's text."""
    if getattr(record, "status", None) != PublicationStatus.PUBLISHED:
        return
    for field in fields:
        source = getattr(record, field) if getattr(record, f"{field}_id") else None
        if source is not None and source.status == PublicationStatus.DRAFT:
            raise ValidationError(
                {
                    "status": _(
                        "The source “%(source)s” is still a draft. Publish the source "
                        "first, then this record."
                    )
                    % {"source": source}
                }
            )


class Tracked(Protocol):
    """What django-simple-history adds to a model with ``history = HistoricalRecords()``
    (every record here): ``history``, the manager of its history rows, and
    ``_change_reason``, which the history row of its next save records when set."""

    # simple_history.manager.HistoryManager, which has no types.
    history: ClassVar[Any]
    _change_reason: str


def tracked(record: models.Model) -> Tracked:
    """``record`` as django-simple-history sees it."""
    return cast(Tracked, record)


class LocalMixin(models.Model):
    """Gives a model ``local`` (``theme.local.name``: policies/localized.py); the model lists
    its translated fields in ``TRANSLATED``. An abstract model rather than a plain mixin, so
    that django-stubs still types the model's querysets."""

    TRANSLATED: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    @property
    def local(self) -> Local:
        return Local(self)
