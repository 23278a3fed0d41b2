"""The bundled catalog, imported once for the class (the full import takes some seconds):
every expectation is read from the vendored files with the csv module, not hard-coded."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.importing import BUNDLED_CATALOG, catalog_import
from catalog.models import Category, FormerName, Layer, MetricSnapshot, Tool
from catalog.selectors import tool_by_name

IMPORTED_HISTORY_COLUMNS = (
    "star_count",
    "fork_count",
    "watchers_count",
    "open_issue_count",
    "contributor_count",
    "release_count",
    "last_commit_pushed_at",
)


def read_csv(name: str) -> list[dict[str, str]]:
    path = BUNDLED_CATALOG / name
    data = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.fixture(scope="class")
def bundled(django_db_setup, django_db_blocker):
    """The bundled catalog, committed for the tests of one class, removed afterwards."""
    with django_db_blocker.unblock():
        with CaptureQueriesContext(connection) as queries:
            report = catalog_import()
        report.queries = len(queries)
        yield report
        for model in (MetricSnapshot, FormerName, Tool, Category, Layer):
            model.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.usefixtures("bundled")
class TestBundledCatalog:
    def test_every_tool_lands_in_its_layer_and_category(self):
        rows = read_csv("ai_tools.csv")
        per_layer = Counter(row["layer"] for row in rows)
        per_category = Counter(row["category"] for row in rows)

        assert Tool.objects.count() == len(rows)
        assert Counter(Tool.objects.values_list("category__layer__slug", flat=True)) == per_layer
        assert Counter(Tool.objects.values_list("category__slug", flat=True)) == per_category

    def test_the_taxonomy_keeps_the_files_order(self):
        rows = read_csv("taxonomy.csv")
        layers = list(dict.fromkeys(row["layer_slug"] for row in rows))

        assert list(Layer.objects.values_list("slug", flat=True)) == layers
        assert list(Category.objects.values_list("slug", flat=True)) == [
            row["category_slug"] for row in rows
        ]

    def test_a_renamed_repo_is_found_by_its_former_name(self):
        rows = [row for row in read_csv("ai_tools.csv") if row["former_names"]]
        row = rows[0]
        former = row["former_names"].split(";")[0]

        found = tool_by_name(former)

        assert found is not None
        assert found[0].full_name == row["full_name"]
        assert FormerName.objects.count() == sum(len(r["former_names"].split(";")) for r in rows)

    def test_a_tool_without_metrics_is_not_measured(self):
        measured = {row["full_name"] for row in read_csv("metrics_snapshot.csv")}
        unmeasured = next(r for r in read_csv("ai_tools.csv") if r["full_name"] not in measured)

        tool = Tool.objects.get(full_name=unmeasured["full_name"])

        assert (tool.stars, tool.forks, tool.metrics_as_of) == (None, None, None)
        assert not tool.snapshots.exists()
        assert Tool.objects.filter(metrics_as_of__isnull=True).count() == (
            len(read_csv("ai_tools.csv")) - len(measured)
        )

    def test_each_tools_latest_stars_are_the_snapshot_files(self):
        expected = {
            row["full_name"]: int(row["star_count"]) if row["star_count"] else None
            for row in read_csv("metrics_snapshot.csv")
        }

        stars = dict(Tool.objects.filter(full_name__in=expected).values_list("full_name", "stars"))

        assert stars == expected

    def test_one_snapshot_per_tool_and_reported_day(self):
        days = {
            (row["full_name"], row["date"])
            for row in read_csv("metrics_history.csv.gz")
            if any(row[column] for column in IMPORTED_HISTORY_COLUMNS)
        }

        assert MetricSnapshot.objects.count() == len(days)

    def test_rankings_are_computed_after_the_import(self, bundled):
        assert bundled.rankings_updated == Tool.objects.count()
        assert not Tool.objects.filter(rankings_computed_at__isnull=True).exists()
        assert Tool.objects.filter(rank_in_category=1).exists()

    def test_the_first_import_writes_in_bulk(self, bundled):
        rows = Tool.objects.count() + MetricSnapshot.objects.count()

        assert bundled.queries < rows / 100

    def test_a_second_import_changes_nothing_in_a_bounded_number_of_queries(self):
        before = (Tool.objects.count(), MetricSnapshot.objects.count())

        with CaptureQueriesContext(connection) as queries:
            report = catalog_import()

        assert not report.changed
        assert report.counts["tools"].unchanged == before[0]
        assert report.counts["snapshots"].unchanged == before[1]
        assert (Tool.objects.count(), MetricSnapshot.objects.count()) == before
        # No query per row: a handful per kind, plus one per 500 tools' snapshots.
        assert len(queries) <= 15 + before[0] // 500

    def test_import_catalog_if_empty_leaves_a_seeded_catalog_alone(self):
        output = io.StringIO()

        call_command("import_catalog", "--if-empty", stdout=output)

        assert "nothing imported" in output.getvalue()
