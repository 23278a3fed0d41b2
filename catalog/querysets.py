"""Query building blocks for tools, shared by the web pages, the API and the workers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models
from django.db.models.functions import Lower

if TYPE_CHECKING:
    from catalog.models import Tool


class ToolQuerySet(models.QuerySet["Tool"]):
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

    def by_names(self, names: Iterable[str]) -> dict[str, Tool]:
        """The tools called by these ``owner/name`` strings, in any case, or that used to be
        called so (a former name), keyed by the lower-cased name asked for.

        The one name lookup of the site and the API: the queryset's own filters and joins apply.
        A name not found, or holding a NUL character (PostgreSQL refuses NUL in text, so it is
        never asked), is absent. Two queries at most, none when nothing is asked.
        """
        wanted = {name.strip().lower() for name in names if name.strip() and "\x00" not in name}
        if not wanted:
            return {}
        found = {
            tool.full_name.lower(): tool
            for tool in self.alias(name_lower=Lower("full_name")).filter(name_lower__in=wanted)
        }
        if missing := wanted - found.keys():
            formerly = self.annotate(matched_former_name=Lower("former_names__full_name"))
            for tool in formerly.filter(matched_former_name__in=missing):
                found[tool.matched_former_name] = tool  # type: ignore[attr-defined]
        return found

    def by_name(self, full_name: str) -> tuple[Tool, bool] | None:
        """The tool ``by_names`` finds for one name, and whether ``full_name`` is its current
        spelling (False for a former name or another case: callers redirect to the canonical
        one); None when there is none."""
        tool = self.by_names([full_name]).get(full_name.strip().lower())
        return None if tool is None else (tool, tool.full_name == full_name)

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
