"""Tool representations. Every serializer lists its fields explicitly; the only writable one,
``CuratedToolSerializer``, accepts curated fields and the category and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from catalog.models import Category, Layer, Tool
from catalog.names import NamedPath
from catalog.ranking.derive import current_gains
from catalog.selectors import ToolDetail, ToolLabels, catalog_as_of


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


class ToolURLs:
    """A tool's three URLs, their patterns reversed once per response and filled in per row
    (``reverse()`` three times per row was ~150 calls per page of 50)."""

    def __init__(self, request) -> None:
        self.origin = _absolute(request, "/")[:-1]  # scheme and host, or "" without a request
        self.paths = [
            NamedPath("api:tool-detail"),
            NamedPath("api:tool-history"),
            NamedPath("catalog:tool-detail"),
        ]

    def __call__(self, tool: Tool) -> tuple[str, str, str]:
        return self.of(tool.owner, tool.repo_name)

    def of(self, owner: str, name: str) -> tuple[str, str, str]:
        """The URLs of the tool ``owner/name``."""
        origin, (detail, history, web) = self.origin, self.paths
        return (
            origin + detail(owner, name),
            origin + history(owner, name),
            origin + web(owner, name),
        )


#: The columns a list row reads (``only()``): the search text, curator notes, integrity
#: signals, refresh bookkeeping and the like stay in the database.
LIST_COLUMNS = (
    "id", "full_name", "display_name", "description", "short_description",
    "category__slug", "category__name", "category__layer__slug", "category__layer__name",
    "language", "license_spdx", "homepage", "github_homepage",
    "status", "archived", "is_fork", "featured", "deprecated", "lifecycle",
    "stars", "forks", "watchers", "open_issues", "open_pull_requests",
    "contributors", "contributors_is_lower_bound", "commits_90d",
    "release_count", "last_release_at", "pushed_at", "repo_created_at", "metrics_as_of",
    "stars_gained_7d", "stars_gained_30d", "stars_gained_90d", "growth_30d",
    "gains_window_end", "activity", "score", "score_provisional", "score_version",
    "rank_in_category", "rank_in_layer", "rankings_computed_at",
)  # fmt: skip


def _number(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


_DATETIME = serializers.DateTimeField()
#: Time zone names whose offset is always zero.
_UTC_ZONES = ("UTC", "Etc/UTC")
_int, _float = _number(int), _number(float)


def _datetimes() -> Callable[[Any], str | None]:
    """DRF's ``DateTimeField`` output (ISO 8601 in the current time zone, ``Z`` for UTC) with
    the zone looked up once per response instead of once per value."""
    if not settings.USE_TZ or str(api_settings.DATETIME_FORMAT).lower() != ISO_8601:
        return _number(_DATETIME.to_representation)
    zone = timezone.get_current_timezone()
    # PostgreSQL's values come in UTC (``datetime.UTC``): with the current zone UTC
    # too, converting them changes nothing, and skipping it is a third of a value's time.
    unchanged = getattr(zone, "key", None) in _UTC_ZONES

    def convert(value: Any) -> str | None:
        if value is None:
            return None
        if unchanged and value.tzinfo is UTC:
            return value.isoformat()[:-6] + "Z"
        if not timezone.is_aware(value):
            return _DATETIME.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


class RowParts:
    """What the list rows of one response share, looked up once for all of them: the URL
    patterns, the datetime format, the catalog's as-of and the context itself (DRF's
    ``self.context`` walks up to the root serializer on every read; several reads per row)."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context
        self.urls = ToolURLs(context.get("request"))
        self.datetime = _datetimes()
        if "catalog_as_of" not in context:  # views give it (from the data version read)
            context["catalog_as_of"] = catalog_as_of()
        self.catalog_as_of: date | None = context["catalog_as_of"]


class ToolSerializer(serializers.ModelSerializer):
    """One tool in a list: identity, placement, metrics, derived ranking fields, status, links.

    A list row is built directly (``_row``), not field by field through DRF: the same JSON
    (``tests/api/test_serializers.py`` compares the two), about a tenth of the Python time —
    at 10,000 rows of a CSV export, seconds. Subclasses' extra fields go through DRF.
    """

    #: Build rows with ``_row`` (False: every field through DRF, as for the tool detail).
    lean = True

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
        return current_gains(tool.gains_window_end, self._parts().catalog_as_of)

    def to_representation(self, instance: Any) -> dict[str, Any]:  # a Tool or a ToolRow
        if not self.lean:
            return super().to_representation(instance)
        row = self._row(instance)
        extra = self._extra_fields()
        if not extra:
            return row
        for name, field in extra.items():
            attribute = field.get_attribute(instance)
            row[name] = None if attribute is None else field.to_representation(attribute)
        return {name: row[name] for name in self.Meta.fields}

    def _extra_fields(self) -> dict[str, serializers.Field]:
        """Fields a subclass adds to the list row (rank, gain, series), through DRF (building
        DRF's fields costs milliseconds: only when there are some)."""
        extra = getattr(self, "_extra", None)
        if extra is None:
            base = set(ToolSerializer.Meta.fields)
            names = [name for name in self.Meta.fields if name not in base]
            extra = {name: self.fields[name] for name in names} if names else {}
            self._extra: dict[str, serializers.Field] | None = extra
        return extra

    _row_parts: RowParts | None = None

    def _parts(self) -> RowParts:
        """The parts every row of this response shares (a list's rows share one serializer,
        as does a streamed export's)."""
        parts = self._row_parts
        if parts is None:
            parts = self._row_parts = RowParts(self.context)
        return parts

    @staticmethod
    def _topic_names(tool: Any) -> list[str]:
        names = getattr(tool, "topic_names", None)  # an api.rows.ToolRow
        if names is not None:
            return list(names)
        prefetched = getattr(tool, "_prefetched_objects_cache", {}).get("topics")
        topics = prefetched if prefetched is not None else tool.topics.all()
        return [topic.name for topic in topics]

    def _row(self, tool: Any) -> dict[str, Any]:  # a Tool or an api.rows.ToolRow
        """``ToolSerializer``'s fields of ``tool``, in order, as DRF would give them."""
        parts = self._parts()
        category = tool.category
        layer = category.layer
        owner, name = tool.owner, tool.repo_name
        detail, history, web = parts.urls.of(owner, name)
        _datetime = parts.datetime
        window_end = tool.gains_window_end
        return {
            "full_name": tool.full_name,
            "owner": owner,
            "name": name,
            "display_name": tool.display_name,
            "description": tool.description,
            "short_description": tool.short_description,
            "layer": {"slug": layer.slug, "name": layer.name},
            "category": {"slug": category.slug, "name": category.name},
            "topics": self._topic_names(tool),
            "language": tool.language,
            "license": tool.license_spdx,
            "status": tool.status,
            "archived": tool.archived,
            "is_fork": tool.is_fork,
            "featured": tool.featured,
            "deprecated": tool.deprecated,
            "lifecycle": tool.lifecycle,
            "stars": _int(tool.stars),
            "forks": _int(tool.forks),
            "watchers": _int(tool.watchers),
            "open_issues": _int(tool.open_issues),
            "open_pull_requests": _int(tool.open_pull_requests),
            "contributors": _int(tool.contributors),
            "contributors_is_lower_bound": tool.contributors_is_lower_bound,
            "commits_90d": _int(tool.commits_90d),
            "release_count": _int(tool.release_count),
            "last_release_at": _datetime(tool.last_release_at),
            "pushed_at": _datetime(tool.pushed_at),
            "created_at": _datetime(tool.repo_created_at),
            "metrics_as_of": _datetime(tool.metrics_as_of),
            "stars_gained_7d": _int(tool.stars_gained_7d),
            "stars_gained_30d": _int(tool.stars_gained_30d),
            "stars_gained_90d": _int(tool.stars_gained_90d),
            "growth_30d": _float(tool.growth_30d),
            "gains_window_end": window_end.isoformat() if window_end else None,
            "gains_current": current_gains(window_end, parts.catalog_as_of),
            "activity": _float(tool.activity),
            "score": _float(tool.score),
            "score_provisional": tool.score_provisional,
            "score_version": tool.score_version,
            "rank_in_category": _int(tool.rank_in_category),
            "rank_in_layer": _int(tool.rank_in_layer),
            "rankings_computed_at": _datetime(tool.rankings_computed_at),
            "links": {
                "github": tool.github_url,
                "homepage": tool.homepage or tool.github_homepage or None,
                "detail": detail,
                "history": history,
                "web": web,
            },
        }


class RankedToolSerializer(ToolSerializer):
    """A tool on a leaderboard; its position comes from ``context["ranks"]`` (tool id → rank)."""

    rank = serializers.SerializerMethodField(help_text="Position on this leaderboard.")

    class Meta(ToolSerializer.Meta):
        fields = ["rank", *ToolSerializer.Meta.fields]
        read_only_fields = fields

    def get_rank(self, tool: Tool) -> int:
        return self.context["ranks"][tool.pk]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        """The list row with its rank first, as DRF would give it, without building DRF's
        field for it."""
        if not self.lean:
            return super().to_representation(instance)
        return {"rank": self._parts().context["ranks"][instance.pk], **self._row(instance)}


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

    lean = False  # one row, whose gains_current and homepage come from its own methods

    homepage = serializers.SerializerMethodField()
    secondary_categories = serializers.SerializerMethodField()
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

    # Names, topics and other placements come from ``context["labels"]`` (``tool_labels``:
    # one query for the three) when the view gives it.
    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_former_names(self, tool: Tool) -> list[str]:
        labels: ToolLabels | None = self.context.get("labels")
        if labels is not None:
            return list(labels.former_names)
        return [former.full_name for former in tool.former_names.order_by("full_name")]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_topics(self, tool: Tool) -> list[str]:
        labels: ToolLabels | None = self.context.get("labels")
        if labels is not None:
            return list(labels.topics)
        return super().get_topics(tool)

    @extend_schema_field(CategoryRefSerializer(many=True))
    def get_secondary_categories(self, tool: Tool) -> list[dict[str, str]]:
        labels: ToolLabels | None = self.context.get("labels")
        if labels is not None:
            return [{"slug": link.slug, "name": link.name} for link in labels.also_in]
        return [{"slug": c.slug, "name": c.name} for c in tool.secondary_categories.all()]

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
