from django.urls import path

from catalog.feeds import NewToolsFeed, TrendingFeed
from catalog.views import compare, landscape, search, stats, suggest, tools, trending

app_name = "catalog"

urlpatterns = [
    path("", landscape.home, name="home"),
    path("layers/<slug:slug>/", landscape.layer_detail, name="layer-detail"),
    path("categories/<slug:slug>/", landscape.category_detail, name="category-detail"),
    path("search/", search.search, name="search"),
    path("trending/", trending.trending, name="trending"),
    path("compare/", compare.compare, name="compare"),
    path("stats/", stats.stats, name="stats"),
    path("suggest/", suggest.suggest, name="suggest"),
    path("tools/<str:owner>/<str:name>/", tools.tool_detail, name="tool-detail"),
    path("badge/<str:owner>/<str:name>.svg", tools.badge, name="badge"),
    path("feeds/new/", NewToolsFeed(), name="feed-new"),
    path("feeds/new/layers/<slug:layer>/", NewToolsFeed(), name="feed-new-layer"),
    path("feeds/new/categories/<slug:category>/", NewToolsFeed(), name="feed-new-category"),
    path("feeds/trending/", TrendingFeed(), name="feed-trending"),
    path("feeds/trending/layers/<slug:layer>/", TrendingFeed(), name="feed-trending-layer"),
    path(
        "feeds/trending/categories/<slug:category>/",
        TrendingFeed(),
        name="feed-trending-category",
    ),
]
