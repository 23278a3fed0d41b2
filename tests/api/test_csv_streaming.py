"""The tool list's CSV streams: read in chunks, sent as it is read, same rows and headers."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import renderers
from api.caching import forget_memo
from tests.factories import make_category, make_tool

pytestmark = pytest.mark.django_db

URL = "/api/v1/tools/"


@pytest.fixture
def bulk(api_catalog):
    category = make_category("bulk")
    for n in range(7):
        make_tool(f"bulk/t{n}", category=category, stars=100 + n)
    return category


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_is_streamed_in_chunks_of_rows(api, bulk, monkeypatch):
    monkeypatch.setattr(renderers, "STREAM_ROWS", 3)
    response = api.get(URL, {"category": "bulk", "format": "csv", "ordering": "-stars"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="strata-tools.csv"' in response["Content-Disposition"]
    chunks = [chunk.decode() for chunk in response.streaming_content]
    assert chunks[0].startswith("full_name,owner,name,")  # the header leaves first, alone
    assert [chunk.count("\r\n") for chunk in chunks[1:]] == [3, 3, 1]
    text = "".join(chunks)
    names = [row["full_name"] for row in csv.DictReader(io.StringIO(text))]
    assert names == [f"bulk/t{n}" for n in range(6, -1, -1)]


def test_a_csv_page_links_to_the_next(api, bulk):
    response = api.get(URL, {"category": "bulk", "format": "csv", "page_size": 5})
    assert response["X-Total-Count"] == "7"
    assert 'rel="next"' in response["Link"]
    assert len(_rows(response)) == 5
    second = api.get(URL, {"category": "bulk", "format": "csv", "page_size": 5, "page": 2})
    assert len(_rows(second)) == 2


def test_queries_do_not_grow_with_the_rows_exported(api, bulk):
    def queries(page_size: int) -> int:
        forget_memo()  # each export cold: the count and the taxonomy read again
        with CaptureQueriesContext(connection) as captured:
            response = api.get(URL, {"category": "bulk", "format": "csv", "page_size": page_size})
            _rows(response)
        return len(captured)

    assert queries(7) == queries(2)


def test_an_unchanged_csv_is_a_304_without_a_body(api, bulk):
    first = api.get(URL, {"format": "csv"})
    _rows(first)
    again = api.get(URL, {"format": "csv"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    body = b"".join(again.streaming_content) if again.streaming else again.content
    assert body == b""


def test_a_bad_csv_request_is_a_json_400_before_anything_is_streamed(api, bulk):
    response = api.get(URL, {"format": "csv", "ordering": "sideways"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["parameter"] == "ordering"
