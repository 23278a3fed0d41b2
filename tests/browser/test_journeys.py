"""What people do in a browser: find a tool, compare tools, suggest one."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from catalog.models import Suggestion
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_home_search_filter_and_sort_to_a_tool_with_its_chart(page, phone, site_catalog):
    page.goto("/")
    assert page.get_by_role("heading", name="The open-source AI stack").is_visible()
    assert page.get_by_role("link", name="Vector search").is_visible()
    screenshot(page, "home-desktop")
    phone.goto("/")
    screenshot(phone, "home-phone")

    page.get_by_role("combobox", name="Search tools").fill("vector")  # search.js: a combobox
    page.get_by_role("button", name="Search", exact=True).first.click()
    page.wait_for_url(re.compile(r"/search/\?q=vector$"))
    results = page.locator("#results table.tools tbody tr")
    assert results.count() == 2

    # Live update: choosing a category refreshes the results and the URL without a reload.
    page.get_by_label("Category").select_option("vector-search")
    page.wait_for_url(re.compile(r"category=vector-search"))
    page.get_by_label("Sort by").select_option("-gained_30d")
    page.wait_for_url(re.compile(r"ordering=-gained_30d"))
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_load_state()
    assert "q=vector" in page.url
    assert "category=vector-search" in page.url
    names = page.locator("#results table.tools tbody tr .tool-name a").all_inner_texts()
    assert names == ["qdrant/qdrant", "milvus-io/milvus"]  # 300 then 150 stars gained, 30 days
    assert page.locator("#results svg.spark path").count() == 2
    screenshot(page, "search-desktop")
    phone.goto(page.url.replace(page.url.split("/search/")[0], ""))
    screenshot(phone, "search-phone")

    page.get_by_role("link", name="qdrant/qdrant", exact=True).click()
    page.wait_for_url(re.compile(r"/tools/qdrant/qdrant/$"))
    chart = page.locator("figure svg.chart").first
    assert chart.is_visible()
    path = chart.locator("path.line").get_attribute("d")
    assert path.startswith("M")
    assert path.count("L") == 40
    assert page.get_by_text("#1 of 2").is_visible()
    screenshot(page, "tool-desktop")
    phone.goto("/tools/qdrant/qdrant/")
    screenshot(phone, "tool-phone")


def test_compare_two_tools(page, phone, site_catalog):
    page.goto("/tools/qdrant/qdrant/")
    page.get_by_role("link", name="Add to compare").click()
    page.wait_for_url(re.compile(r"/compare/\?tools=qdrant/qdrant$"))
    page.get_by_label("Add a tool (owner/name)").fill("milvus-io/milvus")
    page.get_by_role("button", name="Add to comparison").click()
    page.wait_for_url(re.compile(r"/compare/\?tools=qdrant/qdrant,milvus-io/milvus$"))

    chart = page.locator("figure svg.chart:visible")
    assert chart.count() == 1
    assert chart.locator("path.line").count() == 2
    assert page.get_by_role("row", name=re.compile(r"^Stars 22,000 30,000")).is_visible()
    screenshot(page, "compare-desktop")
    phone.goto("/compare/?tools=qdrant/qdrant,milvus-io/milvus")
    narrow = phone.locator("figure svg.chart:visible")
    assert narrow.count() == 1
    assert narrow.get_attribute("viewBox").startswith("0 0 400 ")
    screenshot(phone, "compare-phone")

    page.get_by_role("link", name="Remove milvus-io/milvus from the comparison").click()
    page.wait_for_url(re.compile(r"/compare/\?tools=qdrant/qdrant$"))
    assert page.get_by_text("Add at least one more tool").is_visible()


def test_a_suggestion_reaches_the_curators_in_admin(page, site_catalog):
    get_user_model().objects.create_superuser("curator", "curator@example.com", "a-long-pass")

    page.goto("/suggest/")
    page.get_by_label("Repository").fill("https://github.com/weaviate/weaviate")
    page.get_by_label("Category it belongs in").select_option(
        label="Infrastructure › Vector search"
    )
    page.get_by_label("Why it belongs in Strata").fill("A widely used vector database")
    page.get_by_role("button", name="Send suggestion").click()
    assert page.get_by_text("Thank you! weaviate/weaviate will be reviewed").is_visible()
    assert Suggestion.objects.get().full_name == "weaviate/weaviate"

    page.goto("/admin/login/?next=/admin/catalog/suggestion/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a-long-pass")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/catalog/suggestion/$"))
    assert page.locator("#result_list").get_by_text("weaviate/weaviate").first.is_visible()


def test_keyboard_users_can_skip_to_the_content(page, site_catalog):
    page.goto("/")
    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    skip.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
