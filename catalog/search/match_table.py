"""Counting a list of tools from ``catalog_tool_match`` (migration 0016) on PostgreSQL.

That table holds, for every tool, only what a search's match condition and the listing's
placement and status filters read — ``id``, ``category_id``, ``hidden``, ``status`` and the
weighted ``search_vector`` — kept in step with ``catalog_tool`` by triggers. A count of a
common word's matches visits the heap page of every match (PostgreSQL 15 does even for
``count(*)``); those pages are half as many there as in ``catalog_tool``, whose rows are
more than twice as wide (``?q=vector`` at 100,000 tools: ~12,600 pages and 21–27 ms in
``catalog_tool``, ~7,000 and ~10 ms here).

A list qualifies when its statement reads no other column of ``catalog_tool``: the same
statement then runs on the narrow table under the same alias, so every condition (search
words, categories, names, secondary placements, status) keeps its meaning. Any other filter
(language, licence, stars…) counts from ``catalog_tool`` as before.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.datastructures import BaseTable

from catalog.models import Tool

MATCH_TABLE = "catalog_tool_match"
#: The columns of ``catalog_tool`` copied to ``MATCH_TABLE`` (migration 0016's ``COLUMNS``).
COPIED = frozenset({"id", "category_id", "hidden", "status", "search_vector"})

_TABLE = Tool._meta.db_table
# References to the list's own table: Django's quoted ``"catalog_tool"."x"`` and the search's
# raw ``catalog_tool.x`` (a subquery's tables carry aliases of their own: U0, U1…).
_REFERENCES = re.compile(rf'"{_TABLE}"\."(\w+)"|(?<![\w".]){_TABLE}\.(\w+)')


def pks_statement(tools: QuerySet[Tool]) -> tuple[str, tuple[Any, ...]]:
    """The statement listing the ids of ``tools`` (unordered): on ``MATCH_TABLE`` when the
    list's conditions read only columns copied there, else on ``catalog_tool``."""
    query = tools.order_by().values("pk").query
    sql, params = query.sql_with_params()
    if connections[tools.db].vendor != "postgresql" or not _reads_only_copied(sql):
        return sql, params
    base = query.get_initial_alias()
    if base != _TABLE:  # never seen: a list is a query of the tools' own table
        return sql, params
    query.alias_map[base] = BaseTable(MATCH_TABLE, base)  # same alias: same column names
    return query.sql_with_params()


def _reads_only_copied(sql: str) -> bool:
    return all((quoted or raw) in COPIED for quoted, raw in _REFERENCES.findall(sql))
