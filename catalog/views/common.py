"""Helpers shared by the page views: pagination, sparklines, friendly bad-request pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString

from catalog import charts, selectors
from catalog.models import Tool

PAGE_SIZE = 25
SPARKLINE_DAYS = 90


def paginate(request: HttpRequest, queryset: QuerySet, *, per_page: int = PAGE_SIZE) -> Page:
    """The requested page; a malformed or out-of-range ``page`` gives the nearest real page."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # evaluated once; views decorate the rows
    return page


def sparklines(tools: Sequence[Tool], *, days: int = SPARKLINE_DAYS) -> dict[int, SafeString]:
    """Each tool's stars over ``days`` as an SVG sparkline, by tool id, in one query.

    Templates show them with ``{{ sparklines|get_item:tool.pk }}``.
    """
    if not tools:
        return {}
    latest = max((tool.metrics_as_of for tool in tools if tool.metrics_as_of), default=None)
    since = (latest or timezone.now()).date() - timedelta(days=days)
    dates, series = selectors.compare_series(tools=list(tools), since=since)
    return {
        tool.pk: charts.sparkline(
            list(zip(dates, series[tool.pk], strict=True)),
            label=f"Stars of {tool.full_name} over the last {days} days",
        )
        for tool in tools
    }


def bad_request(
    request: HttpRequest, template: str, context: dict, *, message: str
) -> HttpResponse:
    """The page itself with a friendly explanation of what was wrong, as a 400."""
    return render(request, template, {**context, "error": message}, status=400)
