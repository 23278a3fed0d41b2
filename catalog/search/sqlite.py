"""Matching on SQLite: the FTS5 table ``catalog_tool_fts`` (porter tokenizer, kept in sync by
the triggers of migration 0003) and rapidfuzz over the names, which a SQLite catalog keeps
few (one query reads them).

Columns of the FTS5 table: ``names`` (owner/name split at ``_ - . /`` and joined),
``display`` (display name) and ``body`` (``search_document``: descriptions and topics).
"""

from __future__ import annotations

from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from rapidfuzz.distance import OSA

from catalog.search.fts import term_expression
from catalog.search.names import FUZZY_LIMIT, OWNER_LIMIT, NameMatch
from catalog.search.terms import ParsedQuery, Term, joined

# Closeness is rapidfuzz's optimal-string-alignment similarity (0–1) of the joined names: one
# typo, missing letter or swapped pair costs one edit ("olama", "milvsu" → 0.83).
FUZZY_MIN = 0.8
SUGGEST_MIN = 0.55
PREFIX_WEIGHT = 0.95  # a name's beginning counts a little less than the whole name

_NAME = "lower(catalog_tool.full_name)"
_REPO = "lower(substr(catalog_tool.full_name, instr(catalog_tool.full_name, '/') + 1))"
_OWNER = "lower(substr(catalog_tool.full_name, 1, instr(catalog_tool.full_name, '/') - 1))"


def _joined_sql(column: str) -> str:
    for separator in "-_./":
        column = f"replace({column}, '{separator}', '')"
    return column


def text_match(term: Term, field: str | None = None) -> Q:
    """The term in ``field`` ("names", "display") or anywhere (None)."""
    column = {"names": "names", "display": "display", None: None}[field]
    sql = "SELECT rowid FROM catalog_tool_fts WHERE catalog_tool_fts MATCH %s"
    return Q(pk__in=RawSQL(sql, [term_expression(term, column)]))


def _similarity(query: str, name: str) -> float:
    """How close ``query`` is to ``name`` or to its beginning (a name typed in part)."""
    whole = OSA.normalized_similarity(query, name)
    start = max(OSA.normalized_similarity(query, name[: len(query) + n]) for n in (0, 1))
    return max(whole, PREFIX_WEIGHT * start) if len(name) > len(query) else whole


def _closeness(query: str, full_name: str) -> float:
    repo = full_name.partition("/")[2]
    return max(_similarity(query, joined(repo)), _similarity(query, joined(full_name)))


def _close_names(
    rows: list[tuple[int, str, int | None]], queries: list[str], minimum: float
) -> list[tuple[float, int, str]]:
    close = [
        (closeness, -(stars or -1), pk, name)
        for pk, name, stars in rows
        if (closeness := max(_closeness(query, name) for query in queries)) >= minimum
    ]
    close.sort(key=lambda row: (-row[0], row[1], row[2]))
    return [(closeness, pk, name) for closeness, _, pk, name in close]


def fewer_than(queryset: QuerySet, count: int) -> bool:
    """Whether ``queryset`` has fewer than ``count`` rows (it stops at ``count``)."""
    return len(queryset.order_by().values_list("pk", flat=True)[:count]) < count


def name_matches(parsed: ParsedQuery, queryset: QuerySet, *, fuzzy: bool) -> list[NameMatch]:
    """Tools whose repository, owner/name or owner is the query (ignoring case and
    ``_ - . /``) and, with ``fuzzy``, names close to it, from the names read in one query."""
    query = parsed.joined
    rows = list(queryset.values_list("pk", "full_name", "stars"))
    close = _close_names(rows, [query], FUZZY_MIN)[:FUZZY_LIMIT] if fuzzy else []
    found = {pk: NameMatch(pk, closeness, False, False) for closeness, pk, _ in close}
    owned = 0
    for pk, name, _ in rows:
        owner, _, repo = name.partition("/")
        exact = query in (joined(repo), joined(name))
        is_owner = owned < OWNER_LIMIT and joined(owner) == query
        if exact or is_owner:
            owned += is_owner
            match = found.get(pk)
            found[pk] = NameMatch(pk, match.closeness if match else 0.0, exact, is_owner)
    return list(found.values())


def exact_repo(joined_name: str) -> Q:
    return Q(RawSQL(f"{_joined_sql(_REPO)} = %s", [joined_name], BooleanField()))


def suggestions(queryset: QuerySet, queries: list[str], limit: int) -> list[str]:
    rows = list(queryset.values_list("pk", "full_name", "stars"))
    return [name for _, _, name in _close_names(rows, queries, SUGGEST_MIN)[:limit]]
