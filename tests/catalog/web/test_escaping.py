"""Everything that comes from GitHub (or a curator) is shown as text, never run as markup."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from catalog.models import Topic
from tests.catalog.web.conftest import SCRIPT

pytestmark = pytest.mark.django_db
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


@pytest.fixture
def hostile(site_catalog):
    tool = site_catalog.qdrant
    tool.description = f"Fast {SCRIPT} search"
    tool.display_name = f"Q{SCRIPT}"
    tool.language = "<script>x</script>"
    tool.license_spdx = '"><img src=x onerror=alert(1)>'
    tool.last_refresh_error = SCRIPT
    tool.save()
    tool.topics.add(Topic.objects.create(name='"><script>t</script>'))
    site_catalog.vectors.name = "Vectors <b>&</b> co"
    site_catalog.vectors.save()
    return tool


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search/?q=fast",
        "/search/?category=vector-search",
        "/tools/qdrant/qdrant/",
        "/categories/vector-search/",
        "/layers/infrastructure/",
        "/trending/",
        "/compare/?tools=qdrant/qdrant,milvus-io/milvus",
        "/stats/",
    ],
)
def test_pages_show_hostile_text_as_text(client, hostile, url):
    response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "<script>x</script>" not in page
    assert "<script>t</script>" not in page
    assert "<img src=x" not in page
    assert "Vectors <b>" not in page


def test_the_tool_page_shows_the_escaped_text_itself(client, hostile):
    page = client.get("/tools/qdrant/qdrant/").content.decode()

    assert f"Fast {ESCAPED} search" in page
    assert "Vectors &lt;b&gt;&amp;&lt;/b&gt; co" in page


@pytest.mark.parametrize("url", ["/feeds/new/", "/feeds/trending/?window=7d"])
def test_feeds_carry_hostile_text_as_text(client, hostile, url):
    response = client.get(url)

    feed = ElementTree.fromstring(response.content)  # well-formed XML
    summaries = [e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}summary")]
    titles = [e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    qdrant = next(s for s in summaries if "search" in s and "Fast" in s)
    # Readers treat the summary as HTML: after XML decoding it must still be escaped HTML.
    assert f"Fast {ESCAPED} search" in qdrant.replace("&#39;", "&#x27;")
    assert "<script>" not in qdrant
    assert any(f"Q{SCRIPT}" in title for title in titles)  # a plain-text title, XML-escaped


def test_the_badge_escapes_the_category_name(client, hostile):
    svg = client.get("/badge/qdrant/qdrant.svg").content.decode()

    assert "Vectors &lt;b&gt;&amp;&lt;/b&gt; co" in svg
    assert "<b>" not in svg
    ElementTree.fromstring(svg)  # still well-formed SVG
