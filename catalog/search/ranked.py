"""The best matches of a search without scoring every match, when that can be proven.

Ranking every match costs as much as there are matches: a common word ("agent", "vector")
matches a third of a 100,000-tool catalog, and each match's relevance is computed before the
best 25 are known. But matches tie at a few relevance levels and ties go to the most starred,
so the best matches of a common word are usually among the most starred tools. So: read the
most starred tools of the queryset (an index walk), score those, and keep the answer
only if no tool beyond them could rank higher: every tool kept scores at least the query's
ceiling (the most a tool can score from its fields, ``SearchPlan.ceiling``), and the tools
whose names earn extra points (``SearchPlan.boosted``) are scored wherever they are. Otherwise
every match is scored, as before. Either way the answer is the one ``by_relevance`` gives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from catalog.search import engine
from catalog.search.engine import SearchPlan, by_relevance, plan_search, walk_rows

_Row = tuple[float, Any, int]  # relevance, stars, id
#: How many tools the search matches, when the caller has counted them (else None): read only
#: when a walk would be a statement of its own.
Matches = Callable[[], int | None]


def _order_key(row: _Row) -> tuple:
    relevance, stars, pk = row
    return (-relevance, stars is None, -(stars or 0), pk)


def _walked(queryset: QuerySet, plan: SearchPlan, need: int, walk: int) -> list[int] | None:
    """The ids of the ``need`` best matches if the ``walk`` most starred tools prove them,
    else None."""
    kept = plan.walked is not None and walk == engine.WALKS[0]
    if plan.walked is not None and kept:
        rows = list(plan.walked)  # scored without name points: the boosted are rescored
        rescored = set(plan.boosted)
    else:
        rows = walk_rows(queryset, plan.condition, plan.relevance, walk)
        rescored = set(plan.boosted) - {row[0] for row in rows}
    complete = len(rows) < walk
    walked = {row[0] for row in rows}
    found: list[_Row] = [
        (float(rel or 0), stars, pk) for pk, rel, stars, hit in rows if hit and pk not in rescored
    ]
    if rescored:
        extra = (
            queryset.filter(plan.condition, pk__in=sorted(rescored))
            .annotate(walk_relevance=plan.relevance)
            .values_list("pk", "walk_relevance", "stars")
        )
        found += [(float(rel or 0), stars, pk) for pk, rel, stars in extra]
    found.sort(key=_order_key)
    best = found[:need]
    if not complete:
        if len(best) < need:
            return None
        for relevance, _, pk in best:
            # A tool not read scores at most the ceiling and comes after every tool read.
            if relevance < plan.ceiling or (relevance == plan.ceiling and pk not in walked):
                return None
    return [pk for _, _, pk in best]


def _proven_ids(
    queryset: QuerySet, plan: SearchPlan, need: int, matches: Matches | None = None
) -> list[int] | None:
    """The ids of the ``need`` best matches, proven by one of the walks, else None.

    A walk the plan has not read already is not taken when no more tools match than it would
    read (``matches``): scoring every match then reads fewer rows, and needs no proof (a rare
    word, or a common one in a small catalog: "vector" at 10,000 tools matched ~2,000, where
    the second walk scored 4,000 tools to prove a page, 14 ms)."""
    for walk in engine.WALKS:
        read = plan.walked is not None and walk == engine.WALKS[0]
        if not read and matches is not None:
            counted = matches()
            if counted is not None and counted <= walk:
                return None
        ids = _walked(queryset, plan, need, walk)
        if ids is not None:
            return ids
    return None


def top_match_ids(
    queryset: QuerySet,
    q: str,
    *,
    offset: int = 0,
    limit: int,
    plan: SearchPlan | None = None,
    matches: Matches | None = None,
) -> list[int]:
    """The ids of the tools ``top_matches`` gives, in its order, without loading the tools
    (a page that reads its rows by id afterwards needs only these)."""
    plan = plan or plan_search(queryset, q)
    ids = proven_match_ids(queryset, q, offset=offset, limit=limit, plan=plan, matches=matches)
    if ids is None:
        ranked = _every_match_ranked(queryset, plan)
        return list(ranked.values_list("pk", flat=True)[offset : offset + limit])
    return ids


def proven_match_ids(
    queryset: QuerySet,
    q: str,
    *,
    offset: int = 0,
    limit: int,
    plan: SearchPlan | None = None,
    matches: Matches | None = None,
) -> list[int] | None:
    """The ids ``top_match_ids`` gives when a walk proves them, else None: the caller orders
    every match by relevance itself (a page that reads its rows in that order anyway reads
    them in one statement rather than their ids, then the rows)."""
    plan = plan or plan_search(queryset, q)
    ids = _proven_ids(queryset, plan, offset + limit, matches)
    return None if ids is None else ids[offset:]


def top_matches(
    queryset: QuerySet,
    q: str,
    *,
    offset: int = 0,
    limit: int,
    plan: SearchPlan | None = None,
    matches: Matches | None = None,
) -> list:
    """Tools of ``queryset`` ranked ``offset`` to ``offset + limit`` for ``q`` by relevance
    (then stars, then id), loaded as ``queryset`` loads them. ``plan``: one already made for
    this queryset and query (a count of the matches shares it); ``matches``: how many tools
    match, when the caller counted them (saves a walk that would read more tools than that)."""
    plan = plan or plan_search(queryset, q)
    ids = proven_match_ids(queryset, q, offset=offset, limit=limit, plan=plan, matches=matches)
    if ids is None:
        return list(_every_match_ranked(queryset, plan)[offset : offset + limit])
    tools = {tool.pk: tool for tool in queryset.order_by().filter(pk__in=ids)} if ids else {}
    return [tools[pk] for pk in ids]


def _every_match_ranked(queryset: QuerySet, plan: SearchPlan) -> QuerySet:
    """Every match of ``plan`` scored and sorted by relevance: when no walk proves a page."""
    return by_relevance(queryset.filter(plan.condition).alias(relevance=plan.relevance))
