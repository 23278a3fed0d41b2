"""What every read view shares: HTTP caching, JSON errors even for CSV requests, the
documented error responses, and the 301 from a former (or differently cased) tool name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import cast
from urllib.parse import urlencode

from django.http import Http404, HttpResponseBase, HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.pagination import BasePagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from api.caching import ConditionalGetMixin, by_version
from api.errors import ErrorSerializer, NotFound, ParameterError
from api.renderers import CSVRenderer
from catalog import selectors
from catalog.models import Category, Tool
from catalog.search.categories import load_categories
from catalog.tool_queries import Taxonomy, load_taxonomy

_ERROR = OpenApiResponse(ErrorSerializer, description="Error naming the parameter at fault.")
BAD_REQUEST = {400: _ERROR, 429: OpenApiResponse(ErrorSerializer, description="Throttled.")}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="Unknown tool or page.")}
REDIRECT = {301: OpenApiResponse(description="A former name: moved to the canonical URL.")}


class FormatChecked(APIView):
    """An unknown ``?format=`` is a 400 naming ``format`` and the formats this endpoint has,
    not DRF's 404 (which reads as if the path did not exist)."""

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            given = request.query_params.get(api_settings.URL_FORMAT_OVERRIDE, "")
            allowed = [renderer.format for renderer in self.get_renderers()]
            raise ParameterError(
                "format", f"unknown format {given!r} for this endpoint", allowed=allowed
            ) from None


class ReadView(FormatChecked, ConditionalGetMixin, generics.GenericAPIView):
    """A cacheable read endpoint; no pagination unless a subclass asks for it."""

    pagination_class: type[BasePagination] | None = None

    def taxonomy(self) -> Taxonomy:
        """The layer and category slugs (and ids) queries may name, read once per version."""
        return by_version(self.catalog_version, "taxonomy", load_taxonomy)

    def search_categories(self) -> tuple[Category, ...]:
        """Every category with its layer, which a search matches its words against, read
        once per version (admin edits of the taxonomy move it)."""
        return by_version(
            self.catalog_version, "search-categories", lambda: tuple(load_categories())
        )

    def catalog_as_of(self) -> date | None:
        """The catalog's as-of day: from the data version this request already read."""
        if self.catalog_version is not None:
            return self.catalog_version.catalog_as_of
        return selectors.catalog_as_of()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Errors are JSON whatever format was asked for: a CSV of an error helps nobody.
        if response.status_code >= 300 and isinstance(
            getattr(response, "accepted_renderer", None), CSVRenderer
        ):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        return response


class CSVExportMixin:
    """``?format=csv`` beside JSON and the browsable API."""

    renderer_classes: Sequence[type[BaseRenderer]] = [
        *cast(Sequence[type[BaseRenderer]], api_settings.DEFAULT_RENDERER_CLASSES),
        CSVRenderer,
    ]
    csv_columns: list[str] | None = None

    def csv_rows(self, data):
        if isinstance(data, dict):
            return data.get("results", [])
        return data or []


def found_tool(request, owner: str, name: str, *, route: str) -> Tool | HttpResponseBase:
    """The listed tool ``owner/name``; a redirect when named by a former name or other case."""
    found = selectors.tool_by_name(f"{owner}/{name}", former_names=False)
    if found is None:
        raise NotFound("tool", f"no tool named {owner}/{name} in the catalog")
    tool, canonical = found
    if canonical:
        return tool
    url = reverse(f"api:{route}", kwargs={"owner": tool.owner, "name": tool.repo_name})
    if request.query_params:
        url += "?" + urlencode(list(request.query_params.lists()), doseq=True)
    return HttpResponsePermanentRedirect(url)


@extend_schema(exclude=True)
class UnknownEndpoint(APIView):
    """A path under /api/ that names no endpoint: the usual JSON error, not an HTML page."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("path", f"no API endpoint at {request.path}; see /api/docs/")

    get = post = put = patch = delete = head = options = http_method_not_allowed


@extend_schema(exclude=True)
class ApiRoot(FormatChecked, APIView):
    """/api/ and /api/v1/: where everything is."""

    NAMES = ["layer-list", "category-list", "tool-list", "rankings", "trending", "compare", "stats"]

    def get(self, request):
        links = {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in self.NAMES}
        for name in ("schema", "docs", "redoc"):
            links[name] = request.build_absolute_uri(reverse(f"api:{name}"))
        return Response(links)
