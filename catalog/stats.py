"""The survey's questions answered from live data, for the API's ``stats/`` and the web /stats/.

Over the public catalog (listed, active tools):

- how many tools each layer and category has by the year its repository was created;
- how concentrated stars are: the share of a category's stars held by its top 10% of tools;
- how many tools stopped growing: the share with no star gained in the last 7 days;
- licences and languages per layer;
- the newest entrants (most recently created repositories).

Tools not yet measured are left out of the star questions, never counted as 0. The figures are
stored per layer when ranks are recomputed (``catalog.summary_store``) and read here in two
queries whatever the catalog's size, plus one for the newest entrants (an index read).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import F

from catalog.models import Category, Layer, Tool
from catalog.summaries import taxonomy

#: The newest entrants shown.
NEWEST = 10


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _year_list(counter: Counter) -> list[dict[str, Any]]:
    return [
        {"year": year, "tools": counter[year]}
        for year in sorted(counter, key=lambda y: (y is None, y))
    ]


def _stalled(layers: list[Layer], payloads: dict[int, dict]) -> dict[str, Any]:
    per_layer = []
    for layer in layers:
        row = payloads[layer.id]["stalled_7d"]
        per_layer.append(
            {
                "layer": layer.slug,
                "measured_tools": row["measured_tools"],
                "stalled_tools": row["stalled_tools"],
                "share": _ratio(row["stalled_tools"], row["measured_tools"]),
            }
        )
    total_measured = sum(item["measured_tools"] for item in per_layer)
    total_stalled = sum(item["stalled_tools"] for item in per_layer)
    return {
        "measured_tools": total_measured,
        "stalled_tools": total_stalled,
        "share": _ratio(total_stalled, total_measured),
        "layers": per_layer,
    }


def _newest() -> list[dict[str, Any]]:
    """The newest entrants, read live: the order matches the partial index on
    ``repo_created_at DESC NULLS LAST, id`` of listed, active tools, so it reads ten rows."""
    newest = (
        Tool.objects.listed()
        .active()
        .with_placement()
        .filter(repo_created_at__isnull=False)
        .only("full_name", "repo_created_at", "stars", "category__slug", "category__layer__slug")
        .order_by(F("repo_created_at").desc(nulls_last=True), "id")[:NEWEST]
    )
    return [
        {
            "full_name": tool.full_name,
            "created_at": tool.repo_created_at,
            "stars": tool.stars,
            "category": tool.category.slug,
            "layer": tool.category.layer.slug,
        }
        for tool in newest
    ]


def _names(pairs: list[list[Any]]) -> list[dict[str, Any]]:
    return [{"name": name, "tools": n} for name, n in pairs]


def survey_stats() -> dict[str, Any]:
    """All survey answers as plain, JSON-ready data (see the module docstring)."""
    return _survey(*taxonomy())


def survey_stats_named() -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """The survey answers, with the names of the layers and of the categories by slug (the
    web page labels its charts with them) read in the same queries."""
    layers, categories, payloads = taxonomy()
    layer_names = {layer.slug: layer.name for layer in layers}
    category_names = {category.slug: category.name for category in categories}
    return _survey(layers, categories, payloads), layer_names, category_names


def _survey(
    layers: list[Layer], categories: list[Category], payloads: dict[int, dict]
) -> dict[str, Any]:
    figures = {
        category.id: payloads[category.layer_id]["categories"][str(category.id)]
        for category in categories
    }
    by_category = {
        category.id: Counter({year: n for year, n in figures[category.id]["years"]})
        for category in categories
    }
    by_layer: dict[int, Counter] = {layer.id: Counter() for layer in layers}
    for category in categories:
        by_layer[category.layer_id].update(by_category[category.id])
    return {
        "tools_by_creation_year": {
            "layers": [
                {"layer": layer.slug, "years": _year_list(by_layer[layer.id])} for layer in layers
            ],
            "categories": [
                {"category": c.slug, "layer": c.layer.slug, "years": _year_list(by_category[c.id])}
                for c in categories
            ],
        },
        "star_concentration": [
            {"category": c.slug, "layer": c.layer.slug, **figures[c.id]["concentration"]}
            for c in categories
        ],
        "stalled_last_7_days": _stalled(layers, payloads),
        "licenses_and_languages": [
            {
                "layer": layer.slug,
                "licenses": _names(payloads[layer.id]["licenses"]),
                "languages": _names(payloads[layer.id]["languages"]),
            }
            for layer in layers
        ],
        "newest_entrants": _newest(),
    }
