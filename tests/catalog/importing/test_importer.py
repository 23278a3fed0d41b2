"""The importer on small hand-made catalogs: what lands in the database, how sources merge,
what a re-import keeps, and how a bad row is refused without writing anything."""

from __future__ import annotations

import gzip
import io
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.importing import CatalogImportError, catalog_import
from catalog.importing.writes import _new_tool_maker
from catalog.models import Category, FormerName, Layer, MetricSnapshot, Tool
from tests.factories import make_snapshot

FIXTURES = Path(__file__).parent / "import_fixtures"
pytestmark = pytest.mark.django_db


def midnight(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=UTC)


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A writable copy of the small CSV catalog."""
    return Path(shutil.copytree(FIXTURES / "csv_catalog", tmp_path / "catalog"))


def database_state() -> dict[str, list[dict]]:
    models = (Layer, Category, Tool, FormerName, MetricSnapshot)
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def test_a_users_csv_catalog_loads_with_placement_provenance_and_former_names(catalog_dir):
    report = catalog_import(paths=[catalog_dir])

    assert list(Layer.objects.values_list("slug", "name", "position")) == [
        ("infra", "Infrastructure", 1),
        ("apps", "Applications", 2),
    ]
    serving = Category.objects.get(slug="serving")
    assert (serving.layer.slug, serving.name, serving.position) == ("infra", "Serving", 1)
    tool = Tool.objects.get(full_name="acme/serve")
    assert tool.category == serving
    assert (tool.source, tool.source_label, tool.also_listed_in) == (
        "list-a",
        "Serving/LLM",
        "list-b",
    )
    assert list(tool.former_names.values_list("full_name", flat=True)) == ["acme/old-serve"]
    assert "acme/serve" in tool.search_document
    assert report.counts["tools"].created == 4
    assert report.counts["former names"].created == 1


def test_history_recorded_under_a_former_name_lands_on_the_renamed_tool(catalog_dir):
    catalog_import(paths=[catalog_dir])

    tool = Tool.objects.get(full_name="acme/serve")
    assert tool.snapshots.get(date=date(2024, 12, 1)).stars == 90


def test_two_sources_on_one_date_merge_field_by_field_in_precedence_order(catalog_dir):
    catalog_import(paths=[catalog_dir])

    merged = MetricSnapshot.objects.get(tool__full_name="acme/serve", date=date(2025, 2, 1))
    # best-of-ml-python outranks awesome-local-llms where both report a value ...
    assert merged.stars == 148
    assert merged.watchers == 6
    assert merged.contributors == 5
    # ... and a cell best-of-ml-python left empty is filled by the next source.
    assert merged.forks == 12
    assert merged.open_issues == 4
    assert merged.pushed_at == midnight("2025-01-29")
    assert merged.source == "best-of-ml-python;awesome-local-llms"
    assert MetricSnapshot.objects.filter(tool=merged.tool, date=date(2025, 2, 1)).count() == 1


def test_an_empty_cell_is_stored_as_null_never_zero(catalog_dir):
    catalog_import(paths=[catalog_dir])

    first = MetricSnapshot.objects.get(tool__full_name="acme/vectors", date=date(2025, 1, 15))
    assert (first.watchers, first.contributors, first.commits_90d) == (None, None, None)
    unmeasured = Tool.objects.get(full_name="quiet/unmeasured")
    assert (unmeasured.stars, unmeasured.forks, unmeasured.metrics_as_of) == (None, None, None)
    # A day on which no source reported anything is not stored at all.
    helper = Tool.objects.get(full_name="coder/helper")
    assert helper.stars is None
    assert not helper.snapshots.exists()


def test_a_tools_latest_metrics_come_from_the_snapshot_file_and_match_its_newest_snapshot(
    catalog_dir,
):
    catalog_import(paths=[catalog_dir])

    tool = Tool.objects.get(full_name="acme/serve")
    newest = tool.snapshots.order_by("-date").first()
    assert (tool.stars, tool.forks, tool.open_issues) == (160, 13, 4)
    assert (newest.date, newest.stars, newest.forks, newest.open_issues) == (
        date(2025, 3, 1),
        160,
        13,
        4,
    )
    assert tool.metrics_as_of == midnight("2025-03-01")
    assert tool.pushed_at == newest.pushed_at == midnight("2025-02-28")
    assert tool.license_spdx == "MIT"
    assert tool.repo_created_at == midnight("2023-05-01")
    # Same date in history and snapshot file: the snapshot file wins, history fills gaps.
    vectors = Tool.objects.get(full_name="acme/vectors")
    assert (vectors.stars, vectors.forks, vectors.license_spdx) == (41, 2, "")


def test_a_second_import_changes_nothing_and_says_so(catalog_dir):
    call_command("import_catalog", str(catalog_dir), stdout=io.StringIO())
    before = database_state()

    report = catalog_import(paths=[catalog_dir])

    assert not report.changed
    assert all(c.created == c.updated == 0 for c in report.counts.values())
    assert report.counts["tools"].unchanged == 4
    assert report.counts["snapshots"].unchanged == MetricSnapshot.objects.count()
    assert database_state() == before


def test_curated_fields_and_a_curators_move_survive_a_reimport(catalog_dir):
    catalog_import(paths=[catalog_dir])
    coding = Category.objects.get(slug="coding")
    other = Tool.objects.get(full_name="coder/helper")
    curated = {
        "display_name": "Acme Serve",
        "homepage": "https://acme.example/serve",
        "short_description": "Serves models.",
        "featured": True,
        "hidden": True,
        "deprecated": True,
        "replaced_by": other,
        "curator_notes": "Checked by hand.",
    }
    assert set(curated) == set(Tool.CURATED_FIELDS)
    Tool.objects.filter(full_name="acme/serve").update(category=coding, **curated)
    tools_csv = catalog_dir / "ai_tools.csv"
    tools_csv.write_text(tools_csv.read_text().replace("Serving/LLM", "Serving/Inference"))

    report = catalog_import(paths=[catalog_dir])

    tool = Tool.objects.get(full_name="acme/serve")
    assert {name: getattr(tool, name) for name in curated} == curated
    assert tool.category == coding  # the file still says serving
    assert tool.source_label == "Serving/Inference"  # provenance follows the file
    assert "Acme Serve" in tool.search_document
    assert report.counts["tools"].updated == 1


def test_a_fresher_refresh_is_not_overwritten_by_older_imported_metrics(catalog_dir):
    catalog_import(paths=[catalog_dir])
    tool = Tool.objects.get(full_name="acme/serve")
    Tool.objects.filter(pk=tool.pk).update(stars=999, metrics_as_of=midnight("2025-06-01"))
    MetricSnapshot.objects.filter(tool=tool, date=date(2025, 2, 1)).delete()
    make_snapshot(tool, date(2025, 2, 1), stars=777, source="github")

    report = catalog_import(paths=[catalog_dir])

    tool.refresh_from_db()
    assert (tool.stars, tool.metrics_as_of) == (999, midnight("2025-06-01"))
    kept = tool.snapshots.get(date=date(2025, 2, 1))
    assert (kept.stars, kept.source) == (777, "github")
    assert report.counts["snapshots"].skipped == 2  # the refresh's day + the empty day
    assert "1 snapshots recorded by a refresh were kept as they are" in report.notes


def test_newer_imported_metrics_replace_older_ones_but_an_empty_cell_erases_nothing(
    catalog_dir,
):
    catalog_import(paths=[catalog_dir])
    Tool.objects.filter(full_name="acme/serve").update(
        stars=120, watchers=50, commits_90d=7, metrics_as_of=midnight("2025-02-15")
    )

    catalog_import(paths=[catalog_dir])

    tool = Tool.objects.get(full_name="acme/serve")
    assert (tool.stars, tool.metrics_as_of) == (160, midnight("2025-03-01"))
    assert (tool.watchers, tool.commits_90d) == (50, 7)  # 2025-03-01 did not report them


def test_a_corrected_file_updates_what_an_earlier_import_wrote(catalog_dir):
    catalog_import(paths=[catalog_dir])
    history = catalog_dir / "metrics_history.csv"
    history.write_text(history.read_text().replace(",100,10,", ",101,10,"))

    report = catalog_import(paths=[catalog_dir])

    snapshot = MetricSnapshot.objects.get(tool__full_name="acme/serve", date=date(2025, 1, 1))
    assert snapshot.stars == 101
    assert report.counts["snapshots"].updated == 1


def test_a_users_json_catalog_loads_including_gzip_and_name_lists(tmp_path):
    folder = Path(shutil.copytree(FIXTURES / "json_catalog", tmp_path / "json"))
    history = folder / "metrics_history.json"
    (folder / "metrics_history.json.gz").write_bytes(gzip.compress(history.read_bytes()))
    history.unlink()

    catalog_import(paths=[folder])

    tool = Tool.objects.get(full_name="Example/Tiny-LM")
    assert tool.category.slug == "model-repo"
    assert list(tool.former_names.values_list("full_name", flat=True)) == ["example/tinylm"]
    assert list(tool.snapshots.values_list("date", "stars", "forks")) == [
        (date(2025, 5, 1), 10, None),
        (date(2025, 5, 8), 25, 3),
    ]
    assert tool.snapshots.first().pushed_at == datetime(2025, 4, 30, 12, tzinfo=UTC)
    assert (tool.stars, tool.metrics_as_of) == (25, midnight("2025-05-08"))
    assert Tool.objects.get(full_name="example/big-lm").stars is None


def test_single_files_are_recognised_by_name_and_reuse_the_catalogs_taxonomy(catalog_dir):
    catalog_import(paths=[catalog_dir / "taxonomy.csv"])
    catalog_import(paths=[catalog_dir / "ai_tools.csv"])

    assert Tool.objects.count() == 4
    assert not MetricSnapshot.objects.exists()

    catalog_import(paths=[catalog_dir / "metrics_history.csv"])
    assert Tool.objects.get(full_name="acme/serve").stars == 148


def test_a_file_with_an_unknown_name_is_refused(tmp_path):
    strange = tmp_path / "tools.csv"
    strange.write_text("full_name\n")

    with pytest.raises(CatalogImportError, match=r"tools\.csv: not a catalog file name"):
        catalog_import(paths=[strange])


def test_a_tool_renamed_by_a_refresh_is_not_duplicated_by_a_reimport(catalog_dir):
    catalog_import(paths=[catalog_dir])
    tool = Tool.objects.get(full_name="acme/vectors")
    tool.full_name = "vectorco/vectors"  # what a refresh does when GitHub reports a rename
    tool.save()
    FormerName.objects.create(tool=tool, full_name="acme/vectors")

    report = catalog_import(paths=[catalog_dir])

    assert Tool.objects.count() == 4
    tool.refresh_from_db()
    assert tool.full_name == "vectorco/vectors"  # the importer never renames
    assert tool.snapshots.count() == 1
    assert report.counts["tools"].created == 0


def test_a_former_name_another_tool_holds_is_skipped_with_a_note(catalog_dir):
    catalog_import(paths=[catalog_dir])
    FormerName.objects.filter(full_name="acme/old-serve").delete()
    helper = Tool.objects.get(full_name="coder/helper")
    FormerName.objects.create(tool=helper, full_name="acme/old-serve")

    report = catalog_import(paths=[catalog_dir / "ai_tools.csv"])

    assert FormerName.objects.get(full_name="acme/old-serve").tool == helper
    assert report.counts["former names"].skipped == 1
    assert report.notes == [
        'former name "acme/old-serve" of acme/serve skipped: it is coder/helper\'s'
    ]


def test_a_new_tool_is_made_with_the_values_django_gives_it():
    """The importer makes new tools from defaults worked out once (``writes._new_tool_maker``):
    every field as ``Tool(...)`` sets it, and a default made by a callable fresh for each."""
    category = Category.objects.create(
        slug="serving", name="Serving", layer=Layer.objects.create(slug="infra", name="Infra")
    )
    make = _new_tool_maker()
    wanted = [("acme/one", "reviewed"), ("acme/two", "")]
    made = [make(name, category.pk, placement) for name, placement in wanted]
    for tool, (name, placement) in zip(made, wanted, strict=True):
        expected = Tool(full_name=name, category=category, placement=placement)
        for field in Tool._meta.concrete_fields:
            assert getattr(tool, field.attname) == getattr(expected, field.attname), field.name
        assert tool._state.adding
        assert tool.pk is None
    assert made[0].integrity_signals == {}
    assert made[0].integrity_signals is not made[1].integrity_signals
