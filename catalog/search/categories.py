"""Which categories answer each term: their name, description and synonyms, and their
layer's name and description, matched with English stemming.

Categories are few (tens, at most hundreds), so they are read in one query and matched in an
in-memory SQLite FTS5 table with the porter tokenizer, the same on both databases.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing

from catalog.models import Category
from catalog.search.fts import term_expression
from catalog.search.synonyms import default_synonyms
from catalog.search.terms import Term


def category_text(category: Category) -> str:
    synonyms = category.synonyms.strip() or default_synonyms(category.slug)
    layer = category.layer
    parts = [category.name, category.description, synonyms, layer.name, layer.description]
    return " \n ".join(part for part in parts if part)


def load_categories() -> list[Category]:
    """Every category with its layer: what ``categories_matching`` matches terms against (one
    query; a caller that searches often may keep them while the taxonomy does not change)."""
    return list(Category.objects.select_related("layer"))


def categories_matching(
    terms: Sequence[Term], categories: Sequence[Category] | None = None
) -> list[set[int]]:
    """For each term, the ids of the categories whose text holds it: of ``categories`` (each
    with its layer loaded) when the caller has read them, else of all (one query)."""
    if not terms:
        return []
    if categories is None:
        categories = load_categories()
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.execute("CREATE VIRTUAL TABLE c USING fts5(t, tokenize='porter unicode61')")
        connection.executemany(
            "INSERT INTO c(rowid, t) VALUES (?, ?)",
            [(category.pk, category_text(category)) for category in categories],
        )
        return [
            {
                row[0]
                for row in connection.execute(
                    "SELECT rowid FROM c WHERE c MATCH ?", (term_expression(term),)
                )
            }
            for term in terms
        ]
