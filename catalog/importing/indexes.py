"""A large import on PostgreSQL builds the secondary indexes after loading, as ``pg_restore``
does.

``catalog_tool`` has about fifty indexes (five GIN) and every row an import writes — each new
tool, each of its snapshots, then each tool again when its ranking fields are derived — would
be written through every one of them. When the import is large next to what the table holds
(:func:`bulk_load`), the importer drops the indexes that only speed up reads, loads and ranks,
then creates them again from the definitions PostgreSQL gave for them
(``pg_get_indexdef``): same names, same columns, expressions, conditions and methods.

All of it happens inside the import's transaction (DDL is transactional in PostgreSQL): a
failure part way rolls the drops back with everything else, and nobody ever sees the tables
without their indexes — the dropped indexes' tables are locked (``ACCESS EXCLUSIVE``) until
the import commits, so readers wait for it. That is why a small import into a big catalog
keeps the indexes: it would block the site for longer than the indexes cost it.

Kept in place: every index that backs a constraint (primary key, unique, exclusion) and every
other unique index (they check the rows as they are written; the importer relies on them),
and an index a table is clustered on. The tables' foreign keys are dropped too and added back
last: PostgreSQL then checks them with one query each, rather than once per row written (3.6
million deferred checks at commit for a 100,000-tool history).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

#: An import is "large" when its new tools are more than this share of the tools there will be.
BULK_SHARE = 0.2
#: Memory each index build may use (per transaction, ``SET LOCAL``; the server default is 64 MB).
BUILD_MEMORY = "256MB"


@dataclass(frozen=True)
class Deferred:
    """An index or foreign key dropped for a load, and how to make it again."""

    table: str
    name: str
    drop: str  # the statement that drops it
    create: str  # the statement that makes it again, from PostgreSQL's own definition


def bulk_load(*, existing_tools: int, new_tools: int) -> bool:
    """Whether an import is big enough to build the indexes after loading: an empty catalog,
    or new tools beyond ``BULK_SHARE`` of the total."""
    if new_tools == 0:
        return False
    return existing_tools == 0 or new_tools > BULK_SHARE * (existing_tools + new_tools)


_INDEXES = """
    SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid)
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    WHERE t.relname = ANY(%s)
      AND t.relnamespace = to_regnamespace(current_schema())
      AND NOT x.indisunique
      AND NOT x.indisclustered
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
    ORDER BY t.relname, x.indexrelid
"""
_FOREIGN_KEYS = """
    SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
    WHERE t.relname = ANY(%s)
      AND t.relnamespace = to_regnamespace(current_schema())
      AND c.contype = 'f'
    ORDER BY t.relname, c.oid
"""


def deferrable(tables: list[str]) -> list[Deferred]:
    """What of ``tables`` a bulk load drops: the indexes that only serve reads (see the
    module's docstring), then the foreign keys — checked once, by one query, when added back,
    rather than row by row at commit (a deferred check per row written, and pending checks
    would forbid building an index in the transaction)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(_INDEXES, [tables])
        indexes = [
            Deferred(table, name, f"DROP INDEX {quote(name)}", definition)
            for table, name, definition in cursor.fetchall()
        ]
        cursor.execute(_FOREIGN_KEYS, [tables])
        keys = [
            Deferred(
                table,
                name,
                f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}",
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}",
            )
            for table, name, definition in cursor.fetchall()
        ]
    return indexes + keys


def indexes_drop(tables: Iterable[str]) -> list[Deferred]:
    """Drop the secondary indexes and foreign keys of these tables; return what to create
    again. PostgreSQL only, inside a transaction (the caller's ``atomic``), before anything is
    written to those tables in it."""
    assert connection.vendor == "postgresql"
    assert connection.in_atomic_block
    saved = deferrable(list(tables))
    with connection.cursor() as cursor, _checks_done(cursor):
        for item in saved:
            cursor.execute(item.drop)
    return saved


def indexes_create(saved: list[Deferred]) -> None:
    """Create what ``indexes_drop`` dropped, in the same order (indexes, then foreign keys)."""
    if not saved:
        return
    with connection.cursor() as cursor, _checks_done(cursor):
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        for item in saved:
            cursor.execute(item.create)


@contextmanager
def _checks_done(cursor) -> Iterator[None]:
    """Run the transaction's pending deferred constraint checks now (PostgreSQL refuses to
    alter a table with checks pending on it), and defer them again afterwards, as Django's
    own constraint checks do."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        yield
    finally:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def tables_analyze(tables: Iterable[str]) -> None:
    """Update the planner's statistics of these tables after a bulk load (ANALYZE samples the
    transaction's own new rows too), so the queries that follow in the same transaction are
    planned for the rows they now hold rather than for an empty table."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {quote(table)}")
