"""Search in a browser: autocomplete by keyboard, and the search page on a phone."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_box_suggests_tools_and_the_keyboard_picks_one(page, site_catalog):
    page.goto("/")
    box = page.get_by_role("combobox", name="Search tools")
    box.press_sequentially("qdrnt", delay=30)  # misspelt
    options = page.get_by_role("option")
    options.first.wait_for()
    assert "qdrant/qdrant" in options.first.inner_text()
    assert "Vector search" in options.first.inner_text()
    assert "22,000" in options.first.inner_text()
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    screenshot(page, "autocomplete-desktop")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/tools/qdrant/qdrant/$"))


def test_escape_closes_the_suggestions_and_enter_still_searches(page, site_catalog):
    page.goto("/")
    box = page.get_by_role("combobox", name="Search tools")
    box.press_sequentially("vector", delay=30)
    page.get_by_role("option").first.wait_for()
    box.press("Escape")
    assert page.get_by_role("listbox").is_hidden()
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=vector$"))


def test_compare_completes_a_name_into_its_input(page, site_catalog):
    page.goto("/compare/?tools=qdrant/qdrant")
    field = page.get_by_role("combobox", name=re.compile("Add a tool"))
    field.press_sequentially("milv", delay=30)
    page.get_by_role("option").first.wait_for()
    field.press("ArrowDown")
    field.press("Enter")  # fills the input; a second Enter submits
    assert field.input_value() == "milvus-io/milvus"
    field.press("Enter")
    page.wait_for_url(re.compile(r"/compare/\?tools=qdrant/qdrant,milvus-io/milvus$"))


def test_on_a_phone_results_come_first_and_filters_fold(phone, site_catalog):
    phone.goto("/search/?q=vector&layer=infrastructure&stars_min=10")
    summary = phone.locator("details.filter-panel > summary")
    assert summary.inner_text().startswith("Filters")
    assert "2 active" in summary.inner_text()
    assert not phone.get_by_label("Category").is_visible()  # folded
    first_row = phone.locator("#results table.tools tbody tr").first
    box = first_row.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 844
    # No clipped column: the table fits the screen's width.
    table = phone.locator("#results table.tools").bounding_box()
    assert table is not None
    assert table["x"] + table["width"] <= 390 + 1
    screenshot(phone, "search-filters-folded-phone")
    summary.click()
    assert phone.get_by_label("Category").is_visible()
    screenshot(phone, "search-filters-open-phone")
