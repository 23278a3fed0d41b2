"""Inserting many rows fast: ``COPY`` on PostgreSQL, Django's bulk paths elsewhere.

An import creates up to hundreds of thousands of tools and millions of snapshots. Django's
``bulk_create`` prepares every value of every field in Python (about a millisecond per tool
with the catalog's 60 columns); ``COPY`` sends plain values, and a new tool's id is drawn from
the table's sequence beforehand so the rows that point at it can be written right after.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import islice

from django.db import connection, models
from django.db.models import Field
from django.utils import timezone
from psycopg.types.json import Jsonb

INSERT_BATCH = 5000
#: Lines sent to ``COPY`` per write (``lines_insert``).
COPY_LINES = 5000
#: ``COPY``'s text format: NULL, and the characters a value escapes.
NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def objects_insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT new model instances and set their ids (and ``auto_now`` fields), as
    ``bulk_create`` would."""
    if not objects:
        return
    if not is_postgresql():
        model._default_manager.bulk_create(objects, batch_size=500)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or _auto_add(f)]
    json = [index for index, f in enumerate(fields) if isinstance(f, models.JSONField)]
    ids = _ids_reserve(model, len(objects))
    rows = []
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        for name in stamped:
            setattr(obj, name, now)
        row = [getattr(obj, field.attname) for field in fields]
        for index in json:
            row[index] = Jsonb(row[index])
        rows.append((pk, *row))
    pk_field = model._meta.pk
    assert pk_field is not None
    rows_insert(model, [pk_field.attname, *(f.attname for f in fields)], rows)


def _auto_add(field: Field) -> bool:
    return bool(getattr(field, "auto_now_add", False))


def _ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """``count`` new ids from the table's own sequence (what an INSERT would have drawn)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def copy_text(value: object) -> str:
    """A value in ``COPY``'s text format: None as NULL, a string escaped, a date or an aware
    datetime in ISO 8601 (with its offset: the same instant), an int in decimal."""
    if value is None:
        return NULL
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    return str(value)


def rows_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """INSERT plain value tuples in ``columns`` (attnames) order: ``COPY`` on PostgreSQL, else
    a prepared ``executemany`` with dates adapted the way the ORM would."""
    fields = [_concrete_field(model, column) for column in columns]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    if is_postgresql():
        sql = f"COPY {table} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
    adapt = {
        index: field
        for index, field in enumerate(fields)
        if field.get_internal_type() in {"DateField", "DateTimeField"}
    }
    batch: list[list] = []
    for row in rows:
        batch.append(
            [
                adapt[i].get_db_prep_save(v, connection) if i in adapt and v is not None else v
                for i, v in enumerate(row)
            ]
        )
        if len(batch) == INSERT_BATCH:
            _execute_many(sql, batch)
            batch = []
    _execute_many(sql, batch)


def lines_insert(model: type[models.Model], columns: Sequence[str], lines: Iterable[str]) -> None:
    """PostgreSQL: INSERT rows given as lines of ``COPY``'s text format (values in ``columns``
    order, tab-separated, escaped, ``\\N`` for NULL, each line ending in a newline; see
    ``copy_text``). For rows of a known shape with many repeated values, whose text a caller
    writes a few times faster than the driver adapts each value of each row."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(_concrete_field(model, column).column) for column in columns)
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        lines = iter(lines)
        while block := "".join(islice(lines, COPY_LINES)):
            copy.write(block)


def _execute_many(sql: str, params: list[list]) -> None:
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


def _concrete_field(model: type[models.Model], name: str) -> Field:
    field = next(f for f in model._meta.concrete_fields if name in (f.attname, f.name))
    assert isinstance(field, Field)
    return field
