"""Changelist filters for tools, each rendered with a fixed number of queries."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest

from catalog.models import Category, Layer, Tool


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
            ("skipped", "Skipped by the schedule (too many failures)"),
            ("never", "Never refreshed"),
            ("ok", "Refreshing fine"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "failing":
            return queryset.filter(consecutive_failures__gt=0)
        if self.value() == "skipped":
            ceiling = settings.REFRESH_MAX_CONSECUTIVE_FAILURES
            return queryset.filter(consecutive_failures__gte=ceiling)
        if self.value() == "never":
            return queryset.filter(last_refreshed_at__isnull=True)
        if self.value() == "ok":
            return queryset.filter(consecutive_failures=0, last_refreshed_at__isnull=False)
        return queryset


class DistinctValueFilter(admin.SimpleListFilter):
    """The distinct values of an indexed column, found by skipping through its index.

    ``SELECT DISTINCT`` reads every row; this recursive query jumps from one value to the
    next ("loose index scan"), so 100k tools with 40 languages cost 40 index probes.
    """

    field: str

    def lookups(self, request: HttpRequest, model_admin):
        table = connection.ops.quote_name(Tool._meta.db_table)
        column = connection.ops.quote_name(Tool._meta.get_field(self.field).column)  # type: ignore[union-attr,arg-type]
        sql = (
            f"WITH RECURSIVE seen(value) AS ("
            f" SELECT MIN({column}) FROM {table}"
            f" UNION ALL"
            f" SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > seen.value)"
            f" FROM seen WHERE seen.value IS NOT NULL"
            f") SELECT value FROM seen WHERE value IS NOT NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            values = [row[0] for row in cursor.fetchall()]
        return [(value, value or "(none)") for value in values]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() is not None:
            return queryset.filter(**{self.field: self.value()})
        return queryset


class LanguageFilter(DistinctValueFilter):
    title = "language"
    parameter_name = field = "language"


class LicenceFilter(DistinctValueFilter):
    title = "licence"
    parameter_name = field = "license_spdx"
