"""The tracker's records as rows: one definition per kind, shared by the seeds, the importer
and the exports, so what is exported is exactly what imports.

Relations are written as natural keys (slugs; a target as ``plan-slug/target-slug``; several
values as a list, or ``a|b`` in a spreadsheet cell), never as database ids, so a file written
by hand or by another tracker loads cleanly.
"""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, connection, connections, models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from policies import rollups
from policies.caching import data_changed
from policies.models import Actor, Observation, Plan, Sector, Source, Statement, Target, Theme

MANY_SEPARATOR = "|"
OUTCOMES = ("created", "updated", "unchanged", "kept")


class RecordError(Exception):
    """A problem with one record; ``column`` names the field to blame, when there is one."""

    def __init__(self, message: str, *, column: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return f"{self.column}: {self.message}" if self.column else self.message


def _by_slug(model: type[models.Model]) -> Callable[[str], models.Model]:
    def resolve(value: str) -> models.Model:
        try:
            return model.objects.get(slug=value)
        except model.DoesNotExist:
            raise RecordError(
                f"unknown {model._meta.verbose_name} {value!r} (no record with that slug)"
            ) from None

    return resolve


def _target_by_key(value: str) -> Target:
    plan_slug, _, target_slug = str(value).partition("/")
    if not target_slug:
        raise RecordError(f"a target is named 'plan-slug/target-slug', not {value!r}")
    try:
        return Target.objects.get(plan__slug=plan_slug, slug=target_slug)
    except Target.DoesNotExist:
        raise RecordError(f"unknown target {value!r}") from None


def _by_keys(model: type[models.Model], keys: list[str]) -> dict:
    """{(model, key): record} for those of ``keys`` that name a record (see ``Lookups``)."""
    if model is Target:
        pairs = [key.partition("/") for key in keys]
        found = Target.objects.select_related("plan").filter(
            plan__slug__in={plan for plan, _sep, slug in pairs if slug}
        )
        wanted = set(keys)
        return {
            (model, key): target
            for target in found
            if (key := f"{target.plan.slug}/{target.slug}") in wanted
        }
    return {(model, record.slug): record for record in model.objects.filter(slug__in=keys)}


def natural_key(obj: models.Model | None) -> str | None:
    """How a record is named in files: its slug, or plan/slug for a target."""
    if obj is None:
        return None
    if isinstance(obj, Target):
        return f"{obj.plan.slug}/{obj.slug}"
    return obj.slug


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

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def fields(self) -> dict[str, models.Field]:
        return {
            name: self.model._meta.get_field(name)
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
                "publisher",
                "kind",
                "tier",
                "language",
                "url",
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
            many={"themes": _by_slug(Theme), "sectors": _by_slug(Sector)},
            select_related=("issuer", "source"),
        ),
        RecordKind(
            "targets",
            Target,
            ("plan", "slug"),
            (
                "plan",
                "slug",
                "indicator",
                "indicator_en",
                "unit",
                "unit_en",
                "baseline_value",
                "baseline_year",
                "target_value",
                "target_year",
                "direction",
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
                "sector": _by_slug(Sector),
                "theme": _by_slug(Theme),
                "source": _by_slug(Source),
                "supersedes": _target_by_key,
            },
            select_related=("plan", "sector", "theme", "source", "supersedes__plan"),
            order=("plan__slug", "slug"),
        ),
        RecordKind(
            "observations",
            Observation,
            # The model allows one figure per source for a target and year (sources may
            # disagree), so a file names an observation by all three.
            ("target", "year", "source"),
            ("target", "year", "value", "released_on", "source", "locator", "verified", "note"),
            refs={"target": _target_by_key, "source": _by_slug(Source)},
            select_related=("target__plan", "source"),
            order=("target__plan__slug", "target__slug", "year"),
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
        ),
    ]
}


# ---------------------------------------------------------------------------------------
# Reading a row


# Characters no XML document (our Atom feeds) may carry, and NUL, which PostgreSQL refuses.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TRUE_WORDS = {"true", "1", "yes", "t", "y"}
FALSE_WORDS = {"false", "0", "no", "f", "n"}


def parse_value(model_field: models.Field, raw: Any, *, from_text: bool) -> Any:
    """One cell or YAML/JSON value as the field's Python value, or RecordError saying why.

    ``from_text``: the value comes from a spreadsheet cell, where an empty cell means "none".
    """
    name = model_field.name
    if isinstance(raw, float):
        # Binary floats go through their shortest repr, so 7.8 stays 7.8.
        raw = repr(raw)
    if from_text and raw == "":
        raw = None
    if raw is None:
        if isinstance(model_field, (models.CharField, models.TextField)):
            return ""
        if isinstance(model_field, models.BooleanField):
            return model_field.get_default()
        return None
    if isinstance(raw, (dict, list)) or (
        isinstance(raw, bool) and not isinstance(model_field, models.BooleanField)
    ):
        raise RecordError(f"expected a single value, found {raw!r:.60}", column=name)
    if isinstance(raw, str) and CONTROL_CHARACTERS.search(raw):
        raise RecordError(
            "contains a control character (such as NUL); remove it and try again", column=name
        )
    if isinstance(model_field, models.BooleanField) and not isinstance(raw, bool):
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise RecordError(f"{raw!r} is not true or false", column=name)
    if isinstance(raw, datetime.datetime):
        raw = raw.date() if isinstance(model_field, models.DateField) else raw
    try:
        return model_field.to_python(raw)
    except ValidationError as error:
        raise RecordError(" ".join(error.messages), column=name) from None
    except (TypeError, ValueError):
        raise RecordError(
            f"{raw!r} is not a valid {model_field.description.lower()}", column=name
        ) from None


def split_many(raw: Any, column: str) -> list[str]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(MANY_SEPARATOR) if part.strip()]
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return raw
    raise RecordError(f"expected a list of keys, found {raw!r}", column=column)


class Lookups:
    """The related records one load has already looked up, by resolver and key.

    A file of 100,000 statements names the same few sources, actors and themes again and
    again: each is read once. Sharing one Source also shares its split paragraphs, so each
    excerpt check is a substring test. Records of the kind being loaded are always read
    afresh: a later row may move the parent sector or change the target that an earlier
    row looked up.
    """

    def __init__(self, kind: RecordKind) -> None:
        self.kind = kind
        self._found: dict[tuple[type[models.Model], str], models.Model] = {}

    def prefetch(self, records: Iterable[dict], *, from_text: bool) -> None:
        """Look up every key these rows name, a few hundred per query, before the rows are
        read one by one: at a million statements an import names thousands of plans and
        targets, each a query of its own otherwise. Keys that are not found are left to
        ``resolve``, which says so for the row that names them."""
        wanted: dict[type[models.Model], set[str]] = {}
        for record in records:
            for column in (*self.kind.refs, *self.kind.many):
                raw = record.get(column)
                model = self.kind.model._meta.get_field(column).related_model
                if model is self.kind.model or raw is None or (from_text and raw == ""):
                    continue
                if column in self.kind.many:
                    try:
                        keys = split_many(raw, column)
                    except RecordError:
                        continue  # reported when the row is read
                else:
                    keys = [str(raw)]
                wanted.setdefault(model, set()).update(keys)
        for model, keys in wanted.items():
            ordered = sorted(keys)
            for start in range(0, len(ordered), 500):
                self._found.update(_by_keys(model, ordered[start : start + 500]))

    def resolve(self, column: str, resolver: Callable[[str], models.Model], key: str):
        model = self.kind.model._meta.get_field(column).related_model
        if model is self.kind.model:
            return resolver(key)
        try:
            return self._found[model, key]
        except KeyError:
            found = self._found[model, key] = resolver(key)
            return found


def resolve_record(
    kind: RecordKind,
    record: dict[str, Any],
    *,
    from_text: bool,
    extra: dict[str, Callable[[Any], Any]] | None = None,
    lookups: Lookups | None = None,
) -> tuple[dict[str, Any], dict[str, list]]:
    """Field values and related records for one row; relations are looked up by key.

    Every column the row leaves out takes the field's default, so a row alone says what
    its record holds. ``extra`` maps additional accepted keys to a (field, value) reader.
    """
    extra = extra or {}
    lookups = lookups or Lookups(kind)
    allowed = set(kind.columns) | set(extra)
    unknown = sorted(set(record) - allowed)
    if unknown:
        raise RecordError(
            f"unknown column(s) {', '.join(unknown)}; a {kind.model._meta.verbose_name} has "
            f"{', '.join(kind.columns)}"
        )
    values: dict[str, Any] = {name: f.get_default() for name, f in kind.fields.items()}
    for name, raw in record.items():
        if name in extra:
            target_field, value = extra[name](raw)
            values[target_field] = value
        elif name in kind.many:
            continue
        elif name in kind.refs:
            key = None if raw is None or (from_text and raw == "") else raw
            try:
                values[name] = (
                    None if key is None else lookups.resolve(name, kind.refs[name], str(key))
                )
            except RecordError as error:
                raise RecordError(error.message, column=name) from None
        else:
            values[name] = parse_value(kind.fields[name], raw, from_text=from_text)
    many: dict[str, list] = {}
    for name, resolver in kind.many.items():
        keys = split_many(record.get(name), name)
        try:
            many[name] = [lookups.resolve(name, resolver, key) for key in keys]
        except RecordError as error:
            raise RecordError(error.message, column=name) from None
        if not many[name] and not kind.model._meta.get_field(name).blank:
            raise RecordError("at least one is required", column=name)
    return values, many


def load_record(
    kind: RecordKind,
    values: dict[str, Any],
    many: dict[str, list],
    *,
    change_reason: str,
    keep_edits_by_others: bool,
) -> tuple[str, tuple, list[str]]:
    """Create or update one record by its natural key; returns (outcome, key, changed).

    Every record is validated, unchanged ones too. With ``keep_edits_by_others``, a record
    whose latest change was not made with ``change_reason`` is left as it is ("kept").
    """
    key = tuple(values.get(name) for name in kind.key)
    lookup = {name: values.get(name) for name in kind.key}
    instance = kind.model.objects.filter(**lookup).first()

    if instance is None:
        instance = kind.model(**values)
        instance.full_clean()
        instance._change_reason = change_reason
        instance.save()
        for name, related in many.items():
            getattr(instance, name).set(related)
        return "created", key, list(values)

    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    changed += [
        name
        for name, related in many.items()
        if set(getattr(instance, name).values_list("pk", flat=True)) != {r.pk for r in related}
    ]
    edited = bool(changed) and keep_edits_by_others and _edited_by_others(instance, change_reason)
    for name in changed:
        if name not in many:
            setattr(instance, name, values[name])
    instance.full_clean()
    if not changed:
        return "unchanged", key, []
    if edited:
        return "kept", key, changed
    instance._change_reason = change_reason
    instance.save()
    for name in changed:
        if name in many:
            getattr(instance, name).set(many[name])
    return "updated", key, changed


class NewRecords:
    """New records of a ``batched`` kind: each row validated as it is read, written in batches.

    Saved one by one, a new statement costs a save, four link sets and five history records
    (django-simple-history snapshots every link set), some forty queries. Here a batch of a
    thousand costs a few: the rows, their links, and one history record per row with its
    links, as a single save from the admin would have left it. Bulk writes send no signals,
    so the rollups and the cached pages are told directly.

    Validation is the model's own (fields, ``clean()``, the excerpt check) without the
    queries that a batch makes needless: related records come from ``Lookups``, new keys
    from ``existing_keys``, and the check constraints are the database's. A batch that the
    database refuses is checked again row by row, to say which row and why.
    """

    BATCH_SIZE = 1000

    def __init__(self, kind: RecordKind, *, change_reason: str) -> None:
        if not kind.batched:
            raise ValueError(f"{kind.name} cannot be written in batches")
        self.kind = kind
        self.change_reason = change_reason
        self.pending: list[tuple[str, models.Model, dict[str, list]]] = []

    def existing_keys(self, records: Iterable[dict]) -> set[str]:
        """Which of these rows' keys are already in the database (a query per 500 keys)."""
        (name,) = self.kind.key
        wanted = sorted({str(r[name]) for r in records if isinstance(r.get(name), (str, int))})
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                self.kind.model.objects.filter(**{f"{name}__in": chunk}).values_list(
                    name, flat=True
                )
            )
        return found

    @property
    def full(self) -> bool:
        return len(self.pending) >= self.BATCH_SIZE

    def add(self, position: str, values: dict[str, Any], many: dict[str, list]) -> tuple:
        """Validate one new record and queue it; raises ValidationError. Returns its key."""
        instance = self.kind.model(**values)
        errors: dict[str, list[str]] = {}
        for name in self.kind.refs:
            # A related record that was given was found by its key; only a missing one
            # needs the field's own check (which would otherwise query for the given one).
            if values.get(name) is None:
                try:
                    self.kind.fields[name].clean(None, instance)
                except ValidationError as error:
                    errors[name] = error.messages
        try:
            instance.full_clean(
                exclude=set(self.kind.refs), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        instance._change_reason = self.change_reason
        self.pending.append((position, instance, many))
        return tuple(values.get(name) for name in self.kind.key)

    def flush(self, *, write: bool = True) -> list[tuple[str, ValidationError]]:
        """Write the queued records; returns (position, error) for rows the database refused.

        Without ``write`` (the load has failed already and will be rolled back) the rows
        are only checked against the constraints, so that every bad row is still reported.
        """
        batch, self.pending = self.pending, []
        if not batch:
            return []
        if not write:
            return self._check(batch)
        try:
            # A savepoint, so that a refused batch leaves the transaction usable to explain.
            with transaction.atomic():
                self._write(batch)
        except IntegrityError as error:
            # Nothing a row says on its own may explain it (say, a key written meanwhile by
            # someone else): then name the batch and pass on the database's words.
            return self._check(batch) or [
                (f"{batch[0][0]} to {batch[-1][0]}", ValidationError(str(error)))
            ]
        return []

    def _write(self, batch: list[tuple[str, models.Model, dict[str, list]]]) -> None:
        model = self.kind.model
        instances = model.objects.bulk_create([instance for _p, instance, _m in batch])
        history = model.history.bulk_history_create(
            instances, default_change_reason=self.change_reason
        )
        # Links and their history are written in SQL: as model instances they were 80 % of
        # the objects a batch built, and half its time. Only names from the models'
        # metadata are formatted in; every value is a parameter.
        q = connection.ops.quote_name
        history_table = q(model.history.model._meta.db_table)
        history_ids = [record.history_id for record in history]
        with connection.cursor() as cursor:
            for name in self.kind.many:
                m2m = model._meta.get_field(name)
                through = m2m.remote_field.through
                own = through._meta.get_field(m2m.m2m_field_name()).column
                other = through._meta.get_field(m2m.m2m_reverse_field_name()).column
                links = [
                    (instance.pk, related.pk)
                    for _p, instance, many in batch
                    for related in many.get(name, [])
                ]
                if not links:
                    continue
                cursor.executemany(
                    f"INSERT INTO {q(through._meta.db_table)} ({q(own)}, {q(other)}) "  # noqa: S608
                    "VALUES (%s, %s)",
                    links,
                )
                # The history of a link is a copy of its row, tied to the record's history
                # row (which carries the record's id), as django-simple-history writes it.
                link_history = getattr(model.history.model, name).model._meta.db_table
                copied = ", ".join(q(f.column) for f in through._meta.fields)
                placeholders = ", ".join(["%s"] * len(history_ids))
                cursor.execute(
                    f"INSERT INTO {q(link_history)} ({copied}, {q('history_id')}) "  # noqa: S608
                    f"SELECT {', '.join(f'l.{q(f.column)}' for f in through._meta.fields)}, "
                    f"h.{q('history_id')} FROM {q(through._meta.db_table)} l "
                    f"JOIN {history_table} h ON h.{q('id')} = l.{q(own)} "
                    f"WHERE h.{q('history_id')} IN ({placeholders})",
                    history_ids,
                )
        if model is Statement:
            rollups.created([instance.pk for instance in instances])
        data_changed()

    def _check(
        self, batch: list[tuple[str, models.Model, dict[str, list]]]
    ) -> list[tuple[str, ValidationError]]:
        refused = []
        for position, instance, _many in batch:
            instance.pk = None  # a refused insert may have left one behind
            try:
                instance.validate_constraints()
            except ValidationError as problem:
                refused.append((position, problem))
        return refused


def _edited_by_others(instance: models.Model, change_reason: str) -> bool:
    try:
        latest = instance.history.latest()
    except ObjectDoesNotExist:
        return False
    return latest.history_change_reason != change_reason


def key_label(key: tuple) -> str:
    return "/".join(str(natural_key(v) if isinstance(v, models.Model) else v) for v in key)


def describe_validation(error: ValidationError) -> list[tuple[str | None, str]]:
    """(column, message) pairs; constraint errors that span fields have no column."""
    if hasattr(error, "error_dict"):
        return [
            (None if name == "__all__" else name, " ".join(messages))
            for name, messages in error.message_dict.items()
        ]
    return [(None, " ".join(error.messages))]


# ---------------------------------------------------------------------------------------
# Writing a row


def _key_lookups(model: type[models.Model], prefix: str) -> list[str]:
    """The value lookups that spell a related record's natural key (and its visibility)."""
    if model is Target:
        return [f"{prefix}__plan__slug", f"{prefix}__slug", f"{prefix}__plan__status"]
    if model is Plan:
        return [f"{prefix}__slug", f"{prefix}__status"]
    return [f"{prefix}__slug"]


def _key_from(values: dict | tuple, lookups: list[str], published_only: bool) -> str | None:
    """A natural key from looked-up values; None for a missing or hidden record."""
    got = [values[name] for name in lookups] if isinstance(values, dict) else list(values)
    if got[0] is None:
        return None
    if len(lookups) > 1 and lookups[-1].endswith("status"):
        if published_only and got[-1] != "published":
            return None
        got = got[:-1]
    return "/".join(got)


def iter_rows(
    kind: RecordKind,
    queryset: models.QuerySet,
    *,
    published_only: bool = False,
    chunk_size: int = 2000,
) -> Iterable[dict]:
    """Rows of a queryset as dicts of the kind's columns, many-to-many ones as lists of
    keys (see ``iter_values``)."""
    columns = kind.columns
    many = [index for index, name in enumerate(columns) if name in kind.many]
    for values in iter_values(
        kind, queryset, published_only=published_only, chunk_size=chunk_size
    ):
        for index in many:
            values[index] = values[index].split(MANY_SEPARATOR) if values[index] else []
        yield dict(zip(columns, values, strict=True))


def iter_values(
    kind: RecordKind,
    queryset: models.QuerySet,
    *,
    published_only: bool = False,
    chunk_size: int = 2000,
) -> Iterable[list]:
    """Rows of a queryset, each a list in the kind's column order, read as plain values in
    chunks: a million records never sit in memory, and no model instance is built (which
    would cost more than the query).

    A many-to-many column comes as one string of sorted keys joined by MANY_SEPARATOR (or
    None). The same query reads each row's linked ids (``_many_ids_sql``): no join that
    would repeat rows, and no query per row or per chunk. The ids become keys through a
    map read once per export (``_many_keys``), which is five times cheaper for the
    database than building the strings itself. ``published_only`` leaves out links to
    draft plans and their targets, for readers.
    """
    model = kind.model
    scalar, refs = [], {}
    for name in kind.columns:
        if name in kind.many:
            continue
        field = model._meta.get_field(name)
        if name in kind.refs:
            refs[name] = _key_lookups(field.related_model, name)
        else:
            scalar.append(name)
    vendor = connections[queryset.db].vendor
    many = {f"many_ids_{name}": _many_ids_sql(kind, name, vendor) for name in kind.many}
    lookups = [
        "pk",
        *scalar,
        *(lookup for group in refs.values() for lookup in group),
        *many,
    ]
    position = {name: index for index, name in enumerate(lookups)}
    # Worked out once, not per row: the columns that need converting or naming are computed
    # into a tail after the row's own values, then one C-level getter puts every column in
    # its place.
    converted = []  # (position in the row, converter) for dates, decimals and links
    named = []  # (positions of a reference's lookups, the lookups) for keys with parts
    tail: dict[str, int] = {}
    as_text = {}
    for name in scalar:
        field = model._meta.get_field(name)
        if vendor == "sqlite" and type(field) is models.DateField:
            # SQLite keeps dates as ISO text: read them as text, skipping a parse and a
            # format per cell. (PostgreSQL's to_char costs more than the format.)
            as_text[name] = Cast(name, models.TextField())
            continue
        converter = _export_converter(field)
        if converter is not None:
            converted.append((position[name], converter))
            tail[name] = len(lookups) + len(tail)
    for name in kind.many:
        converted.append(
            (position[f"many_ids_{name}"], _many_keys(kind, name, published_only, vendor))
        )
        tail[name] = len(lookups) + len(tail)
    for name, group in refs.items():
        if len(group) > 1:  # a plan or target: its key has parts and a visibility
            named.append(([position[lookup] for lookup in group], group))
            tail[name] = len(lookups) + len(tail)
    order = [
        tail[name] if name in tail else position[refs[name][0] if name in refs else name]
        for name in kind.columns
    ]
    arrange = operator.itemgetter(*order)
    renamed = {f"text_{name}": expression for name, expression in as_text.items()}
    selected = [f"text_{name}" if name in as_text else name for name in lookups]
    rows = (
        queryset.annotate(**many, **renamed)
        .order_by(*kind.order)
        .values_list(*selected)
        .iterator(chunk_size=chunk_size)
    )
    for row in rows:
        if converted or named:
            extra = [
                None if row[index] is None else converter(row[index])
                for index, converter in converted
            ]
            extra += [
                _key_from([row[i] for i in at], group, published_only) for at, group in named
            ]
            row += tuple(extra)
        yield list(arrange(row))


def _export_converter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a column's database value is written: fixed-point text for decimals, ISO dates."""
    if isinstance(field, models.DecimalField):
        return lambda value: format(value.normalize(), "f")
    if isinstance(field, models.DateField):
        return lambda value: value.isoformat()
    return None


def _many_ids_sql(kind: RecordKind, name: str, vendor: str) -> RawSQL:
    """A correlated subquery: the ids one record links to in column ``name``.

    An index-only read of the link table: an array on PostgreSQL, comma-separated text on
    SQLite (None there when there are none). Only names from the models' metadata are
    formatted in.
    """
    field = kind.model._meta.get_field(name)
    through = field.remote_field.through
    q = connections["default"].ops.quote_name
    owner_table = q(kind.model._meta.db_table)
    link = q(through._meta.db_table)
    owner = q(through._meta.get_field(kind.model._meta.model_name).column)
    other = q(through._meta.get_field(field.related_model._meta.model_name).column)
    where = f"l.{owner} = {owner_table}.id"
    if vendor == "postgresql":
        sql = f"ARRAY(SELECT l.{other} FROM {link} l WHERE {where})"  # noqa: S608
        return RawSQL(sql, [], output_field=models.TextField())  # noqa: S611
    sql = f"SELECT group_concat(l.{other}) FROM {link} l WHERE {where}"  # noqa: S608
    return RawSQL(sql, [], output_field=models.TextField())  # noqa: S611


def _many_keys(
    kind: RecordKind, name: str, published_only: bool, vendor: str
) -> Callable[[Any], Any]:
    """Turns a record's linked ids (``_many_ids_sql``) into its keys column: sorted by code
    point, as on every database, and joined; None when none is left to show."""
    related = kind.model._meta.get_field(name).related_model
    records = related.objects.all()
    if published_only and related is Target:
        records = records.filter(plan__status="published")
    elif published_only and related is Plan:
        records = records.filter(status="published")
    if related is Target:
        pairs = (
            (pk, f"{plan}/{slug}")
            for pk, plan, slug in records.values_list("pk", "plan__slug", "slug")
        )
    else:
        pairs = records.values_list("pk", "slug")
    # SQLite hands the ids over as text: key the map by text there, and skip a parse.
    keys = {str(pk) if vendor == "sqlite" else pk: key for pk, key in pairs}
    get = keys.get

    def convert(ids: Any) -> str | None:
        if not ids:
            return None
        if vendor == "sqlite":
            ids = ids.split(",")
        if len(ids) == 1:  # the common case: no sort, no join
            return get(ids[0])
        found = sorted(key for key in map(get, ids) if key is not None)
        return MANY_SEPARATOR.join(found) if found else None

    return convert
