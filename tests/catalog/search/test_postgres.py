"""Full-text matching on PostgreSQL: a word is looked up once in the GIN index when its stemmed
(``english``) form is itself, and both forms when stemming changes it."""

from __future__ import annotations

import pytest
from django.db import connection

from catalog.models import Tool
from catalog.search import postgres
from catalog.search.terms import parse
from tests.factories import make_tool

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stored search vector is PostgreSQL's"
)


def _matching(q: str) -> list[str]:
    term = parse(q).terms[0]
    found = Tool.objects.filter(postgres.text_match(term)).order_by("full_name")
    return list(found.values_list("full_name", flat=True))


def _planned_query(q: str) -> str:
    """The tsquery PostgreSQL planned for ``q``: the constant it compares the vector with."""
    term = parse(q).terms[0]
    plan = Tool.objects.filter(postgres.text_match(term)).explain()
    return next(line for line in plan.splitlines() if "@@" in line).split("@@", 1)[1]


def test_a_word_its_own_stem_is_looked_up_once(db):
    assert _planned_query("vector").count("vector") == 1
    assert _planned_query("databases").count("databas") == 2  # 'databases':* | 'databas':*


def test_matches_are_the_words_and_their_stems_as_before(db):
    make_tool("a/vectorstore", description="Keeps embeddings")
    make_tool("b/tool", description="A vector index")
    make_tool("c/other", description="A database of papers")
    make_tool("d/more", description="Many databases, one client")
    make_tool("e/unrelated", description="Plots charts")
    assert _matching("vector") == ["a/vectorstore", "b/tool"]
    assert _matching("databases") == ["c/other", "d/more"]
    assert _matching("vec") == ["a/vectorstore", "b/tool"]
