"""Atom feeds (new tools, trending; overall, per layer, per category) and README badges."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from catalog.models import FormerName

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[ElementTree.Element]:
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content).findall(f"{ATOM}entry")


def titles(response) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in entries(response)]


def test_new_tools_feed_lists_the_latest_additions_first(client, site_catalog):
    response = client.get("/feeds/new/")

    assert response.status_code == 200
    assert titles(response)[0] == "fresh (newcomer/fresh)"
    assert len(titles(response)) == 5
    first = entries(response)[0]
    assert first.find(f"{ATOM}link").get("href") == "http://testserver/tools/newcomer/fresh/"
    assert "not yet measured" in first.findtext(f"{ATOM}summary")


def test_new_tools_feed_per_layer_and_per_category(client, site_catalog):
    layer = titles(client.get("/feeds/new/layers/applications/"))
    category = titles(client.get("/feeds/new/categories/vector-search/"))

    assert sorted(layer) == ["crewAI (crewAIInc/crewAI)", "fresh (newcomer/fresh)"]
    assert sorted(category) == ["milvus (milvus-io/milvus)", "qdrant (qdrant/qdrant)"]
    assert client.get("/feeds/new/categories/nope/").status_code == 404


def test_trending_feed_follows_the_window_and_scope(client, site_catalog):
    overall = titles(client.get("/feeds/trending/", {"window": "7d"}))
    vectors = titles(client.get("/feeds/trending/categories/vector-search/"))
    infra = titles(client.get("/feeds/trending/layers/infrastructure/"))

    # the stored gains, which recompute_rankings saves already damped against spikes
    assert overall[0] == "vllm: +700 stars in 7 days"
    assert vectors == ["qdrant: +300 stars in 30 days", "milvus: +150 stars in 30 days"]
    assert infra[0].startswith("vllm:")
    assert client.get("/feeds/trending/", {"window": "1y"}).status_code == 404


def test_badge_says_rank_in_category_and_stars(client, site_catalog):
    response = client.get("/badge/qdrant/qdrant.svg")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = response.content.decode()
    assert ">#1 in Vector search</text>" in svg
    assert ">★ 22k</text>" in svg
    assert 'aria-label="Strata: #1 in Vector search · ★ 22k"' in svg
    assert "max-age=3600" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


def test_badge_answers_304_when_the_etag_matches(client, site_catalog):
    first = client.get("/badge/qdrant/qdrant.svg")

    again = client.get("/badge/qdrant/qdrant.svg", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    site_catalog.qdrant.stars = 23_000
    site_catalog.qdrant.save()
    changed = client.get("/badge/qdrant/qdrant.svg", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert ">★ 23k</text>" in changed.content.decode()


def test_badge_of_an_unmeasured_or_unranked_tool(client, site_catalog):
    svg = client.get("/badge/newcomer/fresh.svg").content.decode()

    assert ">Agents</text>" in svg
    assert ">not yet measured</text>" in svg


def test_badge_follows_renames_and_404s_for_unknown_tools(client, site_catalog):
    FormerName.objects.create(tool=site_catalog.qdrant, full_name="old/qdrant")

    moved = client.get("/badge/old/qdrant.svg")

    assert moved.status_code == 301
    assert moved["Location"] == "/badge/qdrant/qdrant.svg"
    assert client.get("/badge/nobody/nothing.svg").status_code == 404


def test_badge_for_a_repository_name_with_dots(client, site_catalog):
    from tests.factories import make_tool

    make_tool("org/tool.js", category=site_catalog.agents, stars=1500)

    assert ">★ 1.5k</text>" in client.get("/badge/org/tool.js.svg").content.decode()


@pytest.mark.parametrize("url", ["/feeds/new/", "/feeds/trending/", "/badge/qdrant/qdrant.svg"])
def test_feeds_and_badges_run_a_fixed_number_of_queries(client, site_catalog, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.catalog.web.conftest import many_tools

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    many_tools(site_catalog.vectors, 30)
    with CaptureQueriesContext(connection) as lots:
        client.get(url)

    assert len(lots) == len(few) <= 4
