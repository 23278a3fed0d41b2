"""Query building blocks for tools, shared by the web pages, the API and the workers."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower


class ToolQuerySet(models.QuerySet):
    def listed(self) -> ToolQuerySet:
        """Tools the public sees: not hidden by a curator."""
        return self.filter(hidden=False)

    def active(self) -> ToolQuerySet:
        return self.filter(status="active")

    def by_full_name(self, full_name: str) -> ToolQuerySet:
        """Case-insensitive match on owner/name (uses the unique Lower(full_name) index)."""
        return self.alias(full_name_lower=Lower("full_name")).filter(
            full_name_lower=full_name.strip().lower()
        )

    def with_placement(self) -> ToolQuerySet:
        return self.select_related("category", "category__layer")

    def search(self, q: str) -> ToolQuerySet:
        """Tools matching ``q`` (names, display names, topics, categories, descriptions; typos
        forgiven), with a ``relevance`` alias; see ``catalog.search``. Unordered."""
        from catalog.search import search_tools  # catalog.search imports the models

        return search_tools(self, q)

    def by_relevance(self) -> ToolQuerySet:
        """After ``search``: best match first, then the most starred, then by id."""
        from catalog.search.engine import by_relevance

        return by_relevance(self)
