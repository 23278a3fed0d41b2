"""Tool search for curators on PostgreSQL, served by the indexes of migration 0002."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

WORD = re.compile(r"\w+")


def tool_search(queryset: QuerySet, term: str) -> QuerySet:
    """Tools whose words start with every word of ``term``, or whose owner/name contains it.

    The words match ``search_document`` (names, descriptions, topics) through its full-text
    GIN index; the owner/name part uses the trigram index on ``lower(full_name)``. Each tool
    appears once: no join through topics.
    """
    from django.contrib.postgres.search import SearchQuery, SearchVector

    term = term.strip().lower()
    matches = Q(name_lower__contains=term)
    words = WORD.findall(term)[:10]
    if words:
        prefixes = SearchQuery(
            " & ".join(f"{word}:*" for word in words), config="simple", search_type="raw"
        )
        matches |= Q(document=prefixes)
    # Same expression as the index: to_tsvector('simple', COALESCE(search_document, '')).
    document = SearchVector("search_document", config="simple")
    return queryset.alias(document=document, name_lower=Lower("full_name")).filter(matches)
