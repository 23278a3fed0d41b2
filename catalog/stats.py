"""The survey's questions answered from live data, for the API's ``stats/`` and the web /stats/.

Over the public catalog (listed, active tools), in seven queries whatever its size:

- how many tools each layer and category has by the year its repository was created;
- how concentrated stars are: the share of a category's stars held by its top 10% of tools;
- how many tools stopped growing: the share with no star gained in the last 7 days;
- licences and languages per layer;
- the newest entrants (most recently created repositories).

Tools not yet measured are left out of the star questions, never counted as 0.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear

from catalog.models import Category, Layer, Tool

TOP_SHARE = 0.10
NEWEST = 10

#: Licence names seen in catalogs that are not SPDX ids, mapped to the SPDX id (or "other"
#: for a licence without one), so one licence is never counted under two names.
LICENCE_ALIASES = {
    "mit license": "MIT",
    "mit no attribution": "MIT-0",
    "apache license 2.0": "Apache-2.0",
    "apache 2.0": "Apache-2.0",
    "creative commons attribution share alike 4.0 international": "CC-BY-SA-4.0",
    "cc by-sa 4.0": "CC-BY-SA-4.0",
    "cc by-nc-sa 4.0": "CC-BY-NC-SA-4.0",
    "creative commons attribution non commercial share alike 4.0 international": (
        "CC-BY-NC-SA-4.0"
    ),
    "noassertion": "other",
    "other": "other",
    "custom": "other",
    "intel": "other",
}


def spdx_licence(name: str | None) -> str | None:
    """The SPDX id for a licence name as catalogs write it; "other" for a licence without
    one; None when no licence is stated. Unknown names are kept as they are."""
    name = (name or "").strip()
    if not name:
        return None
    return LICENCE_ALIASES.get(name.lower(), name)


def _public():
    return Tool.objects.listed().active()


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _by_year(rows, key: str) -> dict[int, Counter]:
    years: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        years[row[key]][row["year"]] += row["n"]
    return years


def _year_list(counter: Counter) -> list[dict[str, Any]]:
    return [
        {"year": year, "tools": counter[year]}
        for year in sorted(counter, key=lambda y: (y is None, y))
    ]


def _concentration(categories: list[Category]) -> list[dict[str, Any]]:
    stars: dict[int, list[int]] = defaultdict(list)
    rows = _public().filter(stars__isnull=False).order_by("category_id", F("stars").desc())
    for category_id, count in rows.values_list("category_id", "stars"):
        stars[category_id].append(count)
    result = []
    for category in categories:
        counts = stars.get(category.id, [])
        top = max(1, math.ceil(len(counts) * TOP_SHARE)) if counts else 0
        result.append(
            {
                "category": category.slug,
                "layer": category.layer.slug,
                "measured_tools": len(counts),
                "top_tools": top,
                "top_share_of_stars": _ratio(sum(counts[:top]), sum(counts)),
            }
        )
    return result


def _stalled(layers: list[Layer]) -> dict[str, Any]:
    measured = Q(stars_gained_7d__isnull=False)
    counts = {
        row["category__layer_id"]: row
        for row in _public()
        .values("category__layer_id")
        .annotate(
            measured=Count("id", filter=measured),
            stalled=Count("id", filter=measured & Q(stars_gained_7d__lte=0)),
        )
        .order_by()
    }
    per_layer = []
    for layer in layers:
        row = counts.get(layer.id, {"measured": 0, "stalled": 0})
        per_layer.append(
            {
                "layer": layer.slug,
                "measured_tools": row["measured"],
                "stalled_tools": row["stalled"],
                "share": _ratio(row["stalled"], row["measured"]),
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


def _breakdown(layers: list[Layer], field: str) -> dict[int, list[dict[str, Any]]]:
    rows = _public().values("category__layer_id", field).annotate(n=Count("id")).order_by()
    counts: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        name = spdx_licence(row[field]) if field == "license_spdx" else row[field] or None
        counts[row["category__layer_id"]][name] += row["n"]
    return {
        layer.id: [
            {"name": name, "tools": n}
            for name, n in sorted(counts[layer.id].items(), key=lambda kv: (-kv[1], kv[0] or "~"))
        ]
        for layer in layers
    }


def survey_stats() -> dict[str, Any]:
    """All survey answers as plain, JSON-ready data (see the module docstring)."""
    layers = list(Layer.objects.order_by("position", "slug"))
    categories = list(
        Category.objects.select_related("layer").order_by(
            "layer__position", "layer__slug", "position", "slug"
        )
    )
    created = (
        _public()
        .annotate(year=ExtractYear("repo_created_at"))
        .values("category_id", "category__layer_id", "year")
        .annotate(n=Count("id"))
        .order_by()
    )
    created = list(created)
    by_layer, by_category = (
        _by_year(created, "category__layer_id"),
        _by_year(created, "category_id"),
    )
    licences, languages = _breakdown(layers, "license_spdx"), _breakdown(layers, "language")
    newest = (
        _public()
        .with_placement()
        .filter(repo_created_at__isnull=False)
        .order_by(F("repo_created_at").desc(), "id")[:NEWEST]
    )
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
        "star_concentration": _concentration(categories),
        "stalled_last_7_days": _stalled(layers),
        "licenses_and_languages": [
            {"layer": layer.slug, "licenses": licences[layer.id], "languages": languages[layer.id]}
            for layer in layers
        ],
        "newest_entrants": [
            {
                "full_name": tool.full_name,
                "created_at": tool.repo_created_at,
                "stars": tool.stars,
                "category": tool.category.slug,
                "layer": tool.category.layer.slug,
            }
            for tool in newest
        ],
    }
