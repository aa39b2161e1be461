"""What the models share: validators, publication status, citation checks."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from policies.models.excerpts import ExcerptError, verify_excerpt
from policies.querysets import PublicationStatus

__all__ = ["PublicationStatus", "bcp47_validator", "clean_citation", "colour_validator"]

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


def clean_citation(record: models.Model, *, required: bool) -> None:
    """Raise a field-level ValidationError unless the record's excerpt is in its source."""
    if not record.excerpt and not required:
        return
    if record.source_id is None:
        # The missing source is reported on its own field by the form already.
        if not required:
            raise ValidationError({"source": _("An excerpt needs the source it comes from.")})
        return
    try:
        verify_excerpt(record.source, paragraph=record.paragraph, excerpt=record.excerpt)
    except ExcerptError as error:
        raise ValidationError({error.field: str(error)}) from None
