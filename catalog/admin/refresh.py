"""The metric history and the refresh audit: read-only records of what GitHub told us."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from catalog.admin.paging import EstimatedCountPaginator
from catalog.models import MetricSnapshot, RefreshRun, Tool


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable and deletable (to prune), never added or edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(MetricSnapshot)
class MetricSnapshotAdmin(ReadOnlyAdmin):
    # The counts the lists rank by; every count is on the snapshot's own page.
    list_display = ("tool", "date", "stars", "forks", "open_issues", "contributors", "source")
    list_select_related = ("tool",)
    list_per_page = 100
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    # The (tool, date) unique index serves this order: a tool's newest days first.
    ordering = ("-tool_id", "-date")
    search_fields = ("tool__full_name",)
    search_help_text = "A tool's exact owner/name (case-insensitive)."

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """Exact owner/name through the tools' case-insensitive index, not a scan of history."""
        term = search_term.strip()
        if not term:
            return queryset, False
        tool_ids = Tool.objects.by_full_name(term).values("pk")
        return queryset.filter(tool_id__in=tool_ids), False


@admin.register(RefreshRun)
class RefreshRunAdmin(ReadOnlyAdmin):
    # Fits a 1280 px laptop: the counts in one column, the rest on the run's page.
    list_display = (
        "__str__",
        "trigger",
        "status",
        "started_at",
        "finished_at",
        "tool_counts",
        "github_requests",
        "rate_limit_remaining",
    )
    list_display_links = ("__str__",)
    list_filter = ("kind", "status", "trigger")
    ordering = ("-started_at", "-pk")
    list_per_page = 50
    show_full_result_count = False
    date_hierarchy = "started_at"
    fieldsets = (
        (None, {"fields": ("kind", "trigger", "status", "started_at", "finished_at")}),
        (
            "Tools",
            {
                "fields": (
                    "tools_total",
                    "tools_ok",
                    "tools_not_modified",
                    "tools_failed",
                    "tools_renamed",
                    "tools_missing",
                    "tools_deferred",
                )
            },
        ),
        (
            "GitHub budget",
            {
                "fields": (
                    "github_requests",
                    "rate_limit_points",
                    "rate_limit_remaining",
                    "rate_limit_reset_at",
                )
            },
        ),
        ("Errors", {"fields": ("error_summary",)}),
    )

    @admin.display(description="Tools")
    def tool_counts(self, run: RefreshRun) -> str:
        """ "120: 100 ok, 15 not modified, 5 failed" — only the counts that are not 0."""
        parts = [
            (run.tools_ok, "ok"),
            (run.tools_not_modified, "not modified"),
            (run.tools_failed, "failed"),
            (run.tools_renamed, "renamed"),
            (run.tools_missing, "missing"),
            (run.tools_deferred, "deferred"),
        ]
        counted = ", ".join(f"{count} {label}" for count, label in parts if count)
        return f"{run.tools_total}: {counted}" if counted else str(run.tools_total)
