"""List rows read as plain values instead of model instances.

A page of the tool list or a streamed CSV needs ~45 columns of each tool and the names of its
category, layer and topics. Reading them with ``values()`` skips building a ``Tool``, a
``Category`` and a ``Layer`` per row (about 0.25 ms per row of Python, most of a 50-row page's
time, and seconds for a 10,000-row export); ``ToolRow`` answers the attributes
``ToolSerializer``'s list row reads, so the JSON is the same (``tests/api/test_rows.py``).

A row's topic names come with it, from a correlated subquery in the same statement (an array
on PostgreSQL, a JSON array on SQLite), so a page is one query whatever its size.

Building and compiling that statement (45 columns, three joins, the subquery) costs more Python
than PostgreSQL takes to answer it; a list asked again and again with the same arguments (the
trending tools) reads its rows with ``fetch_rows_of``, which compiles it once per key.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, OuterRef, QuerySet, Subquery, TextField
from django.db.models.sql.compiler import SQLCompiler

from api.serializers import LIST_COLUMNS
from catalog.models import Tool
from catalog.names import RepositoryName

#: The values a list row reads: ``api.serializers.LIST_COLUMNS``, the placement by name.
_PLACEMENT = {
    "category__slug": "category_slug",
    "category__name": "category_name",
    "category__layer__slug": "layer_slug",
    "category__layer__name": "layer_name",
}
_TOPICS = "row_topic_names"


@dataclass(frozen=True)
class Ref:
    """A layer or category as a list row shows it."""

    slug: str
    name: str
    layer: Ref | None = None


class ToolRow(RepositoryName):
    """One tool of a list, from its values: the attributes a list row reads, by field name
    (owner, repository name and URLs as a ``Tool`` has them: ``catalog.names``)."""

    def __init__(self, values: dict[str, Any], topic_names: list[str], category: Ref) -> None:
        self.__dict__.update(values)
        self.pk: int = values["id"]
        self.topic_names = topic_names
        self.category = category

    def __getattr__(self, name: str) -> Any:  # only for attributes not set: a missing column
        raise AttributeError(f"a list row has no {name!r} (add it to LIST_COLUMNS)")


class _JSONGroupArray(Aggregate):
    """SQLite's ``json_group_array``: the values of a group as one JSON array."""

    function = "JSON_GROUP_ARRAY"
    output_field = TextField()


def _topic_names() -> Subquery:
    """The tool's topic names, A–Z (the topics' own order): a list on PostgreSQL, a JSON
    array (or NULL without topics) on SQLite, sorted when read."""
    through = Tool.topics.through.objects.filter(tool_id=OuterRef("pk"))
    if settings.IS_POSTGRES:
        return ArraySubquery(through.order_by("topic__name").values("topic__name"))
    grouped = through.order_by().values("tool_id")  # one group: this tool's
    names = grouped.annotate(names=_JSONGroupArray("topic__name"))
    return Subquery(names.values("names"))  # type: ignore[misc]  # the stubs miss annotations


def _names(value: list[str] | str | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):  # SQLite: its BINARY order is the code point order
        return sorted(json.loads(value))
    return value


def _values(tools: QuerySet) -> QuerySet:
    return (
        tools.prefetch_related(None)
        .annotate(**{_TOPICS: _topic_names()})
        .values(*LIST_COLUMNS, _TOPICS)
    )


#: The names of a row's values, in the order ``_values`` selects them.
_NAMES = (*LIST_COLUMNS, _TOPICS)


def _rows(values: Iterable[dict[str, Any]]) -> Iterator[ToolRow]:
    """Rows of ``values``; the tools of one category share its ``Ref`` (one less pair of
    objects to build per row)."""
    categories: dict[tuple[str, ...], Ref] = {}
    for value in values:
        placement = tuple(value.pop(column) for column in _PLACEMENT)
        category = categories.get(placement)
        if category is None:
            slug, name, layer_slug, layer_name = placement
            category = categories[placement] = Ref(slug, name, Ref(layer_slug, layer_name))
        yield ToolRow(value, _names(value.pop(_TOPICS)), category)


def fetch_rows(tools: QuerySet) -> list[ToolRow]:
    """The tools of a (sliced) list queryset as rows, topics included: one query."""
    return list(_rows(_values(tools)))


def iter_rows(tools: QuerySet, *, chunk_size: int = 500) -> Iterator[ToolRow]:
    """The same, read lazily ``chunk_size`` rows at a time (a server-side cursor on
    PostgreSQL): constant memory for streamed exports."""
    return _rows(_values(tools).iterator(chunk_size=chunk_size))


#: Compiled statements kept per database connection, the least recently used dropped first.
STATEMENTS_KEPT = 64


@dataclass(frozen=True)
class _Statement:
    """A list's statement compiled, with what reads its results (bound to one connection)."""

    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]


#: Per connection (Django's are per thread): a compiler is bound to the one it compiled for.
_statements: WeakKeyDictionary[BaseDatabaseWrapper, OrderedDict[Hashable, _Statement | None]] = (
    WeakKeyDictionary()
)


def _statement(key: Hashable, tools: Callable[[], QuerySet]) -> _Statement | None:
    """The statement of ``tools()`` under ``key``, compiled on first use (None: it can match
    nothing, Django's ``EmptyResultSet``)."""
    connection = connections[router.db_for_read(Tool)]
    kept = _statements.setdefault(connection, OrderedDict())
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    compiler = _values(tools()).query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        statement = None
    else:
        statement = _Statement(compiler, sql, tuple(params))
    kept[key] = statement
    if len(kept) > STATEMENTS_KEPT:
        kept.popitem(last=False)
    return statement


def fetch_rows_of(key: Hashable, tools: Callable[[], QuerySet]) -> list[ToolRow]:
    """``fetch_rows(tools())``, its statement built and compiled once per ``key``: the same
    rows, ~1.5 ms less Python a request. ``key`` must name everything ``tools()`` depends on
    (its parameters are compiled into the statement kept)."""
    statement = _statement(key, tools)
    if statement is None:
        return []
    compiler = statement.compiler
    with compiler.connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        results = cursor.fetchall()
    values = compiler.results_iter(results=[results])  # Django's converters (SQLite's)
    return list(_rows(dict(zip(_NAMES, value, strict=True)) for value in values))
