"""Reading records as rows for export: plain values in chunks, links as keys, no model
instances, so a million records stream in constant memory.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import F, Func, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from policies.data_io.cells import FIRST_CHARACTERS_NEUTRALISED, MANY_SEPARATOR
from policies.data_io.schema import RecordKind
from policies.models import Observation, Plan, Target
from policies.querysets import from_published_sources

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.backends.postgresql.operations import (
        DatabaseOperations as PostgresOperations,
    )
    from django.db.models.sql.compiler import SQLCompiler


def _key_lookups(model: type[models.Model], prefix: str) -> list[str]:
    """The value lookups that spell a related record's natural key (and its visibility)."""
    if model is Target:
        return [f"{prefix}__plan__slug", f"{prefix}__slug", f"{prefix}__plan__status"]
    if model is Plan:
        return [f"{prefix}__slug", f"{prefix}__status"]
    if model is Observation:
        # The source is left out of the key of a figure that has none.
        return [f"{prefix}__indicator__slug", f"{prefix}__period", f"{prefix}__source__slug"]
    return [f"{prefix}__slug"]


def _key_from(
    values: dict[str, Any] | Sequence[Any], lookups: list[str], published_only: bool
) -> str | None:
    """A natural key from looked-up values; None for a missing or hidden record."""
    got = [values[name] for name in lookups] if isinstance(values, dict) else list(values)
    if got[0] is None:
        return None
    if len(lookups) > 1 and lookups[-1].endswith("status"):
        if published_only and got[-1] != "published":
            return None
        got = got[:-1]
    return "/".join(str(part) for part in got if part is not None)


def iter_rows(
    kind: RecordKind,
    queryset: models.QuerySet,
    *,
    published_only: bool = False,
    chunk_size: int = 2000,
) -> Iterable[dict]:
    """Rows of a queryset as dicts of the kind's exported columns, many-to-many ones as
    lists of keys (see ``iter_values``)."""
    columns = kind.exported
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
    """Rows of a queryset, each a list in the kind's exported column order (its read-only
    columns among them, read across relations in the same query), as plain values in
    chunks: a million records never sit in memory, and no model instance is built (which
    would cost more than the query).

    A many-to-many column comes as one string of sorted keys joined by MANY_SEPARATOR (or
    None). The same query reads each row's linked ids (``_many_ids_sql``): no join that
    would repeat rows, and no query per row or per chunk. The ids become keys through a
    map read once per export (``many_keys``), which is five times cheaper for the
    database than building the strings itself. ``published_only`` leaves out links to
    draft plans and their targets, for readers.
    """
    model = kind.model
    columns = kind.exported
    scalar, refs = [], {}
    for name in columns:
        if name in kind.many:
            continue
        if name in kind.refs:
            field = model._meta.get_field(name)
            refs[name] = _key_lookups(cast("type[models.Model]", field.related_model), name)
        else:
            scalar.append(name)
    vendor = connections[queryset.db].vendor
    many = {f"many_ids_{name}": _many_ids_sql(kind, name, vendor) for name in kind.many}
    # A column's own name, or for a read-only one the lookup across a relation it reads.
    lookup_of = {name: kind.lookup_of(name) for name in scalar}
    lookups = [
        "pk",
        *(lookup_of[name] for name in scalar),
        *(lookup for group in refs.values() for lookup in group),
        *many,
    ]
    position = {name: index for index, name in enumerate(lookups)}
    position.update((name, position[lookup]) for name, lookup in lookup_of.items())
    # Worked out once, not per row: the columns that need converting or naming are computed
    # into a tail after the row's own values, then one C-level getter puts every column in
    # its place.
    converted = []  # (position in the row, converter) for dates, decimals and links
    named = []  # (positions of a reference's lookups, the lookups) for keys with parts
    tail: dict[str, int] = {}
    as_text = {}
    for name in scalar:
        field = kind.field_of(name)
        if vendor == "sqlite" and type(field) is models.DateField:
            # SQLite keeps dates as ISO text: read them as text, skipping a parse and a
            # format per cell. (PostgreSQL's to_char costs more than the format.)
            as_text[lookup_of[name]] = Cast(lookup_of[name], models.TextField())
            continue
        converter = _export_converter(field)
        if converter is not None:
            converted.append((position[name], converter))
            tail[name] = len(lookups) + len(tail)
    for name in kind.many:
        converted.append(
            (
                position[f"many_ids_{name}"],
                many_keys(kind, name, published_only, ids_as_text=vendor == "sqlite"),
            )
        )
        tail[name] = len(lookups) + len(tail)
    for name, group in refs.items():
        if len(group) > 1:  # a plan or target: its key has parts and a visibility
            named.append(([position[lookup] for lookup in group], group))
            tail[name] = len(lookups) + len(tail)
    order = [
        tail[name] if name in tail else position[refs[name][0] if name in refs else name]
        for name in columns
    ]
    arrange = operator.itemgetter(*order)
    # Annotation names hold no "__", so a lookup read as text is renamed by its position.
    text_name = {lookup: f"text_{index}" for index, lookup in enumerate(as_text)}
    renamed = {text_name[lookup]: expression for lookup, expression in as_text.items()}
    selected = [text_name.get(lookup, lookup) for lookup in lookups]
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
    field = cast("models.ManyToManyField[Any, Any]", kind.model._meta.get_field(name))
    q = connections["default"].ops.quote_name
    owner_table = q(kind.model._meta.db_table)
    # The link table, and its columns naming this record and the linked one.
    link = q(field.m2m_db_table())
    owner = q(field.m2m_column_name())
    other = q(field.m2m_reverse_name())
    where = f"l.{owner} = {owner_table}.id"
    if vendor == "postgresql":
        sql = f"ARRAY(SELECT l.{other} FROM {link} l WHERE {where})"  # noqa: S608
        return RawSQL(sql, [], output_field=models.TextField())  # noqa: S611
    sql = f"SELECT group_concat(l.{other}) FROM {link} l WHERE {where}"  # noqa: S608
    return RawSQL(sql, [], output_field=models.TextField())  # noqa: S611


def many_keys(
    kind: RecordKind, name: str, published_only: bool, *, ids_as_text: bool
) -> Callable[[Any], Any]:
    """Turns a record's linked ids (``_many_ids_sql``) into its keys column: sorted by code
    point, as on every database, and joined; None when none is left to show. The ids come
    as a list, or ``ids_as_text`` as one comma-separated string (SQLite's, and COPY's)."""
    related = cast("type[models.Model]", kind.model._meta.get_field(name).related_model)
    records = related._default_manager.all()
    if published_only and related is Target:
        records = records.filter(from_published_sources(), plan__status="published")
    elif published_only and related is Plan:
        records = records.filter(status="published")
    pairs: Iterable[tuple[Any, str]]
    if related is Target:
        pairs = (
            (pk, f"{plan}/{slug}")
            for pk, plan, slug in records.values_list("pk", "plan__slug", "slug")
        )
    else:
        pairs = records.values_list("pk", "slug")
    # Ids handed over as text key the map by text, which skips a parse.
    keys = {str(pk) if ids_as_text else pk: key for pk, key in pairs}
    get = keys.get

    def convert(ids: Any) -> str | None:
        if not ids:
            return None
        if ids_as_text:
            ids = ids.split(",")
        if len(ids) == 1:  # the common case: no sort, no join
            return get(ids[0])
        found = sorted(key for key in map(get, ids) if key is not None)
        return MANY_SEPARATOR.join(found) if found else None

    return convert


# --- COPY: PostgreSQL writes the CSV ------------------------------------------------------
#
# On PostgreSQL a CSV export of a kind whose columns it can write as the csv module does
# (text, whole numbers, dates, decimals, booleans, references by slug, many-to-many keys)
# is read with COPY (SELECT ...) TO STDOUT (FORMAT csv): the rows stream as they are
# made, each already a CSV line, and ``streaming.copied_csv`` only swaps each record's
# linked ids for their keys. The bytes are those of ``streaming.csv_lines``
# (tests/data_io/test_copy_export.py).
#
# The ids travel inside the line as a marker field, ``"=1,2,3"`` (forced into quotes),
# where the keys column goes. ``,"=`` cannot occur anywhere else in a line: a quote after
# a comma opens a quoted field (inside one, quotes come in pairs), and every field before
# the last marker that PostgreSQL may quote is text that starts with ``=`` only as a
# marker, since a cell starting with ``=`` is neutralised to ``'=``.

# The code points of the first characters that ``cells.neutralise`` prefixes with ``'``.
_NEUTRALISED_CODES = ", ".join(str(ord(c)) for c in sorted(FIRST_CHARACTERS_NEUTRALISED))

_TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.SlugField,
    models.URLField,
    models.EmailField,
)
_INTEGER_FIELDS = (
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)


class _Cell(Func):
    """One column as the CSV export writes it, computed by PostgreSQL. ``uses``: how many
    times the template names its expression, whose parameters repeat as often."""

    uses = 1
    output_field = models.TextField()

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = super().as_sql(
            compiler, connection, function, template, arg_joiner, **extra_context
        )
        return sql, (*params,) * self.uses


class _Text(_Cell):
    """Text: empty as NULL (COPY writes NULL as an empty field, as the csv module writes
    None, but an empty string as ``""``), and a value a spreadsheet would run as a
    formula prefixed with ``'`` (``cells.neutralise``)."""

    # ascii() of an empty string is 0, which no prefix is.
    template = (
        f"CASE WHEN ascii(%(expressions)s) IN ({_NEUTRALISED_CODES}) "
        "THEN '''' || %(expressions)s ELSE NULLIF(%(expressions)s, '') END"
    )
    uses = 3


class _Date(_Cell):
    # As date.isoformat() writes it, whatever the connection's DateStyle.
    template = "to_char(%(expressions)s, 'YYYY-MM-DD')"


class _Decimal(_Cell):
    # As format(value.normalize(), "f") writes it: no trailing zeros, no exponent.
    template = "trim_scale(%(expressions)s)::text"


class _Boolean(_Cell):
    template = "CASE WHEN %(expressions)s THEN 'true' WHEN NOT %(expressions)s THEN 'false' END"
    uses = 2


class _Permalink(_Cell):
    # The site and the page's path around the slug as stored (streaming.permalinks).
    arg_joiner = " || "
    template = "(%(expressions)s)"


def _copy_cell(kind: RecordKind, name: str) -> Any:
    """The expression that writes column ``name`` as the export does; None if there is
    none (a key with several parts, a type the COPY path does not write)."""
    if name in kind.many:
        inner = _many_ids_sql(kind, name, "postgresql")
        return RawSQL(f"'=' || array_to_string({inner.sql}, ',')", ())  # noqa: S611
    if name in kind.refs:
        field = kind.model._meta.get_field(name)
        lookups = _key_lookups(cast("type[models.Model]", field.related_model), name)
        return _Text(F(lookups[0])) if len(lookups) == 1 else None
    field = kind.field_of(name)
    lookup = kind.lookup_of(name)
    if type(field) in _TEXT_FIELDS:
        return _Text(F(lookup))
    if type(field) in _INTEGER_FIELDS:
        return F(lookup)
    if type(field) is models.DateField:
        return _Date(F(lookup))
    if type(field) is models.DecimalField:
        return _Decimal(F(lookup))
    if type(field) is models.BooleanField:
        return _Boolean(F(lookup))
    return None


def copies(kind: RecordKind, queryset: models.QuerySet) -> bool:
    """Whether ``copied_rows`` can write this export: on PostgreSQL, for a kind whose
    every column it can write (the others take ``iter_values``)."""
    if connections[queryset.db].vendor != "postgresql" or kind.exported[0] in kind.many:
        return False
    return all(_copy_cell(kind, name) is not None for name in kind.exported)


def copied_rows(
    kind: RecordKind, queryset: models.QuerySet, *, permalink: tuple[str, str] | None = None
) -> Iterator[str]:
    """The records of ``queryset`` as COPY writes them in CSV (see ``copies``): a line each,
    ending in a newline, each many-to-many column a marker ``"=ids"`` (the ids it links to,
    comma-separated); with ``permalink`` (the address before and after the slug), a last
    column holding the record's page address. One query, streamed row by row.

    While it streams, the COPY holds its connection: close the stream (as the server
    closes a response, when it ends or its reader hangs up) before the next query on it.
    Closed half-way, the COPY is cancelled.
    """
    cells = {f"copy_{index}": _copy_cell(kind, name) for index, name in enumerate(kind.exported)}
    markers = [f"copy_{index}" for index, name in enumerate(kind.exported) if name in kind.many]
    if permalink is not None:
        before, after = permalink
        cells["copy_permalink"] = _Permalink(Value(before), F("slug"), Value(after))
    rows = queryset.annotate(**cells).order_by(*kind.order).values_list(*cells)
    connection = connections[rows.db]
    try:
        sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    except EmptyResultSet:  # a filter that nothing can match (a search that found none)
        return
    quoted = ", ".join(connection.ops.quote_name(name) for name in markers)
    options = f"FORMAT csv, FORCE_QUOTE ({quoted})" if markers else "FORMAT csv"
    # COPY takes no parameters: they are written into the statement, quoted by the driver.
    ops = cast("PostgresOperations", connection.ops)
    statement = ops.compose_sql(f"COPY ({sql}) TO STDOUT ({options})", params)
    with (
        connection.cursor() as cursor,
        # The driver's errors, as Django's (the COPY does not pass through its cursor).
        connection.wrap_database_errors,
        cursor.copy(statement) as copy,
    ):
        # One message per row: PostgreSQL's protocol for COPY TO.
        for data in copy:
            yield str(data, "utf-8")
