"""Writing a catalog import's metric history: one ``MetricSnapshot`` per tool and day.

The bundled history has ~139k rows, so this module compares plain tuples rather than model
instances and inserts new rows with one prepared ``executemany`` per batch: the ORM's
per-object ``bulk_create`` bookkeeping would otherwise dominate a first import.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Field

from catalog.importing.files import iter_batches
from catalog.importing.metrics import METRIC_FIELDS, ToolMetrics, Value, observations_merge
from catalog.importing.specs import ImportReport, Progress
from catalog.models import MetricSnapshot

Merged = dict[date, tuple[dict[str, Value], str]]
COLUMNS = ("tool_id", "date", *METRIC_FIELDS, "source")
BATCH = 500
INSERT_BATCH = 5000


def merged_days(metrics: dict[str, ToolMetrics], report: ImportReport) -> dict[str, Merged]:
    """Each tool's observations merged into one row per day; days with no value are skipped."""
    merged: dict[str, Merged] = {}
    for key, tool_metrics in metrics.items():
        days: Merged = {}
        for day, observations in tool_metrics.observations.items():
            values, source = observations_merge(observations)
            if source:
                days[day] = (values, source)
            else:
                report.counts["snapshots"].skipped += 1
        merged[key] = days
    return merged


def snapshots_sync(
    merged: dict[str, Merged],
    ids: dict[str, int],
    import_sources: set[str],
    report: ImportReport,
    progress: Progress,
) -> None:
    """Write one snapshot per tool and day; never overwrite one a refresh recorded.

    A snapshot is the import's to update when every source it names is one an import
    writes (``import_sources``); any other (e.g. a refresh's) is kept and counted skipped.
    """
    counts = report.counts["snapshots"]
    existing: dict[tuple[int, date], tuple] = {}
    tool_ids = [ids[key] for key in merged]
    for chunk in iter_batches(tool_ids, BATCH):
        rows = MetricSnapshot.objects.filter(tool_id__in=chunk).values_list("pk", *COLUMNS)
        existing.update({(row[1], row[2]): row for row in rows})
    new: list[tuple] = []
    changed: list[MetricSnapshot] = []
    kept = 0
    for key, days in merged.items():
        tool_id = ids[key]
        for day, (values, source) in days.items():
            wanted = (tool_id, day, *(values[name] for name in METRIC_FIELDS), source)
            current = existing.get((tool_id, day))
            if current is None:
                new.append(wanted)
            elif current[1:] == wanted:
                counts.unchanged += 1
            elif set(current[-1].split(";")) <= import_sources:
                changed.append(
                    MetricSnapshot(pk=current[0], **dict(zip(COLUMNS, wanted, strict=True)))
                )
            else:
                kept += 1
    batches = list(iter_batches(new, INSERT_BATCH))
    for batch in progress(batches, "Writing snapshots", len(batches)):
        _insert(batch)
    MetricSnapshot.objects.bulk_update(changed, [*METRIC_FIELDS, "source"], batch_size=BATCH)
    counts.created += len(new)
    counts.updated += len(changed)
    counts.skipped += kept
    if kept:
        report.notes.append(f"{kept} snapshots recorded by a refresh were kept as they are")


def _insert(rows: list[tuple]) -> None:
    """INSERT plain value tuples in ``COLUMNS`` order, adapted the way the ORM would."""
    meta = MetricSnapshot._meta
    fields = [_concrete_field(column) for column in COLUMNS]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    adapt = {
        index: field
        for index, field in enumerate(fields)
        if field.get_internal_type() in {"DateField", "DateTimeField"}
    }
    params = [
        [
            adapt[i].get_db_prep_save(v, connection) if i in adapt and v is not None else v
            for i, v in enumerate(row)
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _concrete_field(name: str) -> Field:
    field = MetricSnapshot._meta.get_field(name)
    assert isinstance(field, Field)  # every snapshot column is a concrete field
    return field
