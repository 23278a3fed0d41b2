"""Tool search: the one implementation behind the API's ``q``, the search page, the header box,
admin search, autocomplete and compare.

What lives here:

- ``terms``: a query string into terms (case, ``_ - . /`` and stop words normalised).
- ``categories``: which categories (name, description, synonyms, layer) answer each term.
- ``synonyms``: the default synonyms of the bundled categories.
- ``postgres`` / ``sqlite``: how each database matches words (stored weighted ``tsvector`` with
  ``simple`` and ``english`` lexemes, pg_trgm; FTS5 with the porter tokenizer, rapidfuzz).
- ``engine``: the relevance score both databases share, ``did_you_mean`` and ``autocomplete``.

This package may import from ``catalog`` (models, selectors) only — never from ``api``,
``workers`` or ``config``. Callers reach it through ``Tool.objects.search(q)``.
"""

from catalog.search.engine import (
    autocomplete,
    did_you_mean,
    search_tools,
    tools_by_repo_name,
)

__all__ = ["autocomplete", "did_you_mean", "search_tools", "tools_by_repo_name"]
