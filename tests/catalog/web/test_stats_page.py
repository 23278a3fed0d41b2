"""State of open-source AI: the survey's analyses from live data, as SVG charts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.summary_store import summaries_rebuild
from tests.catalog.web.conftest import many_tools
from tests.factories import make_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated(site_catalog):
    years = [(site_catalog.qdrant, 2020), (site_catalog.milvus, 2019), (site_catalog.crew, 2023)]
    for tool, year in years:
        tool.repo_created_at = datetime(year, 5, 1, tzinfo=UTC)
        tool.save()
    return site_catalog


def test_stats_page_draws_each_analysis(client, dated):
    response = client.get("/stats/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tools per layer by the year they were created" in page
    assert "<title>Infrastructure, 2020: 1</title>" in page  # a stacked column's segment
    assert "<title>Applications, 2023: 1</title>" in page
    assert "Share of each category&#x27;s stars held by its top 10% of tools" in page
    assert "Share of tools that gained no stars in the last 7 days, per layer" in page
    assert "Licences in Infrastructure" in page
    assert ">Apache-2.0</text>" in page
    assert "Languages in Applications" in page
    assert ">Python</text>" in page
    newest = page.split("Newest entrants", 1)[1]
    assert newest.index("crewAIInc/crewAI") < newest.index("qdrant/qdrant")


def test_stalled_share_counts_only_measured_tools(client, dated):
    dated.milvus.stars_gained_7d = 0
    dated.milvus.save()

    page = client.get("/stats/").content.decode()

    assert "<strong>25%</strong> of 4 measured tools gained no stars in the last 7 days" in page


def test_stats_page_queries_do_not_grow_with_the_catalog(client, dated):
    summaries_rebuild()  # as the ranking does after every write
    with CaptureQueriesContext(connection) as small:
        client.get("/stats/")
    many_tools(dated.serving, 40)
    summaries_rebuild()
    with CaptureQueriesContext(connection) as large:
        client.get("/stats/")

    # The data version, the layers with their summaries, the categories, the newest entrants.
    assert len(large) == len(small) <= 4
    with CaptureQueriesContext(connection) as again:
        client.get("/stats/")
    assert len(again) == 1  # the catalog did not change: its answers are kept for its version


def test_stats_page_shows_a_new_entrant_on_the_next_request(client, dated):
    """The answers are kept per data version: creating a tool moves it."""
    assert "newco/rocket" not in client.get("/stats/").content.decode()
    make_tool(
        "newco/rocket",
        category=dated.vectors,
        repo_created_at=datetime(2025, 1, 1, tzinfo=UTC),
        stars=10,
    )

    newest = client.get("/stats/").content.decode().split("Newest entrants", 1)[1]

    assert newest.index("newco/rocket") < newest.index("crewAIInc/crewAI")
