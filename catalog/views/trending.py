"""Trending: the largest star gains over 7, 30 or 90 days, overall or in a layer/category."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog import selectors
from catalog.models import Category, Layer
from catalog.views.common import sparklines

WINDOW_LABELS = {"7d": "7 days", "30d": "30 days", "90d": "90 days"}
DEFAULT_WINDOW = "30d"
LIMIT = 50


def trending(request: HttpRequest) -> HttpResponse:
    window = request.GET.get("window") or DEFAULT_WINDOW
    layer = request.GET.get("layer") or None
    category = request.GET.get("category") or None
    layers = list(Layer.objects.order_by("position", "slug"))
    categories = list(Category.objects.select_related("layer"))
    context: dict[str, object] = {
        "windows": WINDOW_LABELS,
        "window": window,
        "layers": layers,
        "categories": categories,
        "layer": layer,
        "category": category,
    }
    problems = []
    if window not in WINDOW_LABELS:
        problems.append(f"window: {window!r} is not a window; use 7d, 30d or 90d")
        context["window"] = DEFAULT_WINDOW
    if layer is not None and layer not in {item.slug for item in layers}:
        problems.append(f"layer: there is no layer {layer!r}")
    if category is not None and category not in {item.slug for item in categories}:
        problems.append(f"category: there is no category {category!r}")
    if problems:
        context["error"] = "Cannot show that: " + "; ".join(problems) + "."
        return render(request, "catalog/trending.html", context, status=400)
    rows = selectors.trending(window=window, layer=layer, category=category, limit=LIMIT)
    context["rows"] = rows
    context["sparklines"] = sparklines([row.tool for row in rows])
    return render(request, "catalog/trending.html", context)
