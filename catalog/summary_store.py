"""The stored summaries: one ``CatalogSummary`` row per layer, holding every figure of the
layer that the landscape, the layer and category summaries (``catalog.summaries``) and the
survey statistics (``catalog.stats``) show.

Why stored: each of those figures aggregates every listed, active tool (counts, star totals,
medians of the 30-day gain, the leaders by score, concentration, licences, languages, years),
which at 100,000 tools cost 0.4–2 s per request. They only change when tools change, and every
change that matters here ends by renumbering the ranks of the layers it touched
(``catalog.ranking.writer.recompute_ranks``: refresh, import, curation), so that is where
``summaries_rebuild`` runs, inside the same transaction and under the same layer locks.

Why per layer: a curator hiding or moving a tool reranks one or two layers, and only those
rows are rebuilt. Every figure is per category or per layer. (The newest entrants are not
stored: the stats read them through an index, ``catalog.stats``.)

What is stored of a leader is its id only: readers load those few tools by primary key,
listed and active, so a card always shows the tool's current name and figures, and a tool
hidden by a write that did not rerank (a shell, a raw update) is left out rather than shown.

The payload of a layer (JSON; ``FORMAT`` names this shape)::

    {"format": 2, "category_ids": [ids, sorted],
     "tool_count", "total_stars" (null: none measured), "median_gain_30d" (null: no gain),
     "leaders": [tool ids, best first],
     "stalled_7d": {"measured_tools", "stalled_tools"},
     "licenses": [[SPDX id or null, tools], ...], "languages": [[name or null, tools], ...],
     "categories": {"<category id>": {"tool_count", "total_stars", "median_gain_30d",
                    "leaders", "years": [[year or null, tools], ...],
                    "concentration": {"measured_tools", "top_tools", "top_share_of_stars"}}},
     "placed_second": [[primary category id, [other category ids, sorted], tools], ...]}

Counts are of listed, active tools (``Tool.objects.listed().active()``).

``placed_second`` groups the layer's tools that are also placed in other categories (secondary
placements) by where they are placed: with each category's ``tool_count`` it answers how many
tools any list filtered by layer or categories shows, secondary placements included, without
counting the list (``catalog.list_counts``). It is stored with the tool's own layer, which is
the layer a write re-ranks when it hides, moves, archives or re-places the tool.

Readers (``layer_payloads``) take the layers and categories they already loaded, and compute
a layer's row themselves when it is missing (a database that never ranked), written in an
older ``FORMAT``, or holds another set of categories than the layer has now (a category
created, deleted or moved to another layer in admin); what they compute is stored, so the
next request reads it.
"""

from __future__ import annotations

import heapq
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, TypeGuard, cast

from django.db import connection
from django.db.models import Field, IntegerField, Value
from django.db.models.functions import Cast, ExtractYear
from django.utils import timezone

from catalog.licences import spdx_licence
from catalog.models import CatalogSummary, Category, Layer, Tool

#: Bumped whenever the payload's shape changes: rows of another format are rebuilt on read.
FORMAT = 2
#: Leaders kept per layer and per category (readers may ask for fewer).
LEADERS = 5
#: The share of a category's tools whose stars the concentration question adds up.
TOP_SHARE = 0.10

#: Each tool's fields the figures use, then (``_rows``) the year its repository was created.
_ROW_FIELDS = (
    "id",
    "category_id",
    "score",
    "stars",
    "stars_gained_7d",
    "stars_gained_30d",
    "license_spdx",
    "language",
)


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _total(values: list[int]) -> int | None:
    return sum(values) if values else None


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _counted(counter: Counter) -> list[list[Any]]:
    """``[[name, tools], …]``, most tools first, unknown (None) after the names."""
    return [[name, n] for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0] or "~"))]


def _concentration(stars: list[int]) -> dict[str, Any]:
    ranked = sorted(stars, reverse=True)
    top = max(1, math.ceil(len(ranked) * TOP_SHARE)) if ranked else 0
    return {
        "measured_tools": len(ranked),
        "top_tools": top,
        "top_share_of_stars": _ratio(sum(ranked[:top]), sum(ranked)),
    }


class _Category:
    """One category's running figures while its tools are read."""

    def __init__(self) -> None:
        self.tools = 0
        self.stars: list[int] = []
        self.gains_30d: list[int] = []
        self.years: Counter = Counter()
        # Leader keys: best first is smallest — score, then stars, descending (None last),
        # then id. ``best`` keeps the few smallest; ``cut`` is the worst of them once full.
        self.best: list[tuple] = []
        self.cut: tuple = (True, 0.0, True, 0, math.inf)

    def leader(self, key: tuple) -> None:
        self.best.append(key)
        if len(self.best) > 8 * LEADERS:
            self.best = heapq.nsmallest(LEADERS, self.best)
            self.cut = self.best[-1]

    def leaders(self) -> list[tuple]:
        return heapq.nsmallest(LEADERS, self.best)

    def figures(self) -> dict[str, Any]:
        years = sorted(self.years.items(), key=lambda pair: (pair[0] is None, pair[0]))
        return {
            "tool_count": self.tools,
            "total_stars": _total(self.stars),
            "median_gain_30d": _median(self.gains_30d),
            "leaders": [key[-1] for key in self.leaders()],
            "years": [[year, n] for year, n in years],
            "concentration": _concentration(self.stars),
        }


class _Layer:
    """One layer's running figures; its totals, median and leaders come from its categories."""

    def __init__(self, category_ids: list[int]) -> None:
        self.categories = {category_id: _Category() for category_id in category_ids}
        self.licences: Counter = Counter()
        self.languages: Counter = Counter()
        self.measured_7d = self.stalled_7d = 0

    def figures(self, placed_second: Counter) -> dict[str, Any]:
        groups = self.categories.values()
        stars = [n for group in groups for n in group.stars]
        licences: Counter = Counter()
        for name, n in self.licences.items():
            licences[spdx_licence(name)] += n
        languages: Counter = Counter()
        for name, n in self.languages.items():
            languages[name or None] += n
        leaders = heapq.nsmallest(LEADERS, (key for group in groups for key in group.leaders()))
        return {
            "format": FORMAT,
            "category_ids": sorted(self.categories),
            "tool_count": sum(group.tools for group in groups),
            "total_stars": _total(stars),
            "median_gain_30d": _median([n for group in groups for n in group.gains_30d]),
            "leaders": [key[-1] for key in leaders],
            "stalled_7d": {"measured_tools": self.measured_7d, "stalled_tools": self.stalled_7d},
            "licenses": _counted(licences),
            "languages": _counted(languages),
            "categories": {str(i): group.figures() for i, group in self.categories.items()},
            "placed_second": [
                [primary, list(others), n] for (primary, others), n in sorted(placed_second.items())
            ],
        }


def _rows(category_ids: list[int]) -> Iterator[tuple]:
    """``_ROW_FIELDS`` of the listed, active tools of these categories, then the year its
    repository was created and ``None``; and in the same statement each secondary placement
    of those tools as ``(tool id, its primary category id, None, …, other category id)``.

    Read with a plain cursor, a chunk at a time: Django's per-row converters would cost more
    than the loop that uses the rows (the year is cast to an integer in SQL instead). One
    statement, so that a reader computing a missing summary stays within a request's queries.
    """
    if not category_ids:
        return
    year = Cast(ExtractYear("repo_created_at"), output_field=IntegerField())
    tools = Tool.objects.listed().active().filter(category_id__in=category_ids).order_by()
    no_placement = Value(None, output_field=IntegerField())
    rows = tools.values_list(*_ROW_FIELDS, year, no_placement)
    blank = [
        Value(None, output_field=cast(Field, Tool._meta.get_field(f))) for f in _ROW_FIELDS[2:]
    ]
    placements = (
        Tool.secondary_categories.through.objects.filter(tool__in=tools.values("pk"))
        .order_by()
        .values_list("tool_id", "tool__category_id", *blank, no_placement, "category_id")
    )
    sql, params = rows.union(placements, all=True).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(5000):
            yield from chunk


def _grouped(placements: dict[int, tuple[int, set[int]]]) -> Counter:
    """Tools placed in other categories than their own, by ``(primary category id, (other
    category ids, sorted))``."""
    return Counter(
        (primary, tuple(sorted(placed - {primary})))
        for primary, placed in placements.values()
        if placed - {primary}
    )


def _computed(category_ids_by_layer: dict[int, list[int]]) -> dict[int, dict[str, Any]]:
    """The payload of each layer (with these categories): one pass over the layers' listed,
    active tools and their secondary placements (one query; none when they have no
    category), keeping counters, the star and gain values and a few leader keys per
    category. The loop is written flat on purpose: it runs once per tool (about 2 µs each)."""
    layers = {i: _Layer(category_ids) for i, category_ids in category_ids_by_layer.items()}
    placed = {
        c: (layers[i], layers[i].categories[c])
        for i, ids in category_ids_by_layer.items()
        for c in ids
    }
    placements: dict[int, tuple[int, set[int]]] = {}
    for row in _rows(list(placed)):
        (
            tool_id,
            category_id,
            score,
            stars,
            gained_7d,
            gained_30d,
            licence,
            language,
            year,
            other,
        ) = row
        if other is not None:  # a secondary placement, not a tool
            placements.setdefault(tool_id, (category_id, set()))[1].add(other)
            continue
        layer, category = placed[category_id]
        category.tools += 1
        if stars is not None:
            category.stars.append(stars)
        if gained_30d is not None:
            category.gains_30d.append(gained_30d)
        key = (score is None, -(score or 0.0), stars is None, -(stars or 0), tool_id)
        if key < category.cut:
            category.leader(key)
        category.years[year] += 1
        layer.licences[licence] += 1
        layer.languages[language] += 1
        if gained_7d is not None:
            layer.measured_7d += 1
            layer.stalled_7d += gained_7d <= 0
    layer_of = {c: i for i, ids in category_ids_by_layer.items() for c in ids}
    placed_second: dict[int, Counter] = {layer_id: Counter() for layer_id in layers}
    for key, n in _grouped(placements).items():
        placed_second[layer_of[key[0]]][key] = n
    return {i: layer.figures(placed_second[i]) for i, layer in layers.items()}


def summaries_rebuild(*, layer_ids: Iterable[int] | None = None) -> int:
    """Recompute and store the summaries of ``layer_ids`` (default: every layer), one query
    in all plus three. Called by the ranking writer when it has renumbered those layers;
    callable on its own (``manage.py shell``) after a change that bypassed it. Returns the
    number of layers stored."""
    layers = Layer.objects.all()
    if layer_ids is not None:
        layers = layers.filter(id__in=set(layer_ids))
    wanted: dict[int, list[int]] = {
        layer_id: [] for layer_id in layers.values_list("id", flat=True)
    }
    categories = Category.objects.filter(layer_id__in=wanted).values_list("layer_id", "id")
    for layer_id, category_id in categories:
        wanted[layer_id].append(category_id)
    payloads = _computed(wanted)
    now = timezone.now()
    CatalogSummary.objects.bulk_create(
        [CatalogSummary(layer_id=i, payload=p, computed_at=now) for i, p in payloads.items()],
        update_conflicts=True,
        unique_fields=["layer"],
        update_fields=["payload", "computed_at"],
    )
    return len(payloads)


def is_current(payload: object, category_ids: list[int]) -> TypeGuard[dict[str, Any]]:
    """Whether a stored ``payload`` is of this ``FORMAT`` and sums up exactly the categories
    its layer has now (``category_ids``)."""
    return (
        isinstance(payload, dict)
        and payload.get("format") == FORMAT
        and payload.get("category_ids") == sorted(category_ids)
    )


def _current(layer: Layer, category_ids: list[int]) -> dict[str, Any] | None:
    summary = getattr(layer, "summary", None)  # select_related: None when there is no row
    payload = summary.payload if summary is not None else None
    return payload if is_current(payload, category_ids) else None


def layer_payloads(
    layers: list[Layer], categories: Iterable[Category]
) -> dict[int, dict[str, Any]]:
    """The stored payload of each of ``layers`` (loaded with ``select_related("summary")``),
    given all their ``categories``. A layer without a current row is computed now and stored:
    inserted if no row exists (a concurrent rebuild's row wins), else replaced only if nobody
    replaced it since it was read."""
    category_ids: dict[int, list[int]] = {layer.id: [] for layer in layers}
    for category in categories:
        if category.layer_id in category_ids:
            category_ids[category.layer_id].append(category.id)
    payloads, stale = {}, {}
    for layer in layers:
        payload = _current(layer, category_ids[layer.id])
        if payload is None:
            stale[layer.id] = category_ids[layer.id]
        else:
            payloads[layer.id] = payload
    if stale:
        fresh = _computed(stale)
        _store_read(layers, fresh)
        payloads.update(fresh)
    return payloads


def _store_read(layers: list[Layer], fresh: dict[int, dict[str, Any]]) -> None:
    """Store what a reader computed: missing rows in one insert that leaves any row a
    concurrent rebuild wrote first; outdated rows each by an UPDATE that changes nothing if
    the row was rewritten since it was read (both rare: a new database, a new ``FORMAT``, a
    category created or moved in admin)."""
    now = timezone.now()
    missing: list[int] = []
    outdated: list[tuple[int, CatalogSummary]] = []
    for layer in layers:
        if layer.id in fresh:
            summary = getattr(layer, "summary", None)
            if summary is None:
                missing.append(layer.id)
            else:
                outdated.append((layer.id, summary))
    CatalogSummary.objects.bulk_create(
        [CatalogSummary(layer_id=i, payload=fresh[i], computed_at=now) for i in missing],
        ignore_conflicts=True,
    )
    for layer_id, summary in outdated:
        CatalogSummary.objects.filter(layer_id=layer_id, computed_at=summary.computed_at).update(
            payload=fresh[layer_id], computed_at=now
        )
