"""Key resolution: the related records a row names by key, looked up once per load.

A file of 100,000 statements names the same few sources, actors and themes again and again,
and thousands of plans and targets: they are read a few hundred keys per query, up front.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from django.db import models

from policies.data_io.cells import RecordError, parse_value, split_many
from policies.data_io.naming import Slugged
from policies.data_io.schema import RecordKind
from policies.models import Target


def _by_keys(
    model: type[models.Model], keys: list[str]
) -> dict[tuple[type[models.Model], str], models.Model]:
    """{(model, key): record} for those of ``keys`` that name a record (see ``ResolvedKeys``)."""
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
    records = model._default_manager.filter(slug__in=keys)
    return {(model, cast(Slugged, record).slug): record for record in records}


class ResolvedKeys:
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

    def prefetch(self, records: Iterable[dict[str, Any]], *, from_text: bool) -> None:
        """Look up every key these rows name, a few hundred per query, before the rows are
        read one by one: at a million statements an import names thousands of plans and
        targets, each a query of its own otherwise. Keys that are not found are left to
        ``resolve``, which says so for the row that names them."""
        wanted: dict[type[models.Model], set[str]] = {}
        for record in records:
            for column in (*self.kind.refs, *self.kind.many):
                raw = record.get(column)
                model = self._related_model(column)
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
        for model, model_keys in wanted.items():
            ordered = sorted(model_keys)
            for start in range(0, len(ordered), 500):
                self._found.update(_by_keys(model, ordered[start : start + 500]))

    def resolve(
        self, column: str, resolver: Callable[[str], models.Model], key: str
    ) -> models.Model:
        model = self._related_model(column)
        if model is self.kind.model:
            return resolver(key)
        try:
            return self._found[model, key]
        except KeyError:
            found = self._found[model, key] = resolver(key)
            return found

    def _related_model(self, column: str) -> type[models.Model]:
        # A reference or many-to-many column: its field names one model, resolved.
        return cast("type[models.Model]", self.kind.model._meta.get_field(column).related_model)


def resolve_record(
    kind: RecordKind,
    record: dict[str, Any],
    *,
    from_text: bool,
    extra: dict[str, Callable[[Any], Any]] | None = None,
    lookups: ResolvedKeys | None = None,
) -> tuple[dict[str, Any], dict[str, list]]:
    """Field values and related records for one row; relations are looked up by key.

    Every column the row leaves out takes the field's default, so a row alone says what
    its record holds. ``extra`` maps additional accepted keys to a (field, value) reader.
    """
    extra = extra or {}
    lookups = lookups or ResolvedKeys(kind)
    # What exports add for readers (a permalink, made from the slug; a target's indicator
    # name and value in the indicator's unit) is derived again on save: nothing to load.
    skipped = kind.skipped_on_import
    record = {name: raw for name, raw in record.items() if name not in skipped}
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
        if not many[name]:
            field = cast("models.ManyToManyField[Any, Any]", kind.model._meta.get_field(name))
            if not field.blank:
                raise RecordError("at least one is required", column=name)
    return values, many
