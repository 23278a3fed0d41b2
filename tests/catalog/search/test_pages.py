"""Search as a visitor meets it: the search page, the header box, compare, autocomplete and
"did you mean" in the API, curators' synonyms — on the relevance suite's catalog."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.caching import forget_memo
from catalog.models import Category, Tool
from tests.catalog.search.catalog import build_catalog
from tests.factories import make_tool


@pytest.fixture
def tools(db):
    return build_catalog()


def page_of(response) -> str:
    return html.unescape(response.content.decode())


# The search page


def test_a_misspelt_search_finds_the_tool_on_the_page(client, tools):
    page = page_of(client.get("/search/", {"q": "langchian"}))
    assert 'href="/tools/langchain-ai/langchain/"' in page


def test_nothing_found_offers_the_closest_names(client, tools):
    response = client.get("/search/", {"q": "lngchn"})
    page = page_of(response)
    assert response.status_code == 200
    assert "No tools match" in page
    assert "Did you mean" in page
    assert "q=langchain-ai/langchain" in page


def test_the_filters_fold_behind_a_control_counting_the_active_ones(client, tools):
    page = page_of(client.get("/search/", {"q": "llm", "layer": "infrastructure", "stars_min": 5}))
    panel = page.split("<details", 1)[1].split("</details>", 1)[0]
    assert "<summary>Filters" in panel
    assert "2 active" in panel
    assert 'name="layer"' in panel
    assert 'name="q"' not in panel
    assert 'name="q"' in page.split("<details", 1)[0]  # the words stay in view


def test_the_header_box_offers_autocomplete_and_works_without_it(client, tools):
    page = page_of(client.get("/"))
    form = page.split('<form class="header-search"', 1)[1].split("</form>", 1)[0]
    assert 'action="/search/"' in form
    assert 'name="q"' in form
    assert 'data-autocomplete="/api/v1/tools/autocomplete/"' in form
    assert "<script" not in page.split("<body", 1)[1].replace('<script src="', "")  # no inline


# The API


def test_autocomplete_lists_the_best_ten_with_name_category_and_stars(client, tools):
    body = client.get("/api/v1/tools/autocomplete/", {"q": "lang"}).json()
    assert body["q"] == "lang"
    assert 1 <= len(body["results"]) <= 10
    langchain = next(r for r in body["results"] if r["full_name"] == "langchain-ai/langchain")
    assert langchain == {
        "full_name": "langchain-ai/langchain",
        "display_name": "LangChain",
        "category": {"slug": "aie-frameworks", "name": "AI engineering frameworks"},
        "stars": 100000,
        "url": "/tools/langchain-ai/langchain/",
    }


def test_autocomplete_forgives_typos_and_leaves_hidden_tools_out(client, tools):
    Tool.objects.filter(full_name="qdrant/qdrant").update(hidden=True)
    names = [
        r["full_name"] for r in client.get("/api/v1/tools/autocomplete/?q=olama").json()["results"]
    ]
    assert names[0] == "ollama/ollama"
    qdrant = client.get("/api/v1/tools/autocomplete/?q=qdrant").json()["results"]
    assert "qdrant/qdrant" not in [r["full_name"] for r in qdrant]


def test_autocomplete_with_nothing_typed_is_empty_and_bad_input_names_q(client, tools):
    assert client.get("/api/v1/tools/autocomplete/").json() == {"q": "", "results": []}
    response = client.get("/api/v1/tools/autocomplete/", {"q": "x" * 201})
    assert response.status_code == 400
    assert response.json()["parameter"] == "q"
    response = client.get("/api/v1/tools/autocomplete/?q=a&q=b")
    assert response.status_code == 400
    assert response.json()["parameter"] == "q"
    response = client.get("/api/v1/tools/autocomplete/", {"q": "lang\x00chain"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "q"


def test_autocomplete_takes_a_few_queries(client, tools):
    forget_memo()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/tools/autocomplete/", {"q": "vector"}).status_code == 200
    # The catalog version, the categories, the walk, the names (and the tools they boost,
    # rescored), the ten tools.
    assert len(captured) <= 6
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/tools/autocomplete/", {"q": "lang"}).status_code == 200
    # The categories are kept while the data version stands: only the search's own reads.
    assert not any('FROM "catalog_category"' in query["sql"] for query in captured.captured_queries)
    assert len(captured) <= 5


def test_the_api_says_did_you_mean_when_nothing_matched(client, tools):
    body = client.get("/api/v1/tools/", {"q": "hwchase17/langchian-js"}).json()
    assert body["count"] == 0
    assert "langchain-ai/langchain" in body["did_you_mean"]
    found = client.get("/api/v1/tools/", {"q": "langchain"}).json()
    assert found["count"] > 0
    assert found["did_you_mean"] == []
    assert "did_you_mean" not in client.get("/api/v1/tools/").json()


def test_the_schema_documents_autocomplete_and_did_you_mean(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/tools/autocomplete/" in schema["paths"]
    assert "did_you_mean" in schema["components"]["schemas"]["PaginatedToolList"]["properties"]


# Compare


def test_compare_takes_a_bare_repository_name_when_it_is_unique(client, tools):
    response = client.get("/compare/", {"tools": "llama_index,ollama"})
    assert response.status_code == 302
    assert response["Location"] == "/compare/?tools=run-llama/llama_index,ollama/ollama"


def test_compare_takes_a_name_without_its_separators(client, tools):
    response = client.get("/compare/", {"tools": "vllm-project/vllm", "add": "llamaindex"})
    assert response["Location"] == "/compare/?tools=vllm-project/vllm,run-llama/llama_index"


def test_compare_lists_the_candidates_when_a_bare_name_is_shared(client, tools):
    make_tool("someone/ollama", category=tools["ollama/ollama"].category, stars=12)
    response = client.get("/compare/", {"tools": "vllm-project/vllm,ollama"})
    page = page_of(response)
    assert response.status_code == 200
    assert "Several tools are called “ollama”" in page
    assert 'href="/compare/?tools=vllm-project/vllm,ollama/ollama"' in page
    assert 'href="/compare/?tools=vllm-project/vllm,someone/ollama"' in page
    assert page.index("ollama/ollama</a>") < page.index("someone/ollama</a>")  # most starred


def test_compare_suggests_names_for_an_unknown_one(client, tools):
    response = client.get("/compare/", {"tools": "vllm-project/vllm,qdrnt"})
    page = page_of(response)
    assert "Not in the catalog: qdrnt." in page
    assert "did you mean" in page
    assert "qdrant/qdrant" in page


def test_compare_inputs_offer_autocomplete(client, tools):
    page = page_of(client.get("/compare/"))
    assert 'id="compare-add"' in page
    assert 'data-autocomplete="/api/v1/tools/autocomplete/"' in page


# Admin and synonyms


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "a@example.com", "pw")
    client.force_login(user)
    return client


def test_admin_search_is_the_same_search(admin_client, tools):
    page = page_of(admin_client.get("/admin/catalog/tool/", {"q": "langchian"}))
    assert "langchain-ai/langchain" in page
    page = page_of(admin_client.get("/admin/catalog/tool/", {"q": "vector database"}))
    assert "milvus-io/milvus" in page
    assert "ollama/ollama" not in page


def test_a_curator_widens_a_category_with_synonyms(admin_client, client, tools):
    category = Category.objects.get(slug="serving")
    assert client.get("/api/v1/tools/", {"q": "butler"}).json()["count"] == 0
    form = admin_client.get(f"/admin/catalog/category/{category.pk}/change/")
    assert 'name="synonyms"' in form.content.decode()
    response = admin_client.post(
        f"/admin/catalog/category/{category.pk}/change/",
        {
            "layer": category.layer_id,
            "slug": category.slug,
            "name": category.name,
            "description": category.description,
            "synonyms": "LLM serving, model butler",
            "position": category.position,
        },
    )
    assert response.status_code == 302
    body = client.get("/api/v1/tools/", {"q": "butler"}).json()
    assert "tensorflow/serving" in [tool["full_name"] for tool in body["results"]]


def test_edits_are_searchable_at_once(client, tools):
    tool = Tool.objects.get(full_name="lancedb/lancedb")
    tool.display_name = "Lance Columnar"
    tool.search_document = tool.compose_search_document()
    tool.save()
    assert "lancedb/lancedb" in client.get("/api/v1/tools/?q=columnar").content.decode()
    tool.delete()
    assert "lancedb" not in client.get("/api/v1/tools/?q=columnar").content.decode()


def test_the_api_compare_takes_a_bare_name_and_lists_candidates_when_shared(client, tools):
    body = client.get("/api/v1/compare/", {"tools": "llamaindex,vllm"}).json()
    assert [tool["full_name"] for tool in body["tools"]] == [
        "run-llama/llama_index",
        "vllm-project/vllm",
    ]
    make_tool("someone/vllm", category=tools["vllm-project/vllm"].category)
    response = client.get("/api/v1/compare/", {"tools": "llamaindex,vllm"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "tools"
    assert sorted(response.json()["allowed"]) == ["someone/vllm", "vllm-project/vllm"]
