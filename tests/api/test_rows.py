"""A list row read as values (``api.rows``) serializes exactly as the model instance does."""

from __future__ import annotations

import pytest
from rest_framework.test import APIRequestFactory

from api.rows import fetch_rows, iter_rows
from api.serializers import ToolSerializer
from catalog.models import Tool
from catalog.tool_queries import ordering_value
from tests.api.test_serializers import tools  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_rows_serialize_like_the_tools_they_were_read_from(tools):  # noqa: F811
    request = APIRequestFactory().get("/api/v1/tools/")
    serializer = ToolSerializer(context={"request": request})
    listed = Tool.objects.with_placement().prefetch_related("topics").order_by("id")
    expected = [serializer.to_representation(tool) for tool in listed]
    assert [serializer.to_representation(row) for row in fetch_rows(listed)] == expected
    assert [serializer.to_representation(row) for row in iter_rows(listed, chunk_size=2)] == (
        expected
    )
    assert expected[0]["topics"] == ["agents", "llm"]  # A–Z, as the topics' own order


def test_a_row_has_the_sort_values_cursors_use(tools):  # noqa: F811
    tool = Tool.objects.with_placement().get(pk=tools[0].pk)
    (row,) = fetch_rows(Tool.objects.filter(pk=tool.pk))
    for ordering in ("-stars", "score", "-pushed_at", "created_at", "name", "-growth"):
        assert ordering_value(row, ordering) == ordering_value(tool, ordering)


def test_a_page_of_rows_is_one_query_with_every_tools_topics_a_to_z(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.models import Topic
    from tests.factories import make_tool

    bare = make_tool("bare/none")
    tagged = make_tool("tagged/many")
    tagged.topics.add(*(Topic.objects.create(name=name) for name in ("vector", "ai", "llm-ops")))
    with CaptureQueriesContext(connection) as captured:
        rows = fetch_rows(Tool.objects.with_placement().order_by("full_name"))
    assert len(captured) == 1
    assert [(row.full_name, row.topic_names) for row in rows] == [
        (bare.full_name, []),
        (tagged.full_name, ["ai", "llm-ops", "vector"]),
    ]
    assert [row.owner for row in rows] == ["bare", "tagged"]
    assert rows[1].get_absolute_url() == tagged.get_absolute_url()
