"""Writing a catalog import's metric history: one ``MetricSnapshot`` per tool and day.

Called once per bucket of tools (``catalog.importing.staging``), a chunk of tools at a time:
the chunk's stored snapshots are loaded as plain tuples (a new tool has none: no query),
compared, and only what differs is written — new rows with ``COPY`` on PostgreSQL (a prepared
``executemany`` elsewhere), corrections with ``bulk_update``. A snapshot a refresh recorded is
never overwritten.
"""

from __future__ import annotations

from datetime import date, datetime

from catalog.importing.bulk import NULL, copy_text, is_postgresql, lines_insert, rows_insert
from catalog.importing.files import iter_batches
from catalog.importing.metrics import METRIC_FIELDS, Merged, Values, moment_of
from catalog.importing.specs import ImportReport
from catalog.models import MetricSnapshot

COLUMNS = ("tool_id", "date", *METRIC_FIELDS, "source")
TOOLS_PER_CHUNK = 1000
UPDATE_BATCH = 500


#: A snapshot to create, as merged: tool id, day ordinal, values (``METRIC_FIELDS`` order,
#: ``pushed_at`` in microseconds) and sources.
NewSnapshot = tuple[int, int, Values, str]


def snapshots_sync(
    *,
    days: dict[int, dict[int, Merged]],
    ids: dict[int, int],
    import_sources: set[str],
    report: ImportReport,
) -> int:
    """Write one snapshot per tool and day of ``days`` (tool key -> day ordinal -> merged);
    return how many a refresh recorded and were kept.

    A snapshot is the import's to update when every source it names is one an import
    writes (``import_sources``); any other (e.g. a refresh's) is kept and counted skipped.
    """
    counts = report.counts["snapshots"]
    values_of = _SnapshotValues()
    kept = 0
    for keys in iter_batches(list(days), TOOLS_PER_CHUNK):
        existing = _stored([ids[key] for key in keys if key > 0])
        new: list[NewSnapshot] = []
        changed: list[MetricSnapshot] = []
        for key in keys:
            tool_id = ids[key]
            if not existing:  # none of the chunk's tools has a snapshot yet: all are new
                new += [(tool_id, day, *merged) for day, merged in days[key].items()]
                continue
            for ordinal, (values, source) in days[key].items():
                wanted = values_of.row((tool_id, ordinal, values, source))
                current = existing.get((tool_id, wanted[1]))
                if current is None:
                    new.append((tool_id, ordinal, values, source))
                elif current[1:] == wanted:
                    counts.unchanged += 1
                elif set(current[-1].split(";")) <= import_sources:
                    fields = dict(zip(COLUMNS, wanted, strict=True))
                    changed.append(MetricSnapshot(pk=current[0], **fields))
                else:
                    kept += 1
        if is_postgresql():
            lines_insert(MetricSnapshot, COLUMNS, map(values_of.line, new))
        else:
            rows_insert(MetricSnapshot, COLUMNS, map(values_of.row, new))
        MetricSnapshot.objects.bulk_update(
            changed, [*METRIC_FIELDS, "source"], batch_size=UPDATE_BATCH
        )
        counts.created += len(new)
        counts.updated += len(changed)
        values_of.forget_if_many()
    counts.skipped += kept
    return kept


class _SnapshotValues:
    """What a snapshot stores, from what was merged: a row in ``COLUMNS`` order (the day
    ordinal as a ``date``, the push in microseconds as an aware ``datetime``) or, on
    PostgreSQL, the same values as a line of ``COPY`` text (``lines_insert``: ~1 us a row where
    the driver adapting a row takes ~2.7 us, millions of times in a big import). Days,
    pushes and sources repeat on many rows: each is converted once and looked up after."""

    def __init__(self) -> None:
        self._dates: dict[int, date] = {}
        self._moments: dict[int, datetime | None] = {}
        self._day_texts: dict[int, str] = {}
        self._push_texts: dict[int, str] = {}
        self._source_texts: dict[str, str] = {}

    def row(self, snapshot: NewSnapshot) -> tuple:
        tool_id, ordinal, values, source = snapshot
        day = self._dates.get(ordinal)
        if day is None:
            day = self._dates[ordinal] = date.fromordinal(ordinal)
        pushed = values[-1]
        moment = None
        if pushed is not None:
            moment = self._moments.get(pushed)
            if moment is None:
                moment = self._moments[pushed] = moment_of(pushed)
        return (tool_id, day, *values[:-1], moment, source)

    def line(self, snapshot: NewSnapshot) -> str:
        """``row`` as ``COPY`` text: the same date, the same instant (ISO 8601 with its
        offset), the counts (ints or None) joined in one go and their "None"s made NULL (no
        digit string contains "None")."""
        tool_id, ordinal, values, source = snapshot
        day_text = self._day_texts.get(ordinal)
        if day_text is None:
            day_text = self._day_texts[ordinal] = date.fromordinal(ordinal).isoformat()
        pushed = values[-1]
        push_text = NULL
        if pushed is not None:
            known = self._push_texts.get(pushed)
            if known is None:
                known = self._push_texts[pushed] = copy_text(moment_of(pushed))
            push_text = known
        source_text = self._source_texts.get(source)
        if source_text is None:
            source_text = self._source_texts[source] = copy_text(source)
        counts_text = "\t".join(map(str, values[:-1])).replace("None", NULL)
        return f"{tool_id}\t{day_text}\t{counts_text}\t{push_text}\t{source_text}\n"

    def forget_if_many(self) -> None:
        """Pushes are many (a moment per tool and commit): forgotten past 100,000."""
        if len(self._moments) + len(self._push_texts) > 100_000:
            self._moments.clear()
            self._push_texts.clear()


def _stored(tool_ids: list[int]) -> dict[tuple[int, date], tuple]:
    if not tool_ids:
        return {}
    rows = MetricSnapshot.objects.filter(tool_id__in=tool_ids).values_list("pk", *COLUMNS)
    return {(row[1], row[2]): row for row in rows}
