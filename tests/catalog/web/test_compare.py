"""Compare 2–10 tools: overlaid star histories and metrics side by side."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import FormerName
from tests.factories import make_tool

pytestmark = pytest.mark.django_db


def test_compare_overlays_star_histories_and_lists_metrics_side_by_side(client, site_catalog):
    response = client.get("/compare/", {"tools": "qdrant/qdrant,milvus-io/milvus"})

    assert response.status_code == 200
    page = response.content.decode()
    chart = page.split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    assert chart.count('<path class="line"') == 2
    assert page.count('<svg class="chart"') == 2  # drawn wide for screens, narrow for phones
    assert "<title>qdrant/qdrant</title>" in chart
    assert "<title>milvus-io/milvus</title>" in chart
    stars_row = page.split('<th scope="row">Stars</th>', 1)[1].split("</tr>", 1)[0]
    assert stars_row.index("22,000") < stars_row.index("30,000")
    assert '<th scope="row">Language</th><td class="num">Rust</td><td class="num">Go</td>' in page


def test_each_compared_tool_has_a_remove_link(client, site_catalog):
    page = client.get(
        "/compare/", {"tools": "qdrant/qdrant,milvus-io/milvus,vllm-project/vllm"}
    ).content.decode()

    assert 'href="/compare/?tools=milvus-io/milvus,vllm-project/vllm"' in page


def test_adding_a_tool_redirects_to_the_combined_comparison(client, site_catalog):
    response = client.get(
        "/compare/", {"tools": "qdrant/qdrant", "add": "https://github.com/vllm-project/vllm"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/compare/?tools=qdrant/qdrant,vllm-project/vllm"


def test_ticked_search_results_arrive_as_repeated_parameters(client, site_catalog):
    response = client.get("/compare/?tools=qdrant/qdrant&tools=crewAIInc/crewAI")

    assert response["Location"] == "/compare/?tools=qdrant/qdrant,crewAIInc/crewAI"


def test_former_names_and_other_spellings_become_canonical(client, site_catalog):
    FormerName.objects.create(tool=site_catalog.milvus, full_name="zilliz/milvus")

    response = client.get("/compare/", {"tools": "QDRANT/qdrant,zilliz/milvus"})

    assert response["Location"] == "/compare/?tools=qdrant/qdrant,milvus-io/milvus"


def test_one_tool_asks_for_another(client, site_catalog):
    page = client.get("/compare/", {"tools": "qdrant/qdrant"}).content.decode()

    assert "Add at least one more tool to compare it with qdrant/qdrant." in page
    assert '<svg class="chart"' not in page


def test_unknown_tools_are_named(client, site_catalog):
    response = client.get("/compare/", {"tools": "qdrant/qdrant,nobody/nothing,vllm-project/vllm"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Not in the catalog: nobody/nothing." in page
    wide = page.split('<div class="chart-wide">', 1)[1].split("</div>", 1)[0]
    assert wide.count('<path class="line"') == 2


def test_more_than_ten_tools_is_refused(client, site_catalog):
    names = [make_tool(category=site_catalog.agents).full_name for _ in range(11)]

    response = client.get("/compare/", {"tools": ",".join(names)})
    flood = client.get("/compare/", {"tools": ",".join(f"o/t{n}" for n in range(5000))})

    assert response.status_code == flood.status_code == 400
    assert "compare at most 10 tools at a time" in response.content.decode()


def test_compare_runs_the_same_queries_for_2_and_10_tools(client, site_catalog):
    extra = [make_tool(category=site_catalog.agents, stars=1).full_name for _ in range(6)]
    two = "qdrant/qdrant,milvus-io/milvus"
    ten = ",".join([two, "vllm-project/vllm", "crewAIInc/crewAI", *extra])
    with CaptureQueriesContext(connection) as few:
        client.get("/compare/", {"tools": two})
    with CaptureQueriesContext(connection) as many:
        assert client.get("/compare/", {"tools": ten}).status_code == 200

    assert len(many) == len(few) <= 4
