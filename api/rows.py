"""List rows read as plain values instead of model instances.

A page of the tool list or a streamed CSV needs ~45 columns of each tool and the names of its
category, layer and topics. Reading them with ``values()`` skips building a ``Tool``, a
``Category`` and a ``Layer`` per row (about 0.25 ms per row of Python, most of a 50-row page's
time, and seconds for a 10,000-row export); ``ToolRow`` answers the attributes
``ToolSerializer``'s list row reads, so the JSON is the same (``tests/api/test_rows.py``).

A row's topic names come with it, from a correlated subquery in the same statement (an array
on PostgreSQL, a JSON array on SQLite), so a page is one query whatever its size.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Aggregate, OuterRef, QuerySet, Subquery, TextField

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

    def __init__(self, values: dict[str, Any], topic_names: list[str]) -> None:
        placement = {key: values.pop(column) for column, key in _PLACEMENT.items()}
        self.__dict__.update(values)
        self.pk: int = values["id"]
        self.topic_names = topic_names
        layer = Ref(placement["layer_slug"], placement["layer_name"])
        self.category = Ref(placement["category_slug"], placement["category_name"], layer)

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


def _row(value: dict[str, Any]) -> ToolRow:
    return ToolRow(value, _names(value.pop(_TOPICS)))


def fetch_rows(tools: QuerySet) -> list[ToolRow]:
    """The tools of a (sliced) list queryset as rows, topics included: one query."""
    return [_row(value) for value in _values(tools)]


def iter_rows(tools: QuerySet, *, chunk_size: int = 500) -> Iterator[ToolRow]:
    """The same, read lazily ``chunk_size`` rows at a time (a server-side cursor on
    PostgreSQL): constant memory for streamed exports."""
    for value in _values(tools).iterator(chunk_size=chunk_size):
        yield _row(value)
