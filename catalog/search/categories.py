"""Which categories answer each term: their name, description and synonyms, and their
layer's name and description, matched with English stemming.

Categories are few (tens, at most hundreds), so they are read in one query and matched in an
in-memory SQLite FTS5 table with the porter tokenizer, the same on both databases; the table is
kept while the categories' texts stay the same.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence

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


_kept = threading.local()  # .index: the rows and their table, of this thread


def _index(rows: tuple[tuple[int, str], ...]) -> sqlite3.Connection:
    """An in-memory FTS5 table of these ``(category id, text)`` rows, kept while the rows stay
    the same (building it was most of a search's category matching, ~0.6 ms; the texts change
    only when the taxonomy does). Kept per thread: a connection serves the thread that made
    it."""
    kept: tuple[tuple[tuple[int, str], ...], sqlite3.Connection] | None
    kept = getattr(_kept, "index", None)
    if kept is not None and kept[0] == rows:
        return kept[1]
    if kept is not None:
        kept[1].close()
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE c USING fts5(t, tokenize='porter unicode61')")
    connection.executemany("INSERT INTO c(rowid, t) VALUES (?, ?)", rows)
    _kept.index = (rows, connection)
    return connection


def categories_matching(
    terms: Sequence[Term], categories: Sequence[Category] | None = None
) -> list[set[int]]:
    """For each term, the ids of the categories whose text holds it: of ``categories`` (each
    with its layer loaded) when the caller has read them, else of all (one query)."""
    if not terms:
        return []
    if categories is None:
        categories = load_categories()
    index = _index(tuple((category.pk, category_text(category)) for category in categories))
    return [
        {
            row[0]
            for row in index.execute(
                "SELECT rowid FROM c WHERE c MATCH ?", (term_expression(term),)
            )
        }
        for term in terms
    ]
