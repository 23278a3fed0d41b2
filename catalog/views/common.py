"""Helpers shared by the page views: pagination, the rows of a tool list with their
sparklines, friendly bad-request pages.

A list page shows 25–50 tools. Each row is read as plain values (``ROW_COLUMNS``: no ``Tool``,
``Category`` and ``Layer`` instance per row) and turned here, in one pass, into what the page
prints (``ListRow``): the tool page's URL formatted from one ``reverse()``, the figures
formatted by the same filters the templates use, the sparkline drawn from one query. The
``tool_rows`` and ``trending_rows`` tags (``catalog.templatetags.strata``) write their markup.

The row count of a layer's or category's list (and of a search) is kept per data version
(``catalog.data_version``): every write moves the version, so a count is never older than the
catalog it is shown with.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypedDict
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from catalog import charts, selectors
from catalog.data_version import CatalogVersion, by_version
from catalog.models import MetricSnapshot, Tool, ToolStatus
from catalog.names import NamedPath
from catalog.templatetags.strata import score, signed, stars
from catalog.tool_queries import ToolQuery, tool_count

PAGE_SIZE = 25
SPARKLINE_DAYS = 90

#: The values a row of a tool list reads (``values(*ROW_COLUMNS)``).
ROW_COLUMNS = (
    "id",
    "full_name",
    "display_name",
    "status",
    "short_description",
    "description",
    "category__slug",
    "category__name",
    "stars",
    "metrics_as_of",
    "stars_gained_7d",
    "stars_gained_30d",
    "score",
    "score_provisional",
    "language",
)
_STATUS_LABELS = dict(ToolStatus.choices)


class CountedList:
    """A list the paginator reads by slices, its length from ``count`` (one kept per data
    version) instead of a ``COUNT`` of its own."""

    def __init__(self, rows: Any, count: Callable[[], int]) -> None:
        self.rows, self._count = rows, count

    def count(self) -> int:
        return self._count()

    def __getitem__(self, key: slice) -> Any:
        return self.rows[key]


def count_key(query: ToolQuery, prefix: str = "catalog.tool-count") -> str:
    """The memo key of a count of ``query``'s list: its filters (and words), not its
    order."""
    params = query.to_params()
    params.pop("ordering", None)
    return f"{prefix}?{urlencode(sorted(params.items()))}"


def counted_tools(
    tools: QuerySet[Tool], *, query: ToolQuery, version: CatalogVersion
) -> CountedList:
    """``tools`` (``tool_list(query=query)``) as rows of values, counted once per data
    version (``tool_count``: a few ms for a 30,000-tool layer at 100,000 tools)."""
    return CountedList(
        tools.values(*ROW_COLUMNS),
        lambda: by_version(version, count_key(query), lambda: tool_count(query=query)),
    )


def paginate(
    request: HttpRequest, items: Any, *, per_page: int = PAGE_SIZE
) -> tuple[Page, list[dict[str, Any]]]:
    """The requested page and its rows; a malformed or out-of-range ``page`` gives the
    nearest real page.

    ``items``: rows of ``ROW_COLUMNS`` values by slices (a values queryset, ``CountedList``,
    or any object with ``count()`` and slicing)."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    rows = list(page.object_list)  # read once
    page.object_list = rows
    return page, rows


def tool_values(tool: Tool) -> dict[str, Any]:
    """A loaded tool's ``ROW_COLUMNS``, as ``values(*ROW_COLUMNS)`` would read them."""
    values = {column: getattr(tool, column) for column in ROW_COLUMNS if "__" not in column}
    values["category__slug"] = tool.category.slug
    values["category__name"] = tool.category.name
    return values


class ListRow(TypedDict):
    """One tool of a list as the pages print it (``strata.tool_rows``, ``trending_rows``)."""

    pk: int
    number: int  # its place in the list, from 1
    full_name: str
    owner: str
    repo_name: str
    url: str  # the tool's page
    display_name: str
    status: str
    status_label: str  # "" when active (no badge)
    text: str  # the description, truncated
    category_name: str
    category_url: str
    stars: SafeString  # the ``stars`` filter's markup
    month: str  # ``figures_month``: "Jun 2025" when the figures are old, else ""
    gained_30d: str
    gained_7d: str
    gain: str  # the trending window's gain (trending only)
    score: str
    provisional: bool  # a provisional score to mark
    language: str  # "—" when unknown
    sparkline: SafeString


class _URLs:
    """Tool and category page URLs: the tool page's pattern reversed once and filled in per
    row (``catalog.names.NamedPath``), each category's reversed once."""

    def __init__(self) -> None:
        self.tool = NamedPath("catalog:tool-detail")
        self.categories: dict[str, str] = {}

    def category(self, slug: str) -> str:
        url = self.categories.get(slug)
        if url is None:
            url = self.categories[slug] = reverse("catalog:category-detail", args=[slug])
        return url


def list_rows(
    tools: Sequence[dict[str, Any]],
    *,
    as_of: date | None,
    first: int = 1,
    description_chars: int = 140,
    gains: Sequence[int | None] | None = None,
) -> list[ListRow]:
    """The rows of a list page from each tool's ``ROW_COLUMNS`` values, numbered from
    ``first``, with their sparklines (one query). ``as_of``: the catalog's as-of day (older
    figures carry their month). ``gains``: trending's gain of each tool, in order."""
    urls = _URLs()
    rows: list[ListRow] = []
    for n, values in enumerate(tools):
        owner, _, name = values["full_name"].partition("/")
        text = values["short_description"] or values["description"]
        measured = values["metrics_as_of"]
        day = measured.date() if isinstance(measured, datetime) else measured
        status = values["status"]
        rows.append(
            {
                "pk": values["id"],
                "number": first + n,
                "full_name": values["full_name"],
                "owner": owner,
                "repo_name": name,
                "url": urls.tool(owner, name),
                "display_name": values["display_name"],
                "status": status,
                "status_label": "" if status == "active" else _STATUS_LABELS.get(status, status),
                "text": truncated(text, description_chars) if text else "",
                "category_name": values["category__name"],
                "category_url": urls.category(values["category__slug"]),
                "stars": stars(values["stars"]),
                "month": selectors.figures_month(day, as_of),
                "gained_30d": signed(values["stars_gained_30d"]),
                "gained_7d": signed(values["stars_gained_7d"]),
                "gain": signed(gains[n]) if gains is not None else "",
                "score": score(values["score"]),
                "provisional": bool(values["score_provisional"] and values["score"] is not None),
                "language": values["language"] or "—",
                "sparkline": SafeString(""),
            }
        )
    lines = sparklines([(row["pk"], row["full_name"]) for row in rows], newest=_newest(tools))
    for row in rows:
        row["sparkline"] = lines[row["pk"]]
    return rows


def truncated(text: str, chars: int) -> str:
    """``text|truncatechars:chars``: a text that fits is only NFC-normalized, as Django's
    ``Truncator`` returns it, without its walk over every character."""
    normal = unicodedata.normalize("NFC", text)
    return normal if len(normal) <= chars else Truncator(text).chars(chars)


def _newest(tools: Sequence[dict[str, Any]]) -> datetime | None:
    return max((v["metrics_as_of"] for v in tools if v["metrics_as_of"]), default=None)


def has_values(tools: Iterable[dict[str, Any]], column: str) -> bool:
    """Whether any tool has ``column`` set (0 counts; None and "" do not): a column with no
    data on the page is left out rather than filled with dashes."""
    return any(values[column] not in (None, "") for values in tools)


def table_columns(tools: Sequence[dict[str, Any]]) -> dict[str, bool]:
    """Which optional columns of ``includes/tool_table.html`` the page's tools fill."""
    return {
        "has_language": has_values(tools, "language"),
        "has_30d": has_values(tools, "stars_gained_30d"),
        "has_7d": has_values(tools, "stars_gained_7d"),
    }


def sparklines(
    tools: Sequence[tuple[int, str]],
    *,
    newest: datetime | None,
    days: int = SPARKLINE_DAYS,
) -> dict[int, SafeString]:
    """Each tool's (id, full name) stars over the ``days`` before ``newest`` (the newest
    figures of the tools drawn; now when none is measured) as an SVG sparkline, by tool id,
    in one query."""
    if not tools:
        return {}
    since = (newest or timezone.now()).date() - timedelta(days=days)
    points: dict[int, list[tuple[date, int]]] = {pk: [] for pk, _ in tools}
    for tool_id, day, value in _star_points(list(points), since):
        points[tool_id].append((day, value))
    return {
        pk: charts.sparkline(points[pk], label=f"Stars of {full_name} over the last {days} days")
        for pk, full_name in tools
    }


def _star_points(tool_ids: list[int], since: date) -> list[tuple[int, date, int]]:
    """(tool id, day, stars) of each measured day from ``since``, by tool and day: one walk
    of the (tool, date) index. Plain SQL: a page reads ~2,000–4,500 of them, and the ORM's
    statement building and per-row work cost more than the query."""
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(tool_ids))
    sql = (
        f"SELECT tool_id, {quote('date')}, stars FROM {quote(MetricSnapshot._meta.db_table)} "
        f"WHERE tool_id IN ({placeholders}) AND {quote('date')} >= %s AND stars IS NOT NULL "
        f"ORDER BY tool_id, {quote('date')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*tool_ids, since])
        return cursor.fetchall()


def bad_request(
    request: HttpRequest, template: str, context: dict, *, message: str
) -> HttpResponse:
    """The page itself with a friendly explanation of what was wrong, as a 400."""
    return render(request, template, {**context, "error": message}, status=400)
