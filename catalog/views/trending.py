"""Trending: the largest star gains over 7, 30 or 90 days, overall or in a layer/category."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog import selectors
from catalog.models import Layer
from catalog.views.common import list_rows, tool_values

WINDOW_LABELS = {"7d": "7 days", "30d": "30 days", "90d": "90 days"}
DEFAULT_WINDOW = "30d"
LIMIT = 50


def _taxonomy() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every layer (by position, slug) and every category (in ``Category``'s order: its
    layer's position, its own, its slug), each with its layer, for the filter's selects: one
    query."""
    rows = Layer.objects.order_by("position", "slug").values_list(
        "slug", "name", "position", "categories__slug", "categories__name", "categories__position"
    )
    layers: dict[str, dict[str, Any]] = {}
    placed: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
    for slug, name, position, category_slug, category_name, category_position in rows:
        layer = layers.setdefault(slug, {"slug": slug, "name": name})
        if category_slug is not None:
            category = {"slug": category_slug, "name": category_name, "layer": layer}
            placed.append(((position, category_position, category_slug), category))
    placed.sort(key=lambda item: item[0])
    return list(layers.values()), [category for _, category in placed]


def trending(request: HttpRequest) -> HttpResponse:
    window = request.GET.get("window") or DEFAULT_WINDOW
    layer = request.GET.get("layer") or None
    category = request.GET.get("category") or None
    layers, categories = _taxonomy()
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
    if layer is not None and layer not in {item["slug"] for item in layers}:
        problems.append(f"layer: there is no layer {layer!r}")
    if category is not None and category not in {item["slug"] for item in categories}:
        problems.append(f"category: there is no category {category!r}")
    if problems:
        context["error"] = "Cannot show that: " + "; ".join(problems) + "."
        return render(request, "catalog/trending.html", context, status=400)
    leaders = selectors.trending(window=window, layer=layer, category=category, limit=LIMIT)
    context["rows"] = list_rows(
        [tool_values(leader.tool) for leader in leaders],
        as_of=None,  # trending lists current figures only: no month to mark
        description_chars=120,
        gains=[leader.gain for leader in leaders],
    )
    return render(request, "catalog/trending.html", context)
