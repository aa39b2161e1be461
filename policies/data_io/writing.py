"""Writing rows: one record created or updated by its natural key, or new records of a
batched kind written a thousand at a time, each as a single admin save would have left it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from policies import rollups
from policies.caching import data_changed
from policies.data_io.naming import Slugged
from policies.data_io.schema import RecordKind
from policies.models import Statement
from policies.models.common import Tracked, check_retired_slug, tracked


def load_record(
    kind: RecordKind,
    values: dict[str, Any],
    many: dict[str, list[models.Model]],
    *,
    change_reason: str,
    keep_edits_by_others: bool,
) -> tuple[str, tuple[Any, ...], list[str]]:
    """Create or update one record by its natural key; returns (outcome, key, changed).

    Every record is validated, unchanged ones too. With ``keep_edits_by_others``, a record
    whose latest change was not made with ``change_reason`` is left as it is ("kept").
    """
    key = tuple(values.get(name) for name in kind.key)
    lookup = {name: values.get(name) for name in kind.key}
    # Locked, so that what is compared below is what an editor's save committed last, and
    # no save can slip in between the comparison and this write.
    instance = kind.model._default_manager.select_for_update().filter(**lookup).first()

    if instance is None:
        instance = kind.model(**values)
        instance.full_clean()
        tracked(instance)._change_reason = change_reason
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
    tracked(instance)._change_reason = change_reason
    instance.save()
    for name in changed:
        if name in many:
            getattr(instance, name).set(many[name])
    return "updated", key, changed


def lock_existing(kind: RecordKind, records: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Lock the records these rows will update, in id order, before any is changed; returns
    each one's version (its newest history row's id, 0 for none) by key, read under the lock.

    Two imports of overlapping files, or an import and an editor, then wait for each other
    instead of each locking some records and waiting for the other's (a deadlock). Kinds
    keyed by more than one field are locked record by record as they load, and have no
    versions here.
    """
    if len(kind.key) != 1:
        return {}
    (name,) = kind.key
    manager = kind.model._default_manager
    wanted = sorted({str(r[name]) for r in records if isinstance(r.get(name), (str, int))})
    keys: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        keys.update(
            (pk, str(key))
            for key, pk in manager.filter(**{f"{name}__in": chunk}).values_list(name, "pk")
        )
    ids = sorted(keys)
    history = cast("type[Tracked]", kind.model).history.model
    versions = dict.fromkeys(keys.values(), 0)
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        list(manager.select_for_update().filter(pk__in=batch).order_by("pk").values_list("pk"))
        newest = (
            history.objects.filter(id__in=batch)
            .values("id")
            .annotate(newest=Max("history_id"))
            .values_list("id", "newest")
        )
        versions.update((keys[pk], version) for pk, version in newest)
    return versions


def changed_since(kind: RecordKind, key: str, version: int) -> str | None:
    """Who changed the record ``key`` after ``version``, and when, in the reader's
    language; None if no one did."""
    (name,) = kind.key
    instance = kind.model._default_manager.filter(**{name: key}).first()
    if instance is None:
        return _("someone deleted it")
    latest = tracked(instance).history.order_by("-history_id").first()
    if latest is None or latest.history_id == version:
        return None
    return _("%(who)s changed it on %(when)s") % {
        "who": latest.history_user or latest.history_change_reason or _("someone"),
        "when": date_format(localtime(latest.history_date), "DATETIME_FORMAT"),
    }


def _edited_by_others(instance: models.Model, change_reason: str) -> bool:
    try:
        latest = tracked(instance).history.latest()
    except ObjectDoesNotExist:
        return False
    return latest.history_change_reason != change_reason


class NewRecords:
    """New records of a ``batched`` kind: each row validated as it is read, written in batches.

    Saved one by one, a new statement costs a save, four link sets and five history records
    (django-simple-history snapshots every link set), some forty queries. Here a batch of a
    thousand costs a few: the rows, their links, and one history record per row with its
    links, as a single save from the admin would have left it. Bulk writes send no signals,
    so the rollups and the cached pages are told directly.

    Validation is the model's own (fields, ``clean()``, the excerpt check) without the
    queries that a batch makes needless: related records come from ``ResolvedKeys``, new keys
    from ``existing_keys``, and the check constraints are the database's. A batch that the
    database refuses is checked again row by row, to say which row and why.
    """

    BATCH_SIZE = 1000

    def __init__(self, kind: RecordKind, *, change_reason: str) -> None:
        if not kind.batched:
            raise ValueError(f"{kind.name} cannot be written in batches")
        self.kind = kind
        self.change_reason = change_reason
        self.pending: list[tuple[str, models.Model, dict[str, list[models.Model]]]] = []

    def existing_keys(self, records: Iterable[dict[str, Any]]) -> set[str]:
        """Which of these rows' keys are already in the database (a query per 500 keys)."""
        (name,) = self.kind.key
        wanted = sorted({str(r[name]) for r in records if isinstance(r.get(name), (str, int))})
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                self.kind.model._default_manager.filter(**{f"{name}__in": chunk}).values_list(
                    name, flat=True
                )
            )
        return found

    @property
    def full(self) -> bool:
        return len(self.pending) >= self.BATCH_SIZE

    def add(
        self, position: str, values: dict[str, Any], many: dict[str, list[models.Model]]
    ) -> tuple[Any, ...]:
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
        tracked(instance)._change_reason = self.change_reason
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
        retired = self._retired_slugs(batch)
        if not write or retired:
            return retired + self._check(batch)
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

    def _write(self, batch: list[tuple[str, models.Model, dict[str, list[models.Model]]]]) -> None:
        model = self.kind.model
        history_manager = cast("type[Tracked]", model).history
        instances = model._default_manager.bulk_create([instance for _p, instance, _m in batch])
        history = history_manager.bulk_history_create(
            instances, default_change_reason=self.change_reason
        )
        # Links and their history are written in SQL: as model instances they were 80 % of
        # the objects a batch built, and half its time. Only names from the models'
        # metadata are formatted in; every value is a parameter.
        q = connection.ops.quote_name
        history_table = q(history_manager.model._meta.db_table)
        history_ids = [record.history_id for record in history]
        with connection.cursor() as cursor:
            for name in self.kind.many:
                m2m = cast("models.ManyToManyField[Any, Any]", model._meta.get_field(name))
                # Resolved when the models loaded: a model, never a name or None.
                through = cast("type[models.Model]", m2m.remote_field.through)
                # The link table's columns naming this record and the linked one.
                own, other = m2m.m2m_column_name(), m2m.m2m_reverse_name()
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
                link_history = getattr(history_manager.model, name).model._meta.db_table
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

    def _retired_slugs(
        self, batch: list[tuple[str, models.Model, dict[str, list[models.Model]]]]
    ) -> list[tuple[str, ValidationError]]:
        """``check_retired_slug`` for a whole batch in one query (``add`` skips the unique
        checks): a new record may not take a slug another record had."""
        if self.kind.permalink is None:
            return []
        positions = {cast(Slugged, instance).slug: position for position, instance, _m in batch}
        history = cast("type[Tracked]", self.kind.model).history.model
        existing = self.kind.model._default_manager.values("pk")
        taken = history.objects.filter(slug__in=list(positions), id__in=existing).values_list(
            "slug", flat=True
        )
        refused = []
        for slug in sorted(set(taken)):
            instance = next(i for _p, i, _m in batch if cast(Slugged, i).slug == slug)
            try:
                check_retired_slug(instance)
            except ValidationError as error:
                refused.append((positions[slug], error))
        return refused

    def _check(
        self, batch: list[tuple[str, models.Model, dict[str, list[models.Model]]]]
    ) -> list[tuple[str, ValidationError]]:
        refused = []
        for position, instance, _many in batch:
            instance.pk = None  # a refused insert may have left one behind
            try:
                instance.validate_constraints()
            except ValidationError as problem:
                refused.append((position, problem))
        return refused


def describe_validation(error: ValidationError) -> list[tuple[str | None, str]]:
    """(column, message) pairs; constraint errors that span fields have no column."""
    if hasattr(error, "error_dict"):
        return [
            (None if name == "__all__" else name, " ".join(messages))
            for name, messages in error.message_dict.items()
        ]
    return [(None, " ".join(error.messages))]
