"""Leaderboards (rankings by any metric), trending tools and side-by-side comparison."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response

from api.errors import NotFound, ParameterError
from api.filters import (
    FORMAT,
    LAYER,
    SINGLE_CATEGORY,
    TOOL_FILTERS,
    tool_query,
)
from api.renderers import serializer_columns
from api.rows import fetch_rows, fetch_rows_of
from api.serializers import RankedToolSerializer, ToolSerializer
from api.views.base import BAD_REQUEST, NOT_FOUND, CSVExportMixin, ReadView
from catalog import selectors
from catalog.models import Tool
from catalog.query_params import choice_param, date_param, integer_param
from catalog.search import tools_by_repo_name
from catalog.tool_queries import ORDER_FIELDS, tool_list

#: Leaderboard metrics: every ordering key except the name; best (largest / newest) first.
RANKING_METRICS = [key for key in ORDER_FIELDS if key != "name"]
MAX_LIMIT = 200
MAX_COMPARE = 10


def _limit(request) -> int:
    return integer_param(request.query_params, "limit", minimum=1, maximum=MAX_LIMIT) or 50


LIMIT = OpenApiParameter(
    "limit",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    description=f"How many tools, 1–{MAX_LIMIT}; default 50.",
)


class TrendingToolSerializer(RankedToolSerializer):
    """A trending tool; its gain comes from ``context["gains"]`` (tool id → gain)."""

    gain = serializers.SerializerMethodField(help_text="Stars gained, damped against spikes.")

    class Meta(RankedToolSerializer.Meta):
        fields = ["rank", "gain", *ToolSerializer.Meta.fields]
        read_only_fields = fields

    def get_gain(self, tool: Tool) -> int:
        return self.context["gains"][tool.pk]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        """The list row with its rank and gain first, as DRF would give them, without
        building DRF's fields for the two (milliseconds per response)."""
        if not self.lean:
            return super().to_representation(instance)
        context = self._parts().context
        return {
            "rank": context["ranks"][instance.pk],
            "gain": context["gains"][instance.pk],
            **self._row(instance),
        }


@extend_schema(tags=["rankings"])
class Rankings(CSVExportMixin, ReadView):
    """The leaderboard by one metric, best first; tools without a value for it are left out."""

    serializer_class = RankedToolSerializer
    csv_columns = serializer_columns(RankedToolSerializer())
    csv_filename = "strata-rankings"

    @extend_schema(
        summary="Leaderboard by a metric",
        parameters=[
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                enum=RANKING_METRICS,
                description="The metric to rank by, largest (or newest) first. Default `score`.",
            ),
            LIMIT,
            *TOOL_FILTERS,
            FORMAT,
        ],
        responses={
            200: inline_serializer(
                "Leaderboard",
                {
                    "by": serializers.CharField(),
                    "label": serializers.CharField(),
                    "catalog_as_of": serializers.DateField(allow_null=True),
                    "results": RankedToolSerializer(many=True),
                },
            ),
            **BAD_REQUEST,
        },
    )
    def get(self, request):
        by = choice_param(request.query_params, "by", allowed=RANKING_METRICS, default="score")
        limit = _limit(request)
        query = tool_query(request.query_params, taxonomy=self.taxonomy, ordering=f"-{by}")
        field, label = ORDER_FIELDS[by]
        ranked = tool_list(query=query).filter(**{f"{field}__isnull": False})
        tools = fetch_rows(ranked[:limit])  # values, not models: topics in the same query
        ranks = {tool.pk: position for position, tool in enumerate(tools, start=1)}
        as_of = self.catalog_as_of()
        context = {**self.get_serializer_context(), "ranks": ranks, "catalog_as_of": as_of}
        results = self.get_serializer(tools, many=True, context=context).data
        return Response({"by": by, "label": label, "catalog_as_of": as_of, "results": results})


@extend_schema(tags=["rankings"])
class Trending(CSVExportMixin, ReadView):
    """Largest spike-damped star gains over a window; tools without enough history left out."""

    serializer_class = TrendingToolSerializer
    csv_columns = serializer_columns(TrendingToolSerializer())
    csv_filename = "strata-trending"

    @extend_schema(
        summary="Trending tools",
        parameters=[
            OpenApiParameter(
                "window",
                OpenApiTypes.STR,
                enum=list(selectors.TRENDING_WINDOWS),
                description="Gain over the last 7, 30 or 90 days. Default `30d`.",
            ),
            LAYER,
            SINGLE_CATEGORY,
            LIMIT,
            FORMAT,
        ],
        responses={
            200: inline_serializer(
                "TrendingList",
                {
                    "window": serializers.CharField(),
                    "catalog_as_of": serializers.DateField(allow_null=True),
                    "results": TrendingToolSerializer(many=True),
                },
            ),
            **BAD_REQUEST,
        },
    )
    def get(self, request):
        params = request.query_params
        windows = list(selectors.TRENDING_WINDOWS)
        window = choice_param(params, "window", allowed=windows, default="30d")
        limit = _limit(request)
        place = {key: params[key] for key in ("layer", "category") if params.get(key)}
        query = tool_query(place, taxonomy=self.taxonomy)  # a 400 names the allowed slugs
        if len(query.categories) > 1:
            raise ParameterError("category", "give one category only")
        as_of = self.catalog_as_of()  # from the data version: no query
        layer, category = query.layer, query.categories[0] if query.categories else None
        # Values, not models (as the leaderboard); the statement compiled once per arguments.
        tools = fetch_rows_of(
            ("trending", window, layer, category, as_of, limit),
            lambda: selectors.trending_tools(
                window=window, layer=layer, category=category, anchor=as_of
            )[:limit],
        )
        gain = selectors.TRENDING_WINDOWS[window]
        context = {
            **self.get_serializer_context(),
            "ranks": {tool.pk: position for position, tool in enumerate(tools, start=1)},
            "gains": {tool.pk: getattr(tool, gain) for tool in tools},
            "catalog_as_of": as_of,
        }
        results = self.get_serializer(tools, many=True, context=context).data
        return Response({"window": window, "catalog_as_of": as_of, "results": results})


class ComparedToolSerializer(ToolSerializer):
    """A compared tool; its values come from ``context["series"]`` (tool id → values)."""

    series = serializers.SerializerMethodField(
        help_text="One value per entry of `dates`; null where not measured that day."
    )

    class Meta(ToolSerializer.Meta):
        fields = [*ToolSerializer.Meta.fields, "series"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField(allow_null=True)))
    def get_series(self, tool: Tool) -> list[int | None]:
        return self.context["series"][tool.pk]


@extend_schema(tags=["tools"])
class Compare(ReadView):
    """Two to ten tools side by side, with their histories aligned on the same dates."""

    serializer_class = ComparedToolSerializer

    @extend_schema(
        summary="Compare tools",
        parameters=[
            OpenApiParameter(
                "tools",
                OpenApiTypes.STR,
                required=True,
                description=(
                    f"2–{MAX_COMPARE} tools as owner/name, comma-separated; a repository "
                    "name alone will do when one tool has it (several: a 400 listing them)."
                ),
                examples=[],
            ),
            OpenApiParameter(
                "metric",
                OpenApiTypes.STR,
                enum=list(selectors.HISTORY_METRICS),
                description="Which history to align. Default `stars`.",
            ),
            OpenApiParameter("since", OpenApiTypes.DATE, description="First day, YYYY-MM-DD."),
        ],
        responses={
            200: inline_serializer(
                "Comparison",
                {
                    "metric": serializers.CharField(),
                    "dates": serializers.ListField(child=serializers.DateField()),
                    "tools": ComparedToolSerializer(many=True),
                },
            ),
            **BAD_REQUEST,
            **NOT_FOUND,
        },
    )
    def get(self, request):
        params = request.query_params
        names = [part.strip() for part in params.get("tools", "").split(",") if part.strip()]
        if not MAX_COMPARE >= len(names) >= 2:
            raise ParameterError("tools", f"give 2 to {MAX_COMPARE} tools as owner/name,owner/name")
        metric = choice_param(
            params, "metric", allowed=list(selectors.HISTORY_METRICS), default="stars"
        )
        since = date_param(params, "since")
        found = selectors.tools_by_names(names)  # the web compare's lookup: two queries at most
        tools: list[Tool] = []
        for full_name in names:
            tool = found.get(full_name.lower())
            if tool is None and "/" not in full_name:  # a bare repository name (issue 13)
                candidates = tools_by_repo_name(full_name)
                if len(candidates) > 1:
                    raise ParameterError(
                        "tools",
                        f"{full_name} names several tools; give one as owner/name",
                        allowed=[candidate.full_name for candidate in candidates],
                    )
                tool = candidates[0] if candidates else None
            if tool is None:
                raise NotFound("tools", f"no tool named {full_name} in the catalog")
            if any(listed.pk == tool.pk for listed in tools):
                raise ParameterError("tools", f"{full_name} is listed twice")
            tools.append(tool)
        dates, series = selectors.compare_series(tools=tools, metric=metric, since=since)
        prefetch_related_objects(tools, "topics")
        context = {**self.get_serializer_context(), "series": series}
        data = self.get_serializer(tools, many=True, context=context).data
        return Response({"metric": metric, "dates": dates, "tools": data})
