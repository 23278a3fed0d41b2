"""The one way to filter, search and order tools: the REST API and the web search page both
parse their query string with ``parse_tool_query`` and list with ``tool_list``.

Every parameter is validated here, so a bad value becomes a ``ToolQueryError`` naming the
parameter and what it accepts, never a server error or a silently ignored filter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time

from django.db.models import Exists, F, OrderBy, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from catalog.lifecycle import LIFECYCLES
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
from catalog.search.engine import by_relevance

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
    "ToolQuery",
    "ToolQueryError",
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


def parse_tool_query(params: Mapping) -> ToolQuery:
    """Validate a query string (a QueryDict or a plain mapping) into a ``ToolQuery``."""
    layer = single(params, "layer")
    if layer is not None:
        choices("layer", [layer], list(Layer.objects.values_list("slug", flat=True)))
    categories: Sequence[str] = values(params, "category")
    if categories:
        allowed = list(Category.objects.values_list("slug", flat=True))
        categories = choices("category", categories, allowed)
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
    )
    low, high = query.stars_min, query.stars_max
    if low is not None and high is not None and low > high:
        raise ToolQueryError("stars_min", "must not be greater than stars_max")
    return query


def _placed_in(**lookup: object) -> Q:
    """Primary category matching ``lookup``, or a secondary placement matching it."""
    on_category = {f"category__{key}": value for key, value in lookup.items()}
    secondary = Tool.secondary_categories.through.objects.filter(
        tool_id=OuterRef("pk"), **on_category
    )
    return Q(**on_category) | Q(Exists(secondary))


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


def tool_list(*, query: ToolQuery) -> QuerySet[Tool]:
    """Listed tools matching ``query``, searched and ordered, with their placement loaded."""
    tools = Tool.objects.listed().with_placement().filter(status__in=query.statuses)
    if query.layer:
        tools = tools.filter(_placed_in(layer__slug=query.layer))
    if query.categories:
        tools = tools.filter(_placed_in(slug__in=list(query.categories)))
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
        tools = tools.search(query.q)
    return _ordered(tools, query.ordering)
