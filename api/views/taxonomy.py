"""The taxonomy with its totals (layers, categories) and the survey statistics."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.filters import LAYER, tool_query
from api.serializers import ToolURLs
from api.views.base import BAD_REQUEST, ReadView
from catalog import selectors
from catalog.models import Category, Layer
from catalog.stats import survey_stats


class TopToolSerializer(serializers.Serializer):
    """A leader in a layer or category (only the fields the summaries load)."""

    full_name = serializers.CharField()
    display_name = serializers.CharField()
    stars = serializers.IntegerField(allow_null=True)
    stars_gained_30d = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    detail = serializers.SerializerMethodField()

    def get_detail(self, tool) -> str:
        # Reversed once per response (the context is shared by the nested serializers), not
        # once per leader: reverse() was two thirds of serializing the categories.
        urls = self.context.get("tool_urls")
        if urls is None:  # not setdefault(): its default would be built for every leader
            urls = self.context["tool_urls"] = ToolURLs(self.context.get("request"))
        return urls(tool)[0]


class _Summary(serializers.Serializer):
    tool_count = serializers.IntegerField(help_text="Listed active tools.")
    total_stars = serializers.IntegerField(allow_null=True, help_text="Null: none measured.")
    median_gain_30d = serializers.FloatField(
        allow_null=True, help_text="Median 30-day star gain; null without 30 days of history."
    )
    top_tools = TopToolSerializer(many=True, help_text="Best by score.")
    tools = serializers.SerializerMethodField(help_text="Its tools in the API.")

    def _tools_url(self, **params: str) -> str:
        if "tool_list_url" not in self.context:
            request, path = self.context.get("request"), reverse("api:tool-list")
            self.context["tool_list_url"] = request.build_absolute_uri(path) if request else path
        return self.context["tool_list_url"] + "?" + urlencode(params)


class LayerSummarySerializer(_Summary):
    slug = serializers.CharField(source="layer.slug")
    name = serializers.CharField(source="layer.name")
    description = serializers.CharField(source="layer.description")
    category_count = serializers.IntegerField()

    def get_tools(self, summary) -> str:
        return self._tools_url(layer=summary.layer.slug)


class CategorySummarySerializer(_Summary):
    slug = serializers.CharField(source="category.slug")
    name = serializers.CharField(source="category.name")
    description = serializers.CharField(source="category.description")
    layer = serializers.CharField(source="category.layer.slug", help_text="Its layer's slug.")

    def get_tools(self, summary) -> str:
        return self._tools_url(category=summary.category.slug)


@extend_schema(tags=["taxonomy"])
class LayerList(ReadView):
    """Every layer of the AI stack with its totals and its best tools by score."""

    serializer_class = LayerSummarySerializer
    queryset = Layer.objects.all()  # what the browsable API's forms introspect

    @extend_schema(summary="Layers", responses={200: LayerSummarySerializer(many=True)})
    def get(self, request):
        return Response(self.get_serializer(selectors.layer_summaries(), many=True).data)


@extend_schema(tags=["taxonomy"])
class CategoryList(ReadView):
    """Every category (of one layer with ``?layer=``) with its totals and best tools."""

    serializer_class = CategorySummarySerializer
    queryset = Category.objects.all()  # what the browsable API's forms introspect

    @extend_schema(
        summary="Categories",
        parameters=[LAYER],
        responses={200: CategorySummarySerializer(many=True), **BAD_REQUEST},
    )
    def get(self, request):
        layer = request.query_params.get("layer") or None
        if layer is not None:
            tool_query({"layer": layer})  # an unknown slug is a 400 naming the known ones
        summaries = selectors.category_summaries(layer=layer)
        return Response(self.get_serializer(summaries, many=True).data)


class _YearCount(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True, help_text="Null: creation date unknown.")
    tools = serializers.IntegerField()


class _LayerYears(serializers.Serializer):
    layer = serializers.CharField()
    years = _YearCount(many=True)


class _CategoryYears(_LayerYears):
    category = serializers.CharField()


class _ByYear(serializers.Serializer):
    layers = _LayerYears(many=True)
    categories = _CategoryYears(many=True)


class _Concentration(serializers.Serializer):
    category = serializers.CharField()
    layer = serializers.CharField()
    measured_tools = serializers.IntegerField()
    top_tools = serializers.IntegerField(help_text="The top 10% of measured tools (at least 1).")
    top_share_of_stars = serializers.FloatField(allow_null=True, help_text="0–1.")


class _LayerStalled(serializers.Serializer):
    layer = serializers.CharField()
    measured_tools = serializers.IntegerField(help_text="Tools with a 7-day gain measured.")
    stalled_tools = serializers.IntegerField(help_text="…of which gained no stars.")
    share = serializers.FloatField(allow_null=True, help_text="0–1; null when none measured.")


class _Stalled(serializers.Serializer):
    measured_tools = serializers.IntegerField()
    stalled_tools = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)
    layers = _LayerStalled(many=True)


class _NameCount(serializers.Serializer):
    name = serializers.CharField(allow_null=True, help_text="Null: unknown.")
    tools = serializers.IntegerField()


class _LayerMix(serializers.Serializer):
    layer = serializers.CharField()
    licenses = _NameCount(many=True)
    languages = _NameCount(many=True)


class _Entrant(serializers.Serializer):
    full_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    stars = serializers.IntegerField(allow_null=True)
    category = serializers.CharField()
    layer = serializers.CharField()


class StatsSerializer(serializers.Serializer):
    tools_by_creation_year = _ByYear()
    star_concentration = _Concentration(many=True)
    stalled_last_7_days = _Stalled()
    licenses_and_languages = _LayerMix(many=True)
    newest_entrants = _Entrant(many=True)


@extend_schema(tags=["taxonomy"])
class Stats(ReadView):
    """The survey's questions answered from live data (listed, active tools)."""

    serializer_class = StatsSerializer

    @extend_schema(summary="State of open-source AI", responses={200: StatsSerializer})
    def get(self, request):
        return Response(self.get_serializer(survey_stats()).data)
