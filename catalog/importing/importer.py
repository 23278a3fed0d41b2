"""Import a catalog — the bundled one or a user's own — into the database.

``catalog_import(paths=...)`` reads up to four files (``taxonomy``, ``ai_tools``,
``metrics_history``, ``metrics_snapshot``; CSV or JSON, optionally gzipped) and writes them in
one transaction. Any bad row raises :class:`~catalog.importing.files.CatalogImportError`
naming file, line and field, and the database is left exactly as it was.

Rules (see also ``catalog.importing.metrics`` for how sources are merged):

- Idempotent: a second run with the same files changes nothing and reports so.
- Tools are matched case-insensitively by owner/name, then by a former name, so a tool a
  refresh has renamed is still found. The importer never renames, hides or deletes a tool.
- A tool's category (and ``placement``, who chose it) is set only when the import creates
  it: a curator's move survives a re-import. ``Tool.CURATED_FIELDS`` are never written.
- Secondary categories are set when the import creates the tool, and later only while
  the tool has none and still sits in the file's primary category (nobody has placed it
  by hand): a curator's choice survives a re-import.
- Layers and categories follow the taxonomy file (name, description, order).
- A tool's latest metrics are its newest imported snapshot's values, applied only when
  that snapshot is at least as new as what the tool already has (a refresh's fresher
  numbers win). A value nobody reported stays NULL and never erases a known one.
- Snapshots a refresh recorded (a source no import file names) are never overwritten.

Memory is bounded whatever the size of the files: the taxonomy and tool list are checked
into small specs, the metric files are streamed into buckets of tools
(``catalog.importing.staging``), and each bucket is merged and written — its tools, then
their snapshots — before the next is loaded. The time each step took is in
``ImportReport.seconds``.

A large import on PostgreSQL (an empty catalog, or new tools beyond a fifth of the total:
``catalog.importing.indexes``) drops the tables' secondary indexes and foreign keys in its
transaction, loads and ranks, and builds them again before committing, as ``pg_restore``
does: each index is built once instead of being updated for every row written.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from django.db import transaction

from catalog.importing import writes as import_writes
from catalog.importing.bulk import is_postgresql
from catalog.importing.files import CatalogFile, CatalogImportError, Table, catalog_files_find
from catalog.importing.index import ToolIndex
from catalog.importing.indexes import (
    Deferred,
    bulk_load,
    indexes_create,
    indexes_drop,
    tables_analyze,
)
from catalog.importing.metrics import (
    HISTORY_REQUIRED,
    SNAPSHOT_REQUIRED,
    SOURCE_PRECEDENCE,
    Merged,
    Observation,
    Sources,
    day_merge,
    day_of,
    history_observations,
    reported,
    snapshot_observation,
)
from catalog.importing.reading import read_taxonomy, read_tools
from catalog.importing.snapshots import snapshots_sync
from catalog.importing.specs import ImportReport, Progress, ToolSpec, no_progress
from catalog.importing.staging import Staging, bucket_function, buckets_for
from catalog.models import MetricSnapshot, Tool
from catalog.search.match_table import MATCH_TABLE

__all__ = ["BUNDLED_CATALOG", "catalog_import"]

BUNDLED_CATALOG = Path(__file__).resolve().parent.parent / "data"
#: The tables a large import loads with their secondary indexes dropped (``indexes``).
#: What a bulk load writes: the tools, their snapshots, and the tools' search copy that
#: migration 0016's triggers fill (its GIN index built once after the load, ~2 s at 100k).
BULK_TABLES = (Tool._meta.db_table, MetricSnapshot._meta.db_table, MATCH_TABLE)


def catalog_import(
    *, paths: Sequence[Path] | None = None, progress: Progress = no_progress
) -> ImportReport:
    """Import the catalog files found in ``paths`` (default: the bundled catalog)."""
    files = catalog_files_find([Path(p) for p in paths] if paths else [BUNDLED_CATALOG])
    report = ImportReport(files=[str(f.path) for f in files.values()])
    with _collector_paused(), transaction.atomic():
        with _timed(report, "reading taxonomy and tools"):
            layers, categories = read_taxonomy(files.get("taxonomy"))
            specs = read_tools(files.get("ai_tools"), layers, categories)
            index = ToolIndex.load(specs)
            layer_rows = import_writes.layers_sync(layers.values(), report)
            category_rows = import_writes.categories_sync(categories.values(), layer_rows, report)
        bulk = is_postgresql() and bulk_load(
            existing_tools=len(index.names), new_tools=sum(key < 0 for key in index.keys)
        )
        dropped: list[Deferred] = []
        if bulk:  # indexes built once after the load, not updated row by row (``indexes``)
            with _timed(report, "dropping indexes"):
                dropped = indexes_drop(BULK_TABLES)
        sources = Sources()
        with _staged(files, specs, index, sources, report, progress) as (staging, history):
            ids = _write(staging, history, specs, index, sources, category_rows, report, progress)
        with _timed(report, "former names and secondary categories"):
            import_writes.former_names_sync(specs, index, ids, report)
            import_writes.secondary_categories_sync(specs, index, ids, category_rows, report)
        if bulk:
            with _timed(report, "analyze"):
                tables_analyze(BULK_TABLES)
        if report.changed:  # placement, metrics or history changed: ranks may have too
            from catalog.ranking.writer import recompute_all_in_one_write

            with _timed(report, "rankings"):  # each tool row updated once: fields and ranks
                report.rankings_updated = recompute_all_in_one_write()
        if dropped:
            with _timed(report, "creating indexes"):
                indexes_create(dropped)
    return report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while importing (as it was after).

    An import holds a bucket of observations (a few hundred thousand tuples) and the
    rankings' rows while it makes millions of short-lived objects, so the collector would run
    every 700 allocations and its older generations would walk those live objects again and
    again: ~2.5 of the 10 CPU seconds of reading staged observations back and merging them at
    100,000 tools. It would find nothing: an import makes no reference cycles (a 20,000-tool
    import with the collector off leaves 0 unreachable objects for ``gc.collect()``), so
    reference counting frees all it makes, as before, and memory stays bounded."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _timed(report: ImportReport, step: str) -> Iterator[None]:
    """Wall and CPU seconds of a step (CPU: this process's own; the rest is the database, or
    waiting for a core)."""
    started, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        report.seconds[step] = report.seconds.get(step, 0.0) + time.perf_counter() - started
        used = time.process_time() - cpu
        report.cpu_seconds[step] = report.cpu_seconds.get(step, 0.0) + used


@contextmanager
def _staged(
    files: dict[str, CatalogFile],
    specs: list[ToolSpec],
    index: ToolIndex,
    sources: Sources,
    report: ImportReport,
    progress: Progress,
) -> Iterator[tuple[Staging, Table | None]]:
    """Every observation of the metric files, checked and staged by tool (and the history
    file, which names a repeat found later)."""
    history, snapshot = files.get("metrics_history"), files.get("metrics_snapshot")
    with _timed(report, "reading metrics"):
        table = history.table(required=HISTORY_REQUIRED, allow_no_rows=True) if history else None
        rows = (table.total if table else 0) + (snapshot.estimated_rows() if snapshot else 0)
        buckets = buckets_for(rows)
        staging = Staging(buckets, bucket_function(buckets, len(specs), index.max_id))
        try:
            if history and table:
                observations = history_observations(
                    table, index.resolve, sources, "metrics_history"
                )
                staging.add_all(progress(observations, f"Reading {history.label}", table.total))
            if snapshot:
                _stage_snapshots(snapshot, index, sources, staging)
        except BaseException:
            staging.close()
            raise
    try:
        yield staging, table
    finally:
        staging.close()


def _stage_snapshots(
    file: CatalogFile, index: ToolIndex, sources: Sources, staging: Staging
) -> None:
    firsts: dict[int, str] = {}
    table = file.table(required=SNAPSHOT_REQUIRED, allow_no_rows=True)
    for number, cells in table:
        row = table.row(number, cells)
        observation = snapshot_observation(row, number, index.resolve, sources, "metrics_snapshot")
        key = observation[0]
        if key in firsts:
            raise row.error("full_name", f'"{row.text("full_name")}" repeats {firsts[key]}')
        firsts[key] = row.where
        staging.add(observation)


def _write(
    staging: Staging,
    history: Table | None,
    specs: list[ToolSpec],
    index: ToolIndex,
    sources: Sources,
    categories: dict,
    report: ImportReport,
    progress: Progress,
) -> list[int]:
    """Merge and write each bucket: its tools, then their snapshots. Returns the tool id of
    each ai_tools row."""
    rows: list[list[int]] = [[] for _ in range(staging.buckets)]  # ai_tools rows per bucket
    for number, key in enumerate(index.keys):
        rows[staging.bucket_of(key)].append(number)
    ids = [0] * len(specs)
    import_sources = {*SOURCE_PRECEDENCE, "metrics_history", "metrics_snapshot", *sources.names}
    kept = 0
    for bucket in progress(range(staging.buckets), "Writing tools and snapshots", staging.buckets):
        with _timed(report, "merging"):
            days, latest = _merged(staging.take(bucket), sources, history, report)
        work: list[tuple[int, ToolSpec | None]] = [(index.keys[n], specs[n]) for n in rows[bucket]]
        named = {key for key, _ in work}
        work += [(key, None) for key in latest if key > 0 and key not in named]
        with _timed(report, "tools"):
            tool_ids = import_writes.tools_sync(work, latest, categories, report)
        for number in rows[bucket]:
            ids[number] = tool_ids[index.keys[number]]
        with _timed(report, "snapshots"):
            kept += snapshots_sync(
                days=days, ids=tool_ids, import_sources=import_sources, report=report
            )
    if kept:
        report.notes.append(f"{kept} snapshots recorded by a refresh were kept as they are")
    return ids


def _merged(
    observations: list[Observation], sources: Sources, history: Table | None, report: ImportReport
) -> tuple[dict[int, dict[int, Merged]], dict[int, import_writes.Latest]]:
    """One bucket's observations merged into one row per tool and day (days nobody reported
    a value on are skipped), and each tool's newest day and snapshot-file row."""
    # A tool's day holds its one observation as it is (most days have one source), or a list
    # of them from the second on: no list is made for each of millions of single days.
    per_tool: dict[int, dict[int, Observation | list[Observation]]] = {}
    snapshots: dict[int, Observation] = {}
    for observation in observations:
        key, day = observation[0], observation[1]
        tool_days = per_tool.get(key)
        if tool_days is None:
            tool_days = per_tool[key] = {}
        same_day = tool_days.get(day)
        if same_day is None:
            tool_days[day] = observation
        elif isinstance(same_day, list):
            same_day.append(observation)
        else:
            tool_days[day] = [same_day, observation]
        if observation[4]:
            snapshots[key] = observation
    del observations
    _check_repeats(per_tool, sources, history)
    merged: dict[int, dict[int, Merged]] = {}
    latest: dict[int, import_writes.Latest] = {}
    skipped = 0
    for key, tool_days in per_tool.items():
        days: dict[int, Merged] = {}
        for day, same_day in tool_days.items():
            if isinstance(same_day, list):
                values = day_merge(same_day, sources)
            else:
                values = reported(same_day, sources)
            if values is None:
                skipped += 1
            else:
                days[day] = values
        newest = max(days) if days else None
        latest[key] = (newest, days[newest][0] if newest else None, snapshots.get(key))
        merged[key] = days
    report.counts["snapshots"].skipped += skipped
    return merged, latest


def _check_repeats(
    per_tool: dict[int, dict[int, Observation | list[Observation]]],
    sources: Sources,
    history: Table | None,
) -> None:
    """A source reporting one tool twice on one date is an error (the first repeat named)."""
    repeat: tuple[int, int, int, int] | None = None  # line, day, source, line it repeats
    for tool_days in per_tool.values():
        for day, same_day in tool_days.items():
            if not isinstance(same_day, list):
                continue  # one observation that day
            firsts: dict[int, int] = {}
            for observation in same_day:
                if observation[4]:
                    continue  # the snapshot file's row: checked when read
                source, line = observation[2], observation[3]
                if source in firsts and (repeat is None or line < repeat[0]):
                    repeat = (line, day, source, firsts[source])
                firsts.setdefault(source, line)
    if repeat is not None and history is not None:
        line, day, source, first = repeat
        raise CatalogImportError(
            f'{history.label} {history.where(line)}, field "date": {day_of(day)} from '
            f"{sources.names[source]} repeats {history.where(first)}"
        )
