"""Tools: curated fields editable; GitHub facts, metrics, provenance and refresh state read-only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from catalog import services
from catalog.admin.paging import EstimatedCountPaginator
from catalog.admin.search import tool_search
from catalog.admin.tool_actions import TOOL_ACTIONS
from catalog.admin.tool_filters import (
    CategoryFilter,
    LanguageFilter,
    LayerFilter,
    LicenceFilter,
    RefreshHealthFilter,
)
from catalog.admin.tool_integrity import integrity_evidence
from catalog.models import Category, FormerName, Tool
from catalog.ranking.writer import tool_score_breakdown

RECENT_SNAPSHOTS = 30

GITHUB_FACTS = (
    "github_id",
    "github_node_id",
    "description",
    "github_homepage",
    "license_spdx",
    "language",
    "topic_names",
    "repo_created_at",
    "pushed_at",
    "archived",
    "is_fork",
    "status",
)
METRICS = (
    "stars",
    "forks",
    "watchers",
    "open_issues",
    "open_pull_requests",
    "contributors",
    "contributors_is_lower_bound",
    "commits_90d",
    "release_count",
    "last_release_at",
    "metrics_as_of",
)
RANKINGS = (
    "stars_gained_7d",
    "stars_gained_30d",
    "stars_gained_90d",
    "growth_display",
    "activity_display",
    "score_display",
    "score_version",
    "rank_in_category",
    "rank_in_layer",
    "rankings_computed_at",
)
PROVENANCE = ("source", "source_label", "also_listed_in", "placement", "added_at", "updated_at")
INTEGRITY = (
    "integrity_status",
    "integrity_evidence",
    "integrity_note",
    "integrity_checked_at",
    "lifecycle",
)
REFRESH_STATE = (
    "last_refreshed_at",
    "last_refresh_error",
    "consecutive_failures",
    "contributors_refreshed_at",
)


class FormerNameInline(admin.TabularInline):
    model = FormerName
    extra = 0
    fields = ("full_name", "recorded_at")
    readonly_fields = ("recorded_at",)
    view_on_site = False
    verbose_name_plural = "Former names (an old owner/name still finds the tool)"


@admin.register(Tool)
class ToolAdmin(admin.ModelAdmin):
    # A homepage typed without a scheme is taken as https:// (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Seven columns fit a 1280 px laptop next to the filters; the rest is on the change page
    # (display name, gains, failures) and in the filters (featured, hidden, deprecated).
    list_display = (
        "full_name",
        "category",
        "stars",
        "score_display",
        "status",
        "flags",
        "consecutive_failures",
    )
    list_filter = (
        LayerFilter,
        CategoryFilter,
        "status",
        LanguageFilter,
        LicenceFilter,
        "featured",
        "hidden",
        "deprecated",
        "integrity_status",
        RefreshHealthFilter,
    )
    list_select_related = ("category__layer",)
    list_per_page = 50
    list_max_show_all = 500
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice would scan 100k tools
    paginator = EstimatedCountPaginator
    ordering = (Lower("full_name"),)  # type: ignore[assignment]  # Django takes expressions
    # One column holds names, descriptions and topics (Tool.compose_search_document):
    # no join through topics, so no duplicate rows and no DISTINCT.
    search_fields = ("full_name", "display_name", "search_document")
    search_help_text = (
        "Words in the name, display name, topics, category or description; typos forgiven."
    )
    autocomplete_fields = ("category", "secondary_categories", "replaced_by")
    actions = TOOL_ACTIONS
    inlines = (FormerNameInline,)
    save_on_top = True
    readonly_fields = (
        *GITHUB_FACTS,
        *METRICS,
        *RANKINGS,
        *PROVENANCE,
        *REFRESH_STATE,
        *INTEGRITY,
        "recent_snapshots",
        "score_breakdown",
    )
    fieldsets = (
        (None, {"fields": ("full_name", "category", "secondary_categories")}),
        (
            "Curation",
            {
                "fields": (
                    "display_name",
                    "short_description",
                    "homepage",
                    ("featured", "hidden"),
                    ("deprecated", "replaced_by"),
                    "curator_notes",
                )
            },
        ),
        ("Where it came from", {"fields": PROVENANCE}),
        ("Refresh", {"fields": REFRESH_STATE}),
        ("GitHub facts (from the last refresh)", {"fields": GITHUB_FACTS}),
        ("Metrics", {"fields": METRICS}),
        ("Rankings", {"fields": (*RANKINGS, "score_breakdown")}),
        (
            "Star integrity (evidence, never a verdict; docs/integrity.md)",
            {"fields": INTEGRITY},
        ),
        ("History", {"fields": ("recent_snapshots",)}),
    )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """The site's search (catalog.search): indexed on both databases, typos forgiven."""
        return tool_search(queryset, search_term), False

    def get_readonly_fields(self, request: HttpRequest, obj: Tool | None = None):
        # The owner/name follows GitHub once the tool exists (renames are tracked by refresh).
        readonly = super().get_readonly_fields(request, obj)
        return ("full_name", *readonly) if obj else readonly

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tool]:
        return super().get_queryset(request).select_related("category__layer", "replaced_by")

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        # Selected categories are shown as "Layer › Category": read their layers in the same query.
        if db_field.name in ("category", "secondary_categories"):
            kwargs["queryset"] = Category.objects.select_related("layer")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj: Tool, form, change: bool) -> None:
        obj.search_document = obj.compose_search_document()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # secondary categories saved here
        if not change or {"category", "hidden", "secondary_categories"} & set(form.changed_data):
            # Who is listed where changed (a tool added, moved, hidden, placed in other
            # categories): ranks and the layers' stored summaries, whose counts the lists
            # read (``catalog.list_counts``), follow.
            category_ids = {form.instance.category_id, form.initial.get("category")}
            services.layers_rerank(layer_ids=services.layers_of(category_ids=category_ids))

    def delete_model(self, request, obj: Tool) -> None:
        layer_ids = services.layers_of(category_ids=[obj.category_id])
        super().delete_model(request, obj)
        services.layers_rerank(layer_ids=layer_ids)

    def delete_queryset(self, request, queryset) -> None:
        category_ids = set(queryset.values_list("category_id", flat=True))
        layer_ids = services.layers_of(category_ids=category_ids)
        super().delete_queryset(request, queryset)
        services.layers_rerank(layer_ids=layer_ids)

    def view_on_site(self, tool: Tool) -> str | None:
        # A hidden tool has no public page.
        return None if tool.hidden else tool.get_absolute_url()

    @admin.display(description="Score", ordering="score")
    def score_display(self, tool: Tool) -> str:
        if tool.score is None:
            return "—"
        return f"{tool.score:.1f}" + (" (provisional)" if tool.score_provisional else "")

    @admin.display(description="Flags")
    def flags(self, tool: Tool) -> str:
        """Featured, hidden, deprecated in one short column ("" when none)."""
        names = ("featured", "hidden", "deprecated")
        return ", ".join(name for name in names if getattr(tool, name))

    @admin.display(description="Growth (30 days)")
    def growth_display(self, tool: Tool) -> str:
        return "—" if tool.growth_30d is None else f"{tool.growth_30d:+.1f} %"

    @admin.display(description="Activity (0–1)")
    def activity_display(self, tool: Tool) -> str:
        return "—" if tool.activity is None else f"{tool.activity:.2f}"

    @admin.display(description="Score breakdown (computed now)")
    def score_breakdown(self, tool: Tool) -> str:
        if tool.pk is None:
            return "—"
        breakdown = tool_score_breakdown(tool)
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    c.label,
                    _cell(c.raw_value),
                    f"{c.weight:.2f}",
                    f"{c.contribution:.1f}",
                    c.note or "—",
                )
                for c in breakdown.components
            ),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>signal</th><th scope='col'>value</th>"
            "<th scope='col'>weight</th><th scope='col'>points</th><th scope='col'>how</th>"
            "</tr></thead>"
            "<tbody>{}</tbody></table><p>Formula {}: score {}</p>",
            rows,
            breakdown.version,
            _cell(None if breakdown.score is None else f"{breakdown.score:.1f}"),
        )

    @admin.display(description="Evidence")
    def integrity_evidence(self, tool: Tool) -> str:
        return integrity_evidence(tool)

    @admin.display(description="Topics")
    def topic_names(self, tool: Tool) -> str:
        return ", ".join(tool.topics.order_by("name").values_list("name", flat=True)) or "—"

    @admin.display(description=f"Latest {RECENT_SNAPSHOTS} snapshots")
    def recent_snapshots(self, tool: Tool) -> str:
        if tool.pk is None:
            return "—"
        columns = ("date", "stars", "forks", "watchers", "open_issues", "contributors", "source")
        rows = tool.snapshots.order_by("-date").values_list(*columns)[:RECENT_SNAPSHOTS]
        if not rows:
            return "No snapshots yet."
        # One query, rendered as a table: a NULL is "not measured" and shows as "—", never 0.
        header = format_html_join(
            "", "<th scope='col'>{}</th>", ((c.replace("_", " "),) for c in columns)
        )
        body = format_html_join(
            "",
            "<tr>" + "<td>{}</td>" * len(columns) + "</tr>",
            (tuple(_cell(value) for value in row) for row in rows),
        )
        return format_html(
            "<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", header, body
        )


def _cell(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        return intcomma(value)
    if isinstance(value, float):
        return intcomma(round(value, 2))
    return str(value)
