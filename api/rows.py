"""List rows read as plain values instead of model instances.

A page of the tool list or a streamed CSV needs ~45 columns of each tool and the names of its
category, layer and topics. Reading them with ``values()`` skips building a ``Tool``, a
``Category`` and a ``Layer`` per row (about 0.25 ms per row of Python, most of a 50-row page's
time, and seconds for a 10,000-row export); ``ToolRow`` answers the attributes
``ToolSerializer``'s list row reads, so the JSON is the same (``tests/api/test_rows.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from api.serializers import LIST_COLUMNS
from catalog.models import Tool

#: The values a list row reads: ``api.serializers.LIST_COLUMNS``, the placement by name.
_PLACEMENT = {
    "category__slug": "category_slug",
    "category__name": "category_name",
    "category__layer__slug": "layer_slug",
    "category__layer__name": "layer_name",
}


@dataclass(frozen=True)
class Ref:
    """A layer or category as a list row shows it."""

    slug: str
    name: str
    layer: Ref | None = None


class ToolRow:
    """One tool of a list, from its values: the attributes a list row reads, by field name."""

    def __init__(self, values: dict[str, Any], topic_names: list[str]) -> None:
        placement = {key: values.pop(column) for column, key in _PLACEMENT.items()}
        self.__dict__.update(values)
        self.pk: int = values["id"]
        self.topic_names = topic_names
        layer = Ref(placement["layer_slug"], placement["layer_name"])
        self.category = Ref(placement["category_slug"], placement["category_name"], layer)

    def __getattr__(self, name: str) -> Any:  # only for attributes not set: a missing column
        raise AttributeError(f"a list row has no {name!r} (add it to LIST_COLUMNS)")

    @property
    def owner(self) -> str:
        return self.full_name.split("/", 1)[0]

    @property
    def repo_name(self) -> str:
        return self.full_name.split("/", 1)[1]

    @property
    def github_url(self) -> str:
        return f"https://github.com/{self.full_name}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:tool-detail", kwargs={"owner": self.owner, "name": self.repo_name})


def _topics(ids: list[int]) -> dict[int, list[str]]:
    """Topic names (A–Z, the topics' own order) of each tool, in one query."""
    names: dict[int, list[str]] = defaultdict(list)
    through = Tool.topics.through.objects.filter(tool_id__in=ids).order_by("topic__name")
    for tool_id, name in through.values_list("tool_id", "topic__name"):
        names[tool_id].append(name)
    return names


def _rows(values: list[dict[str, Any]]) -> list[ToolRow]:
    topics = _topics([value["id"] for value in values]) if values else {}
    return [ToolRow(value, topics.get(value["id"], [])) for value in values]


def fetch_rows(tools: QuerySet) -> list[ToolRow]:
    """The tools of a (sliced) list queryset as rows: two queries (values, topics)."""
    return _rows(list(tools.prefetch_related(None).values(*LIST_COLUMNS)))


def iter_rows(tools: QuerySet, *, chunk_size: int = 500) -> Iterator[ToolRow]:
    """The same, read lazily ``chunk_size`` rows at a time (a server-side cursor on
    PostgreSQL) with each chunk's topics in one query: constant memory for streamed exports."""
    values: Iterable[dict[str, Any]] = (
        tools.prefetch_related(None).values(*LIST_COLUMNS).iterator(chunk_size=chunk_size)
    )
    values = iter(values)
    while chunk := list(islice(values, chunk_size)):
        yield from _rows(chunk)
