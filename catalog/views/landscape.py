"""The landscape (home page) and the layer and category leaderboards."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from catalog import selectors
from catalog.models import Category
from catalog.summaries import layer_with_category_summaries
from catalog.tool_queries import ORDERINGS, ToolQueryError, parse_tool_query, tool_list
from catalog.views.common import bad_request, paginate, sparklines

#: The orderings a leaderboard offers as one-click tabs (all of ORDERINGS work in the URL).
BOARD_ORDERINGS = {
    "-score": "Best overall",
    "-stars": "Most stars",
    "-gained_30d": "Fastest growing (30 days)",
    "-gained_7d": "Hot this week",
    "-pushed_at": "Most recently active",
}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/home.html", {"layers": selectors.landscape(top_per_category=5)})


def _leaderboard(request: HttpRequest, template: str, context: dict, scope: dict) -> HttpResponse:
    context = {**context, "orderings": BOARD_ORDERINGS, "all_orderings": ORDERINGS}
    params = {**scope, "ordering": request.GET.get("ordering") or "-score"}
    try:
        query = parse_tool_query(params)
    except ToolQueryError as error:
        message = f"Cannot sort by that: {error.message}. Pick one of the orderings below."
        return bad_request(request, template, {**context, "ordering": "-score"}, message=message)
    page = paginate(request, tool_list(query=query), per_page=50)
    lines = sparklines(list(page.object_list))
    context = {**context, "page": page, "sparklines": lines, "ordering": query.ordering}
    return render(request, template, context)


def layer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = layer_with_category_summaries(slug)
    if found is None:
        raise Http404("No layer has that slug.")
    layer, categories = found
    context = {"layer": layer, "categories": categories}
    return _leaderboard(request, "catalog/layer_detail.html", context, {"layer": layer.slug})


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category.objects.select_related("layer"), slug=slug)
    context = {"category": category}
    return _leaderboard(request, "catalog/category_detail.html", context, {"category": slug})
