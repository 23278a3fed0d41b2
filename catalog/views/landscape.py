"""The landscape (home page) and the layer and category leaderboards."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from catalog import selectors
from catalog.data_version import catalog_version
from catalog.models import Category
from catalog.summaries import layer_with_category_summaries
from catalog.tool_queries import ORDERINGS, Taxonomy, ToolQueryError, parse_tool_query, tool_list
from catalog.views.common import (
    bad_request,
    counted_tools,
    list_rows,
    paginate,
    table_columns,
)

#: The orderings a leaderboard offers as one-click tabs (all of ORDERINGS work in the URL).
BOARD_ORDERINGS = {
    "-score": "Best overall",
    "-stars": "Most stars",
    "-gained_30d": "Fastest growing (30 days)",
    "-gained_7d": "Hot this week",
    "-pushed_at": "Most recently active",
}


def home(request: HttpRequest) -> HttpResponse:
    version = catalog_version()
    layers = selectors.landscape(top_per_category=5, version=version)
    return render(request, "catalog/home.html", {"layers": layers, "as_of": version.catalog_as_of})


def _leaderboard(
    request: HttpRequest, template: str, context: dict, scope: dict, taxonomy: Taxonomy
) -> HttpResponse:
    """A page of 50 tools of a layer or category. ``taxonomy``: the slugs of the page's own
    layer or category and their category ids, already read for the page (no query)."""
    context = {**context, "orderings": BOARD_ORDERINGS, "all_orderings": ORDERINGS}
    params = {**scope, "ordering": request.GET.get("ordering") or "-score"}
    try:
        query = parse_tool_query(params, taxonomy=lambda: taxonomy)
    except ToolQueryError as error:
        message = f"Cannot sort by that: {error.message}. Pick one of the orderings below."
        return bad_request(request, template, {**context, "ordering": "-score"}, message=message)
    version = catalog_version()  # before the count kept for it (see by_version)
    tools = counted_tools(tool_list(query=query), query=query, version=version)
    page, rows = paginate(request, tools, per_page=50)
    as_of = version.catalog_as_of
    context.update(
        page=page,
        tools=list_rows(rows, as_of=as_of, first=page.start_index()),
        as_of=as_of,
        ordering=query.ordering,
        **table_columns(rows),
    )
    return render(request, template, context)


def layer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = layer_with_category_summaries(slug)
    if found is None:
        raise Http404("No layer has that slug.")
    layer, categories = found
    context = {"layer": layer, "categories": categories}
    taxonomy = Taxonomy(
        layers={layer.slug: tuple(sorted(summary.category.id for summary in categories))},
        categories={summary.category.slug: summary.category.id for summary in categories},
    )
    return _leaderboard(
        request, "catalog/layer_detail.html", context, {"layer": layer.slug}, taxonomy
    )


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category.objects.select_related("layer"), slug=slug)
    context = {"category": category}
    taxonomy = Taxonomy(layers={}, categories={category.slug: category.id})
    return _leaderboard(
        request, "catalog/category_detail.html", context, {"category": slug}, taxonomy
    )
