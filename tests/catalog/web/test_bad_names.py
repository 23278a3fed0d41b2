"""A tool name holding a NUL character (``%00``) names no tool: the pages answer as for any
unknown name, never a server error (PostgreSQL refuses NUL in text, so it is never asked)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/tools/a%00/b/", "/tools/qdrant%00/qdrant/", "/badge/a%00/b.svg", "/tools/a/b%00/"]
)
def test_a_nul_in_a_tool_name_is_a_404(client, site_catalog, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 404
    assert not any("catalog_tool" in query["sql"] for query in captured)  # nothing looked up


# The compare page looks the other names up; only PostgreSQL refused the NUL one (a 500).
def test_compare_names_a_nul_name_as_not_in_the_catalog(client, site_catalog):
    response = client.get("/compare/", {"tools": "a\x00/b,c/d"})
    assert response.status_code == 404
    assert "Not in the catalog: a\x00/b, c/d." in response.content.decode()


def test_compare_still_draws_the_known_tools_beside_a_nul_name(client, site_catalog):
    response = client.get("/compare/", {"tools": "qdrant/qdrant,a\x00/b,milvus-io/milvus"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not in the catalog: a\x00/b." in page
    assert '<svg class="chart"' in page
