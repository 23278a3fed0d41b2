"""Export the catalog as the four files the importer reads (``catalog.importing``), so a
curator's work can leave Strata — and come back: export, then import into an empty database,
gives the same layers, categories, tools, placements, former names and snapshots.

- ``taxonomy.csv``: one row per category, layers and categories in display order.
- ``ai_tools.csv``: one row per tool with its layer, category, provenance, ``placement``,
  secondary categories and former names.
- ``metrics_history.csv.gz``: every snapshot, one row per tool and day, with its source.
  Rows are streamed from the database (``iterator()``): memory stays flat whatever the size.
- ``metrics_snapshot.csv``: per measured tool, what the history cannot carry: when its latest
  metrics were taken (``as_of``, to the second), its licence and its creation date. Its count
  columns are left empty on purpose: the importer merges a snapshot row into that day's
  history, and empty cells leave the exported history exactly as it was.

Curated fields (display name, descriptions, hidden, deprecation, notes) and what a refresh
fills in (topics, facts GitHub reports) are not part of the import format and are not
exported: a refresh fetches the latter again.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO

from catalog.models import Category, FormerName, MetricSnapshot, Tool

TAXONOMY_COLUMNS = ("layer_slug", "layer_name", "category_slug", "category_name", "description")
TOOL_COLUMNS = (
    "full_name", "layer", "category", "source", "source_label", "also_listed_in",
    "former_names", "placement", "secondary_categories",
)  # fmt: skip
HISTORY_COLUMNS = (
    "full_name", "date", "source", "star_count", "fork_count", "watchers_count",
    "open_issue_count", "contributor_count", "commits_90d", "release_count",
    "last_commit_pushed_at",
)  # fmt: skip
#: MetricSnapshot fields in ``HISTORY_COLUMNS`` order, after full_name, date and source.
HISTORY_FIELDS = (
    "stars", "forks", "watchers", "open_issues", "contributors", "commits_90d", "release_count",
    "pushed_at",
)  # fmt: skip
SNAPSHOT_COLUMNS = ("full_name", "as_of", "source", "license", "created_at")

FILES = {
    "taxonomy": "taxonomy.csv",
    "ai_tools": "ai_tools.csv",
    "metrics_history": "metrics_history.csv.gz",
    "metrics_snapshot": "metrics_snapshot.csv",
}
#: Snapshots read from the database per round trip.
CHUNK_SIZE = 5000


@dataclass
class ExportReport:
    directory: Path
    rows: dict[str, int] = field(default_factory=dict)  # file kind -> rows written
    files: list[Path] = field(default_factory=list)


def catalog_export(*, directory: Path) -> ExportReport:
    """Write the four catalog files into ``directory`` (created if missing; files replaced)."""
    directory.mkdir(parents=True, exist_ok=True)
    report = ExportReport(directory=directory)
    writers = {
        "taxonomy": (TAXONOMY_COLUMNS, _taxonomy_rows()),
        "ai_tools": (TOOL_COLUMNS, _tool_rows()),
        "metrics_history": (HISTORY_COLUMNS, _history_rows()),
        "metrics_snapshot": (SNAPSHOT_COLUMNS, _snapshot_rows()),
    }
    for kind, (columns, rows) in writers.items():
        path = directory / FILES[kind]
        with _open(path) as out:
            report.rows[kind] = _write_csv(out, columns, rows)
        report.files.append(path)
    return report


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "wt", encoding="utf-8", newline="")
    return path.open("w", encoding="utf-8", newline="")


def _write_csv(out: IO[str], columns: tuple[str, ...], rows: Iterable[Iterable[object]]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_cell(value) for value in row])
        count += 1
    return count


def _cell(value: object) -> str:
    """The importer's reading of a cell: empty is "not reported", moments in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _taxonomy_rows() -> Iterator[tuple]:
    categories = Category.objects.select_related("layer").order_by(
        "layer__position", "layer__id", "position", "id"
    )
    for category in categories:
        layer = category.layer
        yield (layer.slug, layer.name, category.slug, category.name, category.description)


def _tool_rows() -> Iterator[tuple]:
    former: dict[int, list[str]] = {}
    for tool_id, name in FormerName.objects.order_by("tool_id", "id").values_list(
        "tool_id", "full_name"
    ):
        former.setdefault(tool_id, []).append(name)
    secondary: dict[int, list[str]] = {}
    through = Tool.secondary_categories.through
    for tool_id, slug in through.objects.order_by("tool_id", "category__slug").values_list(
        "tool_id", "category__slug"
    ):
        secondary.setdefault(tool_id, []).append(slug)
    tools = Tool.objects.order_by("id").values_list(
        "id", "full_name", "category__layer__slug", "category__slug", "source", "source_label",
        "also_listed_in", "placement",
    )  # fmt: skip
    for pk, full_name, layer, category, source, label, also, placement in tools.iterator(
        chunk_size=CHUNK_SIZE
    ):
        yield (
            full_name, layer, category, source, label, also, ";".join(former.get(pk, [])),
            placement, ";".join(secondary.get(pk, [])),
        )  # fmt: skip


def _history_rows() -> Iterator[tuple]:
    snapshots = MetricSnapshot.objects.order_by("tool_id", "date").values_list(
        "tool__full_name", "date", "source", *HISTORY_FIELDS
    )
    yield from snapshots.iterator(chunk_size=CHUNK_SIZE)


def _snapshot_rows() -> Iterator[tuple]:
    tools = (
        Tool.objects.filter(metrics_as_of__isnull=False)
        .order_by("id")
        .values_list("full_name", "metrics_as_of", "license_spdx", "repo_created_at")
    )
    for full_name, as_of, license_spdx, created_at in tools.iterator(chunk_size=CHUNK_SIZE):
        yield (full_name, as_of, "", license_spdx, created_at)
