"""Writes the derived ranking fields: reads tools and snapshots in bulk, computes them with
``catalog.rankings`` and saves them with ``bulk_update`` — a fixed number of queries per chunk
of tools, whatever the number of tools.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from catalog import rankings
from catalog.models import MetricSnapshot, Tool, ToolStatus
from catalog.rankings import Derived, ScoreBreakdown, ToolFacts

#: Tools read, computed and written per round trip; bounds memory at 100k tools.
CHUNK_SIZE = 1000
#: The oldest snapshot any window can use, counted back from the window end.
LOOKBACK = timedelta(days=math.ceil(max(rankings.WINDOWS) * rankings.MAX_STRETCH))

_FACT_FIELDS = (
    "id",
    "category_id",
    "stars",
    "contributors",
    "commits_90d",
    "pushed_at",
    "archived",
    "metrics_as_of",
)
DERIVED_FIELDS = (
    "stars_gained_7d",
    "stars_gained_30d",
    "stars_gained_90d",
    "growth_30d",
    "activity",
    "score",
    "score_version",
    "rankings_computed_at",
)

RANK_FIELDS = ("rank_in_category", "rank_in_layer")


def _facts(tool: Tool, series: list[tuple[date, int | None]]) -> ToolFacts:
    return ToolFacts(
        series=tuple(series),
        stars=tool.stars,
        contributors=tool.contributors,
        commits_90d=tool.commits_90d,
        pushed_at=tool.pushed_at,
        archived=tool.archived,
        metrics_as_of=tool.metrics_as_of,
    )


def _series_by_tool(tools: list[Tool]) -> dict[int, list[tuple[date, int | None]]]:
    """One query: the star snapshots of ``tools`` that any window could need."""
    snapshots = MetricSnapshot.objects.filter(
        tool_id__in=[tool.id for tool in tools], stars__isnull=False
    )
    as_of = [tool.metrics_as_of for tool in tools]
    if as_of and None not in as_of:
        # Windows end at the latest observation, never before metrics_as_of.
        snapshots = snapshots.filter(date__gte=min(as_of).date() - LOOKBACK)
    series: dict[int, list[tuple[date, int | None]]] = defaultdict(list)
    for tool_id, day, stars in snapshots.order_by().values_list("tool_id", "date", "stars"):
        series[tool_id].append((day, stars))
    return series


def _apply(tool: Tool, derived: Derived, now) -> None:
    tool.stars_gained_7d = _round(derived.damped_gains[7])
    tool.stars_gained_30d = _round(derived.damped_gains[30])
    tool.stars_gained_90d = _round(derived.damped_gains[90])
    tool.growth_30d = derived.growth_30d
    tool.activity = derived.activity
    tool.score = derived.score
    tool.score_version = rankings.SCORE_VERSION
    tool.rankings_computed_at = now


def _round(value: float | None) -> int | None:
    return None if value is None else round(value)


def recompute_rankings(*, tool_ids: Iterable[int] | None = None) -> int:
    """Recompute the derived ranking fields of ``tool_ids`` (default: every tool), then the
    ranks in their layers and categories. Returns the number of tools recomputed.
    """
    tools = Tool.objects.all()
    if tool_ids is not None:
        wanted = sorted(set(tool_ids))
        if not wanted:
            return 0
    else:
        # Tools measured at about the same time share a chunk, so each chunk's snapshot query
        # reads a narrow range of dates.
        ordering = (F("metrics_as_of").asc(nulls_first=True), "id")
        wanted = list(tools.order_by(*ordering).values_list("id", flat=True))
    now = timezone.now()
    layer_ids: set[int] = set()
    updated = 0
    for start in range(0, len(wanted), CHUNK_SIZE):
        chunk_ids = wanted[start : start + CHUNK_SIZE]
        chunk = list(
            tools.filter(id__in=chunk_ids)
            .only(*_FACT_FIELDS, "category__layer_id")
            .select_related("category")
        )
        series = _series_by_tool(chunk)
        for tool in chunk:
            _apply(tool, rankings.derive(_facts(tool, series.get(tool.id, []))), now)
            layer_ids.add(tool.category.layer_id)
        with transaction.atomic():
            Tool.objects.bulk_update(chunk, DERIVED_FIELDS, batch_size=CHUNK_SIZE)
        updated += len(chunk)
    if updated:
        recompute_ranks(layer_ids=None if tool_ids is None else layer_ids)
    return updated


def recompute_ranks(*, layer_ids: Iterable[int] | None = None) -> int:
    """Number listed tools 1, 2, … by score within their category and their layer.

    Only listed tools (not hidden, status active) with a score are ranked; every other tool's
    ranks are NULL. Returns the number of tools whose ranks changed.
    """
    tools = Tool.objects.all()
    if layer_ids is not None:
        tools = tools.filter(category__layer_id__in=list(layer_ids))
    rows = list(
        tools.values_list(
            "id",
            "category_id",
            "category__layer_id",
            "score",
            "stars",
            "hidden",
            "status",
            "rank_in_category",
            "rank_in_layer",
            named=True,
        )
    )
    listed = [row for row in rows if not row.hidden and row.status == ToolStatus.ACTIVE]
    in_category = rankings.rank_positions(
        (row.id, row.category_id, row.score, row.stars) for row in listed
    )
    in_layer = rankings.rank_positions(
        (row.id, row.category__layer_id, row.score, row.stars) for row in listed
    )
    changed = []
    for row in rows:
        new = (in_category.get(row.id), in_layer.get(row.id))
        if (row.rank_in_category, row.rank_in_layer) != new:
            changed.append(Tool(id=row.id, rank_in_category=new[0], rank_in_layer=new[1]))
    with transaction.atomic():
        Tool.objects.bulk_update(changed, RANK_FIELDS, batch_size=CHUNK_SIZE)
    return len(changed)


def tool_derived(tool: Tool) -> Derived:
    """Everything the rankings derive for ``tool``, computed now from its snapshots."""
    snapshots = tool.snapshots.filter(stars__isnull=False)
    if tool.metrics_as_of is not None:
        snapshots = snapshots.filter(date__gte=tool.metrics_as_of.date() - LOOKBACK)
    series = list(snapshots.order_by().values_list("date", "stars"))
    return rankings.derive(_facts(tool, series))


def tool_score_breakdown(tool: Tool) -> ScoreBreakdown:
    """The score of ``tool`` with each component's value, weight and contribution."""
    return tool_derived(tool).breakdown
