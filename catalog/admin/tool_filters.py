"""Changelist filters for tools, each rendered with a fixed number of queries."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from catalog.models import Category, Layer


class LayerFilter(admin.SimpleListFilter):
    title = "layer"
    parameter_name = "layer"

    def lookups(self, request: HttpRequest, model_admin):
        return [(str(layer.pk), layer.name) for layer in Layer.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(category__layer_id=self.value())
        return queryset


class CategoryFilter(admin.SimpleListFilter):
    """Categories named with their layer, read in one query (no query per category)."""

    title = "category"
    parameter_name = "category"

    def lookups(self, request: HttpRequest, model_admin):
        categories = Category.objects.select_related("layer")
        layer = request.GET.get(LayerFilter.parameter_name)
        if layer and layer.isdigit():
            categories = categories.filter(layer_id=layer)
        return [(str(category.pk), str(category)) for category in categories]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(category_id=self.value())
        return queryset


class RefreshHealthFilter(admin.SimpleListFilter):
    title = "refresh"
    parameter_name = "refresh"

    def lookups(self, request: HttpRequest, model_admin):
        return [
            ("failing", "Last refresh failed"),
            ("never", "Never refreshed"),
            ("ok", "Refreshing fine"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "failing":
            return queryset.filter(consecutive_failures__gt=0)
        if self.value() == "never":
            return queryset.filter(last_refreshed_at__isnull=True)
        if self.value() == "ok":
            return queryset.filter(consecutive_failures=0, last_refreshed_at__isnull=False)
        return queryset
