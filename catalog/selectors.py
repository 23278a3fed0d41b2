"""Reads shared by the web pages and the API: one query implementation, two front ends."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Prefetch, Q

from catalog.models import (
    CatalogSummary,
    Category,
    FormerName,
    Layer,
    MetricSnapshot,
    Tool,
    ToolStatus,
    Topic,
)
from catalog.querysets import ToolQuerySet
from catalog.ranking.derive import CURRENT_DAYS, ScoreBreakdown, current_gains, not_current_reason
from catalog.ranking.writer import catalog_as_of, tool_derived
from catalog.summaries import (  # noqa: F401  (re-exported: selectors is the public face)
    CategoryCard,
    CategorySummary,
    LayerCard,
    LayerSummary,
    category_summaries,
    landscape,
    layer_summaries,
)
from catalog.summary_store import FORMAT as SUMMARY_FORMAT

#: Metrics with a daily history, public name → label.
HISTORY_METRICS: dict[str, str] = {
    "stars": "Stars",
    "forks": "Forks",
    "watchers": "Watchers",
    "open_issues": "Open issues",
    "contributors": "Contributors",
}

#: Trending windows, public name → the derived field holding that window's star gain.
TRENDING_WINDOWS: dict[str, str] = {
    "7d": "stars_gained_7d",
    "30d": "stars_gained_30d",
    "90d": "stars_gained_90d",
}

#: Figures older than this many days (before the catalog's as-of) carry their month on lists.
STALE_FIGURES_DAYS = 30

__all__ = ["catalog_as_of"]  # re-exported: the catalog-wide "as of" every list shows


@dataclass(frozen=True)
class PlacementRank:
    """Where a tool ranks by score among the listed active tools of its category or layer."""

    rank: int | None  # 1 = best score; None: not ranked (no score, hidden or inactive)
    of: int


@dataclass(frozen=True)
class ToolDetail:
    """What a tool's page and the API's tool detail show beyond the tool's own fields."""

    tool: Tool
    breakdown: ScoreBreakdown
    category_rank: PlacementRank
    layer_rank: PlacementRank
    catalog_as_of: date | None = None
    gains_current: bool = False  # gains measured over windows ending near catalog_as_of
    gains_reason: str = ""  # why there are no current gains ("" when there are)


@dataclass(frozen=True)
class TrendingTool:
    """A tool on a trending list and its (damped) star gain over the list's window."""

    tool: Tool
    gain: int


def public_tools() -> ToolQuerySet:
    """Tools shown in rankings: not hidden by a curator and still active on GitHub."""
    return Tool.objects.listed().active()


def _distinct_listed_sql(column: str) -> str:
    """The distinct values of ``column`` among public tools, smallest first, by a walk of its
    index (a recursive CTE: one index probe per value, not a scan of the tools). It starts
    from ``''`` (a seed row to leave out: ``v > ''``), so the walk plans one probe, not a
    first one apart (planning was most of its time)."""
    table = Tool._meta.db_table
    public = f"NOT t.hidden AND t.status = '{ToolStatus.ACTIVE.value}'"
    return (
        f"{column}_values(v) AS (SELECT CAST('' AS VARCHAR) "
        f"UNION ALL SELECT (SELECT MIN(t.{column}) FROM {table} t "
        f"WHERE t.{column} > {column}_values.v AND {public}) "
        f"FROM {column}_values WHERE {column}_values.v IS NOT NULL)"
    )


def _listed_values_list_sql(column: str) -> str:
    """The values of ``_distinct_listed_sql`` (the non-empty ones) as one value, a scalar
    subquery: an array (smallest first) on PostgreSQL, a JSON array on SQLite
    (``choice_values`` reads both)."""
    walk = _distinct_listed_sql(column)
    values = f"SELECT v FROM {column}_values WHERE v > '' ORDER BY v"
    if settings.IS_POSTGRES:
        return f"(WITH RECURSIVE {walk} SELECT ARRAY({values}))"
    return f"(WITH RECURSIVE {walk} SELECT json_group_array(v) FROM ({values}))"


def search_choice_subqueries() -> tuple[str, str]:
    """The languages and the licences of public tools, each a scalar subquery of one value
    (read it with ``choice_values``), for a statement that reads them along with other rows
    (the search page's categories, ``catalog.forms.search_form_choices``): one index probe per
    value, whatever the catalog size."""
    return _listed_values_list_sql("language"), _listed_values_list_sql("license_spdx")


def choice_values(value: list[str] | str | None) -> list[str]:
    """A value of ``search_choice_subqueries`` as a sorted list."""
    if value is None:
        return []
    if isinstance(value, str):  # SQLite's JSON array; its BINARY order is the code point order
        return sorted(json.loads(value))
    return list(value)


def tool_by_name(
    full_name: str, *, former_names: bool = True, summary: bool = False, replacement: bool = True
) -> tuple[Tool, bool] | None:
    """The tool named ``owner/name``, case-insensitively, or found through a former name.

    Returns ``(tool, canonical)``; ``canonical`` is False when the name given is not the
    tool's current spelling (callers redirect to the canonical URL). A name holding a NUL
    character names nothing (PostgreSQL refuses NUL in text, so it is never asked).
    ``former_names``: prefetch them (one more query; the tool page reads them with
    ``tool_labels`` instead). ``summary``: load the layer's stored summary too (what
    ``tool_detail`` counts the tool's peers from). ``replacement``: load the tool that
    replaces it in the same query (False: the tool page and badge, which read it only for a
    deprecated tool, then in one more query; its ~70 columns were 40% of this query's time).
    """
    tools = Tool.objects.listed().with_placement()
    if replacement:
        tools = tools.select_related("replaced_by")
    if summary:
        tools = tools.select_related("category__layer__summary")
    if former_names:
        tools = tools.prefetch_related(
            Prefetch("former_names", queryset=FormerName.objects.order_by("full_name"))
        )
    return tools.by_name(full_name)


@dataclass(frozen=True)
class CategoryLink:
    slug: str
    name: str


@dataclass(frozen=True)
class ToolLabels:
    """The names a tool's page lists: former names, topics, the other categories it is in."""

    former_names: list[str]
    topics: list[str]
    also_in: list[CategoryLink]


def tool_labels(tool: Tool) -> ToolLabels:
    """A tool's former names (A–Z), topics (A–Z) and secondary categories (in display order),
    in one query."""
    former = FormerName._meta.db_table
    topic, tool_topics = Topic._meta.db_table, Tool.topics.through._meta.db_table
    category, layer = Category._meta.db_table, Layer._meta.db_table
    secondary = Tool.secondary_categories.through._meta.db_table
    sql = (
        f"SELECT 0, 0, 0, f.full_name, f.full_name, '' FROM {former} f WHERE f.tool_id = %s "
        f"UNION ALL SELECT 1, 0, 0, t.name, t.name, '' FROM {topic} t "
        f"JOIN {tool_topics} tt ON tt.topic_id = t.id WHERE tt.tool_id = %s "
        f"UNION ALL SELECT 2, l.position, c.position, c.slug, c.name, c.slug FROM {category} c "
        f"JOIN {layer} l ON l.id = c.layer_id "
        f"JOIN {secondary} s ON s.category_id = c.id WHERE s.tool_id = %s "
        "ORDER BY 1, 2, 3, 4"
    )
    labels: ToolLabels = ToolLabels([], [], [])
    with connection.cursor() as cursor:
        cursor.execute(sql, [tool.pk, tool.pk, tool.pk])
        for kind, _, _, _, name, slug in cursor.fetchall():
            if kind == 0:
                labels.former_names.append(name)
            elif kind == 1:
                labels.topics.append(name)
            else:
                labels.also_in.append(CategoryLink(slug=slug, name=name))
    return labels


@dataclass(frozen=True)
class DayFigures:
    """One day of a tool's measured figures (None: not measured that day)."""

    day: date
    stars: int | None
    forks: int | None
    open_issues: int | None
    observed: bool  # False: a star count reconstructed by the star-history backfill


def tool_days(tool: Tool) -> list[DayFigures]:
    """The tool's daily stars, forks and open issues, oldest first, in one query (what its
    page charts)."""
    rows = (
        MetricSnapshot.objects.filter(tool=tool)
        .order_by("date")
        .values_list("date", "stars", "forks", "open_issues", "source")
    )
    return [
        DayFigures(day, stars, forks, issues, source != MetricSnapshot.STAR_HISTORY_SOURCE)
        for day, stars, forks, issues, source in rows
    ]


def _placement_counts(tool: Tool) -> tuple[int, int]:
    """How many listed active tools are in the tool's category and in its layer: from the
    layer's stored summary (kept with the ranks, ``catalog.summary_store``; loaded with the
    tool by ``tool_by_name(summary=True)``, else one small query), or counted when the layer
    has no current summary."""
    layer = tool.category.layer
    try:
        payload = layer.summary.payload
    except CatalogSummary.DoesNotExist:
        payload = None
    if payload and payload.get("format") == SUMMARY_FORMAT:
        category = payload.get("categories", {}).get(str(tool.category_id))
        if category is not None:
            return category["tool_count"], payload["tool_count"]
    peers = public_tools().aggregate(
        in_category=Count("id", filter=Q(category_id=tool.category_id)),
        in_layer=Count("id", filter=Q(category__layer_id=layer.pk)),
    )
    return peers["in_category"], peers["in_layer"]


def tool_detail(tool: Tool) -> ToolDetail:
    """The tool's score breakdown and its ranks in its category and layer ("#3 of 120")."""
    in_category, in_layer = _placement_counts(tool)
    anchor = catalog_as_of()
    derived = tool_derived(tool, anchor=anchor)
    return ToolDetail(
        tool=tool,
        breakdown=derived.breakdown,
        category_rank=PlacementRank(rank=tool.rank_in_category, of=in_category),
        layer_rank=PlacementRank(rank=tool.rank_in_layer, of=in_layer),
        catalog_as_of=anchor,
        gains_current=derived.current,
        gains_reason=gains_reason(derived.window_end, anchor),
    )


def gains_reason(window_end: date | None, anchor: date | None) -> str:
    """Why a tool has no current gains, in words ("" when its gains are current)."""
    if window_end is None:
        return "not measured yet"
    if anchor is None or current_gains(window_end, anchor):
        return ""
    return "not current: " + not_current_reason(window_end, anchor)


def figures_month(metrics_as_of: date | None, anchor: date | None) -> str:
    """ "Jun 2025" when figures from ``metrics_as_of`` are more than ``STALE_FIGURES_DAYS``
    older than the catalog's as-of, else "" (they are recent enough to need no date)."""
    if metrics_as_of is None or anchor is None:
        return ""
    if (anchor - metrics_as_of).days <= STALE_FIGURES_DAYS:
        return ""
    return f"{metrics_as_of:%b %Y}"


def _check_metric(metric: str) -> None:
    if metric not in HISTORY_METRICS:
        allowed = ", ".join(HISTORY_METRICS)
        raise ValueError(f"unknown metric {metric!r}; allowed: {allowed}")


def tool_history(
    *, tool: Tool, metric: str = "stars", since: date | None = None, until: date | None = None
) -> list[tuple[date, int | None]]:
    """The tool's daily values of ``metric`` (oldest first); a day nobody measured is None."""
    _check_metric(metric)
    snapshots = MetricSnapshot.objects.filter(tool=tool)
    if since is not None:
        snapshots = snapshots.filter(date__gte=since)
    if until is not None:
        snapshots = snapshots.filter(date__lte=until)
    return list(snapshots.order_by("date").values_list("date", metric))


def compare_series(
    *, tools: list[Tool], metric: str = "stars", since: date | None = None
) -> tuple[list[date], dict[int, list[int | None]]]:
    """Several tools' histories aligned on the union of their dates, in one query.

    Returns the sorted dates and, per tool id, one value per date (None where that tool has
    no snapshot or no value that day).
    """
    _check_metric(metric)
    snapshots = MetricSnapshot.objects.filter(tool__in=[tool.pk for tool in tools])
    if since is not None:
        snapshots = snapshots.filter(date__gte=since)
    by_tool: dict[int, dict[date, int | None]] = {tool.pk: {} for tool in tools}
    for tool_id, day, value in snapshots.values_list("tool_id", "date", metric):
        by_tool[tool_id][day] = value
    dates = sorted({day for values in by_tool.values() for day in values})
    series = {tool_id: [values.get(day) for day in dates] for tool_id, values in by_tool.items()}
    return dates, series


def trending(
    *, window: str, layer: str | None = None, category: str | None = None, limit: int = 50
) -> list[TrendingTool]:
    """Listed active tools with the largest star gain over ``window`` (7d, 30d or 90d): the
    first ``limit`` of ``trending_tools`` against the catalog's as-of, with their gains."""
    gain = _trending_gain(window)
    leaders = trending_tools(window=window, layer=layer, category=category, anchor=catalog_as_of())
    return [TrendingTool(tool=tool, gain=getattr(tool, gain)) for tool in leaders[:limit]]


def _trending_gain(window: str) -> str:
    if window not in TRENDING_WINDOWS:
        allowed = ", ".join(TRENDING_WINDOWS)
        raise ValueError(f"unknown window {window!r}; allowed: {allowed}")
    return TRENDING_WINDOWS[window]


def trending_tools(
    *, window: str, layer: str | None = None, category: str | None = None, anchor: date | None
) -> ToolQuerySet:
    """Listed active tools by their star gain over ``window`` (7d, 30d or 90d), largest first
    (then the most starred, then by id), with their category and layer.

    The stored gains are already damped against one- and two-day spikes, as in the score
    (``ranking.writer`` saves ``derive.damped_gain``), so trending and the score agree.
    Tools without enough history for the window (a NULL gain) are left out, not shown as 0,
    and so are tools whose windows end more than ``CURRENT_DAYS`` before ``anchor``, the
    catalog's as-of (``catalog_as_of()``; a caller that read the data version has it):
    7-, 30- and 90-day trending share that one anchor.
    """
    gain = _trending_gain(window)
    tools = public_tools().with_placement().filter(**{f"{gain}__isnull": False})
    if anchor is not None:
        # A gain stored without its window end predates formula 2026.12-1 (recompute_rankings
        # sets it): taken as current until then.
        cut = anchor - timedelta(days=CURRENT_DAYS)
        tools = tools.filter(Q(gains_window_end__gte=cut) | Q(gains_window_end__isnull=True))
    if layer is not None:
        tools = tools.filter(category__layer__slug=layer)
    if category is not None:
        tools = tools.filter(category__slug=category)
    return tools.order_by(F(gain).desc(), F("stars").desc(nulls_last=True), "id")


def tools_by_names(names: list[str]) -> dict[str, Tool]:
    """Listed tools for several ``owner/name`` strings (any case, or a former name), keyed by
    the lower-cased name asked for; names not found (or holding a NUL character, which
    PostgreSQL refuses in text) are absent. Two queries at most, none when nothing is left."""
    return Tool.objects.listed().with_placement().by_names(names)
