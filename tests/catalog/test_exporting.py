"""``export_catalog`` writes the files ``import_catalog`` reads: exporting a catalog and
importing the files into an empty database gives back the same catalog, field by field."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog.importing import catalog_import
from catalog.models import Category, FormerName, Layer, MetricSnapshot, Tool
from tests.factories import make_category, make_layer, make_snapshot, make_tool

pytestmark = pytest.mark.django_db

TOOL_FIELDS = (
    "category__slug", "placement", "source", "source_label", "also_listed_in",
    *MetricSnapshot.METRIC_FIELDS, "metrics_as_of", "license_spdx", "repo_created_at",
)  # fmt: skip


def catalog_state() -> dict[str, object]:
    """Everything the importer writes, keyed by names (ids differ between databases)."""
    return {
        "layers": set(Layer.objects.values_list("slug", "name", "position")),
        "categories": set(
            Category.objects.values_list("slug", "name", "description", "position", "layer__slug")
        ),
        "tools": {row[0]: row[1:] for row in Tool.objects.values_list("full_name", *TOOL_FIELDS)},
        "former names": set(FormerName.objects.values_list("tool__full_name", "full_name")),
        "secondary categories": set(
            Tool.secondary_categories.through.objects.values_list(
                "tool__full_name", "category__slug"
            )
        ),
        "snapshots": set(
            MetricSnapshot.objects.values_list(
                "tool__full_name", "date", *MetricSnapshot.METRIC_FIELDS, "source"
            )
        ),
    }


def empty_the_catalog() -> None:
    MetricSnapshot.objects.all().delete()
    FormerName.objects.all().delete()
    Tool.objects.all().delete()
    Category.objects.all().delete()
    Layer.objects.all().delete()


def curated_catalog() -> None:
    """A catalog as curators and refreshes leave it: reviewed placements, secondary
    categories, former names, history merged from several sources, a refresh's snapshot with
    exact times, a tool never measured, text that needs quoting."""
    apps = make_layer("applications", name="Applications", position=1)
    infra = make_layer("infrastructure", name="Infrastructure", position=2)
    coding = make_category(
        "coding", layer=apps, name="Coding", position=1, description='Agents, "copilots", IDEs'
    )
    chat = make_category("chat", layer=apps, name="Chat", position=2, description="")
    serving = make_category("serving", layer=infra, name="Serving", position=1)
    pushed = datetime(2026, 11, 30, 8, 15, 2, tzinfo=UTC)
    measured = datetime(2026, 12, 1, 6, 7, 8, 123456, tzinfo=UTC)
    vllm = make_tool(
        "vllm-project/vllm", category=serving, placement="reviewed", source="llama-police",
        source_label="Serving, inference", also_listed_in="awesome-local-llms",
        stars=40000, forks=6000, watchers=300, open_issues=2000, contributors=900,
        commits_90d=812, release_count=60, pushed_at=pushed, metrics_as_of=measured,
        license_spdx="Apache-2.0", repo_created_at=datetime(2023, 2, 9, 10, 0, tzinfo=UTC),
    )  # fmt: skip
    vllm.secondary_categories.add(chat)
    FormerName.objects.create(tool=vllm, full_name="WoosukKwon/vllm")
    make_snapshot(vllm, date(2025, 1, 5), stars=20000, forks=None, source="best-of-ml-python")
    make_snapshot(
        vllm, date(2025, 6, 1), stars=30000, forks=4000, contributors=700,
        pushed_at=datetime(2025, 5, 30, tzinfo=UTC), source="best-of-ml-python;llama-police",
    )  # fmt: skip
    make_snapshot(
        vllm, date(2026, 12, 1), stars=40000, forks=6000, watchers=300, open_issues=2000,
        contributors=900, commits_90d=812, release_count=60, pushed_at=pushed,
        source="github-graphql",
    )  # fmt: skip
    aider = make_tool(
        "Aider-AI/aider", category=coding, source="strata-review", stars=30000,
        metrics_as_of=datetime(2026, 10, 2, tzinfo=UTC), license_spdx="",
    )  # fmt: skip
    aider.secondary_categories.add(chat)
    FormerName.objects.create(tool=aider, full_name="paul-gauthier/aider")
    FormerName.objects.create(tool=aider, full_name="paul-gauthier/aider-chat")
    make_snapshot(aider, date(2026, 10, 2), stars=30000, source="awesome-local-llms")
    make_tool("someone/never-measured", category=chat, source_label="Chat, with a, comma")


def export_then_import(tmp_path: Path) -> tuple[dict, dict]:
    before = catalog_state()
    call_command("export_catalog", str(tmp_path / "export"), stdout=io.StringIO())
    empty_the_catalog()
    catalog_import(paths=[tmp_path / "export"])
    return before, catalog_state()


def test_export_then_import_into_an_empty_database_gives_back_the_same_catalog(tmp_path):
    curated_catalog()

    before, after = export_then_import(tmp_path)

    for kind in before:
        assert after[kind] == before[kind], kind
    assert len(after["snapshots"]) == 4
    assert len(after["former names"]) == 3


def test_the_files_are_the_four_the_importer_reads_with_one_history_row_per_snapshot(tmp_path):
    curated_catalog()
    out = io.StringIO()

    call_command("export_catalog", str(tmp_path), stdout=out)

    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == [
        "ai_tools.csv", "metrics_history.csv.gz", "metrics_snapshot.csv", "taxonomy.csv",
    ]  # fmt: skip
    with gzip.open(tmp_path / "metrics_history.csv.gz", "rt", encoding="utf-8") as history:
        rows = list(csv.DictReader(history))
    assert len(rows) == 4
    assert rows[0]["full_name"] == "vllm-project/vllm"
    assert (rows[0]["date"], rows[0]["star_count"], rows[0]["fork_count"]) == (
        "2025-01-05",
        "20000",
        "",  # not reported stays empty, never 0
    )
    with (tmp_path / "ai_tools.csv").open(encoding="utf-8") as tools_file:
        tools = {row["full_name"]: row for row in csv.DictReader(tools_file)}
    assert tools["Aider-AI/aider"]["former_names"] == "paul-gauthier/aider;paul-gauthier/aider-chat"
    assert tools["vllm-project/vllm"]["secondary_categories"] == "chat"
    assert (tools["vllm-project/vllm"]["layer"], tools["vllm-project/vllm"]["placement"]) == (
        "infrastructure", "reviewed"
    )  # fmt: skip
    assert f"{tmp_path / 'metrics_history.csv.gz'}: 4 rows" in out.getvalue()


def test_a_second_import_of_the_export_changes_nothing(tmp_path):
    curated_catalog()
    call_command("export_catalog", str(tmp_path), stdout=io.StringIO())

    report = catalog_import(paths=[tmp_path])

    assert not report.changed, report.counts


def test_exporting_into_a_file_is_refused_naming_it(tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a directory")

    with pytest.raises(CommandError, match="taken exists and is not a directory"):
        call_command("export_catalog", str(target))


def test_the_bundled_catalog_survives_export_and_import_exactly(tmp_path):
    catalog_import()  # the bundled catalog: 2,600+ tools, ~135k snapshots
    before = catalog_state()
    call_command("export_catalog", str(tmp_path), stdout=io.StringIO())
    empty_the_catalog()

    report = catalog_import(paths=[tmp_path])

    after = catalog_state()
    for kind in before:
        assert len(after[kind]) == len(before[kind]), kind
        assert after[kind] == before[kind], kind
    assert report.counts["snapshots"].created == len(before["snapshots"])
