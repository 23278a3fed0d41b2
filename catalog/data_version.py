"""The catalog's data version: a fingerprint that moves on every write, and values kept per
version in this process.

The catalog only changes when somebody writes, and every write moves one of a few indexed
columns. ``catalog_version`` reads their maxima in one statement of scalar subqueries, each an
index lookup (a backward scan of one btree: no table scan whatever the catalog's size; 35–60 ms
at 100,000 tools with the former ``COUNT`` + four ``MAX`` over the table, now well under a
millisecond — see BENCHMARKS.md):

- ``Tool.updated_at`` — curator services (``catalog/services/tools.py``: every bulk change sets
  it), admin edits (``save()``), the importer (``catalog/importing/writes.py`` sets it on
  changed tools), refresh writes (``workers/refresh/writes.py``, successes and failures);
- ``Tool.last_refreshed_at`` / ``Tool.metrics_as_of`` — the metrics refresh;
- ``Tool.rankings_computed_at`` — the ranking writer (``catalog/ranking/writer.py``);
- ``MAX(Tool.id)`` — a tool created (import, approved suggestion, admin);
- ``MAX(MetricSnapshot.id)`` — a day of history added (refresh, import, star-history backfill)
  without any tool column changing;
- the stored summaries' newest ``computed_at`` — written after the scores they sum up;
- the newest admin ``LogEntry`` (its id and time) — taxonomy edits and deletions in admin
  (Django logs every admin change and delete, bulk deletes included).

Not seen: a write outside these paths that changes none of those columns (a raw SQL
``UPDATE``, a deletion in a shell, a bulk ``update()`` that leaves ``updated_at`` alone).
Write through the services, which move ``updated_at``.

The API (``api.caching``: ETags, its response cache) and the web pages (their list counts)
both key on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

from django.contrib.admin.models import LogEntry
from django.db import connection
from django.utils.dateparse import parse_datetime

from catalog.models import CatalogSummary, MetricSnapshot, Tool

#: The indexed Tool columns whose maximum moves on a write (each has a btree index).
_TOOL_STAMPS = ("updated_at", "last_refreshed_at", "metrics_as_of", "rankings_computed_at")


@dataclass(frozen=True)
class CatalogVersion:
    tag: str
    last_modified: datetime | None
    #: ``MAX(Tool.metrics_as_of)``, read in the same statement: the catalog's as-of day is
    #: its date (``catalog.ranking.writer.catalog_as_of``), so lists need no query for it.
    newest_metrics: datetime | None = None

    @property
    def catalog_as_of(self) -> date | None:
        return self.newest_metrics.date() if self.newest_metrics is not None else None


def _version_sql() -> str:
    quote = connection.ops.quote_name
    tool, snapshot = quote(Tool._meta.db_table), quote(MetricSnapshot._meta.db_table)
    log = quote(LogEntry._meta.db_table)
    summary = quote(CatalogSummary._meta.db_table)
    parts = [f"(SELECT MAX({quote(column)}) FROM {tool})" for column in _TOOL_STAMPS]
    parts += [
        f"(SELECT MAX(id) FROM {tool})",
        f"(SELECT MAX(id) FROM {snapshot})",
        # The stored summaries (layers, categories, stats) are written after the scores they
        # sum up, in the ranking's last step: an answer cached between the two would
        # otherwise keep the old summary under the new version.
        f"(SELECT MAX({quote('computed_at')}) FROM {summary})",
        f"(SELECT id FROM {log} ORDER BY id DESC LIMIT 1)",
        f"(SELECT action_time FROM {log} ORDER BY id DESC LIMIT 1)",
    ]
    return "SELECT " + ", ".join(parts)


def _as_datetime(value: object) -> datetime | None:
    """SQLite answers a raw query's timestamps as text (naive UTC); PostgreSQL as datetimes."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def catalog_version() -> CatalogVersion:
    """A fingerprint of everything the catalog shows: one statement, every part an index
    lookup."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        row = cursor.fetchone()
    stamps = [_as_datetime(row[n]) for n in range(len(_TOOL_STAMPS))] + [_as_datetime(row[-1])]
    moments = [stamp for stamp in stamps if stamp is not None]
    tag = "|".join(str(part) for part in (*stamps, *row[len(_TOOL_STAMPS) : -1]))
    newest_metrics = stamps[_TOOL_STAMPS.index("metrics_as_of")]
    return CatalogVersion(
        tag=tag, last_modified=max(moments, default=None), newest_metrics=newest_metrics
    )


T = TypeVar("T")
#: Values derived from the catalog (a filter's row count, the taxonomy's slugs), kept in this
#: process for the data version they were read at; a write moves the version and they are read
#: again. Bounded: past ``MEMO_ENTRIES`` the oldest half is dropped.
MEMO_ENTRIES = 2048
_memo: dict[tuple[str, str], object] = {}
_memo_lock = threading.Lock()


def by_version(version: CatalogVersion | None, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for ``key`` at this data version in this process.

    For reads that are slow at 100,000 tools but change only on a write — the row count of a
    filtered list (a ``COUNT`` over up to every listed tool: 20–40 ms), the taxonomy's slugs.
    Kept in the process rather than the shared cache: a lookup costs no round trip, and other
    pages of the same list (or other orderings) reuse the count. Without a version (a write
    request) nothing is kept.

    Read the version *before* computing: a write committed between the two then leaves its
    newer value under the older version, which no later request asks for (they read the new
    version), never an older value under the newer one.
    """
    if version is None:
        return compute()
    memo_key = (version.tag, key)
    try:
        return _memo[memo_key]  # type: ignore[return-value]
    except KeyError:
        pass
    value = compute()
    with _memo_lock:
        if len(_memo) >= MEMO_ENTRIES:
            for stale in list(_memo)[: MEMO_ENTRIES // 2]:  # dicts keep insertion order
                _memo.pop(stale, None)
        _memo[memo_key] = value
    return value


def forget_memo() -> None:
    """Drop every kept value (tests that rewrite the catalog without moving its version)."""
    with _memo_lock:
        _memo.clear()
