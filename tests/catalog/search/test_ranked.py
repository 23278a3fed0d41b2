"""The walk of ``catalog.search.ranked``: the best matches proven from the most starred tools
give exactly the ranking of scoring every match, whatever the walk's length, page and query.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Tool
from catalog.search import engine, ranked
from catalog.search.engine import by_relevance, search_tools
from tests.catalog.search.catalog import build_catalog
from tests.catalog.search.test_relevance import EXPECTED, FIRST
from tests.factories import make_tool

QUERIES = sorted({*EXPECTED, *FIRST, "agent", "vector", "vec", "llama", "ai", "huggingface"})


@pytest.fixture
def tools(db):
    return build_catalog()


def every_match_scored(queryset, q: str, offset: int, limit: int) -> list[str]:
    matches = by_relevance(search_tools(queryset, q))
    return [tool.full_name for tool in matches[offset : offset + limit]]


def walked(queryset, q: str, offset: int, limit: int) -> list[str]:
    found = ranked.top_matches(queryset, q, offset=offset, limit=limit)
    return [tool.full_name for tool in found]


@pytest.mark.parametrize("walks", [(1,), (1, 7), (2000,)])
def test_the_walk_ranks_as_scoring_every_match_does(tools, subtests, monkeypatch, walks):
    monkeypatch.setattr(engine, "WALKS", walks)
    listed = Tool.objects.listed().with_placement()
    for q in QUERIES:
        for offset, limit in ((0, 10), (3, 4), (10, 10)):
            with subtests.test(q=q, offset=offset):
                expected = every_match_scored(listed, q, offset, limit)
                assert walked(listed, q, offset, limit) == expected


def test_a_short_walk_of_a_common_word_is_kept_without_scoring_every_match(
    db, monkeypatch, django_assert_max_num_queries
):
    """Forty tools named after agents, the most starred first, and a hundred others: the ten
    best are among the twenty most starred, so no query scores the rest."""
    for n in range(40):
        make_tool(f"agent-owner{n}/agent-kit{n}", stars=10_000 - n)
    for n in range(100):
        make_tool(f"other{n}/tool{n}", stars=5_000 - n)
    monkeypatch.setattr(engine, "WALKS", (20,))
    listed = Tool.objects.listed().with_placement()
    with django_assert_max_num_queries(5) as captured:  # categories, names, walk, the ten
        found = walked(listed, "agent", 0, 10)
    assert found == [f"agent-owner{n}/agent-kit{n}" for n in range(10)]
    assert not any("ORDER BY CASE" in query["sql"] for query in captured.captured_queries)


def test_ids_rank_as_the_tools_do(tools, subtests, monkeypatch):
    """``top_match_ids`` (a page read by id afterwards) gives the order ``top_matches`` does,
    proven by a walk or, when no walk proves it, by scoring every match."""
    listed = Tool.objects.listed().with_placement()
    for walks in ((1,), (2000,)):
        monkeypatch.setattr(engine, "WALKS", walks)
        for q in QUERIES:
            with subtests.test(q=q, walks=walks):
                tools_found = ranked.top_matches(listed, q, offset=2, limit=6)
                assert ranked.top_match_ids(listed, q, offset=2, limit=6) == [
                    tool.pk for tool in tools_found
                ]


def test_a_plan_that_read_every_tool_knows_how_many_match(tools, subtests, monkeypatch):
    listed = Tool.objects.listed().with_placement()
    counted = 0
    for q in [*QUERIES, "langchian", "qdrnat", "nothing-like-it"]:
        with subtests.test(q=q):
            plan = engine.plan_search(listed, q)
            if plan.match_count is not None:
                counted += 1
                assert plan.match_count == listed.filter(plan.condition).count()
    assert counted >= 10  # the catalog is smaller than the walk: most plans walk it all
    monkeypatch.setattr(engine, "WALKS", (3,))  # a walk that stops short knows no count
    assert engine.plan_search(listed, "agent").match_count is None


def test_a_counted_search_scores_its_matches_rather_than_walk_more_tools_than_match(
    tools, subtests, monkeypatch
):
    """Told how many tools match, a walk that would read more tools than that is skipped:
    every match is scored instead, in the same order."""
    monkeypatch.setattr(engine, "WALKS", (1, 2000))  # the catalog is far smaller than 2,000
    listed = Tool.objects.listed().with_placement()
    skipped = 0
    for q in QUERIES:
        with subtests.test(q=q):
            plan = engine.plan_search(listed, q)
            count = listed.filter(plan.condition).count()
            with CaptureQueriesContext(connection) as captured:
                ids = ranked.top_match_ids(
                    listed, q, offset=0, limit=5, plan=plan, matches=told(count)
                )
            assert ids == [tool.pk for tool in by_relevance(search_tools(listed, q))[:5]]
            assert not any("LIMIT 2000" in query["sql"] for query in captured.captured_queries)
            proven = ranked.proven_match_ids(listed, q, limit=5, plan=plan, matches=told(count))
            skipped += proven is None
    assert skipped >= 5  # queries the first walk could not prove: scored, not walked further


def told(count: int) -> ranked.Matches:
    return lambda: count


def test_a_plan_that_counted_the_words_matches_in_full_knows_how_many_match(
    tools, subtests, monkeypatch
):
    """A walk shorter than the catalog that counted every tool the words match (fewer than
    ``count_upto``) knows the matches: those, and the names answering q the walk saw the
    words miss. Names beyond the walk leave the count to a statement of its own."""
    monkeypatch.setattr(engine, "WALKS", (40,))  # the catalog holds more than 40 tools
    listed = Tool.objects.listed().with_placement()
    assert listed.count() > 40
    counted = named = 0
    for q in [*QUERIES, "langchian", "qdrnat", "lama", "nothing-like-it"]:
        with subtests.test(q=q):
            plan = engine.plan_search(listed, q, count_upto=1001)
            if plan.match_count is not None:
                counted += 1
                named += bool(plan.boosted)
                assert plan.match_count == listed.filter(plan.condition).count()
    assert counted >= 10
    assert named >= 1  # names answering q were added to the words' count
    # Counted only up to a limit it reached, the plan knows no count.
    assert engine.plan_search(listed, "agent", count_upto=1).match_count is None
