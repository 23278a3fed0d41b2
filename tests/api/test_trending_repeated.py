"""Trending asked again and again: its statement is compiled once per set of arguments
(``api.rows.fetch_rows_of``), and every answer is still the one the data gives now."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.caching import forget_memo
from tests.api.test_leaderboards import names

pytestmark = pytest.mark.django_db

QUESTIONS = [
    ({"window": "7d"}, ["crew/crew", "qdrant/qdrant", "tiny/swarm"]),
    ({"window": "30d", "limit": 2}, ["crew/crew", "qdrant/qdrant"]),
    ({"layer": "data"}, ["qdrant/qdrant"]),
    ({"category": "agent-frameworks", "window": "90d"}, ["crew/crew", "tiny/swarm"]),
    ({"category": "llms"}, []),
]


def test_each_set_of_arguments_keeps_its_own_answer_when_asked_in_turn(api, api_catalog):
    for _ in range(2):  # the second round reuses every statement compiled in the first
        for params, expected in QUESTIONS:
            forget_memo()
            assert names(api.get("/api/v1/trending/", params)) == expected, params


def test_a_write_after_the_same_question_shows_in_the_next_answer(api, api_catalog):
    asked = {"window": "7d", "layer": "models"}
    assert names(api.get("/api/v1/trending/", asked)) == ["crew/crew", "tiny/swarm"]
    swarm = api_catalog["swarm"]
    swarm.stars_gained_7d = 900
    swarm.save()  # moves the data version: the cached answer is not served
    qdrant = api_catalog["qdrant"]
    qdrant.category = api_catalog["crew"].category
    qdrant.save()
    forget_memo()
    with CaptureQueriesContext(connection) as captured:
        body = api.get("/api/v1/trending/", asked).json()
    assert [(item["full_name"], item["gain"]) for item in body["results"]] == [
        ("tiny/swarm", 900),
        ("crew/crew", 300),
        ("qdrant/qdrant", 120),
    ]
    # Cold: the data version, the taxonomy (to check the layer named), the rows with topics.
    assert len(captured) == 3
    assert body["results"][1]["topics"] == ["agents", "llm"]
