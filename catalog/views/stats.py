"""State of open-source AI: the survey's analyses from live data, drawn as SVG charts.

The answers change only when the catalog does: they are kept per data version in the process
(``catalog.data_version.by_version``), so a request reads the version (one query) and draws.
"""

from __future__ import annotations

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString

from catalog import charts
from catalog.data_version import by_version, catalog_version
from catalog.stats import survey_stats_named

TOP_BREAKDOWN = 6


def _years_chart(data: dict, layer_names: dict[str, str]):
    rows = data["tools_by_creation_year"]["layers"]
    years = sorted({item["year"] for row in rows for item in row["years"] if item["year"]})
    series = [
        (
            layer_names[row["layer"]],
            [next((i["tools"] for i in row["years"] if i["year"] == y), 0) for y in years],
        )
        for row in rows
    ]
    labels = [str(year) for year in years]
    title = "Tools per layer by the year they were created"
    return charts.responsive(
        lambda width: charts.stacked_columns(labels, series, title=title, width=width), wide=720
    )


def _bars(rows: list[tuple[str, int]], title: str, width: int) -> SafeString:
    return charts.bar_chart(rows, title=title, width=width)


def _breakdown_charts(data: dict, layer_names: dict[str, str], key: str, noun: str) -> list:
    """One bar chart per layer; none at all when no tool states the value yet (a chart of one
    "not stated" bar per layer says nothing), nor for a layer without tools."""
    rows = data["licenses_and_languages"]
    if not any(item["name"] for row in rows for item in row[key]):
        return []
    result = []
    for row in rows:
        entries = row[key]
        if not entries:
            continue
        top = [(item["name"] or "not stated", item["tools"]) for item in entries[:TOP_BREAKDOWN]]
        rest = sum(item["tools"] for item in entries[TOP_BREAKDOWN:])
        if rest:
            top.append(("others", rest))
        title = f"{noun} in {layer_names[row['layer']]}"
        svg = charts.responsive(partial(_bars, top, title), wide=480, narrow=340)
        result.append({"title": title, "svg": svg})
    return result


def stats(request: HttpRequest) -> HttpResponse:
    version = catalog_version()  # before reading what is kept for it (see by_version)
    data, layer_names, category_names = by_version(version, "stats.survey", survey_stats_named)
    shares = sorted(
        (item for item in data["star_concentration"] if item["top_share_of_stars"] is not None),
        key=lambda item: -item["top_share_of_stars"],
    )
    stalled = data["stalled_last_7_days"]
    context = {
        "data": data,
        "years_chart": _years_chart(data, layer_names),
        "years_known": any(
            item["year"]
            for row in data["tools_by_creation_year"]["layers"]
            for item in row["years"]
        ),
        "concentration_chart": charts.responsive(
            lambda width: charts.bar_chart(
                [(category_names[i["category"]], 100 * i["top_share_of_stars"]) for i in shares],
                title="Share of each category's stars held by its top 10% of tools",
                unit="%",
                width=width,
            ),
            wide=640,
        ),
        "stalled": stalled,
        "stalled_chart": charts.responsive(
            lambda width: charts.bar_chart(
                [
                    (layer_names[i["layer"]], 100 * i["share"])
                    for i in stalled["layers"]
                    if i["share"] is not None
                ],
                title="Share of tools that gained no stars in the last 7 days, per layer",
                unit="%",
                width=width,
            ),
            wide=640,
        ),
        "licence_charts": _breakdown_charts(data, layer_names, "licenses", "Licences"),
        "language_charts": _breakdown_charts(data, layer_names, "languages", "Languages"),
        "layer_names": layer_names,
        "as_of": version.catalog_as_of,
    }
    return render(request, "catalog/stats.html", context)
