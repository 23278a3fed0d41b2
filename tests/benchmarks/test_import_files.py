"""The synthetic catalog written as import files: the importer reads it as a user's catalog,
and the benchmark reads the import's step times and renders its target row."""

from __future__ import annotations

from datetime import date

import pytest

from benchmarks.import_files import write_import_files
from benchmarks.importing import _phases
from benchmarks.report import _import_row, import_metrics
from catalog.importing import catalog_import
from catalog.models import FormerName, MetricSnapshot, Tool

pytestmark = pytest.mark.django_db


def test_the_synthetic_files_import_as_a_catalog_with_history(tmp_path):
    files = write_import_files(tmp_path, 300, days=5, seed=2, today=date(2026, 1, 10))

    report = catalog_import(paths=[tmp_path])

    assert Tool.objects.count() == 300 == report.counts["tools"].created
    assert MetricSnapshot.objects.count() == files.snapshots
    assert files.history_rows >= files.snapshots  # a second source on some days merges
    assert FormerName.objects.exists()
    newest = MetricSnapshot.objects.order_by("-date").first()
    assert newest.date == date(2026, 1, 10)
    assert newest.tool.stars == newest.stars  # the snapshot file's latest values


def test_the_import_steps_are_read_from_the_commands_output():
    output = (
        "  snapshots  10 created\n"
        "  time: reading taxonomy and tools 0.3 s, reading metrics 12.5 s, rankings 61.0 s\n"
    )

    assert _phases(output) == {
        "reading taxonomy and tools": 0.3,
        "reading metrics": 12.5,
        "rankings": 61.0,
    }


def test_the_import_target_is_judged_only_at_100k():
    result = {"seconds": 150.0, "peak_rss_mb": 320.0, "tools": 100_000, "snapshots": 3_500_000}
    flat = import_metrics("100000", {**result, "phases": {"rankings": 70.0}})

    row = _import_row(flat)

    assert "150 s (rankings 70 s of it), peak RSS 320 MB" in row
    assert "**missed**: time 1.2× over" in row
    smaller = import_metrics("10000", {**result, "tools": 10_000})
    assert "not measured at 100k" in _import_row(smaller)
