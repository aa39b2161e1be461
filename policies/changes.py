"""What changed in the published records, and when: each record's public change log, and the
tracker's data version (the date of the last change to any published record).

Read from django-simple-history's rows, which every tracked save writes, so neither can
drift from the data. Readers see what changed and when, never who changed it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connections, models, router
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from policies.caching import TIMEOUT, data_version
from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    PublicationStatus,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)
from policies.models.common import tracked
from policies.querysets import from_published_sources

# Fields that say nothing to a reader: kept by the app, or never editable.
HIDDEN_FIELDS = {"id", "synthetic", "path"}
# Records with a publication status: only their published states are public.
WITH_STATUS: tuple[type[models.Model], ...] = (Statement, Plan, Source)
# Records shown only as parts of a published plan: the lookup of that plan's status.
PLAN_PARTS: dict[type[models.Model], str] = {Target: "plan__status"}
# Records that a draft source hides (the intake's, policies/intake/): readers see no change
# to them until the source is published.
CITING: tuple[type[models.Model], ...] = (Target, Observation)
# Records shown wherever they are used (and targets, with their plan): every change to them
# is public. An indicator and its figures have pages of their own, whatever plans set
# targets on it.
ALWAYS_PUBLIC: tuple[type[models.Model], ...] = (
    Target,
    Indicator,
    Observation,
    Actor,
    Theme,
    Sector,
)

CREATED = "created"
CHANGED = "changed"
PUBLISHED = "published"
KINDS = {
    CREATED: _("recorded"),
    CHANGED: _("changed"),
    PUBLISHED: _("published"),
}


@dataclass(frozen=True)
class Change:
    on: datetime.datetime
    kind: str
    fields: list[str]  # verbose names of the fields that changed (empty when created)

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])


@dataclass(frozen=True)
class ChangeLog:
    updated: datetime.datetime | None
    changes: list[Change]


def _history(model: type[models.Model]) -> Any:
    return tracked(model()).history.model


def _public_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and field.name not in HIDDEN_FIELDS
    ]


def _tracked_many(model: type[models.Model]) -> list[Any]:
    """The many-to-many fields whose links the history keeps (a plan's co-issuers are not
    among them)."""
    history = _history(model)
    return [field for field in model._meta.many_to_many if hasattr(history, field.name)]


def _links(
    model: type[models.Model], history_ids: list[int]
) -> dict[tuple[int, str], frozenset[int]]:
    """What each of these history rows linked to, by many-to-many field: {(history id,
    field name): linked ids}, in one query (a union over the fields' history tables)."""
    history = _history(model)
    parts = [
        getattr(history, field.name)
        .model.objects.filter(history_id__in=history_ids)
        .annotate(field=Value(field.name, output_field=models.CharField()))
        .values_list("history_id", "field", f"{field.m2m_reverse_field_name()}_id")
        .order_by()
        for field in _tracked_many(model)
    ]
    if not parts or not history_ids:
        return {}
    linked: dict[tuple[int, str], set[int]] = defaultdict(set)
    for history_id, name, related in parts[0].union(*parts[1:], all=True):
        linked[(history_id, name)].add(related)
    return {key: frozenset(ids) for key, ids in linked.items()}


# History rows this close together, by the same hand for the same reason, are one change:
# a save writes a row for the record and one more for each set of tags it changes.
ONE_CHANGE = datetime.timedelta(seconds=2)
# History rows read per log: enough for ``limit`` changes of a few rows each.
ROWS_PER_CHANGE = 6


def _one_change(newer: Any, older: Any) -> bool:
    return (
        newer.history_date - older.history_date <= ONE_CHANGE
        and newer.history_user_id == older.history_user_id
        and newer.history_change_reason == older.history_change_reason
        and older.history_type != "-"
    )


def change_log(record: models.Model, *, limit: int = 10) -> ChangeLog:
    """The record's last ``limit`` public changes, newest first: one query for the history
    rows, and one for their tags (themes, sectors, plans, targets) when the record has any.

    For a record with a status, only changes that left it published are public (a draft's
    edits are not), and the change that first published it reads "published".
    """
    model = type(record)
    read = limit * ROWS_PER_CHANGE + 1
    rows = list(
        _history(model)
        .objects.filter(id=record.pk)
        .order_by("-history_date", "-history_id")[:read]
    )
    # Newest first, each change as (its last row, the row before its first: None if none).
    groups: list[list[Any]] = []
    for row in rows:
        if groups and _one_change(groups[-1][-1], row):
            groups[-1].append(row)
        else:
            groups.append([row])
    if len(rows) == read:
        groups.pop()  # it may have begun before the rows read: what it changed is unknown
    fields = _public_fields(model)
    many = _tracked_many(model)
    links = _links(model, [row.history_id for row in rows]) if many else {}
    has_status = model in WITH_STATUS
    changes = []
    for index, group in enumerate(groups):
        newer = group[0]
        older = groups[index + 1][0] if index + 1 < len(groups) else None
        if has_status and newer.status != PublicationStatus.PUBLISHED:
            continue
        if older is None:
            if len(rows) == read:  # the rows before were not read: the change is unknown
                break
            changes.append(Change(newer.history_date, CREATED, []))
            continue
        if has_status and older.status != PublicationStatus.PUBLISHED:
            changes.append(Change(newer.history_date, PUBLISHED, []))
            continue
        changed = [
            str(field.verbose_name)
            for field in fields
            if field.name != "status"
            and getattr(newer, field.attname) != getattr(older, field.attname)
        ]
        changed += [
            str(field.verbose_name)
            for field in many
            if links.get((newer.history_id, field.name), frozenset())
            != links.get((older.history_id, field.name), frozenset())
        ]
        # A save that changed none of these (a re-import of the same values) says nothing
        # to a reader.
        if changed:
            changes.append(Change(newer.history_date, CHANGED, changed))
    updated = rows[0].history_date if rows else None
    return ChangeLog(updated=updated, changes=changes[:limit])


def _latest_public_change(model: type[models.Model]) -> QuerySet[Any]:
    """The date of ``model``'s last public change, as a one-value query."""
    history = _history(model).objects
    published = PublicationStatus.PUBLISHED
    if model in WITH_STATUS:
        before = history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        previous = Subquery(before.order_by("-history_date").values("status")[:1])
        # A change readers saw: one that left the record published (a deletion's row keeps
        # the status it had), or one that took it out of print. A draft's edits are not.
        history = history.alias(previous=previous).filter(
            Q(status=published) | Q(previous=published)
        )
    elif model in PLAN_PARTS:
        # Targets and their figures are shown only with a published plan.
        history = history.filter(**{PLAN_PARTS[model]: published})
    if model in CITING:
        history = history.filter(from_published_sources())
    # Newest first along the history date's index: the walk stops at the first match.
    return history.order_by("-history_date").values_list("history_date", flat=True)[:1]


def _latest_change() -> datetime.datetime | None:
    """The newest of every kind's last public change, in one query of one subquery each."""
    parts: list[str] = []
    params: list[Any] = []
    for model in (*WITH_STATUS, *ALWAYS_PUBLIC):
        sql, part_params = _latest_public_change(model).query.sql_with_params()
        parts.append(f"({sql})")
        params.extend(part_params)
    connection = connections[router.db_for_read(Statement)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        row = cursor.fetchone()
    moments = []
    for value in row:
        # SQLite gives a subquery's datetime back as text, or naive: both are in UTC.
        if isinstance(value, str):
            value = parse_datetime(value)
        if value is not None:
            naive = timezone.is_naive(value)
            moments.append(value.replace(tzinfo=datetime.UTC) if naive else value)
    return max(moments) if moments else None


def data_updated_on() -> datetime.date | None:
    """The tracker's data version: the date of the last change to the published records.

    Computed once per data version (``policies.caching``), so a write makes it fresh."""
    key = f"policies:data-updated-on:v{data_version()}"
    cached = cache.get(key)
    if cached is None:
        latest = _latest_change()
        cached = (timezone.localdate(latest) if latest else None,)
        cache.set(key, cached, TIMEOUT)
    return cached[0]
