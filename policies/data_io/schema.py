"""The tracker's records as rows: one definition per kind, shared by the seeds, the importer
and the exports, so what is exported is exactly what imports.

Relations are written as natural keys (slugs; a target as ``plan-slug/target-slug``; several
values as a list, or ``a|b`` in a spreadsheet cell), never as database ids, so a file written
by hand or by another tracker loads cleanly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, cast, overload

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from policies.data_io.cells import RecordError
from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)

OUTCOMES = ("created", "updated", "unchanged", "kept")

# The column that exports add for records with a permalink: their page's address, built
# from the slug, so it survives an export and re-import. Importers skip it.
PERMALINK = "permalink"


class Slugged(Protocol):
    """A record named by its slug: every kind but a target."""

    @property
    def slug(self) -> str: ...


def _by_slug(model: type[models.Model]) -> Callable[[str], models.Model]:
    def resolve(value: str) -> models.Model:
        try:
            return model._default_manager.get(slug=value)
        # The model's DoesNotExist, by its base: mypy sees none on a type[Model].
        except ObjectDoesNotExist:
            raise RecordError(
                f"unknown {model._meta.verbose_name} {value!r} (no record with that slug)"
            ) from None

    return resolve


def _observation_by_key(value: str) -> Observation:
    indicator, _, rest = str(value).partition("/")
    period, _, source = rest.partition("/")
    if not period:
        raise RecordError(
            "an observation is named 'indicator-slug/period/source-slug' (or "
            f"'indicator-slug/period' for one without a source), not {value!r}"
        )
    found = Observation.objects.filter(indicator__slug=indicator, period=period)
    found = found.filter(source__slug=source) if source else found.filter(source__isnull=True)
    observation = found.first()
    if observation is None:
        raise RecordError(f"unknown observation {value!r}")
    return observation


def _target_by_key(value: str) -> Target:
    plan_slug, _, target_slug = str(value).partition("/")
    if not target_slug:
        raise RecordError(f"a target is named 'plan-slug/target-slug', not {value!r}")
    try:
        return Target.objects.get(plan__slug=plan_slug, slug=target_slug)
    except Target.DoesNotExist:
        raise RecordError(f"unknown target {value!r}") from None


@overload
def natural_key(obj: models.Model) -> str: ...


@overload
def natural_key(obj: models.Model | None) -> str | None: ...


def natural_key(obj: models.Model | None) -> str | None:
    """How a record is named in files: its slug; plan/slug for a target;
    indicator/period/source for an observation."""
    if obj is None:
        return None
    if isinstance(obj, Target):
        return f"{obj.plan.slug}/{obj.slug}"
    if isinstance(obj, Observation):
        source = f"/{obj.source.slug}" if obj.source_id else ""
        return f"{obj.indicator.slug}/{obj.period}{source}"
    return cast(Slugged, obj).slug


def key_label(key: tuple[Any, ...]) -> str:
    return "/".join(str(natural_key(v) if isinstance(v, models.Model) else v) for v in key)


@dataclass(frozen=True)
class RecordKind:
    """How one model is written as a row and read back."""

    name: str
    model: type[models.Model]
    key: tuple[str, ...]
    columns: tuple[str, ...]
    refs: dict[str, Callable[[str], models.Model]] = field(default_factory=dict)
    many: dict[str, Callable[[str], models.Model]] = field(default_factory=dict)
    # Relations to load along with each row when exporting.
    select_related: tuple[str, ...] = ()
    # Export order: stable across databases, and parents before children.
    order: tuple[str, ...] = ("slug",)
    # New records of this kind may be written in batches (``NewRecords``): the model has no
    # save() of its own, no unique field but its key, and no row refers to another row of
    # the same kind, so a row never needs an earlier row of its file to be saved first.
    batched: bool = False
    # The URL name of the record's page, whose one argument is its slug: exports add the
    # page's address as a last column (PERMALINK).
    permalink: str | None = None

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def fields(self) -> dict[str, models.Field[Any, Any]]:
        # Every column but the many-to-many ones is a concrete field (a reference too).
        return {
            name: cast("models.Field[Any, Any]", self.model._meta.get_field(name))
            for name in self.columns
            if name not in self.many
        }


# In dependency order: a record only refers to kinds listed before it.
RECORD_KINDS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in [
        RecordKind(
            "sources",
            Source,
            ("slug",),
            (
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
                "text",
                "notes",
            ),
        ),
        RecordKind(
            "actors",
            Actor,
            ("slug",),
            ("slug", "name", "name_original", "kind", "jurisdiction", "role", "description"),
        ),
        RecordKind("themes", Theme, ("slug",), ("slug", "name", "description", "colour")),
        RecordKind(
            "sectors",
            Sector,
            ("slug",),
            ("slug", "name", "code", "parent", "description"),
            refs={"parent": _by_slug(Sector)},
            select_related=("parent",),
            order=("path",),
        ),
        RecordKind(
            "indicators",
            Indicator,
            ("slug",),
            (
                "slug",
                "name",
                "name_en",
                "aliases_zh",
                "aliases_en",
                "aliases_fr",
                "definition",
                "unit",
                "kind",
                "sector",
                "theme",
                "notes",
            ),
            refs={"sector": _by_slug(Sector), "theme": _by_slug(Theme)},
            select_related=("sector", "theme"),
            permalink="policies:indicator_detail",
        ),
        RecordKind(
            "plans",
            Plan,
            ("slug",),
            (
                "slug",
                "title",
                "title_en",
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
                "source",
                "themes",
                "sectors",
                "status",
                "notes",
            ),
            refs={"issuer": _by_slug(Actor), "source": _by_slug(Source)},
            many={
                "co_issuers": _by_slug(Actor),
                "themes": _by_slug(Theme),
                "sectors": _by_slug(Sector),
            },
            select_related=("issuer", "source"),
            permalink="policies:plan_detail",
        ),
        RecordKind(
            "targets",
            Target,
            ("plan", "slug"),
            (
                "plan",
                "slug",
                "indicator",
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
                "paragraph",
                "excerpt",
                "supersedes",
                "notes",
            ),
            refs={
                "plan": _by_slug(Plan),
                "indicator": _by_slug(Indicator),
                "sector": _by_slug(Sector),
                "theme": _by_slug(Theme),
                "source": _by_slug(Source),
                "supersedes": _target_by_key,
            },
            select_related=(
                "plan",
                "indicator",
                "sector",
                "theme",
                "source",
                "supersedes__plan",
            ),
            order=("plan__slug", "slug"),
        ),
        RecordKind(
            "observations",
            Observation,
            # Sources may disagree, so the model allows one figure per source for an
            # indicator and period, and a file names an observation by all three.
            ("indicator", "period", "source"),
            (
                "indicator",
                "period",
                "value",
                "unit",
                "qualifier",
                "published_on",
                "source",
                "locator",
                "verified",
                "supersedes",
                "note",
            ),
            refs={
                "indicator": _by_slug(Indicator),
                "source": _by_slug(Source),
                "supersedes": _observation_by_key,
            },
            select_related=("indicator", "source", "supersedes__indicator", "supersedes__source"),
            order=("indicator__slug", "period", "pk"),
        ),
        RecordKind(
            "statements",
            Statement,
            ("slug",),
            (
                "slug",
                "actor",
                "kind",
                "headline",
                "excerpt",
                "wording",
                "text_en",
                "source",
                "paragraph",
                "origin",
                "venue",
                "delivered_on",
                "published_on",
                "themes",
                "sectors",
                "plans",
                "targets",
                "status",
                "notes",
            ),
            refs={
                "actor": _by_slug(Actor),
                "source": _by_slug(Source),
                "origin": _by_slug(Source),
            },
            many={
                "themes": _by_slug(Theme),
                "sectors": _by_slug(Sector),
                "plans": _by_slug(Plan),
                "targets": _target_by_key,
            },
            select_related=("actor", "source", "origin"),
            batched=True,
            permalink="policies:statement_detail",
        ),
    ]
}
