"""The search page's statements when nothing is kept yet (a cold page: the first request after
a write), and the form's choices read along with the categories."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.data_version import forget_memo
from catalog.forms import search_form_choices
from catalog.models import Category
from catalog.views import search as search_view
from tests.factories import make_category, make_layer, make_tool


def _cold_search(client, params: dict[str, str]) -> tuple[str, list[str]]:
    cache.clear()
    forget_memo()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured.captured_queries]


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"', select.group(1))


@pytest.fixture
def agents(db) -> None:
    """A common word: more tools named for it than the typo look-up waits for."""
    apps = make_layer("applications", name="Applications", position=2)
    infra = make_layer("infrastructure", name="Infrastructure", position=1)
    kits = make_category("agent-kits", layer=apps, name="Agent kits", position=1)
    serving = make_category("serving", layer=infra, name="Serving", position=1)
    languages = ["Rust", "Python", "Go", "C++"]
    licenses = ["MIT", "Apache-2.0", ""]
    for n in range(30):
        make_tool(
            f"owner{n}/agent-kit{n}",
            category=kits if n % 2 else serving,
            description="An agent framework",
            stars=1_000 - n,
            language=languages[n % 4],
            license_spdx=licenses[n % 3],
        )
    make_tool("hidden/agent", category=kits, language="Zig", license_spdx="GPL-3.0", hidden=True)


def test_a_cold_search_for_a_common_word_runs_six_statements(client, agents, monkeypatch):
    """The data version; the categories with the form's languages and licences; the walk of the
    words with their count (more than are counted: no count of its own); the names answering
    them; the page's tools; their sparklines."""
    monkeypatch.setattr(search_view, "MAX_COUNTED", 20)

    page, statements = _cold_search(client, {"q": "agent"})

    assert len(statements) == 6, "\n".join(statements)
    assert "<strong>20+</strong> tools matching" in page
    assert "owner0/agent-kit0" in page
    assert _options(page, "language") == ["", "C++", "Go", "Python", "Rust"]


def test_the_form_offers_the_public_languages_and_licences_and_the_categories_by_layer(
    client, agents
):
    page, _ = _cold_search(client, {"q": "agent", "language": "Go"})

    assert _options(page, "language") == ["", "C++", "Go", "Python", "Rust"]
    assert '<option value="Go" selected>Go</option>' in page
    assert _options(page, "license") == ["", "permissive", "Apache-2.0", "MIT"]
    assert _options(page, "layer") == ["", "infrastructure", "applications"]
    assert _options(page, "category") == ["", "serving", "agent-kits"]
    assert '<optgroup label="Infrastructure">' in page


def test_the_categories_and_choices_are_read_in_one_statement_as_each_is_read_alone(agents):
    with CaptureQueriesContext(connection) as captured:
        choices = search_form_choices()

    assert len(captured) == 1
    assert choices.languages == ["C++", "Go", "Python", "Rust"]
    assert choices.licenses == ["Apache-2.0", "MIT"]
    alone = list(
        Category.objects.select_related("layer").order_by(
            "layer__position", "layer__slug", "position", "slug"
        )
    )
    assert choices.categories == alone
    assert [c.layer.name for c in choices.categories] == [c.layer.name for c in alone]
    assert [vars(c).keys() for c in choices.categories] == [vars(c).keys() for c in alone]


def test_a_catalog_without_categories_offers_no_language_or_licence(client, db):
    page, _ = _cold_search(client, {})

    assert _options(page, "language") == [""]
    assert _options(page, "license") == ["", "permissive"]
    assert _options(page, "category") == [""]
    assert search_form_choices().languages == []


def test_a_search_follows_an_edit_of_a_categorys_words(client, agents):
    """The categories' words are matched in a table kept while they stay the same."""
    page, _ = _cold_search(client, {"q": "orchestration"})
    assert "owner1/agent-kit1" not in page

    Category.objects.filter(slug="agent-kits").update(synonyms="orchestration, crews")
    page, _ = _cold_search(client, {"q": "orchestration"})
    assert "owner1/agent-kit1" in page
    assert "owner0/agent-kit0" not in page  # in serving
