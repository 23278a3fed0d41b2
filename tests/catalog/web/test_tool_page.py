"""A tool's page: metrics with their as-of time, history charts, score, ranks and badges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import FormerName, MetricSnapshot, Topic
from catalog.summary_store import summaries_rebuild
from tests.factories import make_snapshot, make_tool

pytestmark = pytest.mark.django_db


def test_tool_page_shows_metrics_with_their_as_of_time(client, site_catalog):
    response = client.get("/tools/qdrant/qdrant/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>qdrant</h1>" in page
    assert "Vector search engine for the next generation of AI" in page
    assert '<time datetime="2025-06-30T12:00:00+00:00">30 Jun 2025, 12:00 UTC</time>' in page
    assert "<dd>22,000</dd>" in page
    assert "<dd>+300</dd>" in page  # 30-day gain
    assert "#1 of 2" in page  # rank in its category, of the category's tools
    assert "#1 of 3" in page  # rank in its layer
    assert 'href="https://github.com/qdrant/qdrant"' in page


def test_tool_page_draws_stars_forks_and_issues_charts_from_snapshots(client, site_catalog):
    page = client.get("/tools/qdrant/qdrant/").content.decode()

    # Stars (whole life) and stars per week are drawn wide and narrow; forks and issues once.
    assert page.count('<svg class="chart"') == 6
    for title in ("Stars", "Forks", "Open issues"):
        assert f"{title} of qdrant/qdrant over time" in page
    assert '<path class="line" d="M' in page
    assert "from 2025-05-21 to 2025-06-30, between 21.7k and 22k" in page
    assert '<td>2025-06-30</td><td class="num">21,980</td>' in page  # the data table


def test_a_history_gap_breaks_the_line_instead_of_dropping_to_zero(client, site_catalog):
    tool = make_tool(category=site_catalog.agents, stars=50)
    for day, stars in [(1, 10), (2, None), (3, 30), (4, 40)]:
        make_snapshot(tool, datetime(2025, 1, day, tzinfo=UTC).date(), stars=stars)

    page = client.get(tool.get_absolute_url()).content.decode()

    stars_path = page.split('<path class="line" d="', 1)[1].split('"', 1)[0]
    assert stars_path.count("M") == 2  # two segments around the missing day


def test_score_breakdown_lists_each_component_and_the_formula_version(client, site_catalog):
    page = client.get("/tools/qdrant/qdrant/").content.decode()

    assert "formula 2026.12-2" in page
    for label in (
        "Stars",
        "Stars gained per 30 days (spike-damped)",
        "Growth per 30 days (% of stars)",
        "Activity (recent pushes and commits)",
        "Contributors",
    ):
        assert f"<tr><td>{label}</td>" in page


def test_a_tool_not_yet_measured_says_so(client, site_catalog):
    page = client.get("/tools/newcomer/fresh/").content.decode()

    assert "not yet been measured" in page
    assert "No history for Stars" not in page  # no section of empty charts
    assert "<dd>0</dd>" not in page


def test_status_badges_archived_renamed_and_deprecated_with_replacement(client, site_catalog):
    tool = site_catalog.milvus
    tool.status = "archived"
    tool.deprecated = True
    tool.replaced_by = site_catalog.qdrant
    tool.save()
    FormerName.objects.create(tool=tool, full_name="zilliz/milvus-old")

    page = client.get("/tools/milvus-io/milvus/").content.decode()

    assert "Archived on GitHub" in page
    assert "Renamed (formerly zilliz/milvus-old)" in page
    assert 'Deprecated: use <a href="/tools/qdrant/qdrant/">qdrant</a> instead' in page


def test_a_missing_repository_is_labelled(client, site_catalog):
    site_catalog.crew.status = "missing"
    site_catalog.crew.save()

    page = client.get("/tools/crewAIInc/crewAI/").content.decode()

    assert "Missing on GitHub (deleted or private)" in page


def test_last_refresh_and_last_error_are_shown(client, site_catalog):
    site_catalog.vllm.last_refresh_error = "GitHub answered 502 Bad Gateway"
    site_catalog.vllm.consecutive_failures = 2
    site_catalog.vllm.save()

    page = client.get("/tools/vllm-project/vllm/").content.decode()

    assert "30 Jun 2025, 12:00 UTC" in page
    assert "GitHub answered 502 Bad Gateway (2 failed refreshes in a row)" in page


def test_homepage_link_only_for_web_addresses(client, site_catalog):
    site_catalog.qdrant.homepage = "https://qdrant.tech"
    site_catalog.qdrant.save()
    site_catalog.milvus.github_homepage = "javascript:alert(1)"
    site_catalog.milvus.save()

    assert 'href="https://qdrant.tech"' in client.get("/tools/qdrant/qdrant/").content.decode()
    assert "javascript:" not in client.get("/tools/milvus-io/milvus/").content.decode()


def test_a_former_name_redirects_permanently_to_the_current_page(client, site_catalog):
    FormerName.objects.create(tool=site_catalog.qdrant, full_name="qdrant-old/engine")

    response = client.get("/tools/qdrant-old/engine/")

    assert response.status_code == 301
    assert response["Location"] == "/tools/qdrant/qdrant/"


def test_another_spelling_of_the_name_redirects_to_the_canonical_url(client, site_catalog):
    response = client.get("/tools/QDRANT/Qdrant/")

    assert response.status_code == 301
    assert response["Location"] == "/tools/qdrant/qdrant/"


def test_unknown_and_hidden_tools_are_not_found(client, site_catalog):
    site_catalog.milvus.hidden = True
    site_catalog.milvus.save()

    assert client.get("/tools/nobody/nothing/").status_code == 404
    assert client.get("/tools/milvus-io/milvus/").status_code == 404


def test_tool_page_offers_compare_topic_and_other_placement_links(client, site_catalog):
    site_catalog.qdrant.topics.add(Topic.objects.create(name="vector-database"))
    site_catalog.qdrant.secondary_categories.add(site_catalog.serving)

    page = client.get("/tools/qdrant/qdrant/").content.decode()

    assert '<dt>Also listed in</dt><dd><a href="/categories/serving/">Serving</a></dd>' in page
    assert 'href="/compare/?tools=qdrant/qdrant">Add to compare' in page
    assert 'href="/search/?topic=vector-database">vector-database</a>' in page


def test_tool_page_queries_do_not_grow_with_history_names_or_topics(client, site_catalog):
    summaries_rebuild()  # as the ranking does after every write: the peers are counted there
    with CaptureQueriesContext(connection) as short:
        client.get("/tools/milvus-io/milvus/")
    for n in range(5):
        FormerName.objects.create(tool=site_catalog.qdrant, full_name=f"old{n}/qdrant")
        site_catalog.qdrant.topics.add(Topic.objects.create(name=f"topic-{n}"))
    with CaptureQueriesContext(connection) as long:
        client.get("/tools/qdrant/qdrant/")

    # The tool with its placement and layer summary, its days, the catalog's as-of, the
    # snapshots its score is derived from, its names and topics.
    assert len(long) == len(short) <= 5


def test_former_names_topics_and_other_placements_are_listed_in_order(client, site_catalog):
    qdrant = site_catalog.qdrant
    for name in ("zz/qdrant-old", "aa/qdrant-first"):
        FormerName.objects.create(tool=qdrant, full_name=name)
    for name in ("vector-database", "ann", "rust"):
        qdrant.topics.add(Topic.objects.create(name=name))
    qdrant.secondary_categories.add(site_catalog.serving)

    page = client.get("/tools/qdrant/qdrant/").content.decode()

    assert "Renamed (formerly aa/qdrant-first, zz/qdrant-old)" in page
    topics = page[page.index("<dt>Topics</dt>") :]
    assert topics.index(">ann<") < topics.index(">rust<") < topics.index(">vector-database<")
    assert '<dt>Also listed in</dt><dd><a href="/categories/serving/">Serving</a></dd>' in page


def test_history_tables_list_the_latest_30_days_first_with_their_source(client, site_catalog):
    tool = make_tool(category=site_catalog.agents, stars=2_040)
    start = date(2025, 1, 1)
    for n in range(40):  # the first 20 days reconstructed from the star history, no forks
        backfilled = n < 20
        make_snapshot(
            tool,
            start + timedelta(days=n),
            stars=1_000 + 26 * n,
            forks=None if backfilled else 1_200 + n,
            source=MetricSnapshot.STAR_HISTORY_SOURCE if backfilled else "refresh",
        )

    page = client.get(tool.get_absolute_url()).content.decode()

    stars = page.split("Stars as a table (latest 30 days)</summary>", 1)[1].split("</tbody>")[0]
    assert stars.count("<tr>") == 31  # the header and 30 days
    assert stars.index("<td>2025-02-09</td>") < stars.index("<td>2025-01-11</td>")
    assert '<tr><td>2025-02-09</td><td class="num">2,014</td><td>observed</td></tr>' in stars
    assert '<tr><td>2025-01-11</td><td class="num">1,260</td><td>reconstructed</td></tr>' in stars
    forks = page.split("Forks as a table (latest 20)</summary>", 1)[1].split("</tbody>")[0]
    assert '<tr><td>2025-02-09</td><td class="num">1,239</td></tr>' in forks
    assert "2025-01-20" not in forks  # no forks measured that day
