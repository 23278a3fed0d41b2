"""The one way to filter, search and order tools: the REST API and the web search page both
parse their query string with ``parse_tool_query`` and list with ``tool_list``.

Every parameter is validated here, so a bad value becomes a ``ToolQueryError`` naming the
parameter and what it accepts, never a server error or a silently ignored filter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import connections
from django.db.models import Count, Exists, F, OrderBy, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from catalog import selectors
from catalog.lifecycle import LIFECYCLES
from catalog.list_counts import stored_list_counts
from catalog.models import Category, Layer, Tool, ToolStatus
from catalog.query_params import (
    MAX_VALUES,
    ToolQueryError,
    boolean_param,
    choices,
    date_param,
    integer_param,
    single,
    text_param,
    values,
)
from catalog.ranking.writer import tool_derived
from catalog.search.engine import SearchPlan, by_relevance, plan_search
from catalog.search.match_table import pks_statement

__all__ = [
    "ANY_STATUS",
    "DEFAULT_ORDERING",
    "DEFAULT_STATUSES",
    "MAX_VALUES",
    "ORDERINGS",
    "ORDER_FIELDS",
    "PERMISSIVE",
    "PERMISSIVE_LICENSES",
    "Q_MAX_LENGTH",
    "STATUSES",
    "Taxonomy",
    "ToolQuery",
    "ToolQueryError",
    "load_taxonomy",
    "parse_tool_query",
    "tool_list",
]

Q_MAX_LENGTH = 200

# Public ordering key → (model field, label). Every key also exists in ORDERINGS with a "-"
# (descending). NULLs (not measured) always sort last; ties fall back to the tool id.
ORDER_FIELDS: dict[str, tuple[str, str]] = {
    "stars": ("stars", "Stars"),
    "gained_7d": ("stars_gained_7d", "Stars gained in 7 days"),
    "gained_30d": ("stars_gained_30d", "Stars gained in 30 days"),
    "gained_90d": ("stars_gained_90d", "Stars gained in 90 days"),
    "growth": ("growth_30d", "Growth in 30 days (%)"),
    "score": ("score", "Composite score"),
    "activity": ("activity", "Activity"),
    "pushed_at": ("pushed_at", "Last push"),
    "created_at": ("repo_created_at", "Repository created"),
    "contributors": ("contributors", "Contributors"),
    "forks": ("forks", "Forks"),
    "name": ("full_name", "Name"),
}
ORDERINGS: dict[str, str] = {}
for _key, (_field, _label) in ORDER_FIELDS.items():
    ORDERINGS[_key] = f"{_label}, ascending"
    ORDERINGS[f"-{_key}"] = f"{_label}, descending"
ORDERINGS["relevance"] = "Best match for q (needs q)"
DEFAULT_ORDERING = "-score"

STATUSES = tuple(ToolStatus.values)
DEFAULT_STATUSES = (ToolStatus.ACTIVE.value,)
ANY_STATUS = "any"

# SPDX ids of common permissive licences; `license=permissive` stands for all of them.
PERMISSIVE_LICENSES = (
    "0BSD", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "BSL-1.0", "ISC", "MIT", "MIT-0",
    "PostgreSQL", "PSF-2.0", "Python-2.0", "Unlicense", "UPL-1.0", "X11", "Zlib",
)  # fmt: skip
PERMISSIVE = "permissive"


@dataclass(frozen=True)
class Taxonomy:
    """The slugs a query may name and the category ids behind them, in display order."""

    layers: dict[str, tuple[int, ...]]  # layer slug → ids of its categories
    categories: dict[str, int]  # category slug → id


def load_taxonomy() -> Taxonomy:
    """Every layer and category slug with the category ids, in one query (a layer with no
    category is still a valid ``layer``)."""
    rows = Layer.objects.order_by().values_list(
        "slug", "position", "categories__id", "categories__slug", "categories__position"
    )
    layer_order: list[tuple[int, str]] = []
    layers: dict[str, list[int]] = {}
    categories: list[tuple[tuple[int, int, str], str, int]] = []
    for slug, position, category_id, category_slug, category_position in rows:
        if slug not in layers:
            layers[slug] = []
            layer_order.append((position, slug))
        if category_id is not None:
            layers[slug].append(category_id)
            order = (position, category_position, category_slug)  # Category.Meta.ordering
            categories.append((order, category_slug, category_id))
    return Taxonomy(
        layers={slug: tuple(sorted(layers[slug])) for _, slug in sorted(layer_order)},
        categories={slug: category_id for _, slug, category_id in sorted(categories)},
    )


def _resolved() -> tuple[int, ...] | None:
    """A field the parser fills from the slugs: not compared, not a query-string parameter."""
    return field(default=None, compare=False, repr=False, metadata={"param": False})


@dataclass(frozen=True)
class ToolQuery:
    layer: str | None = None
    categories: tuple[str, ...] = ()
    language: str | None = None
    licenses: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    lifecycles: tuple[str, ...] = ()
    featured: bool | None = None
    stars_min: int | None = None
    stars_max: int | None = None
    gained_30d_min: int | None = None
    pushed_after: date | None = None
    created_after: date | None = None
    q: str | None = None
    ordering: str = DEFAULT_ORDERING
    # The ids behind ``layer`` and ``categories`` when the parser resolved them (``tool_list``
    # filters on ids then, which the per-category indexes answer); None: resolved by a join.
    layer_category_ids: tuple[int, ...] | None = _resolved()
    category_ids: tuple[int, ...] | None = _resolved()

    def to_params(self) -> dict[str, str]:
        """The query string that gives this query back (defaults left out), for links."""
        names = {
            "categories": "category",
            "licenses": "license",
            "topics": "topic",
            "statuses": "status",
            "lifecycles": "lifecycle",
        }
        params: dict[str, str] = {}
        for item in fields(self):
            if not item.metadata.get("param", True):
                continue
            value = getattr(self, item.name)
            if value == item.default or value is None:
                continue
            if item.name == "statuses":
                value = ANY_STATUS if set(value) == set(STATUSES) else ",".join(value)
            elif isinstance(value, tuple):
                value = ",".join(value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            params[names.get(item.name, item.name)] = str(value)
        return params


def _statuses(params: Mapping) -> tuple[str, ...]:
    given = values(params, "status")
    if not given:
        return DEFAULT_STATUSES
    if given == [ANY_STATUS]:
        return STATUSES
    return choices("status", given, [*STATUSES, ANY_STATUS])


def parse_tool_query(
    params: Mapping, *, taxonomy: Callable[[], Taxonomy] = load_taxonomy
) -> ToolQuery:
    """Validate a query string (a QueryDict or a plain mapping) into a ``ToolQuery``.

    ``taxonomy()`` (called only when a layer or category is named; by default one query)
    checks the slugs and resolves them to category ids."""
    layer = single(params, "layer")
    categories: Sequence[str] = values(params, "category")
    known = taxonomy() if layer is not None or categories else None
    layer_ids = category_ids = None
    if layer is not None:
        assert known is not None
        choices("layer", [layer], list(known.layers))
        layer_ids = known.layers[layer]
    if categories:
        assert known is not None
        categories = choices("category", categories, list(known.categories))
        category_ids = tuple(sorted({known.categories[slug] for slug in categories}))
    raw_q = text_param(params, "q", max_length=Q_MAX_LENGTH)  # commas are words here
    q = " ".join(raw_q.split()) if raw_q else None
    ordering = single(params, "ordering") or ("relevance" if q else DEFAULT_ORDERING)
    choices("ordering", [ordering], list(ORDERINGS))
    if ordering == "relevance" and not q:
        ordering = DEFAULT_ORDERING
    query = ToolQuery(
        layer=layer,
        categories=tuple(categories),
        language=text_param(params, "language", max_length=100),
        licenses=tuple(dict.fromkeys(values(params, "license"))),
        topics=tuple(dict.fromkeys(value.lower() for value in values(params, "topic"))),
        statuses=_statuses(params),
        lifecycles=choices("lifecycle", values(params, "lifecycle"), LIFECYCLES),
        featured=boolean_param(params, "featured"),
        stars_min=integer_param(params, "stars_min", minimum=0),
        stars_max=integer_param(params, "stars_max", minimum=0),
        gained_30d_min=integer_param(params, "gained_30d_min"),
        pushed_after=date_param(params, "pushed_after"),
        created_after=date_param(params, "created_after"),
        q=q,
        ordering=ordering,
        layer_category_ids=layer_ids,
        category_ids=category_ids,
    )
    low, high = query.stars_min, query.stars_max
    if low is not None and high is not None and low > high:
        raise ToolQueryError("stars_min", "must not be greater than stars_max")
    return query


def _placed_in(category_ids: object) -> Q:
    """Primary category among ``category_ids`` (ids, or a subquery of them), or a secondary
    placement there.

    ``category_id IN (…) OR id IN (<secondary placements>)``: with ids given, PostgreSQL
    answers the first part from the per-category partial indexes and the second from one
    hashed scan of the few secondary placements (a count of a 30,000-tool layer at 100,000
    tools: an index-only scan, ~45 ms, where the former ``OR EXISTS`` per row took ~350 ms).
    """
    secondary = Tool.secondary_categories.through.objects.filter(category_id__in=category_ids)
    return Q(category_id__in=category_ids) | Q(id__in=secondary.values("tool_id"))


def _or(ids: tuple[int, ...] | None, subquery: QuerySet) -> object:
    """The ids the parser resolved, else a subquery for them (a ``ToolQuery`` built by hand)."""
    return ids if ids is not None else subquery


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _licence_filter(licenses: tuple[str, ...]) -> Q:
    wanted = {value.lower() for value in licenses if value.lower() != PERMISSIVE}
    if any(value.lower() == PERMISSIVE for value in licenses):
        wanted |= {value.lower() for value in PERMISSIVE_LICENSES}
    return Q(license_lower__in=sorted(wanted))


def _ordered(queryset: QuerySet[Tool], ordering: str) -> QuerySet[Tool]:
    if ordering == "relevance":  # equally good matches: the most starred first
        return by_relevance(queryset)
    descending = ordering.startswith("-")
    field = ORDER_FIELDS[ordering.lstrip("-")][0]
    key: OrderBy
    if field == "full_name":
        name = Lower("full_name")
        key = name.desc() if descending else name.asc()
    else:
        key = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return queryset.order_by(key, "id")


def tool_list(*, query: ToolQuery, plan: SearchPlan | None = None) -> QuerySet[Tool]:
    """Listed tools matching ``query``, searched and ordered, with their placement loaded.

    ``plan``: the search plan of ``query.q`` already made for ``tool_list(query=unsearched(
    query))`` (a page ranked by ``catalog.search.ranked`` shares it), so it is not made twice.
    """
    tools = Tool.objects.listed().with_placement().filter(status__in=query.statuses)
    if query.layer:
        in_layer = Category.objects.filter(layer__slug=query.layer).values("id")
        tools = tools.filter(_placed_in(_or(query.layer_category_ids, in_layer)))
    if query.categories:
        named = Category.objects.filter(slug__in=list(query.categories)).values("id")
        tools = tools.filter(_placed_in(_or(query.category_ids, named)))
    if query.language:
        tools = tools.filter(language__iexact=query.language)
    if query.licenses:
        tools = tools.alias(license_lower=Lower("license_spdx")).filter(
            _licence_filter(query.licenses)
        )
    if query.topics:
        through = Tool.topics.through.objects.filter(
            tool_id=OuterRef("pk"), topic__name__in=list(query.topics)
        )
        tools = tools.filter(Exists(through))
    if query.lifecycles:
        tools = tools.filter(lifecycle__in=list(query.lifecycles))
    if query.featured is not None:
        tools = tools.filter(featured=query.featured)
    if query.stars_min is not None:
        tools = tools.filter(stars__gte=query.stars_min)
    if query.stars_max is not None:
        tools = tools.filter(stars__lte=query.stars_max)
    if query.gained_30d_min is not None:
        tools = tools.filter(stars_gained_30d__gte=query.gained_30d_min)
    if query.pushed_after is not None:
        tools = tools.filter(pushed_at__gte=_midnight(query.pushed_after))
    if query.created_after is not None:
        tools = tools.filter(repo_created_at__gte=_midnight(query.created_after))
    if query.q:
        plan = plan or plan_search(tools, query.q)
        tools = tools.filter(plan.condition).alias(relevance=plan.relevance)
    return _ordered(tools, query.ordering)


def tool_count(*, query: ToolQuery, plan: SearchPlan | None = None) -> int:
    """How many tools ``tool_list(query=query, plan=plan)`` lists, in one statement.

    A layer or category filter takes tools placed there first or as a secondary placement.
    Counted as that one condition (``category_id IN … OR id IN …``), PostgreSQL reads every
    listed tool's entry of an index and tests it (17–21 ms for a 30,000-tool layer at 100,000
    tools); counted as two disjoint parts — placed there first, and placed there second with a
    primary category elsewhere — the first is a range of the per-category index and the second
    a few hundred rows. With both a layer and categories, or ids not resolved, the list is
    counted as it is.

    A list filtered by layer or categories alone (or not at all) is not counted: its number is
    read from the stored summaries (``catalog.list_counts``), when they are current. On
    PostgreSQL a search counted with no filter beyond placement and status reads the narrow
    copy ``catalog_tool_match`` instead of ``catalog_tool`` (``catalog.search.match_table``).
    """
    if plan is None and (stored := _stored_count(query)) is not None:
        return stored
    ids = _only_placement_ids(query)
    if ids is None:
        return _sum_of_counts(tool_list(query=query, plan=plan))
    unplaced = replace(query, layer=None, layer_category_ids=None, categories=(), category_ids=None)
    among = tool_list(query=unplaced, plan=plan)
    first = among.filter(category_id__in=ids)
    second = _placed_second(among, ids).exclude(category_id__in=ids)
    return _sum_of_counts(first, second)


def _stored_count(query: ToolQuery) -> int | None:
    """The number of tools of a list filtered by placement alone, from the stored summaries;
    ``None`` for any other list, or when the summaries are not current."""
    unplaced = replace(query, layer=None, categories=(), ordering=DEFAULT_ORDERING)
    if unplaced != ToolQuery():  # words, another filter or status (resolved ids not compared)
        return None
    placed = bool(query.layer or query.categories)
    ids = _only_placement_ids(query)
    if placed and ids is None:  # both a layer and categories, or slugs not resolved to ids
        return None
    counts = stored_list_counts()
    if counts is None:
        return None
    return counts.placed_in(ids) if ids is not None else counts.everywhere()


def _placed_second(tools: QuerySet[Tool], ids: tuple[int, ...]) -> QuerySet[Tool]:
    """``tools`` with a secondary placement in one of ``ids``.

    On PostgreSQL as ``id = ANY(ARRAY(<placements>))``: the few hundred placements looked up
    by primary key, where ``id IN (<placements>)`` had the planner hash-join every listed tool
    (14 ms at 100,000 tools)."""
    through = Tool.secondary_categories.through
    if connections[tools.db].vendor != "postgresql":
        placed = through.objects.filter(category_id__in=ids).values("tool_id")
        return tools.filter(id__in=placed)
    quote = connections[tools.db].ops.quote_name
    placements = (
        f"SELECT {quote('tool_id')} FROM {quote(through._meta.db_table)} "
        f"WHERE {quote('category_id')} = ANY(%s)"
    )
    column = f"{quote(Tool._meta.db_table)}.{quote('id')}"
    return tools.extra(where=[f"{column} = ANY(ARRAY({placements}))"], params=[list(ids)])


def _only_placement_ids(query: ToolQuery) -> tuple[int, ...] | None:
    if query.layer and not query.categories:
        return query.layer_category_ids
    if query.categories and not query.layer:
        return query.category_ids
    return None


def _sum_of_counts(*querysets: QuerySet[Tool]) -> int:
    """The sum of the querysets' counts, in one statement; each counted from the narrow
    ``catalog_tool_match`` when its conditions allow (``catalog.search.match_table``)."""
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets:
        sql, part_params = pks_statement(queryset)
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS part)")
        params.extend(part_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(parts), params)
        return int(cursor.fetchone()[0])


def unsearched(query: ToolQuery) -> ToolQuery:
    """``query`` without its words (in the default order): the tools a search of it looks
    among."""
    return replace(query, q=None, ordering=DEFAULT_ORDERING)


def ordering_field(ordering: str) -> str:
    """The model field an ordering sorts by (``full_name`` sorts case-insensitively)."""
    return ORDER_FIELDS[ordering.lstrip("-")][0]


def ordering_value(tool: Any, ordering: str) -> object:
    """``tool``'s (a ``Tool``, or any row with its fields) value of the sort key, as
    ``tools_after`` compares it."""
    field = ordering_field(ordering)
    value = getattr(tool, field)
    return value.lower() if field == "full_name" else value


def tools_after(
    tools: QuerySet[Tool],
    *,
    ordering: str,
    value: object,
    tool_id: int,
    limit: int,
    fetch: Callable[[QuerySet[Tool]], list[Any]] = list,
) -> list[Any]:
    """Keyset pagination: the first ``limit`` tools of ``tools`` (from ``tool_list``, sorted by
    ``ordering``) that come after the tool whose sort value is ``value`` and id ``tool_id``.

    Each statement is a range on the ordering's index (``score <= v``, ties on v left out up
    to ``tool_id``), so its cost does not grow with how far the list has been read, unlike an
    ``OFFSET``. Tools without a value sort last, by id: once the measured ones run out, a
    second statement reads that tail. Not for ``relevance`` (a search's rank is not stored).
    ``fetch`` reads a sliced queryset (default: model instances).
    """
    if ordering == "relevance":
        raise ValueError("a relevance ordering has no keyset")
    descending = ordering.startswith("-")
    field = ordering_field(ordering)
    if field == "full_name":  # sorted by Lower(full_name): never null
        tools = tools.alias(sort_name=Lower("full_name"))
        field = "sort_name"
    if value is None:  # already in the tail of tools not measured
        return fetch(tools.filter(**{f"{field}__isnull": True, "id__gt": tool_id})[:limit])
    within = Q(**{f"{field}__{'lte' if descending else 'gte'}": value})
    past = Q(**{f"{field}__{'lt' if descending else 'gt'}": value}) | Q(
        **{field: value, "id__gt": tool_id}
    )
    rows = fetch(tools.filter(within, past)[:limit])
    if len(rows) < limit and field != "sort_name":
        rows += fetch(tools.filter(**{f"{field}__isnull": True})[: limit - len(rows)])
    return rows


@dataclass(frozen=True)
class PlacementCounts:
    """Listed active tools in one category and in its layer: what a tool's ranks are "of"."""

    in_category: int
    in_layer: int


def placement_counts(*, category_id: int, layer_id: int) -> PlacementCounts:
    """One statement: the layer's categories joined to the per-category partial index (an
    index-only scan of the layer's listed tools; the former count joined every tool to its
    category, ~300 ms at 100,000 tools)."""
    counts = (
        Tool.objects.listed()
        .active()
        .filter(category__layer_id=layer_id)
        .aggregate(in_category=Count("id", filter=Q(category_id=category_id)), in_layer=Count("id"))
    )
    return PlacementCounts(in_category=counts["in_category"], in_layer=counts["in_layer"])


def tool_detail_counted(
    tool: Tool, *, anchor: date | None, counts: PlacementCounts
) -> selectors.ToolDetail:
    """``selectors.tool_detail`` with the catalog's as-of and the placement counts given (the
    API reads both once per data version): the score breakdown from the tool's snapshots
    (one query) and its ranks "of" those counts."""
    derived = tool_derived(tool, anchor=anchor)
    return selectors.ToolDetail(
        tool=tool,
        breakdown=derived.breakdown,
        category_rank=selectors.PlacementRank(rank=tool.rank_in_category, of=counts.in_category),
        layer_rank=selectors.PlacementRank(rank=tool.rank_in_layer, of=counts.in_layer),
        catalog_as_of=anchor,
        gains_current=derived.current,
        gains_reason=selectors.gains_reason(derived.window_end, anchor),
    )
