"""Keyset pagination of /api/v1/tools/: ``next_cursor`` and ``?cursor=`` read a list at any depth,
in the same order as page numbers, ties and unmeasured tools included."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.caching import forget_memo
from api.pagination import MAX_OFFSET
from tests.factories import make_category, make_tool, when

pytestmark = pytest.mark.django_db

URL = "/api/v1/tools/"


@pytest.fixture
def board(db):
    """Eleven tools in one category: stars with ties (300 three times, 100 twice), three never
    measured (no stars), pushes on a few days, one score each."""
    category = make_category("board")
    stars = [500, 300, 300, 300, 100, 100, 50, None, None, None, 7]
    for n, count in enumerate(stars):
        make_tool(
            f"board/t{n:02}",
            category=category,
            stars=count,
            score=None if count is None else float(n % 4) + 0.5,
            pushed_at=when(f"2026-11-{10 + n % 3:02}"),
        )
    return category


def names(response) -> list[str]:
    return [item["full_name"] for item in response.json()["results"]]


def walk(api, params: dict) -> tuple[list[str], list[dict]]:
    """Every tool of the list, following next_cursor from the first page."""
    seen: list[str] = []
    bodies: list[dict] = []
    response = api.get(URL, params)
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        bodies.append(body)
        seen += [item["full_name"] for item in body["results"]]
        if body["next_cursor"] is None:
            return seen, bodies
        response = api.get(URL, {**params, "cursor": body["next_cursor"]})


@pytest.mark.parametrize(
    "ordering", ["-stars", "stars", "-score", "-pushed_at", "pushed_at", "name", "-name"]
)
def test_following_cursors_reads_the_same_list_as_one_big_page(api, board, ordering):
    whole = names(api.get(URL, {"category": "board", "ordering": ordering, "page_size": 200}))
    assert len(whole) == 11
    walked, _ = walk(api, {"category": "board", "ordering": ordering, "page_size": 3})
    assert walked == whole  # every tool once, ties and the unmeasured tail in the same order


def test_ties_are_broken_by_id_across_page_boundaries(api, board):
    walked, bodies = walk(api, {"category": "board", "ordering": "-stars", "page_size": 2})
    # 500 | 300 300 | 300 100 | 100 50 | 7 then the three never measured, oldest first
    assert walked == [f"board/t{n:02}" for n in (0, 1, 2, 3, 4, 5, 6, 10, 7, 8, 9)]
    assert [len(body["results"]) for body in bodies] == [2, 2, 2, 2, 2, 1]


def test_a_cursor_page_links_to_the_next_and_says_where_it_is(api, board):
    first = api.get(URL, {"category": "board", "ordering": "-stars", "page_size": 4}).json()
    assert first["page"] == 1
    assert first["next_cursor"]
    second = api.get(
        URL,
        {"category": "board", "ordering": "-stars", "page_size": 4, "cursor": first["next_cursor"]},
    )
    body = second.json()
    assert body["page"] is None
    assert body["count"] == 11
    assert body["pages"] == 3
    assert body["previous"] is None
    assert f"cursor={body['next_cursor']}" in body["next"]
    assert "category=board" in body["next"]
    assert "page=" not in body["next"].split("?")[1]
    assert second["X-Total-Count"] == "11"
    assert 'rel="next"' in second["Link"]
    params = {"category": "board", "ordering": "-stars", "page_size": 4}
    last = api.get(URL, {**params, "cursor": body["next_cursor"]}).json()
    assert len(last["results"]) == 3
    assert last["next"] is None
    assert last["next_cursor"] is None


def test_the_last_numbered_page_has_no_next_cursor(api, board):
    body = api.get(URL, {"category": "board", "page_size": 5, "page": 3}).json()
    assert len(body["results"]) == 1
    assert body["next_cursor"] is None


def _token(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": "x" * 500},
        {"cursor": _token(["-score", "eighty", 3])},  # a number ordering, a text value
        {"cursor": _token(["-score", 81.0, "3"])},  # an id that is not a whole number
        {"cursor": _token(["-stars", 300, 3])},  # given for another ordering
        {"cursor": _token(["-pushed_at", "yesterday", 3]), "ordering": "-pushed_at"},
        {"cursor": _token(["-score", 1.5, 3]), "page": "2"},
        {"cursor": _token(["relevance", 1, 3]), "q": "board"},
        {"cursor": _token(["-score", 1.5, 3]), "format": "csv"},
    ],
)
def test_a_bad_cursor_is_a_400_naming_cursor(api, board, params):
    response = api.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "cursor"
    assert body["detail"].startswith("cursor: ")


def test_a_page_past_the_cap_points_to_the_cursor(api, board):
    response = api.get(URL, {"page": MAX_OFFSET // 50 + 2})
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


def test_a_cursor_page_runs_the_same_queries_for_5_or_50_rows(api, db):
    category = make_category("bulk")
    tools = [make_tool(f"bulk/t{n:03}", category=category, stars=n) for n in range(120)]
    for tool in tools[:10]:
        tool.topics.create(name=f"topic-{tool.pk}")

    def queries(page_size: int) -> int:
        first = api.get(URL, {"category": "bulk", "ordering": "stars", "page_size": page_size})
        cursor = first.json()["next_cursor"]
        forget_memo()  # cold: the count and the taxonomy read again
        with CaptureQueriesContext(connection) as captured:
            response = api.get(
                URL,
                {"category": "bulk", "ordering": "stars", "page_size": page_size, "cursor": cursor},
            )
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        return len(captured)

    assert queries(5) == queries(50) <= 6


def test_deep_numbered_pages_run_the_same_queries_for_5_or_50_rows(api, db):
    category = make_category("bulk")
    for n in range(120):
        make_tool(f"bulk/t{n:03}", category=category, stars=n)

    def queries(page_size: int) -> int:
        forget_memo()
        with CaptureQueriesContext(connection) as captured:
            response = api.get(URL, {"category": "bulk", "page_size": page_size, "page": 2})
        assert len(response.json()["results"]) == page_size
        return len(captured)

    assert queries(5) == queries(50) <= 6


def test_a_second_page_is_the_rows_after_the_first(api, board):
    first = names(api.get(URL, {"category": "board", "ordering": "-stars", "page_size": 4}))
    second = names(
        api.get(URL, {"category": "board", "ordering": "-stars", "page_size": 4, "page": 2})
    )
    whole = names(api.get(URL, {"category": "board", "ordering": "-stars", "page_size": 8}))
    assert first + second == whole
