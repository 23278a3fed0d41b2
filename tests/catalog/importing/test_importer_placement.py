"""Placement columns of ai_tools: who chose the category (``placement``) and the
categories a tool also belongs to (``secondary_categories``); a curator's choice survives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalog.importing import CatalogImportError, catalog_import
from catalog.models import Category, Tool

FIXTURES = Path(__file__).parent / "import_fixtures"
HEADER = "full_name,layer,category,source,source_label,also_listed_in,former_names,"
pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """The small CSV catalog's taxonomy; each test writes its own ai_tools, no metrics."""
    directory = tmp_path / "catalog"
    directory.mkdir()
    shutil.copy(FIXTURES / "csv_catalog" / "taxonomy.csv", directory)
    return directory


def write_tools(catalog_dir: Path, *rows: str) -> None:
    lines = [HEADER + "placement,secondary_categories", *rows]
    (catalog_dir / "ai_tools.csv").write_text("\n".join(lines) + "\n")


def secondaries(full_name: str) -> list[str]:
    tool = Tool.objects.get(full_name=full_name)
    return sorted(tool.secondary_categories.values_list("slug", flat=True))


def test_a_reviewed_placement_and_its_secondary_categories_land_on_a_new_tool(catalog_dir):
    write_tools(
        catalog_dir,
        "acme/serve,infra,serving,list-a,Serving/LLM,,,reviewed,vector-search;coding",
        "acme/vectors,infra,vector-search,list-a,Vectors,,,,",
    )

    report = catalog_import(paths=[catalog_dir])

    serve = Tool.objects.get(full_name="acme/serve")
    assert (serve.category.slug, serve.placement) == ("serving", "reviewed")
    assert secondaries("acme/serve") == ["coding", "vector-search"]
    vectors = Tool.objects.get(full_name="acme/vectors")
    assert (vectors.placement, secondaries("acme/vectors")) == ("", [])
    assert report.counts["secondary categories"].created == 2


def test_a_reimport_adds_secondaries_only_where_no_curator_placed_the_tool(catalog_dir):
    write_tools(
        catalog_dir,
        "acme/serve,infra,serving,list-a,,,,,",
        "acme/vectors,infra,vector-search,list-a,,,,,",
        "coder/helper,apps,coding,list-b,,,,,",
    )
    catalog_import(paths=[catalog_dir])
    coding = Category.objects.get(slug="coding")
    Tool.objects.get(full_name="acme/vectors").secondary_categories.add(coding)
    Tool.objects.filter(full_name="coder/helper").update(
        category=Category.objects.get(slug="serving")
    )
    write_tools(
        catalog_dir,
        "acme/serve,infra,serving,list-a,,,,reviewed,coding",
        "acme/vectors,infra,vector-search,list-a,,,,reviewed,serving",
        "coder/helper,apps,coding,list-b,,,,reviewed,vector-search",
    )

    report = catalog_import(paths=[catalog_dir])

    assert secondaries("acme/serve") == ["coding"]  # untouched by anyone: the review applies
    assert secondaries("acme/vectors") == ["coding"]  # the curator's choice stays
    assert secondaries("coder/helper") == []  # moved by a curator: left alone
    assert Tool.objects.get(full_name="coder/helper").category.slug == "serving"
    assert report.counts["secondary categories"].skipped == 2


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "acme/serve,infra,serving,list-a,,,,,nowhere",
            'line 2, field "secondary_categories": unknown category "nowhere"',
        ),
        (
            "acme/serve,infra,serving,list-a,,,,,serving",
            'line 2, field "secondary_categories": "serving" is already the primary category',
        ),
        (
            "acme/serve,infra,serving,list-a,,,,checked,",
            'line 2, field "placement": unknown value "checked"',
        ),
    ],
)
def test_a_bad_placement_cell_is_refused_naming_line_and_field(catalog_dir, row, message):
    write_tools(catalog_dir, row)

    with pytest.raises(CatalogImportError, match=message):
        catalog_import(paths=[catalog_dir])

    assert not Tool.objects.exists()
