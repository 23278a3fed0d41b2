"""What a visitor meets first (issue 9): honest dates, measured tools before unmeasured ones,
rows a person can read, and the small slips. Built from real rankings (recompute_rankings),
not stored numbers, so the pages show what the arithmetic gives."""

from __future__ import annotations

import re
from datetime import date

import pytest

from catalog.models import ToolStatus
from catalog.ranking.writer import recompute_rankings
from catalog.summary_store import summaries_rebuild
from tests.factories import make_category, make_layer, make_snapshot, make_tool, when

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    """Vector search with a tool measured on the catalog's newest day (17 Aug 2026), one last
    seen in June 2025, one with stars but a single observation, and two never measured; and
    an empty category in the same layer."""
    infra = make_layer("infrastructure", name="Infrastructure", position=1)
    vectors = make_category("vector-search", layer=infra, name="Vector search", position=1)
    make_category("education", layer=infra, name="Education", position=2)
    fresh = make_tool(
        "qdrant/qdrant",
        category=vectors,
        description="Vector search engine",
        stars=1100,
        metrics_as_of=when("2026-08-17"),
    )
    make_snapshot(fresh, date(2026, 8, 10), stars=1000)
    make_snapshot(fresh, date(2026, 8, 17), stars=1100)
    old = make_tool(
        "milvus-io/milvus", category=vectors, stars=900, metrics_as_of=when("2025-06-26")
    )
    make_snapshot(old, date(2025, 6, 19), stars=500)
    make_snapshot(old, date(2025, 6, 26), stars=900)
    single = make_tool(
        "weaviate/weaviate", category=vectors, stars=16_400, metrics_as_of=when("2026-08-17")
    )
    make_snapshot(single, date(2026, 8, 17), stars=16_400)
    make_tool("aquila/AquilaDB", category=vectors)
    make_tool("zeta/unmeasured", category=vectors)
    recompute_rankings()
    return vectors


def rows(page: str) -> list[str]:
    body = page.split('<table class="tools">', 1)[1].split("</table>")[0]
    return re.findall(r'<a href="/tools/([^/]+/[^/]+)/">', body)


# --- Point 3: honest dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/", "/layers/infrastructure/", "/categories/vector-search/", "/search/?q=vector",
     "/trending/", "/stats/"],
)  # fmt: skip
def test_every_list_page_says_as_of_when(client, board, url):
    page = client.get(url).content.decode()
    assert "Figures as of 17 Aug 2026" in page


def test_figures_over_30_days_older_than_the_catalog_carry_their_month(client, board):
    page = client.get("/categories/vector-search/").content.decode()
    milvus = page.split('href="/tools/milvus-io/milvus/"', 1)[1].split("</tr>")[0]
    qdrant = page.split('href="/tools/qdrant/qdrant/"', 1)[1].split("</tr>")[0]
    assert ">Jun 2025</small>" in milvus
    assert "2026" not in qdrant  # its figures are the catalog's newest: no month needed


def test_trending_leaves_out_gains_that_are_not_current(client, board):
    for window in ("7d", "30d", "90d"):
        page = client.get("/trending/", {"window": window}).content.decode()
        assert "milvus-io/milvus" not in page  # +400 in its week, but 14 months ago
    week = client.get("/trending/", {"window": "7d"}).content.decode()
    assert rows_of_trending(week) == ["qdrant/qdrant"]


def rows_of_trending(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>")[0]
    return re.findall(r'<a href="/tools/([^/]+/[^/]+)/">', body)


def test_a_tool_page_says_its_figures_and_gains_are_old(client, board):
    page = client.get("/tools/milvus-io/milvus/").content.decode()
    assert "figures from Jun 2025" in page
    assert "Gains and growth: not current: its latest star count is from 26 Jun 2025" in page
    assert "Gained in 7 days" not in page
    assert "Provisional score: its latest star count is from 26 Jun 2025" in page


# --- Point 4: order ----------------------------------------------------------------------------


def test_tools_with_stars_never_sort_below_unmeasured_ones(client, board):
    page = client.get("/categories/vector-search/").content.decode()
    # Scores worked out by hand (see tests/api/test_honest_dates.py for the formula):
    # weaviate, stars only: 30 × log(16,401)/log(200,001) = 23.85, provisional;
    # milvus, stars only (its trend is not current): 30 × log(901)/log(200,001) = 16.72;
    # qdrant has a current trend and the highest score; unmeasured tools come last.
    assert rows(page) == [
        "qdrant/qdrant",
        "weaviate/weaviate",
        "milvus-io/milvus",
        "aquila/AquilaDB",
        "zeta/unmeasured",
    ]
    weaviate = page.split('href="/tools/weaviate/weaviate/"', 1)[1].split("</tr>")[0]
    assert "23.9" in weaviate
    assert ">provisional</small>" in weaviate


# --- Point 5: rows a person can read ----------------------------------------------------------


def test_a_row_shows_owner_and_name_with_the_owner_muted_its_description_and_avatar(client, board):
    page = client.get("/categories/vector-search/").content.decode()
    assert (
        '<a href="/tools/qdrant/qdrant/"><span class="owner">qdrant/</span><wbr>'
        '<span class="repo">qdrant</span></a>'
    ) in page
    assert '<span class="tool-description">Vector search engine</span>' in page
    assert (
        '<img src="https://github.com/qdrant.png?size=40" width="20" height="20" '
        'loading="lazy" alt="">'
    ) in page
    assert '<span class="initials">AQ</span>' in page  # shown when the image cannot load


def test_a_column_without_data_on_the_page_is_left_out(client, board):
    page = client.get("/categories/vector-search/").content.decode()
    assert ">Language</th>" not in page  # no tool has a language before its first refresh

    board.tools.filter(full_name="qdrant/qdrant").update(language="Rust")
    page = client.get("/categories/vector-search/").content.decode()
    assert ">Language</th>" in page
    assert '<td class="hide-small">Rust</td>' in page


def test_the_home_page_does_not_advertise_an_empty_category(client, board):
    page = client.get("/").content.decode()
    assert "Vector search" in page
    assert "Education" not in page
    assert "No tools yet" not in page


def test_the_avatar_images_are_allowed_by_the_content_security_policy(client, board):
    policy = client.get("/categories/vector-search/")["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert "https://github.com" in img_src
    assert "https://avatars.githubusercontent.com" in img_src
    assert "script-src 'self'" in policy  # still no inline script


# --- Point 7: slips ---------------------------------------------------------------------------


def test_the_selected_pill_is_the_current_page(client, board):
    page = client.get("/categories/vector-search/", {"ordering": "-stars"}).content.decode()
    assert 'href="?ordering=-stars" aria-current="page">Most stars' in page
    pills = page.split('<nav aria-label="Sort by">', 1)[1].split("</nav>")[0]
    assert pills.count("aria-current") == 1


def test_a_blocked_repository_does_not_promise_metrics_after_a_refresh(client, board):
    board.tools.filter(full_name="aquila/AquilaDB").update(status=ToolStatus.BLOCKED)
    page = client.get("/tools/aquila/AquilaDB/").content.decode()
    assert "GitHub blocks access to this repository" in page
    assert "first refresh" not in page


def test_an_unmeasured_tool_shows_no_empty_tiles_and_no_table_of_zeros(client, board):
    page = client.get("/tools/zeta/unmeasured/").content.decode()
    assert "not yet been measured" in page
    assert '<dl class="metrics">' not in page
    assert "<dd>—</dd>" not in page
    assert "How the composite score is made up" not in page
    assert "No score: the score needs at least the star count" in page


def test_search_never_says_needs_q(client, board):
    for params in ({"ordering": "relevance"}, {"q": "vector", "ordering": "relevance"}, {}):
        page = client.get("/search/", params).content.decode()
        assert "needs q" not in page


def test_a_rejected_filter_value_stays_in_its_box(client, board):
    response = client.get("/search/", {"stars_min": "lots"})
    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'<input[^>]*name="stars_min"[^>]*value="lots"', page)


# --- The stats page ---------------------------------------------------------------------------


def test_stats_counts_a_licence_once_under_its_spdx_id(client, board):
    tools = board.tools
    tools.filter(full_name="qdrant/qdrant").update(
        license_spdx="Creative Commons Attribution Share Alike 4.0 International"
    )
    tools.filter(full_name="milvus-io/milvus").update(license_spdx="CC-BY-SA-4.0")
    tools.filter(full_name="weaviate/weaviate").update(license_spdx="MIT No Attribution")
    summaries_rebuild()  # a refresh writing licences ends by reranking, which stores these
    page = client.get("/stats/").content.decode()
    licences = page.split("Licences in Infrastructure", 2)[2].split("</svg>")[0]
    assert re.search(r">CC-BY-SA-4\.0</text>.*?>2</text>", licences)
    assert ">MIT-0</text>" in licences
    assert "Creative Commons" not in licences


def test_stats_explains_instead_of_drawing_charts_of_only_not_stated(client, board):
    page = client.get("/stats/").content.decode()
    assert "Languages in" not in page  # no tool's language is known yet
    assert "No tool's licence is known yet" in page


def test_a_tool_never_measured_has_no_section_of_empty_charts(client, board):
    board.tools.filter(full_name="aquila/AquilaDB").update(status=ToolStatus.BLOCKED)
    for name in ("zeta/unmeasured", "aquila/AquilaDB"):
        page = client.get(f"/tools/{name}/").content.decode()
        assert "<h2>History</h2>" not in page
        assert "grows with each refresh" not in page
    assert "<h2>History</h2>" in client.get("/tools/qdrant/qdrant/").content.decode()


def test_an_empty_trending_window_says_what_it_needs(client, board):
    page = client.get("/trending/", {"window": "90d"}).content.decode()
    assert "No tool has a current 90 days gain yet" in page
    assert "the latest within 7 days of the catalog's newest figures (17 Aug 2026)" in page
    assert "shorter window" in page
