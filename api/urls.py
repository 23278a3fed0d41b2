"""Everything under /api/: the versioned endpoints, the OpenAPI schema and its two viewers."""

from django.urls import path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from api.views import autocomplete, base, leaderboards, taxonomy, tools

app_name = "api"

TOOL = "v1/tools/<str:owner>/<str:name>/"

urlpatterns = [
    path("", base.ApiRoot.as_view(), name="root"),
    path("v1/", base.ApiRoot.as_view(), name="v1-root"),
    path("v1/layers/", taxonomy.LayerList.as_view(), name="layer-list"),
    path("v1/categories/", taxonomy.CategoryList.as_view(), name="category-list"),
    path("v1/tools/", tools.ToolList.as_view(), name="tool-list"),
    path("v1/tools/autocomplete/", autocomplete.Autocomplete.as_view(), name="autocomplete"),
    path(TOOL, tools.ToolDetail.as_view(), name="tool-detail"),
    path(f"{TOOL}history/", tools.ToolHistory.as_view(), name="tool-history"),
    path("v1/rankings/", leaderboards.Rankings.as_view(), name="rankings"),
    path("v1/trending/", leaderboards.Trending.as_view(), name="trending"),
    path("v1/compare/", leaderboards.Compare.as_view(), name="compare"),
    path("v1/stats/", taxonomy.Stats.as_view(), name="stats"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    # Anything else under /api/ (ending in a slash, so APPEND_SLASH still works): JSON 404.
    re_path(r"^.*/$", base.UnknownEndpoint.as_view(), name="unknown"),
]
