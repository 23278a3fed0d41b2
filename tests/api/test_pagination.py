"""Deep pages: a page starting past MAX_OFFSET rows is a 400 naming ``page``, before any work."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.pagination import MAX_OFFSET
from tests.factories import make_category, make_tool

pytestmark = pytest.mark.django_db

URL = "/api/v1/tools/"


def test_a_page_past_the_cap_is_a_400_naming_page_and_the_pages_allowed(api, api_catalog):
    deepest = MAX_OFFSET // 50 + 1
    with CaptureQueriesContext(connection) as captured:
        response = api.get(URL, {"page": deepest + 1})
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "page"
    assert f"at most {deepest}" in body["detail"]
    assert body["allowed"] == [f"1-{deepest}"]
    statements = " ".join(query["sql"].upper() for query in captured)
    assert "COUNT(" not in statements  # refused before counting or reading the list
    assert "OFFSET" not in statements


def test_the_cap_follows_the_page_size(api, api_catalog):
    deepest = MAX_OFFSET // 200 + 1
    response = api.get(URL, {"page": deepest + 1, "page_size": 200})
    assert response.status_code == 400
    assert response.json()["allowed"] == [f"1-{deepest}"]
    # Within the cap but past the end of this small catalog: the usual 404.
    assert api.get(URL, {"page": deepest, "page_size": 200}).status_code == 404


def test_pages_within_the_cap_are_served(api, api_catalog):
    category = make_category("bulk")
    for n in range(12):
        make_tool(f"bulk/t{n:02}", category=category, stars=n)
    response = api.get(URL, {"category": "bulk", "page_size": 5, "page": 3, "ordering": "stars"})
    assert response.status_code == 200
    assert [item["stars"] for item in response.json()["results"]] == [10, 11]


def test_csv_exports_are_not_capped(api, api_catalog):
    response = api.get(URL, {"format": "csv", "page": MAX_OFFSET})
    assert response.status_code == 404  # past the end, not refused as too deep
    assert response.json()["parameter"] == "page"
