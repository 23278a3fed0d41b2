"""Atom feeds: new tools and trending tools, overall, per layer and per category.

Feed readers treat an entry's summary as HTML, so text from GitHub is escaped before it goes
in (and the XML writer escapes it once more): a description holding ``<script>`` reads as
text in every reader.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from catalog import selectors
from catalog.models import Category, Layer, Tool
from catalog.templatetags.strata import compact, signed

FEED_SIZE = 50
WINDOWS = {"7d": "7 days", "30d": "30 days", "90d": "90 days"}


class _Scope:
    """Everything, one layer or one category — what a feed is about."""

    def __init__(self, *, layer: Layer | None = None, category: Category | None = None) -> None:
        self.layer, self.category = layer, category

    @property
    def name(self) -> str:
        if self.category:
            return f"{self.category.name} ({self.category.layer.name})"
        return self.layer.name if self.layer else "all layers"

    @property
    def page(self) -> str:
        if self.category:
            return reverse("catalog:category-detail", args=[self.category.slug])
        if self.layer:
            return reverse("catalog:layer-detail", args=[self.layer.slug])
        return reverse("catalog:home")


class _ToolFeed(Feed):
    feed_type = Atom1Feed

    def get_object(
        self, request: HttpRequest, layer: str | None = None, category: str | None = None
    ) -> _Scope:
        if category is not None:
            categories = Category.objects.select_related("layer")
            scope = _Scope(category=get_object_or_404(categories, slug=category))
        elif layer is not None:
            scope = _Scope(layer=get_object_or_404(Layer, slug=layer))
        else:
            scope = _Scope()
        scope.site = request.build_absolute_uri("/").rstrip("/")
        return scope

    def link(self, scope: _Scope) -> str:
        return scope.page

    def item_title(self, tool: Tool) -> str:
        return f"{tool.name} ({tool.full_name})"  # plain text: the feed writer escapes it

    def item_link(self, tool: Tool) -> str:
        return tool.get_absolute_url()

    def item_description(self, tool: Tool) -> str:
        text = tool.short_description or tool.description or ""
        stars = "not yet measured" if tool.stars is None else f"★ {compact(tool.stars)}"
        return f"<p>{escape(text)}</p><p>{escape(tool.category.name)} · {stars}</p>"

    def item_categories(self, tool: Tool) -> list[str]:
        return [tool.category.layer.name, tool.category.name]


class NewToolsFeed(_ToolFeed):
    def title(self, scope: _Scope) -> str:
        return f"Strata: new open-source AI tools in {scope.name}"

    def subtitle(self, scope: _Scope) -> str:
        return f"Tools most recently added to the Strata catalog in {scope.name}."

    def items(self, scope: _Scope) -> list[Tool]:
        tools = selectors.public_tools().with_placement()
        if scope.category:
            tools = tools.filter(category=scope.category)
        elif scope.layer:
            tools = tools.filter(category__layer=scope.layer)
        return list(tools.order_by("-added_at", "-id")[:FEED_SIZE])

    def item_pubdate(self, tool: Tool):
        return tool.added_at

    def item_updateddate(self, tool: Tool):
        return tool.added_at


class TrendingFeed(_ToolFeed):
    def get_object(self, request, layer=None, category=None):
        scope = super().get_object(request, layer=layer, category=category)
        scope.window = request.GET.get("window") or "30d"
        if scope.window not in WINDOWS:
            raise Http404("window must be 7d, 30d or 90d")
        return scope

    def title(self, scope: _Scope) -> str:
        return f"Strata: trending over {WINDOWS[scope.window]} in {scope.name}"

    def subtitle(self, scope: _Scope) -> str:
        return f"Open-source AI tools gaining the most stars over {WINDOWS[scope.window]}."

    def items(self, scope: _Scope) -> list[Tool]:
        tools = selectors.trending(
            window=scope.window,
            layer=scope.layer.slug if scope.layer else None,
            category=scope.category.slug if scope.category else None,
            limit=FEED_SIZE,
        )
        for tool in tools:  # the feed object is shared by requests: keep per-request facts here
            day = tool.metrics_as_of.date().isoformat() if tool.metrics_as_of else "unmeasured"
            tool.feed_window = scope.window
            tool.feed_guid = f"{scope.site}{tool.get_absolute_url()}#trending-{scope.window}-{day}"
        return tools

    def item_title(self, tool: Tool) -> str:
        gain = signed(tool.trending_gain)
        return f"{tool.name}: {gain} stars in {WINDOWS[tool.feed_window]}"

    def item_guid(self, tool: Tool) -> str:
        return tool.feed_guid

    def item_pubdate(self, tool: Tool):
        return tool.metrics_as_of or tool.added_at

    def item_updateddate(self, tool: Tool):
        return tool.metrics_as_of or tool.added_at
