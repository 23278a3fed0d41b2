"""Tool representations. Every serializer lists its fields explicitly; the only writable one,
``CuratedToolSerializer``, accepts curated fields and the category and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Category, Layer, Tool
from catalog.ranking.derive import current_gains
from catalog.selectors import ToolDetail, catalog_as_of


class LayerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Layer
        fields = ["slug", "name"]


class CategoryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name"]


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


class ToolLinksSerializer(serializers.Serializer):
    github = serializers.URLField(source="github_url", help_text="The repository on GitHub.")
    homepage = serializers.SerializerMethodField(help_text="Curated, else GitHub's; or null.")
    detail = serializers.SerializerMethodField(help_text="This tool in the API.")
    history = serializers.SerializerMethodField(help_text="Its daily metric history.")
    web = serializers.SerializerMethodField(help_text="Its page on the website.")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_homepage(self, tool: Tool) -> str | None:
        return tool.homepage or tool.github_homepage or None

    def _api(self, name: str, tool: Tool) -> str:
        kwargs = {"owner": tool.owner, "name": tool.repo_name}
        return _absolute(self.context.get("request"), reverse(f"api:{name}", kwargs=kwargs))

    def get_detail(self, tool: Tool) -> str:
        return self._api("tool-detail", tool)

    def get_history(self, tool: Tool) -> str:
        return self._api("tool-history", tool)

    def get_web(self, tool: Tool) -> str:
        return _absolute(self.context.get("request"), tool.get_absolute_url())


class ToolSerializer(serializers.ModelSerializer):
    """One tool in a list: identity, placement, metrics, derived ranking fields, status, links."""

    owner = serializers.CharField(read_only=True)
    name = serializers.CharField(source="repo_name", read_only=True, help_text="Repository name.")
    layer = LayerRefSerializer(source="category.layer", read_only=True)
    category = CategoryRefSerializer(read_only=True)
    topics = serializers.SerializerMethodField()
    license = serializers.CharField(
        source="license_spdx", read_only=True, help_text="SPDX id; empty when unknown."
    )
    created_at = serializers.DateTimeField(
        source="repo_created_at", allow_null=True, read_only=True, help_text="Repo created."
    )
    links = ToolLinksSerializer(source="*", read_only=True)
    gains_current = serializers.SerializerMethodField(
        help_text=(
            "Whether the gains' windows end within 7 days of the catalog's as-of; when false, "
            "gains and growth are null (not current) and the score is provisional."
        )
    )

    class Meta:
        model = Tool
        fields = [
            "full_name", "owner", "name", "display_name", "description", "short_description",
            "layer", "category", "topics", "language", "license",
            "status", "archived", "is_fork", "featured", "deprecated", "lifecycle",
            "stars", "forks", "watchers", "open_issues", "open_pull_requests",
            "contributors", "contributors_is_lower_bound", "commits_90d",
            "release_count", "last_release_at", "pushed_at", "created_at", "metrics_as_of",
            "stars_gained_7d", "stars_gained_30d", "stars_gained_90d", "growth_30d",
            "gains_window_end", "gains_current",
            "activity", "score", "score_provisional", "score_version",
            "rank_in_category", "rank_in_layer", "rankings_computed_at", "links",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_topics(self, tool: Tool) -> list[str]:
        return [topic.name for topic in tool.topics.all()]  # prefetched by the views

    def get_gains_current(self, tool: Tool) -> bool:
        if "catalog_as_of" not in self.context:  # once per response: rows share the context
            self.context["catalog_as_of"] = catalog_as_of()
        return current_gains(tool.gains_window_end, self.context["catalog_as_of"])


class RankedToolSerializer(ToolSerializer):
    """A tool on a leaderboard; its position comes from ``context["ranks"]`` (tool id → rank)."""

    rank = serializers.SerializerMethodField(help_text="Position on this leaderboard.")

    class Meta(ToolSerializer.Meta):
        fields = ["rank", *ToolSerializer.Meta.fields]
        read_only_fields = fields

    def get_rank(self, tool: Tool) -> int:
        return self.context["ranks"][tool.pk]


class ScoreComponentSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    raw_value = serializers.FloatField(allow_null=True, help_text="The measured input, or null.")
    normalised = serializers.FloatField(allow_null=True, help_text="0–1 after capping.")
    weight = serializers.FloatField(help_text="Weight applied (renormalised over known inputs).")
    contribution = serializers.FloatField(help_text="Points of the 0–100 score.")
    note = serializers.CharField(help_text="How it was measured, or why it is missing.")


class ScoreBreakdownSerializer(serializers.Serializer):
    version = serializers.CharField(help_text="Version of the score formula.")
    score = serializers.FloatField(allow_null=True)
    window_end = serializers.DateField(allow_null=True, help_text="Day the gain windows end.")
    provisional = serializers.BooleanField(
        help_text="Scored from stars, activity and contributors only: no current star trend."
    )
    reason = serializers.CharField(
        help_text="Why the score is provisional or missing (empty for a full score)."
    )
    not_current = serializers.CharField(
        help_text="Why the star trend is not current (empty when it is, or when there is none)."
    )
    components = ScoreComponentSerializer(many=True)


class PlacementRankSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True, help_text="1 = best score; null: unranked.")
    of = serializers.IntegerField(help_text="Listed active tools there.")


class PlacementRanksSerializer(serializers.Serializer):
    category = PlacementRankSerializer(help_text="Rank by score within its category.")
    layer = PlacementRankSerializer(help_text="Rank by score within its layer.")


class IntegritySerializer(serializers.Serializer):
    status = serializers.CharField(
        source="integrity_status",
        help_text='"needs-review" when a star-integrity signal is above its threshold '
        '(docs/integrity.md), "cleared" after a curator looked, else "".',
    )
    signals = serializers.JSONField(
        source="integrity_signals", help_text="Each signal: above its threshold or not, and why."
    )
    note = serializers.CharField(source="integrity_note", help_text="The curator's note.")
    checked_at = serializers.DateTimeField(source="integrity_checked_at", allow_null=True)


class ToolDetailSerializer(ToolSerializer):
    """One tool in full: the list fields plus its history of names, placements and score."""

    homepage = serializers.SerializerMethodField()
    secondary_categories = CategoryRefSerializer(many=True, read_only=True)
    former_names = serializers.SerializerMethodField()
    replaced_by = serializers.CharField(
        source="replaced_by.full_name", allow_null=True, read_only=True, default=None
    )
    # From the ``ToolDetail`` the view passes as ``context["detail"]``.
    score_breakdown = serializers.SerializerMethodField()
    ranks = serializers.SerializerMethodField()
    catalog_as_of = serializers.SerializerMethodField(
        help_text="The catalog's as-of: the day of its newest observation."
    )
    gains_reason = serializers.SerializerMethodField(
        help_text="Why the gains are null: not measured, or not current (empty when current)."
    )
    integrity = IntegritySerializer(source="*", read_only=True)

    class Meta(ToolSerializer.Meta):
        fields = [
            *ToolSerializer.Meta.fields,
            "homepage", "secondary_categories", "former_names", "replaced_by",
            "source", "source_label", "last_refreshed_at", "last_refresh_error",
            "score_breakdown", "ranks", "catalog_as_of", "gains_reason", "integrity",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_homepage(self, tool: Tool) -> str | None:
        return tool.homepage or tool.github_homepage or None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_former_names(self, tool: Tool) -> list[str]:
        return [former.full_name for former in tool.former_names.all()]

    @extend_schema_field(ScoreBreakdownSerializer)
    def get_score_breakdown(self, tool: Tool) -> dict[str, Any]:
        detail: ToolDetail = self.context["detail"]
        return ScoreBreakdownSerializer(detail.breakdown).data

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_catalog_as_of(self, tool: Tool) -> str | None:
        detail: ToolDetail = self.context["detail"]
        return detail.catalog_as_of.isoformat() if detail.catalog_as_of else None

    def get_gains_reason(self, tool: Tool) -> str:
        detail: ToolDetail = self.context["detail"]
        return detail.gains_reason

    def get_gains_current(self, tool: Tool) -> bool:
        detail: ToolDetail = self.context["detail"]
        return detail.gains_current

    @extend_schema_field(PlacementRanksSerializer)
    def get_ranks(self, tool: Tool) -> dict[str, Any]:
        detail: ToolDetail = self.context["detail"]
        ranks = {"category": detail.category_rank, "layer": detail.layer_rank}
        return PlacementRanksSerializer(ranks).data


class CuratedToolSerializer(serializers.Serializer):
    """What a curator may change (PATCH): curated fields and the primary category."""

    display_name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    homepage = serializers.URLField(max_length=500, allow_blank=True, required=False)
    short_description = serializers.CharField(max_length=300, allow_blank=True, required=False)
    featured = serializers.BooleanField(required=False)
    hidden = serializers.BooleanField(required=False)
    deprecated = serializers.BooleanField(required=False)
    replaced_by = serializers.CharField(
        allow_null=True, required=False, help_text="owner/name of the replacing tool, or null."
    )
    curator_notes = serializers.CharField(allow_blank=True, required=False)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False
    )

    def validate(self, attrs: dict) -> dict:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            allowed = ", ".join(self.fields)
            message = f"is not writable (allowed: {allowed})"
            raise serializers.ValidationError({unknown[0]: [message]})
        return attrs

    def validate_replaced_by(self, value: str | None) -> Tool | None:
        if value is None:
            return None
        tool = Tool.objects.by_full_name(value).first()
        if tool is None:
            raise serializers.ValidationError(f"no tool named {value!r} in the catalog")
        return tool
