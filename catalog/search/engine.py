"""The relevance score both databases share, and the reads built on it.

Each term of the query scores the best field it appears in — owner/name 10, display name 8,
a topic 6, the tool's category (name, description, synonyms, layer) 5, description and the
rest 2 — and a query of several terms earns a bonus when all of them are in one field
(category 8, name 6, display name 5, text 2; a topic spelling the whole query 6). A name
equal to the query without case and ``_ - . /`` (``llamaindex`` = ``llama_index``) earns 25,
its owner 10, an exact owner/name (current or former) 30; when the words as typed find fewer
than ten tools, names close to the query (typos) earn up to 9 by closeness. A tool matches
when every term is somewhere (its text or its category), or its name answers the query.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from types import ModuleType
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from catalog.models import Category, Tool
from catalog.search import postgres, sqlite
from catalog.search.categories import categories_matching
from catalog.search.names import NameMatch
from catalog.search.terms import ParsedQuery, Term, joined, parse

ToolsT = TypeVar("ToolsT", bound=QuerySet[Any])  # a QuerySet of tools keeps its own class

NAME, DISPLAY, TOPIC, CATEGORY, TEXT = 10, 8, 6, 5, 2
ALL_IN_NAME, ALL_IN_DISPLAY, ALL_IN_CATEGORY, ALL_IN_TEXT, TOPIC_PHRASE = 6, 5, 8, 2, 6
EXACT_NAME, EXACT_OWNER, FUZZY, KNOWN_NAME = 25, 10, 9, 30
MIN_FUZZY_LENGTH = 4
TYPO_WHEN_FEWER = 10  # look for misspelt names when the words find fewer tools than this
#: Most starred tools read to prove the best matches (``catalog.search.ranked``), then read
#: again further when that did not prove them, before every match is scored.
WALKS = (500, 4000)
AUTOCOMPLETE_LIMIT = 10


def _backend() -> ModuleType:
    return postgres if settings.IS_POSTGRES else sqlite


def _topic_names(term: Term) -> list[str]:
    names = {variant[0] for variant in term.variants if len(variant) == 1}
    names |= {"-".join(variant) for variant in term.variants}
    return sorted(names)


def _has_topic(names: list[str]) -> Q:
    """Tools with one of these topics: an uncorrelated subquery, evaluated once per search."""
    through = Tool.topics.through.objects.filter(topic__name__in=names)
    return Q(pk__in=through.values("tool_id"))


def _points(condition: Q, points: float) -> Case:
    return Case(When(condition, then=Value(points)), default=Value(0.0), output_field=FloatField())


def _term_points(backend: ModuleType, term: Term, categories: set[int]) -> Case:
    return Case(
        When(backend.text_match(term, "names"), then=Value(float(NAME))),
        When(backend.text_match(term, "display"), then=Value(float(DISPLAY))),
        When(_has_topic(_topic_names(term)), then=Value(float(TOPIC))),
        When(Q(category_id__in=sorted(categories)), then=Value(float(CATEGORY))),
        When(backend.text_match(term), then=Value(float(TEXT))),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _all_in_one_field(
    backend: ModuleType, parsed: ParsedQuery, categories: list[set[int]]
) -> list[Case]:
    terms = parsed.terms
    bonuses = [
        _points(
            reduce(operator.and_, [backend.text_match(t, "names") for t in terms]), ALL_IN_NAME
        ),
        _points(
            reduce(operator.and_, [backend.text_match(t, "display") for t in terms]),
            ALL_IN_DISPLAY,
        ),
        _points(reduce(operator.and_, [backend.text_match(t) for t in terms]), ALL_IN_TEXT),
        _points(_has_topic(["-".join(parsed.text.lower().split())]), TOPIC_PHRASE),
    ]
    everywhere = set.intersection(*categories)
    if everywhere:
        bonuses.append(_points(Q(category_id__in=sorted(everywhere)), ALL_IN_CATEGORY))
    return bonuses


def _name_points(names: list[NameMatch]) -> Case:
    """Points for the tools whose names answer the query, grouped so the CASE stays short."""
    groups: dict[float, list[int]] = defaultdict(list)
    for match in names:
        points: float = EXACT_NAME * match.exact + EXACT_OWNER * match.owner
        points += round(match.closeness * FUZZY, 1)
        groups[points].append(match.pk)
    return Case(
        *(When(pk__in=sorted(pks), then=Value(points)) for points, pks in groups.items() if points),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _known_name_ids(q: str) -> list[int]:
    """A query that is an owner/name (or a former one) finds that tool first (1–2 queries)."""
    from catalog.selectors import tools_by_names

    text = q.strip()
    if "/" not in text or len(text.split()) != 1:
        return []
    return [tool.pk for tool in tools_by_names([text]).values()]


@dataclass(frozen=True)
class SearchPlan:
    """What ``q`` asks of the tools: which match, how each scores, and the score no tool can
    pass unless its name answers the query (``boosted``: tools whose names earn points)."""

    condition: Q
    relevance: Any  # an expression: the sum of the parts above
    ceiling: float
    boosted: frozenset[int]
    #: The first walk (``WALKS[0]`` tools) when the plan read it, scored without name points.
    walked: tuple[tuple, ...] | None = None
    #: How many tools match, when the plan's statements counted them: the first walk read
    #: every tool, or counted the words' matches in full (else None: count them).
    match_count: int | None = None
    #: How many tools the words match (names aside), counted up to ``count_upto`` in the
    #: first walk's statement when the plan was asked to (else None).
    words_match: int | None = None


def _ceiling(parsed: ParsedQuery, categories: list[set[int]]) -> float:
    """The most a tool can score from its fields: the best field for every term, plus every
    all-in-one-field bonus the query can earn."""
    if not parsed.terms:
        return 0.0
    ceiling = float(NAME * len(parsed.terms))
    if len(parsed.terms) > 1:
        ceiling += ALL_IN_NAME + ALL_IN_DISPLAY + ALL_IN_TEXT + TOPIC_PHRASE
        if set.intersection(*categories):
            ceiling += ALL_IN_CATEGORY
    return ceiling


def walk_rows(queryset: QuerySet, condition: Q, relevance: Any, walk: int) -> list[tuple]:
    """The ``walk`` most starred tools of ``queryset`` (an index walk), each as ``(id,
    relevance, stars, matches)``: what ``catalog.search.ranked`` proves the best matches from,
    and what tells a common word from a rare one."""
    return list(_walk(queryset, condition, relevance).values_list(*_WALKED)[:walk])


_WALKED = ("pk", "walk_relevance", "stars", "walk_hit")


def _walk(queryset: QuerySet, condition: Q, relevance: Any) -> QuerySet:
    return queryset.annotate(
        walk_relevance=ExpressionWrapper(relevance, output_field=FloatField()),
        walk_hit=ExpressionWrapper(condition, output_field=BooleanField()),
    ).order_by(F("stars").desc(nulls_last=True), "id")


def _walk_counting(
    queryset: QuerySet, condition: Q, relevance: Any, walk: int, upto: int
) -> tuple[list[tuple], int]:
    """``walk_rows`` and, in the same statement, how many tools of ``queryset`` match
    ``condition`` up to ``upto`` (a scalar subquery, run once)."""
    sql, params = queryset.filter(condition).order_by().values("pk")[:upto].query.sql_with_params()
    counted = RawSQL(f"SELECT count(*) FROM ({sql}) AS upto", params, output_field=IntegerField())
    walked = _walk(queryset, condition, relevance).annotate(walk_count=counted)
    rows = list(walked.values_list(*_WALKED, "walk_count")[:walk])
    if not rows:
        return [], 0
    return [row[:4] for row in rows], rows[0][4]


def plan_search(
    queryset: QuerySet,
    q: str,
    *,
    taxonomy: Sequence[Category] | None = None,
    count_upto: int | None = None,
) -> SearchPlan:
    """The match condition and relevance of ``q`` for tools of ``queryset``: a few queries
    whatever the catalog size (the categories, unless ``taxonomy`` gives them with their
    layers; whether the words find few tools (then typos are looked for); the names answering
    the query). When that look read every tool of ``queryset``, the plan also knows how many
    match (``match_count``): a small list is then not counted again. ``count_upto``: the
    first walk also counts the tools the words match, up to that many (``words_match``);
    fewer than that, with every name answering q among the tools walked, is also every match
    counted (``match_count``)."""
    backend = _backend()
    parsed = parse(q)
    categories = categories_matching(parsed.terms, taxonomy)
    parts: list = []
    condition = Q(pk__in=[])
    boosted: set[int] = set()
    walked: list[tuple] | None = None
    match_count: int | None = None
    words_match: int | None = None
    if parsed.terms:
        per_term = [
            backend.text_match(term) | Q(category_id__in=sorted(ids))
            for term, ids in zip(parsed.terms, categories, strict=True)
        ]
        condition = reduce(operator.and_, per_term)
        parts += [
            _term_points(backend, term, ids)
            for term, ids in zip(parsed.terms, categories, strict=True)
        ]
        if len(parsed.terms) > 1:
            parts += _all_in_one_field(backend, parsed, categories)
    known = _known_name_ids(q)
    if known:
        condition |= Q(pk__in=known)
        parts.append(_points(Q(pk__in=known), KNOWN_NAME))
        boosted.update(known)
    if parsed.joined:
        # Typos are looked for only when the words as typed find few tools: a common word
        # ("agent") has plenty of real matches, and comparing every name to it costs.
        fuzzy = len(parsed.joined) >= MIN_FUZZY_LENGTH and not known
        if fuzzy and parsed.terms:
            # The first walk of the most starred tools tells a common word at once (and is
            # kept: names add points to the boosted tools only, rescored when it is used).
            relevance = reduce(operator.add, parts)
            if count_upto is None:
                walked = walk_rows(queryset, condition, relevance, WALKS[0])
            else:
                walked, words_match = _walk_counting(
                    queryset, condition, relevance, WALKS[0], count_upto
                )
            hits = sum(1 for row in walked if row[3])
            if hits >= TYPO_WHEN_FEWER:
                fuzzy = False
            elif len(walked) < WALKS[0]:
                fuzzy = True  # every tool was read: fewer than TYPO_WHEN_FEWER match
            else:
                fuzzy = backend.fewer_than(queryset.filter(condition), TYPO_WHEN_FEWER)
        names = backend.name_matches(parsed, queryset, fuzzy=fuzzy)
        if names:
            condition |= Q(pk__in=[match.pk for match in names])
            parts.append(_name_points(names))
            boosted.update(match.pk for match in names)
        named = {match.pk for match in names}
        if walked is not None and len(walked) < WALKS[0]:
            # The walk read every tool: the matches are its hits and the names answering q.
            every = {row[0] for row in walked}
            matched = {row[0] for row in walked if row[3]}
            match_count = len(matched | (every & named))
        elif walked is not None and words_match is not None and words_match < (count_upto or 0):
            # The words' matches were counted in full; the names answering q add those the
            # walk read and saw the words miss (a name beyond the walk: not known here).
            walk_hits = {row[0]: row[3] for row in walked}
            if named <= walk_hits.keys():
                match_count = words_match + sum(1 for pk in named if not walk_hits[pk])
    relevance = reduce(operator.add, parts) if parts else Value(0.0)
    return SearchPlan(
        condition=condition,
        relevance=ExpressionWrapper(relevance, output_field=FloatField()),
        ceiling=_ceiling(parsed, categories),
        boosted=frozenset(boosted),
        walked=None if walked is None else tuple(walked),
        match_count=match_count,
        words_match=words_match,
    )


def search_tools(queryset: ToolsT, q: str) -> ToolsT:
    """Tools of ``queryset`` matching ``q``, with a ``relevance`` alias (higher is better).

    Unordered: order by ``relevance`` (then stars, then id) or anything else. A few queries
    whatever the catalog size (``plan_search``), then the list itself.
    """
    plan = plan_search(queryset, q)
    return queryset.filter(plan.condition).alias(relevance=plan.relevance)


def by_relevance(queryset: ToolsT) -> ToolsT:
    """Best match first; equally good matches the most starred first, then by id."""
    return queryset.order_by(
        F("relevance").desc(nulls_last=True), F("stars").desc(nulls_last=True), "id"
    )


def autocomplete(
    q: str, *, limit: int = AUTOCOMPLETE_LIMIT, taxonomy: Sequence[Category] | None = None
) -> list[Tool]:
    """The best ``limit`` listed tools for a partly typed query, placement loaded.
    ``taxonomy``: every category with its layer, when the caller keeps them (else read)."""
    if not q.strip():
        return []
    from catalog.search.ranked import top_matches  # ranked builds on this module

    listed = Tool.objects.listed().with_placement()
    plan = plan_search(listed, q, taxonomy=taxonomy)
    return top_matches(listed, q, limit=limit, plan=plan)


def did_you_mean(q: str, *, limit: int = 3) -> list[str]:
    """The listed tools' names closest to ``q`` (or to its part after ``owner/``): what to
    offer when nothing matched. One or two queries."""
    queries = [joined(q)]
    if "/" in q:
        queries.append(joined(q.rsplit("/", 1)[1]))
    queries = [query for query in dict.fromkeys(queries) if len(query) >= 2]
    if not queries:
        return []
    return _backend().suggestions(Tool.objects.listed(), queries, limit)


def tools_by_repo_name(name: str) -> list[Tool]:
    """Listed tools whose repository (the part after ``owner/``) is ``name``, ignoring case —
    or, when none is, ignoring ``_ - .`` too (``llamaindex`` → ``run-llama/llama_index``)."""
    text = name.strip().lower()
    if not text or "/" in text or "\x00" in text:
        return []
    tools = Tool.objects.listed().with_placement().order_by(F("stars").desc(nulls_last=True), "id")
    found = list(tools.alias(name_lower=Lower("full_name")).filter(name_lower__endswith="/" + text))
    if found:
        return found
    return list(tools.filter(_backend().exact_repo(joined(text))))
