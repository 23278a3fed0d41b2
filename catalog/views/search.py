"""The search page: filters, sort and pagination, all held in the URL.

Filtering, searching and ordering go through ``catalog.tool_queries`` and ``catalog.search``
— the same code the REST API runs — so a search URL and an API URL with the same parameters
list the same tools in the same order. A search counts its matches only up to ``MAX_COUNTED``
("1,000+") and pages that many; the API pages them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any, cast
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from catalog import selectors
from catalog.forms import SearchForm, taxonomy_categories
from catalog.models import Category
from catalog.search import did_you_mean
from catalog.search.engine import plan_search
from catalog.search.ranked import top_matches
from catalog.tool_queries import (
    DEFAULT_ORDERING,
    ORDERINGS,
    ToolQuery,
    ToolQueryError,
    parse_tool_query,
    tool_list,
)
from catalog.views.common import paginate, sparklines

FILTER_LABELS = {
    "layer": "Layer",
    "category": "Category",
    "language": "Language",
    "license": "Licence",
    "topic": "Topic",
    "status": "Status",
    "lifecycle": "Lifecycle",
    "featured": "Featured",
    "stars_min": "Stars at least",
    "stars_max": "Stars at most",
    "gained_30d_min": "30-day gain at least",
    "pushed_after": "Active since",
    "created_after": "Created since",
}


#: Matches of a search counted (and paged) at most: past it the page says "1,000+".
MAX_COUNTED = 1000


class _Matches:
    """A search's matches as the paginator reads them: counted up to ``MAX_COUNTED`` (one
    more tells whether there are more), and, sorted by relevance, each page ranked by
    ``catalog.search.ranked`` (the best matches of a common word without scoring them all)."""

    def __init__(self, query: ToolQuery, taxonomy: list[Category]) -> None:
        assert query.q
        self.more, self.q = False, query.q
        by_relevance = query.ordering == "relevance"
        ordering = DEFAULT_ORDERING if by_relevance else query.ordering
        listed = tool_list(query=replace(query, q=None, ordering=ordering))
        self.plan = plan_search(listed, query.q, taxonomy=taxonomy)
        self.matches = listed.filter(self.plan.condition)
        self.base: QuerySet | None = listed.order_by() if by_relevance else None

    def count(self) -> int:
        counted = self.matches.order_by().values("pk")[: MAX_COUNTED + 1].count()
        self.more = counted > MAX_COUNTED
        return min(counted, MAX_COUNTED)

    def __getitem__(self, key: slice) -> list:
        if self.base is None:
            return list(self.matches[key])
        start, stop = key.start or 0, key.stop
        return top_matches(self.base, self.q, offset=start, limit=stop - start, plan=self.plan)


def _choices() -> dict[str, list[str]]:
    languages, licenses = selectors.search_choices()
    return {"languages": languages, "licenses": licenses}


def _names(form: SearchForm, key: str) -> dict[str, str]:
    """Choice value → its label for a select of the form (optgroups flattened)."""
    names: dict[str, str] = {}
    choices: Iterable[tuple[str, Any]] = form.choice_field(key).choices  # type: ignore[assignment]
    for value, label in choices:
        if isinstance(label, list | tuple):
            names.update(dict(label))
        else:
            names[value] = label
    return names


def _active_filters(
    request: HttpRequest, params: dict[str, str], form: SearchForm
) -> list[dict[str, str]]:
    """Each filter in use, with a link to the same search without it (to loosen it)."""
    filters = []
    named = {
        key: _names(form, key) for key in ("layer", "category", "status", "lifecycle", "license")
    }
    for key, label in FILTER_LABELS.items():
        if key in params:
            shown = ", ".join(
                named.get(key, {}).get(value, value) for value in params[key].split(",")
            )
            rest = request.GET.copy()
            rest.pop(key, None)
            rest.pop("page", None)
            filters.append(
                {"label": label, "value": shown, "without": "?" + rest.urlencode(safe="/,")}
            )
    return filters


def search(request: HttpRequest) -> HttpResponse:
    if any(not value.strip() for _, values in request.GET.lists() for value in values):
        # A submitted form sends its empty fields too: keep the shareable URL short.
        clean = QueryDict(mutable=True)
        for key, values in request.GET.lists():
            clean.setlist(key, [value for value in values if value.strip()])
        return redirect(f"{request.path}?{clean.urlencode(safe='/,')}".rstrip("?"))
    taxonomy = taxonomy_categories()  # the form's selects and the search share one read
    form = SearchForm(request.GET or None, categories=taxonomy, **_choices())
    context = {"form": form, "orderings": ORDERINGS}
    try:
        query = parse_tool_query(request.GET)
    except ToolQueryError as error:
        field = FILTER_LABELS.get(error.field, error.field)
        message = f"{field}: {error.message}."
        if error.allowed:
            message += " Allowed: " + ", ".join(error.allowed[:20]) + "."
        context.update(error=message, error_field=error.field)
        return render(request, "catalog/search.html", context, status=400)
    matches = _Matches(query, taxonomy) if query.q else None
    # The paginator reads any object with count() and slicing, not only a QuerySet.
    page = paginate(
        request, cast(QuerySet, matches) if matches is not None else tool_list(query=query)
    )
    context.update(
        more=getattr(matches, "more", False),
        max_counted=MAX_COUNTED,
        sparklines=sparklines(list(page.object_list)),
        did_you_mean=did_you_mean(query.q) if query.q and not page.paginator.count else [],
        page=page,
        query=query,
        filters=_active_filters(request, query.to_params(), form),
        api_query=urlencode(query.to_params(), safe="/,"),
    )
    return render(request, "catalog/search.html", context)
