"""Tool search for curators: the same search as the public pages and the API (catalog.search),
over every tool, hidden ones included."""

from __future__ import annotations

from django.db.models import QuerySet

from catalog.models import Tool


def tool_search(queryset: QuerySet[Tool], term: str) -> QuerySet[Tool]:
    """Tools of ``queryset`` matching ``term``; each tool once (no join through topics)."""
    term = term.strip()
    if not term:
        return queryset
    return queryset.search(term)  # type: ignore[attr-defined]  # a ToolQuerySet
