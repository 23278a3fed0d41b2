"""The API side of tool filtering: request → ``ToolQuery`` (through ``catalog.tool_queries``,
the one implementation the web search page shares) and the OpenAPI description of every
parameter, with its type, meaning and an example.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from api.errors import ParameterError
from catalog.lifecycle import LIFECYCLES
from catalog.tool_queries import (
    ANY_STATUS,
    MAX_VALUES,
    ORDERINGS,
    PERMISSIVE,
    Q_MAX_LENGTH,
    STATUSES,
    Taxonomy,
    ToolQuery,
    ToolQueryError,
    load_taxonomy,
    parse_tool_query,
)


def tool_query(
    params: Mapping, *, taxonomy: Callable[[], Taxonomy] = load_taxonomy, **overrides: str
) -> ToolQuery:
    """Parse query parameters (with ``overrides`` replacing some) or raise a 400 naming one;
    ``taxonomy()`` gives the layers and categories to check slugs against."""
    if overrides:
        merged = params.copy() if isinstance(params, QueryDict) else QueryDict(mutable=True)
        if not isinstance(params, QueryDict):
            merged.update(params)
        for name, value in overrides.items():
            merged.setlist(name, [value])
        params = merged
    try:
        return parse_tool_query(params, taxonomy=taxonomy)
    except ToolQueryError as error:
        raise ParameterError.from_query_error(error) from None


_SCHEMA = {
    OpenApiTypes.STR: {"type": "string"},
    OpenApiTypes.INT: {"type": "integer"},
    OpenApiTypes.BOOL: {"type": "boolean"},
    OpenApiTypes.DATE: {"type": "string", "format": "date"},
}


def _param(name, kind, description, example, enum=None, **schema) -> OpenApiParameter:
    """A documented query parameter; ``schema`` adds JSON-schema limits (maxLength, minimum…)."""
    return OpenApiParameter(
        name,
        {**_SCHEMA[kind], **schema},
        OpenApiParameter.QUERY,
        description=description,
        enum=enum,
        examples=[OpenApiExample(f"{name}={example}", value=example)],
    )


_SLUGS = f"several allowed, comma-separated or repeated (at most {MAX_VALUES})"

LAYER = _param(
    "layer",
    OpenApiTypes.STR,
    "Layer slug (see `/api/v1/layers/`); a secondary placement counts.",
    "data",
    maxLength=64,
)
CATEGORY = _param(
    "category",
    OpenApiTypes.STR,
    f"Category slug (see `/api/v1/categories/`), {_SLUGS}; a secondary placement counts.",
    "vector-databases,agent-frameworks",
    maxLength=1000,
)
SINGLE_CATEGORY = _param(
    "category",
    OpenApiTypes.STR,
    "One category slug (see `/api/v1/categories/`).",
    "agent-frameworks",
    maxLength=64,
)
FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["json", "csv"],
    description="`csv` downloads the same data as CSV (one row per item); JSON by default.",
)

TOOL_FILTERS = [
    LAYER,
    CATEGORY,
    _param("language", OpenApiTypes.STR, "Primary language, any case.", "Python", maxLength=100),
    _param(
        "license",
        OpenApiTypes.STR,
        f"SPDX licence id(s), any case, {_SLUGS}; `{PERMISSIVE}` stands for every common "
        "permissive licence (MIT, Apache-2.0, BSD, ISC, …).",
        "permissive",
        maxLength=1000,
    ),
    _param("topic", OpenApiTypes.STR, f"GitHub topic(s), {_SLUGS}.", "rag", maxLength=1000),
    _param(
        "status",
        OpenApiTypes.STR,
        f"Repository status(es): {', '.join(STATUSES)}, or `{ANY_STATUS}`; {_SLUGS}. "
        "Default `active`: archived, missing and blocked tools appear only when asked for.",
        "active,archived",
        maxLength=200,
    ),
    _param(
        "lifecycle",
        OpenApiTypes.STR,
        f"Lifecycle label(s): {', '.join(LIFECYCLES)} (rules in docs/lifecycle.md); {_SLUGS}.",
        "rising,steady",
        maxLength=200,
    ),
    _param("featured", OpenApiTypes.BOOL, "Only tools curators featured (true) or not.", True),
    _param("stars_min", OpenApiTypes.INT, "At least this many stars.", 1000, minimum=0),
    _param("stars_max", OpenApiTypes.INT, "At most this many stars.", 50000, minimum=0),
    _param("gained_30d_min", OpenApiTypes.INT, "Gained at least this many stars in 30 days.", 100),
    _param(
        "pushed_after",
        OpenApiTypes.DATE,
        "Pushed to on or after this day (active since).",
        "2026-01-01",
    ),
    _param("created_after", OpenApiTypes.DATE, "Created on or after this day.", "2024-01-01"),
    _param(
        "q",
        OpenApiTypes.STR,
        "Search words over name, description and topics; each word also matches as a prefix, "
        "and a misspelt name still matches (PostgreSQL). Results sort by relevance unless "
        f"`ordering` is given. At most {Q_MAX_LENGTH} characters.",
        "vector search",
        maxLength=Q_MAX_LENGTH,
    ),
]
ORDERING = _param(
    "ordering",
    OpenApiTypes.STR,
    "Sort key; a leading `-` means descending. Tools not yet measured always come last; ties "
    "are broken by a stable id. Default `-score` (`relevance` when `q` is given).",
    "-gained_30d",
    enum=list(ORDERINGS),
)
