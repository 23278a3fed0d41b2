"""How many tools a list filtered by layer or categories alone shows, read from the stored
summaries instead of counted.

A list's page count needs the number of tools it lists. Counted, a layer of 30,000 tools costs
4–8 ms at 100,000 tools (an index range per category, plus the tools placed there as a
secondary category), and the count is kept only for one data version: the first request after
every write pays it again, which during a refresh is most requests.

The stored summaries (``catalog.summary_store``) already hold each category's listed, active
tools (``tool_count``) and, per layer, its tools also placed in other categories
(``placed_second``). Both are rewritten with the ranks, by the writes that change who is
listed where: curation (hide, move, re-place, status), import, refresh. So a list filtered by
layer or categories alone (or not at all), in the default statuses and without words, is
counted from those rows in one small query.

A summary is used only when it is current for the taxonomy as it is now (its format, and its
layer's categories); when one is not, ``stored_list_counts`` answers ``None`` and the caller
counts the list.

Lag: inside a Celery worker a refresh re-ranks a layer up to ``RANKS_DELAY_SECONDS`` after its
batch (``workers.refresh.ranks``); a tool archived or lost in that batch is still counted that
long, as the landscape's figures are.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db import connection

from catalog.models import CatalogSummary, Category
from catalog.summary_store import is_current


@dataclass(frozen=True)
class ListCounts:
    #: Listed, active tools whose primary category is this one, by category id (every category).
    placed_first: dict[int, int]
    #: ``(primary category id, other category ids, tools)``: listed, active tools also placed
    #: in other categories, grouped by where they are placed.
    placed_second: tuple[tuple[int, frozenset[int], int], ...]

    def everywhere(self) -> int:
        """The tools of the unfiltered list: each is placed first in exactly one category."""
        return sum(self.placed_first.values())

    def placed_in(self, category_ids: Collection[int]) -> int | None:
        """The tools placed in any of ``category_ids``, first or second, each once; ``None``
        when one of the ids is not a category now."""
        wanted = set(category_ids)
        if not wanted <= self.placed_first.keys():
            return None
        first = sum(self.placed_first[category_id] for category_id in wanted)
        second = sum(
            tools
            for primary, others, tools in self.placed_second
            if primary not in wanted and not others.isdisjoint(wanted)
        )
        return first + second


def _rows() -> list[tuple[int | None, int, dict[str, Any] | None]]:
    """Every category as ``(id, layer id, None)`` and every stored summary as ``(None, layer
    id, payload)``: one statement, each payload read and decoded once (read with each of its
    layer's categories, the same payloads cost 5 ms to send and decode at 21 categories)."""
    quote = connection.ops.quote_name
    category, summary = Category._meta.db_table, CatalogSummary._meta.db_table
    layer_id = quote("layer_id")
    sql = (
        f"SELECT {quote('id')}, {layer_id}, NULL FROM {quote(category)} "
        f"UNION ALL SELECT NULL, {layer_id}, {quote('payload')} FROM {quote(summary)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    # Django's connections hand JSON columns over as text (PostgreSQL's jsonb included).
    return [(i, layer, json.loads(payload) if payload else None) for i, layer, payload in rows]


def stored_list_counts() -> ListCounts | None:
    """The stored counts of every category, or ``None`` when a layer's summary is missing or
    not current. One query."""
    categories_of: dict[int, list[int]] = {}
    payloads: dict[int, Any] = {}
    for category_id, layer_id, stored in _rows():
        if category_id is None:
            payloads[layer_id] = stored
        else:
            categories_of.setdefault(layer_id, []).append(category_id)
    placed_first: dict[int, int] = {}
    placed_second: list[tuple[int, frozenset[int], int]] = []
    for layer_id, category_ids in categories_of.items():
        payload = payloads.get(layer_id)
        if not is_current(payload, category_ids):
            return None
        for category_id in category_ids:
            placed_first[category_id] = payload["categories"][str(category_id)]["tool_count"]
        for primary, others, tools in payload["placed_second"]:
            placed_second.append((primary, frozenset(others), tools))
    return ListCounts(placed_first=placed_first, placed_second=tuple(placed_second))
