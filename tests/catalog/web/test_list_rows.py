"""List rows drawn without the template engine draw what the templates drew."""

from __future__ import annotations

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils.text import Truncator

from catalog.forms import Select
from catalog.templatetags.strata import _tool_name
from catalog.views.common import list_rows, tool_values, truncated
from tests.catalog.web.conftest import SCRIPT
from tests.factories import make_tool

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "full_name",
    ["qdrant/qdrant", "Some.Org_1/my-tool.js", "ünïcode/naïve tool", "o'brien/<b>&amp;"],
)
def test_a_row_draws_the_tool_name_as_the_shared_include_does(full_name):
    tool = make_tool(full_name, display_name=f"Shown {SCRIPT} name")
    (row,) = list_rows([tool_values(tool)], as_of=None)

    assert row["url"] == tool.get_absolute_url()
    assert _tool_name(row) == render_to_string("catalog/includes/tool_name.html", {"tool": tool})


@pytest.mark.parametrize(
    "text",
    [
        "A short description",
        "x" * 140,
        "x" * 141,
        "e\u0301" * 100,  # 200 code points, 100 characters once composed: not cut
        "\u0958" * 100,  # NFC decomposes each into two: 200 code points
        "word " * 40,
    ],
)
def test_descriptions_are_cut_as_truncatechars_cuts_them(text):
    assert truncated(text, 140) == Truncator(text).chars(140)


GROUPED = [
    ("", "Any"),
    ("Infra & <ops>", [("vector-search", "Vector search"), ("serving", 'Serving "fast"')]),
    ("agents", "Agents"),
    ("a&b", "<b>bold</b>"),
]


@pytest.mark.parametrize("value", [None, "", "serving", "a&b", "nope"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_category", "aria-describedby": "x_helptext", "required": True}]
)
def test_the_search_selects_are_drawn_as_djangos_select_template_draws_them(value, attrs):
    fast, django = Select(choices=GROUPED), forms.Select(choices=GROUPED)
    disabled = {**(attrs or {}), "disabled": False}

    assert fast.render("category", value, attrs) == django.render("category", value, attrs)
    assert fast.render("category", value, disabled) == django.render("category", value, disabled)
