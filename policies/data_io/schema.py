"""The tracker's records as rows: one definition per kind, shared by the seeds, the importer
and the exports, so what is exported is exactly what imports.

Relations are written as natural keys (``naming``: slugs; a target as
``plan-slug/target-slug``; several values as a list, or ``a|b`` in a spreadsheet cell), never
as database ids, so a file written by hand or by another tracker loads cleanly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models

from policies.data_io.naming import by_slug, observation_by_key, target_by_key
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
# from the slug, so it survives an export and re-import. Importers skip it, as they skip
# every read-only column (``ReadOnlyColumn``).
PERMALINK = "permalink"


@dataclass(frozen=True)
class ReadOnlyColumn:
    """A column the exports add for readers and the importers skip: a value the record
    derives (a target's value in its indicator's unit) or reads from a related record (the
    indicator's name). Derived again when the row is imported, so a file still round-trips.
    """

    name: str
    # The value lookup that reads it: a field of the record, or one across a relation.
    lookup: str
    # The column it is written after, so that it sits beside what it explains.
    after: str


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
    # Columns the exports add beside the importer's, for readers; importers skip them.
    read_only: tuple[ReadOnlyColumn, ...] = ()

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def exported(self) -> tuple[str, ...]:
        """The columns an export writes, in order: the importer's, each read-only column
        after the one it follows (the permalink, which needs the site's address, is added
        last by the streams)."""
        names: list[str] = []

        def place(name: str) -> None:
            names.append(name)
            for extra in self.read_only:
                if extra.after == name:
                    place(extra.name)  # and what follows it in turn

        for name in self.columns:
            place(name)
        return tuple(names)

    @property
    def skipped_on_import(self) -> frozenset[str]:
        """The exported columns an importer ignores: the read-only ones and the permalink."""
        skipped = {extra.name for extra in self.read_only}
        return frozenset(skipped | {PERMALINK} if self.permalink else skipped)

    def lookup_of(self, column: str) -> str:
        """The value lookup that reads an exported column (not a many-to-many one)."""
        for extra in self.read_only:
            if extra.name == column:
                return extra.lookup
        return column

    def field_of(self, column: str) -> models.Field[Any, Any]:
        """The model field an exported column reads, across relations for a read-only one."""
        model: type[models.Model] = self.model
        *path, last = self.lookup_of(column).split("__")
        for part in path:
            model = cast("type[models.Model]", model._meta.get_field(part).related_model)
        return cast("models.Field[Any, Any]", model._meta.get_field(last))

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
                "status",
                "text",
                "notes",
                "notes_fr",
            ),
        ),
        RecordKind(
            "actors",
            Actor,
            ("slug",),
            (
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
                "aliases",
            ),
        ),
        RecordKind(
            "themes",
            Theme,
            ("slug",),
            ("slug", "name", "name_fr", "description", "description_fr", "keywords", "colour"),
        ),
        RecordKind(
            "sectors",
            Sector,
            ("slug",),
            (
                "slug",
                "name",
                "name_fr",
                "code",
                "parent",
                "description",
                "description_fr",
                "keywords",
            ),
            refs={"parent": by_slug(Sector)},
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
                "name_fr",
                "aliases_zh",
                "aliases_en",
                "aliases_fr",
                "definition",
                "definition_fr",
                "unit",
                "kind",
                "sector",
                "theme",
                "notes",
                "notes_fr",
            ),
            refs={"sector": by_slug(Sector), "theme": by_slug(Theme)},
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
                "status",
                "notes",
                "notes_fr",
            ),
            refs={"issuer": by_slug(Actor), "source": by_slug(Source)},
            many={
                "co_issuers": by_slug(Actor),
                "themes": by_slug(Theme),
                "sectors": by_slug(Sector),
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
                "notes_fr",
            ),
            refs={
                "plan": by_slug(Plan),
                "indicator": by_slug(Indicator),
                "sector": by_slug(Sector),
                "theme": by_slug(Theme),
                "source": by_slug(Source),
                "supersedes": target_by_key,
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
            # The indicator's name, and the value in its unit, beside the slug.
            read_only=(
                ReadOnlyColumn("indicator_name", "indicator__name_en", after="indicator"),
                ReadOnlyColumn("target_value", "target_value", after="indicator_name"),
                ReadOnlyColumn("indicator_unit", "indicator__unit", after="target_value"),
            ),
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
                "note_fr",
            ),
            refs={
                "indicator": by_slug(Indicator),
                "source": by_slug(Source),
                "supersedes": observation_by_key,
            },
            select_related=("indicator", "source", "supersedes__indicator", "supersedes__source"),
            order=("indicator__slug", "period", "pk"),
            # The value in the indicator's unit, beside the unit as published.
            read_only=(ReadOnlyColumn("indicator_value", "indicator_value", after="unit"),),
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
                "headline_fr",
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
                "notes_fr",
            ),
            refs={
                "actor": by_slug(Actor),
                "source": by_slug(Source),
                "origin": by_slug(Source),
            },
            many={
                "themes": by_slug(Theme),
                "sectors": by_slug(Sector),
                "plans": by_slug(Plan),
                "targets": target_by_key,
            },
            select_related=("actor", "source", "origin"),
            batched=True,
            permalink="policies:statement_detail",
        ),
    ]
}
