"""Tools: the filtered list, one tool (read, and curator writes), and its metric history."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.utils.serializer_helpers import ReturnDict

from api.caching import by_version
from api.errors import NotFound, ParameterError
from api.filters import FORMAT, ORDERING, TOOL_FILTERS, tool_query
from api.pagination import Pagination
from api.renderers import serializer_columns, streaming_csv
from api.rows import fetch_rows, iter_rows
from api.serializers import (
    LIST_COLUMNS,
    CuratedToolSerializer,
    ToolDetailSerializer,
    ToolSerializer,
)
from api.views.base import (
    BAD_REQUEST,
    NOT_FOUND,
    REDIRECT,
    CSVExportMixin,
    ReadView,
    found_tool,
)
from catalog import selectors, services
from catalog.models import Tool, Topic
from catalog.query_params import choice_param, date_param
from catalog.search import did_you_mean
from catalog.search.engine import SearchPlan, plan_search
from catalog.search.ranked import Matches, proven_match_ids
from catalog.tool_queries import (
    ToolQuery,
    placement_counts,
    tool_count,
    tool_detail_counted,
    tool_list,
    unsearched,
)


@extend_schema(tags=["tools"])
class ToolList(CSVExportMixin, ReadView):
    """Tools matching every filter given, sorted by ``ordering``, a page at a time."""

    serializer_class = ToolSerializer
    pagination_class = Pagination
    csv_columns = serializer_columns(ToolSerializer())
    csv_filename = "strata-tools"

    def query(self) -> ToolQuery:
        if self._query is None:
            self._query = tool_query(self.request.query_params, taxonomy=self.taxonomy)
        return self._query

    _query: ToolQuery | None = None
    _tools: QuerySet[Tool] | None = None
    _plan: SearchPlan | None = None
    _ranker: partial[list[int] | None] | None = None

    def get_queryset(self):
        """The list (made once per request: a search's plan costs a few queries). Sorted by
        relevance, a JSON page is ranked by ``catalog.search.ranked`` from the same plan: the
        best matches of a common word without scoring every match."""
        if self._tools is None:
            query = self.query()
            plan = None
            if query.q:
                among = tool_list(query=unsearched(query))
                plan = plan_search(among, query.q, taxonomy=self.search_categories())
                self._plan = plan
                if query.ordering == "relevance":
                    self._ranker = partial(_ranked_ids, among, query.q, plan)
            tools = tool_list(query=query, plan=plan).only(*LIST_COLUMNS)
            self._tools = tools.prefetch_related(
                Prefetch("topics", queryset=Topic.objects.only("name"))
            )
        return self._tools

    @property
    def pages(self) -> Pagination:
        assert isinstance(self.paginator, Pagination)  # pagination_class
        return self.paginator

    def _count(self) -> int:
        """The row count: what the search plan found when it read every tool, else counted."""
        self.get_queryset()  # makes the plan
        if self._plan is not None and self._plan.match_count is not None:
            return self._plan.match_count
        return tool_count(query=self.query(), plan=self._plan)

    def _configure_pages(self) -> None:
        """The ordering (for cursors), the row count read once per data version and filter,
        and the catalog's as-of from the version already read."""
        query = self.query()
        filters = urlencode(sorted(query.to_params().items() - {("ordering", query.ordering)}))
        self.get_queryset()  # the search plan and, sorted by relevance, the ranker

        def counter() -> int:
            return by_version(self.catalog_version, f"tools-count?{filters}", self._count)

        # A page ranked by relevance is read after the count: the ranker may use it.
        ranker = partial(self._ranker, matches=counter) if self._ranker else None
        self.pages.configure(
            ordering=query.ordering,
            counter=counter,
            as_of=self.catalog_as_of(),
            fetch=fetch_rows,
            iterate=iter_rows,
            ranker=ranker,
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "catalog_as_of": self.catalog_as_of()}

    def precondition_checked(self, request, *args, **kwargs) -> bool:
        self._configure_pages()
        self.pages.check_page(self.get_queryset(), request)
        return True

    @extend_schema(
        summary="List and search tools",
        parameters=[*TOOL_FILTERS, ORDERING, FORMAT],
        responses={200: ToolSerializer(many=True), **BAD_REQUEST, **NOT_FOUND},
    )
    def get(self, request):
        query = self.query()
        self._configure_pages()
        if getattr(request.accepted_renderer, "format", None) == "csv":  # streamed
            tools = self.pages.page_iterator(self.get_queryset(), request)
            serializer = self.get_serializer()  # one instance: rows share its context
            rows = (serializer.to_representation(tool) for tool in tools)
            columns = self.csv_columns or []
            headers = self.pages.headers()
            return streaming_csv(rows, columns, filename=self.csv_filename, headers=headers)
        page = self.paginate_queryset(self.get_queryset())
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        if query.q:  # names close to q when nothing matched, else empty
            found = self.pages.count
            response.data["did_you_mean"] = [] if found else did_you_mean(query.q)
        return response


def _ranked_ids(
    among: QuerySet[Tool],
    q: str,
    plan: SearchPlan,
    offset: int,
    size: int,
    *,
    matches: Matches | None = None,
) -> list[int] | None:
    """The ids of the matches ranked ``offset`` to ``offset + size`` for ``q`` when the
    most starred tools prove them, else None (the page is then read in relevance order)."""
    ids_only = among.select_related(None).prefetch_related(None).only("id")
    return proven_match_ids(ids_only, q, offset=offset, limit=size, plan=plan, matches=matches)


def _detail(tool: Tool, view: ReadView) -> ReturnDict:
    """The tool in full: its names, topics and other placements in one query, its score
    breakdown from its snapshots, its ranks "of" the placement counts kept per version."""
    layer_id = tool.category.layer_id
    counts = by_version(
        view.catalog_version,
        f"placement-counts:{tool.category_id}:{layer_id}",
        lambda: placement_counts(category_id=tool.category_id, layer_id=layer_id),
    )
    detail = tool_detail_counted(tool, anchor=view.catalog_as_of(), counts=counts)
    context = {
        "request": view.request,
        "detail": detail,
        "labels": selectors.tool_labels(tool),
    }
    return ToolDetailSerializer(tool, context=context).data


def _tool_for_curators(owner: str, name: str) -> Tool:
    """Any tool, hidden ones included, by its name or a former name (no redirect for writes)."""
    found = Tool.objects.with_placement().by_name(f"{owner}/{name}")
    tool = found[0] if found else None
    if tool is None:
        raise NotFound("tool", f"no tool named {owner}/{name} in the catalog")
    return tool


@extend_schema(tags=["tools"])
class ToolDetail(ReadView):
    """One tool in full, with its score breakdown and ranks; staff may PATCH curated fields."""

    serializer_class = CuratedToolSerializer

    def precondition_checked(self, request, owner: str, name: str) -> bool:
        return isinstance(found_tool(request, owner, name, route="tool-detail"), Tool)

    @extend_schema(
        summary="One tool",
        responses={200: ToolDetailSerializer, **REDIRECT, **NOT_FOUND, **BAD_REQUEST},
    )
    def get(self, request, owner: str, name: str):
        tool = found_tool(request, owner, name, route="tool-detail")
        if not isinstance(tool, Tool):
            return tool
        return Response(_detail(tool, self))

    @extend_schema(
        summary="Curate a tool (staff token)",
        description=(
            "Change curated fields, move the tool to another category, hide or feature it. "
            "Needs `Authorization: Token <key>` of a staff user. Only the fields listed are "
            "writable; any other field is a 400."
        ),
        request=CuratedToolSerializer,
        responses={
            200: ToolDetailSerializer,
            **BAD_REQUEST,
            **NOT_FOUND,
            401: BAD_REQUEST[400],
            403: BAD_REQUEST[400],
        },
    )
    def patch(self, request, owner: str, name: str):
        tool = _tool_for_curators(owner, name)
        writes = CuratedToolSerializer(data=request.data, partial=True)
        writes.is_valid(raise_exception=True)
        fields = dict(writes.validated_data)
        category = fields.pop("category", None)
        try:
            with transaction.atomic():
                if fields:
                    services.tool_update_curated(tool=tool, fields=fields, user=request.user)
                if category is not None:
                    services.tools_move_to_category(
                        tools=[tool], category=category, user=request.user
                    )
        except services.CurationError as error:
            raise ParameterError(error.field, error.message) from None
        tool = Tool.objects.with_placement().select_related("replaced_by").get(pk=tool.pk)
        return Response(_detail(tool, self))


@extend_schema(tags=["tools"])
class ToolHistory(CSVExportMixin, ReadView):
    """A tool's daily values of one metric, oldest first; a day without a value is null."""

    csv_columns = ["date", "value"]

    def csv_rows(self, data):
        return data["points"]

    def csv_filename(self, request) -> str:
        owner, name = self.kwargs["owner"], self.kwargs["name"]
        return f"{owner}-{name}-{request.query_params.get('metric') or 'stars'}"

    @extend_schema(
        summary="A tool's metric history",
        parameters=[
            OpenApiParameter(
                "metric",
                OpenApiTypes.STR,
                enum=list(selectors.HISTORY_METRICS),
                description="Which metric. Default `stars`.",
            ),
            OpenApiParameter("since", OpenApiTypes.DATE, description="First day, YYYY-MM-DD."),
            OpenApiParameter("until", OpenApiTypes.DATE, description="Last day, YYYY-MM-DD."),
            FORMAT,
        ],
        responses={
            200: inline_serializer(
                "History",
                {
                    "tool": serializers.CharField(),
                    "metric": serializers.CharField(),
                    "since": serializers.DateField(allow_null=True),
                    "until": serializers.DateField(allow_null=True),
                    "points": inline_serializer(
                        "HistoryPoint",
                        {
                            "date": serializers.DateField(),
                            "value": serializers.IntegerField(allow_null=True),
                        },
                        many=True,
                    ),
                },
            ),
            **REDIRECT,
            **NOT_FOUND,
            **BAD_REQUEST,
        },
    )
    def get(self, request, owner: str, name: str):
        params = request.query_params
        metric = choice_param(
            params, "metric", allowed=list(selectors.HISTORY_METRICS), default="stars"
        )
        since, until = date_param(params, "since"), date_param(params, "until")
        if since and until and since > until:
            raise ParameterError("since", "must not be after until")
        tool = found_tool(request, owner, name, route="tool-history")
        if not isinstance(tool, Tool):
            return tool
        points = selectors.tool_history(tool=tool, metric=metric, since=since, until=until)
        return Response(
            {
                "tool": tool.full_name,
                "metric": metric,
                "since": since,
                "until": until,
                "points": [{"date": day, "value": value} for day, value in points],
            }
        )
