"""Which date a statement counts by (``date_basis``): when it was made public, the default, or
when it was said, for a speech printed months later. A statement with no separate delivery
date was said when it was published, so under either basis it counts by its publication.

Plans and targets have one date each (a plan's publication) and keep it under either basis.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class DateBasis(models.TextChoices):
    PUBLISHED = "published", _("when published")
    DELIVERED = "delivered", _("when said (delivered)")


def statement_date(basis: DateBasis) -> F | Coalesce:
    """The date a statement counts by under ``basis``, for filters, spans and timelines."""
    if basis == DateBasis.DELIVERED:
        return Coalesce("delivered_on", "published_on")
    return F("published_on")
