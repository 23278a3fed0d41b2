"""Every page at 1280 and 390 px, saved to var/screenshots/pages/ for a person to look at, with
the checks a look would make: the avatars fall back to initials when GitHub cannot be reached,
the selected pill stands out, the sort select shows its whole label, admin change lists fit
a laptop screen."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from catalog.models import Suggestion, ToolStatus
from catalog.ranking.writer import recompute_rankings
from tests.browser.conftest import SCREENSHOTS
from tests.factories import make_snapshot, make_tool, when

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "/",
    "layer": "/layers/infrastructure/",
    "category": "/categories/vector-search/",
    "category-by-stars": "/categories/vector-search/?ordering=-stars",
    "search": "/search/?q=vector",
    "search-rejected": "/search/?stars_min=lots",
    "trending": "/trending/",
    "trending-7d": "/trending/?window=7d",
    "tool": "/tools/qdrant/qdrant/",
    "tool-stale": "/tools/old/milvus-lite/",
    "tool-provisional": "/tools/weaviate/weaviate/",
    "tool-unmeasured": "/tools/newcomer/fresh/",
    "tool-blocked": "/tools/blocked/repo/",
    "compare": "/compare/?tools=qdrant/qdrant,milvus-io/milvus",
    "stats": "/stats/",
    "suggest": "/suggest/",
    "not-found": "/no-such-page/",
}
ADMIN_LISTS = ["tool", "refreshrun", "metricsnapshot", "suggestion", "category"]


@pytest.fixture
def lived_in(site_catalog):
    """The page tests' catalog plus what issue 9 is about: a tool last seen in 2025, one with
    a single observation, a blocked repository; rankings computed for real."""
    vectors, then = site_catalog.vectors, when("2024-06-26")
    old = make_tool("old/milvus-lite", category=vectors, stars=900, metrics_as_of=then)
    make_snapshot(old, date(2024, 6, 19), stars=500)
    make_snapshot(old, date(2024, 6, 26), stars=900)
    single = make_tool(
        "weaviate/weaviate",
        category=site_catalog.vectors,
        stars=16_400,
        description="Weaviate is an open-source vector database",
        metrics_as_of=when("2025-06-30"),
    )
    make_snapshot(single, date(2025, 6, 30), stars=16_400)
    make_tool("blocked/repo", category=site_catalog.vectors, status=ToolStatus.BLOCKED)
    recompute_rankings()
    return site_catalog


def shoot(page, name: str) -> None:
    SCREENSHOTS.joinpath("pages").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "pages" / f"{name}.png"), full_page=True)


def test_every_page_at_1280_and_390_px(page, phone, lived_in):
    for name, url in PAGES.items():
        for viewer, size in ((page, "desktop"), (phone, "phone")):
            response = viewer.goto(url)
            assert response is not None
            assert response.status < 500, url
            viewer.wait_for_load_state("networkidle")
            shoot(viewer, f"{name}-{size}")


def test_avatars_fall_back_to_initials_when_github_cannot_be_reached(page, lived_in):
    page.goto("/categories/vector-search/")
    page.wait_for_load_state("networkidle")
    avatar = page.locator("tbody .avatar").first
    assert avatar.locator("img").count() == 0  # the image that failed is gone: no broken icon
    initials = avatar.locator(".initials")
    assert initials.is_visible()
    assert initials.inner_text() == "QD"


def test_the_selected_pill_stands_out(page, lived_in):
    page.goto("/categories/vector-search/?ordering=-stars")
    selected = page.locator('nav[aria-label="Sort by"] a[aria-current="page"]')
    other = page.locator('nav[aria-label="Sort by"] a:not([aria-current])').first
    assert selected.inner_text() == "Most stars"
    background = "el => getComputedStyle(el).backgroundColor"
    assert selected.evaluate(background) != other.evaluate(background)


def test_the_sort_select_shows_its_whole_label(page, phone, lived_in):
    for viewer in (page, phone):
        viewer.goto("/search/?q=vector&ordering=-gained_30d")
        select = viewer.get_by_label("Sort by")
        if not select.is_visible():  # folded behind "Filters" on a phone
            viewer.locator("summary", has_text="Filters").click()
        room = select.evaluate(
            """el => {
              const style = getComputedStyle(el);
              const text = el.options[el.selectedIndex].text;
              const canvas = document.createElement("canvas").getContext("2d");
              canvas.font = style.font;
              const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
              return el.clientWidth - padding - canvas.measureText(text).width;
            }"""
        )
        assert room >= 16, f"the label is cut off ({room:.0f} px left for the arrow)"


def test_admin_change_lists_fit_a_laptop_screen(page, lived_in):
    get_user_model().objects.create_superuser("curator", "curator@example.com", "a-long-pass")
    Suggestion.objects.create(
        full_name="weaviate/verba", category=lived_in.vectors, reason="A RAG app on Weaviate"
    )
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a-long-pass")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    overflow = {}
    for model in ADMIN_LISTS:
        page.goto(f"/admin/catalog/{model}/")
        shoot(page, f"admin-{model}-desktop")
        overflow[model] = page.evaluate(
            """() => {
              const table = document.querySelector("#result_list");
              const room = document.querySelector("#changelist .results");
              return Math.max(0, document.documentElement.scrollWidth - innerWidth,
                              table ? table.scrollWidth - room.clientWidth : 0);
            }"""
        )
    assert {model: px for model, px in overflow.items() if px > 0} == {}
