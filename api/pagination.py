"""Pagination with strict input: a malformed or oversized ``page_size`` is a 400 and a page past
the end a 404, each naming the parameter, instead of being quietly corrected.

Two ways through a list:

- ``page`` (page numbers, the default). Deep pages are capped: a page starting past
  ``MAX_OFFSET`` rows is a 400 naming ``page`` (checked before anything is counted or read)
  that points to ``cursor``. A page past the first reads the ids of the rows before it from the
  ordering's index alone (an index-only scan), then only its own rows: page 201 of the default
  list at 100,000 tools walks 10,000 index entries (a few ms), not 10,000 wide rows.
- ``cursor`` (keyset): every JSON page answers ``next_cursor``, an opaque token naming its last
  row (its sort value and id); ``?cursor=<token>`` (same filters and ordering) answers the rows
  after it, each page a range on the ordering's index whatever its depth, so any depth is
  served. Its ``next`` link carries the following cursor. Not with ``ordering=relevance`` (a
  search's rank is not stored) nor for CSV; a token that is not one this list gave is a 400
  naming ``cursor``.

The row count of a list is read once per data version and filter (``api.caching.by_version``):
other pages and orderings of the same list reuse it.

CSV exports use the same parameters with a larger default and cap, so a whole catalog usually
fits in one file; the ``Link`` header points at the next page when it does not. CSV exports are
not capped (one 10,000-row page streams in constant memory).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from api.errors import NotFound, ParameterError
from catalog.models import Tool
from catalog.selectors import catalog_as_of
from catalog.tool_queries import ordering_field, ordering_value, tools_after

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
CSV_PAGE_SIZE = 10_000
#: Rows a JSON page may start after (page 201 at the default page size of 50).
MAX_OFFSET = 10_000
CURSOR = "cursor"
MAX_CURSOR_LENGTH = 200


class _CountOnce(Paginator):
    """A paginator whose count comes from ``counter`` (memoized by the view), read once."""

    def __init__(self, *args, counter: Callable[[], int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._counter = counter

    @cached_property
    def count(self) -> int:
        return self._counter() if self._counter is not None else super().count


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


def _bad_cursor(message: str = "is not a cursor this list gave") -> ParameterError:
    return ParameterError(CURSOR, f"{message}; start again without it (or use page)")


Fetch = Callable[[QuerySet], list[Any]]
Ranker = Callable[[int, int], list[int] | None]  # (offset, size) → a page's ids in order, or None


def _page_rows(queryset: QuerySet, offset: int, size: int, fetch: Fetch = list) -> list[Any]:
    """The ``size`` rows after ``offset``, read by ``fetch``. Past the first page, the ids
    first (only the ordering's index is read for the rows skipped), then those rows by id."""
    if offset == 0:
        return fetch(queryset[:size])
    ids = list(queryset.prefetch_related(None).values_list("id", flat=True)[offset : offset + size])
    return _rows_by_id(queryset, ids, fetch)


def _rows_by_id(queryset: QuerySet, ids: list[int], fetch: Fetch) -> list[Any]:
    """The rows of ``queryset`` with these ids, read by ``fetch``, in the order of ``ids``."""
    found = {row.pk: row for row in fetch(queryset.order_by().filter(id__in=ids))} if ids else {}
    return [found[pk] for pk in ids if pk in found]


def encode_cursor(ordering: str, value: object, tool_id: int) -> str:
    """An opaque token for "after this row" of a list sorted by ``ordering``."""
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([ordering, value, tool_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, ordering: str) -> tuple[object, int]:
    """The (sort value, id) a cursor names; a 400 naming ``cursor`` for anything else."""
    if len(token) > MAX_CURSOR_LENGTH:
        raise _bad_cursor()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        given, value, tool_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise _bad_cursor() from None
    if given != ordering:
        raise _bad_cursor(f"was given for ordering={given}, not {ordering}")
    if not isinstance(tool_id, int) or isinstance(tool_id, bool):
        raise _bad_cursor()
    if value is None:
        return None, tool_id
    kind = Tool._meta.get_field(ordering_field(ordering)).get_internal_type()  # type: ignore[union-attr]
    try:
        if kind == "DateTimeField" and isinstance(value, str):
            return datetime.fromisoformat(value), tool_id
        if kind == "FloatField" and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value), tool_id
        if kind in ("IntegerField", "BigIntegerField") and type(value) is int:
            return value, tool_id
        if kind == "CharField" and isinstance(value, str):
            return value, tool_id
    except ValueError:
        pass
    raise _bad_cursor()


class Pagination(PageNumberPagination):
    page_size = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    django_paginator_class = _CountOnce
    page: Page | None = None  # page-number mode, set before any response is built
    #: Set by the view (``configure``) before paginating.
    ordering: str | None = None
    counter: Callable[[], int] | None = None
    as_of: date | None = None
    configured = False
    #: Cursor mode: the rows of this page and whether more follow.
    after: tuple[object, int] | None = None
    rows: list[Any]
    more = False

    fetch: Fetch = list
    iterate: Callable[[QuerySet], Iterator[Any]] | None = None
    ranker: Ranker | None = None

    def configure(
        self,
        *,
        ordering: str,
        counter: Callable[[], int] | None,
        as_of: date | None,
        fetch: Fetch = list,
        iterate: Callable[[QuerySet], Iterator[Any]] | None = None,
        ranker: Ranker | None = None,
    ) -> None:
        """The list's ordering (for cursors), how to count it, the catalog's as-of, how to
        read a page's rows (``fetch``) or stream an export's (``iterate``), and, for a list
        whose order is worked out rather than stored (a search by relevance), the ids of a
        page's rows (``ranker(offset, size)``; None: read the page in the queryset's order)."""
        self.ordering, self.counter, self.as_of = ordering, counter, as_of
        self.fetch, self.iterate, self.ranker = fetch, iterate, ranker
        self.configured = True

    def get_page_size(self, request) -> int:
        if _is_csv(request):
            return _positive(request, "page_size", default=CSV_PAGE_SIZE, maximum=CSV_PAGE_SIZE)
        return _positive(request, "page_size", default=PAGE_SIZE, maximum=MAX_PAGE_SIZE)

    def _cursor(self, request) -> tuple[object, int] | None:
        token = request.query_params.get(CURSOR, "").strip()
        if not token:
            return None
        if request.query_params.get("page"):
            raise ParameterError(CURSOR, "give page or cursor, not both")
        if _is_csv(request):
            raise ParameterError(CURSOR, "is not available for CSV exports; use page")
        if self.ordering is None or self.ordering == "relevance":
            raise ParameterError(
                CURSOR, "is not available with ordering=relevance; use page, or another ordering"
            )
        return decode_cursor(token, self.ordering)

    def check_page(self, queryset, request) -> tuple[Paginator, int]:
        """The paginator and page number asked for; a 400/404 naming the parameter when the
        page size, page or cursor is bad or the page is past the end (one COUNT query, or
        none when the count is memoized)."""
        size = self.get_page_size(request)
        self.after = self._cursor(request)
        number = 1 if self.after else _positive(request, "page", default=1)
        deepest = MAX_OFFSET // size + 1
        if number > deepest and not _is_csv(request):
            raise ParameterError(
                "page",
                f"at most {deepest} with page_size={size}: pages starting past row "
                f"{MAX_OFFSET:,} are not served; follow next_cursor (?cursor=) to read "
                "further, or narrow the query with filters",
                allowed=[f"1-{deepest}"],
            )
        paginator = self.django_paginator_class(queryset, size, counter=self.counter)
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
        if self.after is not None:
            assert self.ordering is not None  # checked by _cursor
            value, tool_id = self.after
            rows = tools_after(
                queryset,
                ordering=self.ordering,
                value=value,
                tool_id=tool_id,
                limit=self.size + 1,
                fetch=self.fetch,
            )
            self.rows, self.more, self.page = rows[: self.size], len(rows) > self.size, None
            self.count = paginator.count
            return self.rows
        self.page = paginator.page(number)
        offset = (number - 1) * self.size
        ids = self.ranker(offset, self.size) if self.ranker is not None else None
        if ids is not None:
            self.page.object_list = _rows_by_id(queryset, ids, self.fetch)
        else:  # in the queryset's order (a ranker that could not prove a page: by relevance)
            self.page.object_list = _page_rows(queryset, offset, self.size, self.fetch)
        self.rows, self.more, self.count = list(self.page), self.page.has_next(), paginator.count
        return self.rows

    def page_iterator(self, queryset, request, *, chunk_size: int = 500) -> Iterator[Any]:
        """The page asked for, read lazily ``chunk_size`` rows at a time (a server-side cursor
        on PostgreSQL; prefetches per chunk): for streamed exports, in constant memory. The
        page is checked (400/404) now, before anything is streamed."""
        self.request = request
        paginator, number = self.check_page(queryset, request)
        self.page = paginator.page(number)
        self.rows, self.more, self.count = [], self.page.has_next(), paginator.count
        rows = cast(QuerySet, self.page.object_list)  # a slice of the queryset, unread
        if self.iterate is not None:
            return self.iterate(rows)
        return rows.iterator(chunk_size=chunk_size)

    def next_cursor(self) -> str | None:
        """The token for the rows after this page (None on the last page, or for relevance)."""
        if not self.more or not self.rows or self.ordering in (None, "relevance"):
            return None
        assert self.ordering is not None
        last = self.rows[-1]
        return encode_cursor(self.ordering, ordering_value(last, self.ordering), last.pk)

    def get_next_link(self) -> str | None:
        if self.page is not None:
            return super().get_next_link()
        token = self.next_cursor()
        if token is None:
            return None
        assert self.request is not None  # set by paginate_queryset
        url = self.request.build_absolute_uri()
        return replace_query_param(remove_query_param(url, "page"), CURSOR, token)

    def get_previous_link(self) -> str | None:
        return super().get_previous_link() if self.page is not None else None

    def headers(self) -> dict[str, str]:
        """``X-Total-Count`` and the ``Link`` to the next and previous pages."""
        headers = {"X-Total-Count": str(self.count)}
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
            "count": self.count,
            "page": self.page.number if self.page is not None else None,
            "pages": self.pages,
            "page_size": self.size,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "next_cursor": self.next_cursor(),
            "catalog_as_of": self.as_of if self.configured else catalog_as_of(),
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
                "page": {
                    "type": "integer",
                    "nullable": True,
                    "example": 1,
                    "description": "The page number; null when read with `cursor`.",
                },
                "pages": {"type": "integer", "example": 50},
                "page_size": {"type": "integer", "example": PAGE_SIZE},
                "next": {**url, "example": "https://strata.example/api/v1/tools/?page=2"},
                "previous": url,
                "next_cursor": {
                    "type": "string",
                    "nullable": True,
                    "example": "WyItc2NvcmUiLDgxLjAsNDJd",
                    "description": (
                        "Pass as `cursor` (same filters and ordering) for the rows after this "
                        "page, at any depth; null on the last page and with "
                        "`ordering=relevance`."
                    ),
                },
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
                    f"row {MAX_OFFSET:,} is a 400 (read further with `cursor`, or narrow the "
                    "query with filters)."
                ),
                "schema": {"type": "integer", "minimum": 1, "example": 1},
            },
            {
                "name": CURSOR,
                "in": "query",
                "required": False,
                "description": (
                    "Keyset pagination: the `next_cursor` of the previous page (with the same "
                    "filters and ordering) gives the rows after it, as fast at any depth; the "
                    "answer's `next` link carries the following cursor. Not with `page`, "
                    "`ordering=relevance` or CSV; a token this list did not give is a 400."
                ),
                "schema": {"type": "string", "maxLength": MAX_CURSOR_LENGTH},
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
