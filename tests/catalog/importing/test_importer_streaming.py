"""A big import is streamed: history rows in any order, staged by tool in buckets (spilled to
disk past a bound), merged and written a bucket at a time — with the same result as a small
import held in memory, and the same errors."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from catalog.importing import CatalogImportError, catalog_import, staging
from catalog.models import MetricSnapshot, Tool

FIXTURES = Path(__file__).parent / "import_fixtures"
pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "csv_catalog", tmp_path / "catalog"))


@pytest.fixture
def tiny_buckets(monkeypatch):
    """Two history rows per bucket and every observation spilled to disk at once."""
    monkeypatch.setattr(staging, "ROWS_PER_BUCKET", 2)
    monkeypatch.setattr(staging, "BUFFERED", 1)
    monkeypatch.setattr(staging, "HELD_PER_BUCKET", 1)


def reverse_history(folder: Path) -> None:
    """The history with its rows in reverse order: by date descending, tools interleaved."""
    path = folder / "metrics_history.csv"
    header, *rows = path.read_text().splitlines()
    path.write_text("\n".join([header, *reversed(rows)]) + "\n")


def snapshots() -> list[tuple]:
    return list(
        MetricSnapshot.objects.order_by("tool__full_name", "date").values_list(
            "tool__full_name", "date", "stars", "forks", "watchers", "pushed_at", "source"
        )
    )


@pytest.mark.parametrize("order", ["as given", "reversed"])
def test_history_rows_in_any_order_merge_field_by_field(catalog_dir, tiny_buckets, order):
    if order == "reversed":
        reverse_history(catalog_dir)

    report = catalog_import(paths=[catalog_dir])

    merged = MetricSnapshot.objects.get(tool__full_name="acme/serve", date=date(2025, 2, 1))
    assert (merged.stars, merged.forks, merged.watchers) == (148, 12, 6)
    assert merged.source == "best-of-ml-python;awesome-local-llms"
    # The day recorded under the former name lands on the tool, and its latest metrics are
    # the snapshot file's.
    tool = Tool.objects.get(full_name="acme/serve")
    assert tool.snapshots.get(date=date(2024, 12, 1)).stars == 90
    assert (tool.stars, tool.forks) == (160, 13)
    assert report.counts["snapshots"].created == 5  # 4 days of acme/serve, 1 of acme/vectors
    assert report.counts["snapshots"].skipped == 1  # coder/helper's day with no value


def test_tools_are_created_in_the_files_order_whatever_the_buckets(catalog_dir, tiny_buckets):
    reverse_history(catalog_dir)

    catalog_import(paths=[catalog_dir])

    assert list(Tool.objects.order_by("pk").values_list("full_name", flat=True)) == [
        "acme/serve",
        "acme/vectors",
        "coder/helper",
        "quiet/unmeasured",
    ]


def test_a_bucketed_import_stores_what_an_import_in_memory_stores(catalog_dir, monkeypatch):
    catalog_import(paths=[catalog_dir])
    in_memory = snapshots()
    MetricSnapshot.objects.all().delete()
    monkeypatch.setattr(staging, "ROWS_PER_BUCKET", 2)
    monkeypatch.setattr(staging, "HELD_PER_BUCKET", 1)
    monkeypatch.setattr(staging, "BUFFERED", 1)

    report = catalog_import(paths=[catalog_dir])

    assert snapshots() == in_memory
    assert report.counts["snapshots"].created == len(in_memory)
    assert report.counts["tools"].unchanged == 4


def test_a_repeated_source_and_day_far_apart_is_named_by_both_lines(catalog_dir, tiny_buckets):
    reverse_history(catalog_dir)  # acme/serve's 2025-01-01 row is now on line 6
    history = catalog_dir / "metrics_history.csv"
    history.write_text(history.read_text() + "acme/serve,2025-01-01,best-of-ml-python,1,,,,,,,\n")

    with pytest.raises(CatalogImportError) as error:
        catalog_import(paths=[catalog_dir])

    assert str(error.value) == (
        'metrics_history.csv line 8, field "date": 2025-01-01 from best-of-ml-python repeats line 6'
    )
    assert not Tool.objects.exists()


def test_an_import_pauses_the_garbage_collector_and_gives_it_back_even_when_it_fails(catalog_dir):
    """The cyclic collector is off while importing (an import makes no cycles; see
    ``importer._collector_paused``) and as it was afterwards, whether the import succeeds or
    fails; a caller that had it off keeps it off."""
    seen: list[bool] = []

    def progress(items: Iterable, description: str, total: int) -> Iterable:
        seen.append(gc.isenabled())  # called as each step starts
        return items

    catalog_import(paths=[catalog_dir], progress=progress)
    assert seen
    assert not any(seen)
    assert gc.isenabled()

    history = catalog_dir / "metrics_history.csv"
    history.write_text(history.read_text() + "acme/serve,not-a-date,x,1,,,,,,,\n")
    with pytest.raises(CatalogImportError):
        catalog_import(paths=[catalog_dir])
    assert gc.isenabled()

    gc.disable()
    try:
        with pytest.raises(CatalogImportError):
            catalog_import(paths=[catalog_dir])
        assert not gc.isenabled()
    finally:
        gc.enable()
