"""The search page: filters, sort and pagination, all held in the URL.

Filtering, searching and ordering go through ``catalog.tool_queries`` and ``catalog.search``
— the same code the REST API runs — so a search URL and an API URL with the same parameters
list the same tools in the same order. A search counts its matches only up to ``MAX_COUNTED``
("1,000+") and pages that many; the API pages them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from catalog.data_version import CatalogVersion, by_version, catalog_version
from catalog.forms import SearchForm, search_form_choices
from catalog.models import Category
from catalog.search import did_you_mean
from catalog.search.engine import plan_search
from catalog.search.ranked import top_matches
from catalog.tool_queries import (
    DEFAULT_ORDERING,
    ORDERINGS,
    ToolQuery,
    ToolQueryError,
    load_taxonomy,
    parse_tool_query,
    tool_list,
)
from catalog.views.common import (
    ROW_COLUMNS,
    count_key,
    counted_tools,
    list_rows,
    paginate,
    table_columns,
    tool_values,
)

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
    more tells whether there are more) once per data version — a common word's in the
    statement of the search's first walk — and, sorted by relevance, each
    page ranked by ``catalog.search.ranked`` (the best matches of a common word without
    scoring them all). Pages are rows of ``ROW_COLUMNS`` values."""

    def __init__(self, query: ToolQuery, taxonomy: list[Category], version: CatalogVersion):
        assert query.q
        self.more, self.q, self.query, self.version = False, query.q, query, version
        self.counted: int | None = None
        by_relevance = query.ordering == "relevance"
        ordering = DEFAULT_ORDERING if by_relevance else query.ordering
        listed = tool_list(query=replace(query, q=None, ordering=ordering))
        self.plan = plan_search(listed, query.q, taxonomy=taxonomy, count_upto=MAX_COUNTED + 1)
        self.matches = listed.filter(self.plan.condition)
        # Ranked pages load their tools with only the row's columns and category (what
        # ``tool_values`` reads): a tool's ~70 columns and its layer were most of loading them.
        rows = listed.order_by().select_related(None).select_related("category")
        self.base: QuerySet | None = rows.only(*ROW_COLUMNS) if by_relevance else None

    def _count(self) -> int:
        if self.plan.match_count is not None:  # counted in the plan's statements
            return self.plan.match_count
        words_match = self.plan.words_match
        if words_match is not None and words_match > MAX_COUNTED:
            return words_match  # the names answering q can only add to more than enough
        return self.matches.order_by().values("pk")[: MAX_COUNTED + 1].count()

    def count(self) -> int:
        key = count_key(self.query, "catalog.search-count")
        counted = by_version(self.version, key, self._count)
        self.more = counted > MAX_COUNTED
        self.counted = None if self.more else counted
        return min(counted, MAX_COUNTED)

    def _matches(self) -> int | None:
        """How many tools match, when the paginator counted them exactly (the page is ranked
        after the count): a ranked page then never walks more tools than match."""
        return self.counted

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        if self.base is None:
            return list(self.matches.values(*ROW_COLUMNS)[key])
        start, stop = key.start or 0, key.stop
        ranked = top_matches(
            self.base,
            self.q,
            offset=start,
            limit=stop - start,
            plan=self.plan,
            matches=self._matches,
        )
        return [tool_values(tool) for tool in ranked]


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
    version = catalog_version()  # before the values kept for it (see by_version)
    # The form's selects and the search share one read of the categories (with the form's
    # languages and licences, in the same statement), and the slugs a filter names are
    # checked against the taxonomy: both kept for the data version (a taxonomy edit in admin
    # or an import moves it), as the API keeps them.
    choices = by_version(version, "catalog.search-form", search_form_choices)
    taxonomy = choices.categories
    form = SearchForm(request.GET or None, choices=choices)
    context = {"form": form, "orderings": ORDERINGS}
    try:
        query = parse_tool_query(
            request.GET, taxonomy=lambda: by_version(version, "catalog.taxonomy", load_taxonomy)
        )
    except ToolQueryError as error:
        field = FILTER_LABELS.get(error.field, error.field)
        message = f"{field}: {error.message}."
        if error.allowed:
            message += " Allowed: " + ", ".join(error.allowed[:20]) + "."
        context.update(error=message, error_field=error.field)
        return render(request, "catalog/search.html", context, status=400)
    matches = _Matches(query, taxonomy, version) if query.q else None
    listed = matches or counted_tools(tool_list(query=query), query=query, version=version)
    page, rows = paginate(request, listed)
    as_of = version.catalog_as_of
    context.update(
        more=getattr(matches, "more", False),
        max_counted=MAX_COUNTED,
        tools=list_rows(rows, as_of=as_of, first=page.start_index()),
        as_of=as_of,
        **table_columns(rows),
        did_you_mean=did_you_mean(query.q) if query.q and not page.paginator.count else [],
        page=page,
        query=query,
        filters=_active_filters(request, query.to_params(), form),
        api_query=urlencode(query.to_params(), safe="/,"),
    )
    return render(request, "catalog/search.html", context)
