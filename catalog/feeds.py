"""Atom feeds: new tools and trending tools, overall, per layer and per category.

Feed readers treat an entry's summary as HTML, so text from GitHub is escaped before it goes
in (and the XML writer escapes it once more): a description holding ``<script>`` reads as
text in every reader.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

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


@dataclass(frozen=True)
class _Scope:
    """Everything, one layer or one category — what a feed is about — for one request."""

    site: str  # scheme and host the request came to, for entry ids
    layer: Layer | None = None
    category: Category | None = None
    window: str = "30d"  # trending feeds only

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


@dataclass(frozen=True)
class _Entry:
    """One entry of a feed: a tool and, on trending feeds, its gain and the entry's id."""

    tool: Tool
    gain: int | None = None
    window: str = ""
    guid: str = ""


class _ToolFeed(Feed):
    feed_type = Atom1Feed

    def get_object(
        self, request: HttpRequest, layer: str | None = None, category: str | None = None
    ) -> _Scope:
        site = request.build_absolute_uri("/").rstrip("/")
        if category is not None:
            categories = Category.objects.select_related("layer")
            return _Scope(site=site, category=get_object_or_404(categories, slug=category))
        if layer is not None:
            return _Scope(site=site, layer=get_object_or_404(Layer, slug=layer))
        return _Scope(site=site)

    def link(self, scope: _Scope) -> str:
        return scope.page

    def item_title(self, entry: _Entry) -> str:
        tool = entry.tool
        return f"{tool.name} ({tool.full_name})"  # plain text: the feed writer escapes it

    def item_link(self, entry: _Entry) -> str:
        return entry.tool.get_absolute_url()

    def item_description(self, entry: _Entry) -> str:
        tool = entry.tool
        text = tool.short_description or tool.description or ""
        stars = "not yet measured" if tool.stars is None else f"★ {compact(tool.stars)}"
        return f"<p>{escape(text)}</p><p>{escape(tool.category.name)} · {stars}</p>"

    def item_categories(self, entry: _Entry) -> list[str]:
        return [entry.tool.category.layer.name, entry.tool.category.name]


class NewToolsFeed(_ToolFeed):
    def title(self, scope: _Scope) -> str:
        return f"Strata: new open-source AI tools in {scope.name}"

    def subtitle(self, scope: _Scope) -> str:
        return f"Tools most recently added to the Strata catalog in {scope.name}."

    def items(self, scope: _Scope) -> list[_Entry]:
        tools = selectors.public_tools().with_placement()
        if scope.category:
            tools = tools.filter(category=scope.category)
        elif scope.layer:
            tools = tools.filter(category__layer=scope.layer)
        return [_Entry(tool=tool) for tool in tools.order_by("-added_at", "-id")[:FEED_SIZE]]

    def item_pubdate(self, entry: _Entry) -> datetime:
        return entry.tool.added_at

    def item_updateddate(self, entry: _Entry) -> datetime:
        return entry.tool.added_at


class TrendingFeed(_ToolFeed):
    def get_object(
        self, request: HttpRequest, layer: str | None = None, category: str | None = None
    ) -> _Scope:
        window = request.GET.get("window") or "30d"
        if window not in WINDOWS:
            raise Http404("window must be 7d, 30d or 90d")
        return replace(super().get_object(request, layer=layer, category=category), window=window)

    def title(self, scope: _Scope) -> str:
        return f"Strata: trending over {WINDOWS[scope.window]} in {scope.name}"

    def subtitle(self, scope: _Scope) -> str:
        return f"Open-source AI tools gaining the most stars over {WINDOWS[scope.window]}."

    def items(self, scope: _Scope) -> list[_Entry]:
        rows = selectors.trending(
            window=scope.window,
            layer=scope.layer.slug if scope.layer else None,
            category=scope.category.slug if scope.category else None,
            limit=FEED_SIZE,
        )
        return [
            _Entry(tool=row.tool, gain=row.gain, window=scope.window, guid=_guid(scope, row.tool))
            for row in rows
        ]

    def item_title(self, entry: _Entry) -> str:
        return f"{entry.tool.name}: {signed(entry.gain)} stars in {WINDOWS[entry.window]}"

    def item_guid(self, entry: _Entry) -> str:
        return entry.guid

    def item_pubdate(self, entry: _Entry) -> datetime:
        return entry.tool.metrics_as_of or entry.tool.added_at

    def item_updateddate(self, entry: _Entry) -> datetime:
        return entry.tool.metrics_as_of or entry.tool.added_at


def _guid(scope: _Scope, tool: Tool) -> str:
    """A trending entry's id: the same tool on a newer day's list is a new entry."""
    day = tool.metrics_as_of.date().isoformat() if tool.metrics_as_of else "unmeasured"
    return f"{scope.site}{tool.get_absolute_url()}#trending-{scope.window}-{day}"
