"""Autocomplete: the best few tools for what someone is typing (header box, compare inputs)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.errors import ParameterError
from api.serializers import CategoryRefSerializer
from api.views.base import BAD_REQUEST, ReadView
from catalog.models import Tool
from catalog.query_params import ToolQueryError, text_param
from catalog.search import autocomplete
from catalog.search.engine import AUTOCOMPLETE_LIMIT
from catalog.tool_queries import Q_MAX_LENGTH


class SuggestionSerializer(serializers.ModelSerializer):
    category = CategoryRefSerializer(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="Web page.")

    class Meta:
        model = Tool
        fields = ["full_name", "display_name", "category", "stars", "url"]
        read_only_fields = fields


def suggestion(tool: Tool) -> dict[str, Any]:
    """``SuggestionSerializer``'s item, built directly: the same JSON without building DRF's
    fields for every response (more Python than the search itself for ten tools)."""
    category = tool.category
    return {
        "full_name": tool.full_name,
        "display_name": tool.display_name,
        "category": {"slug": category.slug, "name": category.name},
        "stars": tool.stars,
        "url": tool.get_absolute_url(),
    }


@extend_schema(tags=["tools"])
class Autocomplete(ReadView):
    """Up to ten listed tools best matching a partly typed name or concept (typos forgiven)."""

    serializer_class = SuggestionSerializer
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Autocomplete tool names",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": Q_MAX_LENGTH},
                OpenApiParameter.QUERY,
                description="What has been typed so far; blank or absent gives no results.",
            )
        ],
        responses={
            200: inline_serializer(
                "Autocomplete",
                {"q": serializers.CharField(), "results": SuggestionSerializer(many=True)},
            ),
            **BAD_REQUEST,
        },
    )
    def get(self, request):
        try:
            q = text_param(request.query_params, "q", max_length=Q_MAX_LENGTH) or ""
        except ToolQueryError as error:
            raise ParameterError.from_query_error(error) from None
        tools = autocomplete(q, limit=AUTOCOMPLETE_LIMIT, taxonomy=self.search_categories())
        return Response({"q": q, "results": [suggestion(tool) for tool in tools]})
