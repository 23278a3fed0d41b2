"""A large import on PostgreSQL drops the secondary indexes and foreign keys, loads, ranks and
builds them again (``catalog.importing.indexes``): what it stores must be what the ordinary
path stores, every index and key must be back exactly as it was, and a failure must leave
everything as it was."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.db import connection

from benchmarks.import_files import write_import_files
from catalog.importing import CatalogImportError, catalog_import
from catalog.importing.indexes import bulk_load
from catalog.models import CatalogSummary, MetricSnapshot, Tool
from catalog.ranking.writer import DERIVED_FIELDS, RANK_FIELDS, recompute_rankings

TABLES = ["catalog_tool", "catalog_metricsnapshot"]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bulk path is PostgreSQL's"
)


def test_only_an_import_large_next_to_the_catalog_takes_the_bulk_path():
    assert bulk_load(existing_tools=0, new_tools=5)
    assert bulk_load(existing_tools=1000, new_tools=300)  # 23% of the 1,300 tools are new
    assert not bulk_load(existing_tools=1000, new_tools=200)  # 17%
    assert not bulk_load(existing_tools=1000, new_tools=0)  # a re-import
    assert not bulk_load(existing_tools=0, new_tools=0)


def schema() -> dict[str, set[tuple[str, str]]]:
    """Every index and constraint of the two tables, by name, with its definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [TABLES]
        )
        indexes = set(cursor.fetchall())
        cursor.execute(
            """SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
               JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = ANY(%s)""",
            [TABLES],
        )
        constraints = set(cursor.fetchall())
    return {"indexes": indexes, "constraints": constraints}


def derived_state() -> dict:
    """Every tool's derived ranking fields (not the moment they were computed) and the
    stored per-layer summaries."""
    fields = [f for f in (*DERIVED_FIELDS, *RANK_FIELDS) if f != "rankings_computed_at"]
    tools = {row[0]: row[1:] for row in Tool.objects.values_list("id", *fields)}
    summaries = dict(CatalogSummary.objects.values_list("layer_id", "payload"))
    return {"tools": tools, "summaries": summaries}


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    """A synthetic catalog of 150 tools with 36 days of history, in the import's format."""
    write_import_files(tmp_path, 150, today=date(2026, 11, 30))
    return tmp_path


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_bulk_import_ranks_as_a_fresh_recompute_and_keeps_every_index(synthetic):
    before = schema()
    dropped = len([n for n, _ in before["indexes"] if n.startswith("tool_")])
    assert dropped > 30  # the catalog's read indexes are there to be dropped

    report = catalog_import(paths=[synthetic])

    assert "creating indexes" in report.seconds  # the bulk path was taken
    assert schema() == before
    imported = derived_state()
    ranked = [tool for tool in imported["tools"].values() if tool[-1] is not None]
    assert len(ranked) > 100
    assert imported["summaries"]

    recompute_rankings()

    assert derived_state() == imported


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_bulk_import_that_fails_part_way_changes_nothing(synthetic):
    history = synthetic / "metrics_history.csv.gz"
    lines = gzip.decompress(history.read_bytes()).decode().splitlines()
    cells = lines[-3].split(",")
    cells[1] = "not-a-date"  # the date of the third row from the end: read last, after the drop
    lines[-3] = ",".join(cells)
    history.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    before = schema()

    with pytest.raises(CatalogImportError, match=f"line {len(lines) - 2}"):
        catalog_import(paths=[synthetic])

    assert schema() == before
    assert not Tool.objects.exists()
    assert not MetricSnapshot.objects.exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_small_import_into_a_large_catalog_keeps_its_indexes_and_ranks_the_same(synthetic):
    catalog_import(paths=[synthetic])
    before = schema()
    extra = synthetic / "extra"
    write_import_files(extra, 20, seed=99, today=date(2026, 11, 30))
    for name in ("ai_tools.csv", "metrics_snapshot.csv"):  # the new tools beside the old
        old = (synthetic / name).read_text().splitlines()
        new = (extra / name).read_text().splitlines()[1:]
        (extra / name).write_text("\n".join(old + new) + "\n")

    report = catalog_import(paths=[extra])

    assert "dropping indexes" not in report.seconds
    assert report.counts["tools"].created == 20
    assert schema() == before
    imported = derived_state()
    recompute_rankings()
    assert derived_state() == imported


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_snapshots_keep_sources_copy_would_escape_and_push_moments_to_the_microsecond(synthetic):
    """Snapshots go to PostgreSQL as COPY text written by the importer: a backslash, a tab, a
    newline or a carriage return in a source, an empty count and a push moment with an offset
    and microseconds are stored as the file gives them."""
    history = synthetic / "metrics_history.csv.gz"
    rows = list(csv.reader(io.StringIO(gzip.decompress(history.read_bytes()).decode())))
    header, first = rows[0], rows[1]
    at = {name: index for index, name in enumerate(header)}
    odd_source = "user\\list\tof\nlinks\r\\N"
    first[at["source"]] = odd_source
    first[at["fork_count"]] = ""
    first[at["last_commit_pushed_at"]] = "2026-11-02T01:02:03.456789+02:00"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    history.write_bytes(gzip.compress(out.getvalue().encode()))

    catalog_import(paths=[synthetic])

    stored = MetricSnapshot.objects.get(
        tool__full_name=first[at["full_name"]], date=date.fromisoformat(first[at["date"]])
    )
    assert stored.source == odd_source
    assert stored.forks is None
    assert stored.stars == int(first[at["star_count"]])
    assert stored.pushed_at == datetime(2026, 11, 1, 23, 2, 3, 456789, tzinfo=UTC)
