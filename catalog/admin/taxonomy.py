"""The AI-stack taxonomy: layers, categories and GitHub topics."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from catalog.models import Category, Layer, Topic


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "category_count")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Layer]:
        return super().get_queryset(request).annotate(category_count=Count("categories"))

    @admin.display(description="Categories", ordering="category_count")
    def category_count(self, layer: Layer) -> int:
        return layer.category_count  # type: ignore[attr-defined]  # annotated above


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "layer", "slug", "position", "tool_count")
    list_filter = ("layer",)
    list_select_related = ("layer",)
    search_fields = ("name", "slug", "layer__name")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("layer__position", "position", "slug")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        # Autocomplete widgets use this queryset too: str(category) needs its layer.
        return super().get_queryset(request).select_related("layer")

    @admin.display(description="Tools (primary)")
    def tool_count(self, category: Category) -> int | str:
        return getattr(category, "tool_count", "—")

    def get_changelist_instance(self, request: HttpRequest):
        """Count each listed category's tools in one grouped query."""
        changelist = super().get_changelist_instance(request)
        counts = dict(
            Category.objects.filter(pk__in=[c.pk for c in changelist.result_list])
            .annotate(n=Count("tools"))
            .values_list("pk", "n")
        )
        for category in changelist.result_list:
            category.tool_count = counts.get(category.pk, 0)
        return changelist


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    show_full_result_count = False
