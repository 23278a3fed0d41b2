"""Page-number pagination with strict input: a malformed or oversized ``page_size`` is a 400 and
a page past the end a 404, each naming the parameter, instead of being quietly corrected.

Deep pages are capped: a page starting past ``MAX_OFFSET`` rows is a 400 naming ``page``
(checked before anything is counted or read). An ``OFFSET`` makes the database walk every row
before the page, so its cost grows with the page number — at 100,000 tools ``?page=500`` read
25,000 index entries to return 50; past the cap, narrowing the question (a layer, a category,
``stars_min``, another ordering) answers it faster than paging does. CSV exports are not capped
(one 10,000-row page streams in constant memory).

CSV exports use the same parameters with a larger default and cap, so a whole catalog usually
fits in one file; the ``Link`` header points at the next page when it does not.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from api.errors import NotFound, ParameterError
from catalog.selectors import catalog_as_of

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
CSV_PAGE_SIZE = 10_000
#: Rows a JSON page may start after (page 201 at the default page size of 50).
MAX_OFFSET = 10_000


class _CountOnce(Paginator):
    @cached_property
    def count(self) -> int:
        return super().count


def _positive(request, name: str, *, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParameterError(name, f"{raw!r} is not a whole number") from None
    if value < 1:
        raise ParameterError(name, "must be at least 1")
    if maximum is not None and value > maximum:
        raise ParameterError(name, f"must be at most {maximum}")
    return value


def _is_csv(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return getattr(renderer, "format", None) == "csv"


class Pagination(PageNumberPagination):
    page_size = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    django_paginator_class = _CountOnce
    page: Page  # set by paginate_queryset before any response is built

    def get_page_size(self, request) -> int:
        if _is_csv(request):
            return _positive(request, "page_size", default=CSV_PAGE_SIZE, maximum=CSV_PAGE_SIZE)
        return _positive(request, "page_size", default=PAGE_SIZE, maximum=MAX_PAGE_SIZE)

    def check_page(self, queryset, request) -> tuple[Paginator, int]:
        """The paginator and page number asked for; a 400/404 naming the parameter when the
        page size is bad or the page is past the end (one COUNT query)."""
        size = self.get_page_size(request)
        number = _positive(request, "page", default=1)
        deepest = MAX_OFFSET // size + 1
        if number > deepest and not _is_csv(request):
            raise ParameterError(
                "page",
                f"at most {deepest} with page_size={size}: pages starting past row "
                f"{MAX_OFFSET:,} are not served; narrow the query with filters instead",
                allowed=[f"1-{deepest}"],
            )
        paginator = self.django_paginator_class(queryset, size)
        pages = max(1, math.ceil(paginator.count / size))
        if number > pages:
            raise NotFound(
                "page", f"there are only {pages} page(s) of {size}", allowed=[f"1-{pages}"]
            )
        self.size, self.pages = size, pages
        return paginator, number

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator, number = self.check_page(queryset, request)
        self.page = paginator.page(number)
        return list(self.page)

    def page_iterator(self, queryset, request, *, chunk_size: int = 500) -> Iterator[Any]:
        """The page asked for, read lazily ``chunk_size`` rows at a time (a server-side cursor
        on PostgreSQL; prefetches per chunk): for streamed exports, in constant memory. The
        page is checked (400/404) now, before anything is streamed."""
        self.request = request
        paginator, number = self.check_page(queryset, request)
        self.page = paginator.page(number)
        rows = cast(QuerySet, self.page.object_list)  # a slice of the queryset, unread
        return rows.iterator(chunk_size=chunk_size)

    def headers(self) -> dict[str, str]:
        """``X-Total-Count`` and the ``Link`` to the next and previous pages."""
        headers = {"X-Total-Count": str(self.page.paginator.count)}
        links = [
            f'<{url}>; rel="{rel}"'
            for url, rel in ((self.get_next_link(), "next"), (self.get_previous_link(), "prev"))
            if url
        ]
        if links:
            headers["Link"] = ", ".join(links)
        return headers

    def get_paginated_response(self, data) -> Response:
        headers = self.headers()
        body = {
            "count": self.page.paginator.count,
            "page": self.page.number,
            "pages": self.pages,
            "page_size": self.size,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "catalog_as_of": catalog_as_of(),
            "results": data,
        }
        return Response(body, headers=headers)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        url = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "page", "pages", "page_size", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 2480, "description": "Matching tools."},
                "page": {"type": "integer", "example": 1},
                "pages": {"type": "integer", "example": 50},
                "page_size": {"type": "integer", "example": PAGE_SIZE},
                "next": {**url, "example": "https://strata.example/api/v1/tools/?page=2"},
                "previous": url,
                "catalog_as_of": {
                    "type": "string",
                    "format": "date",
                    "nullable": True,
                    "description": "The day of the newest observation in the catalog.",
                },
                "results": schema,
                "did_you_mean": {
                    "type": "array",
                    "items": {"type": "string", "example": "langchain-ai/langchain"},
                    "description": (
                        "Only with `q`: when nothing matched, the closest tool names "
                        "(owner/name), else empty."
                    ),
                },
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": (
                    "Page number, from 1. A page past the end is a 404; a page starting past "
                    f"row {MAX_OFFSET:,} is a 400 (narrow the query with filters instead)."
                ),
                "schema": {"type": "integer", "minimum": 1, "example": 1},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": (
                    f"Items per page: default {PAGE_SIZE}, at most {MAX_PAGE_SIZE} "
                    f"(CSV: default and at most {CSV_PAGE_SIZE})."
                ),
                "schema": {"type": "integer", "minimum": 1, "maximum": CSV_PAGE_SIZE},
            },
        ]
