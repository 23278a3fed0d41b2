"""HTTP caching: ETag, Last-Modified, 304 and Cache-Control.

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
- the newest admin ``LogEntry`` (its id and time) — taxonomy edits and deletions in admin
  (Django logs every admin change and delete, bulk deletes included).

Not seen: a write outside these paths that changes none of those columns (a raw SQL
``UPDATE``, a deletion in a shell, a bulk ``update()`` that leaves ``updated_at`` alone);
clients then revalidate within ``CACHE_MAX_AGE`` and get a 304 for stale data until the next
refresh moves the version. Write through the services, which move ``updated_at``.

Anonymous JSON 200s (not the browsable API's pages, not streamed CSV) are also kept in the shared
cache (``django.core.cache``: Redis with ``REDIS_URL``, else per process) under the same key
as the ETag — version, full path with query, media type — for ``RESPONSE_CACHE_SECONDS``: a
repeated question costs the version lookup and one cache read, and a write moves the version,
so a stale answer is never served from it. The throttles still count every request. A cache
that is down is skipped (logged once a minute, ``catalog.outages``).

The validator of a response is that version plus the exact URL and the media type. A matching
``If-None-Match`` (or, without one, ``If-Modified-Since``) is answered 304 only where the
response would have been a 200: a 304 never hides a 400 or a 404, and ``If-None-Match: *``
matches only a resource that exists. A view that can check its request cheaply
(``precondition_checked``: validate, look up, raise the same 4xx) is answered 304 before the
real work; any other view runs and its 200 becomes the 304.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeVar

from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import NotModified
from catalog.models import CatalogSummary, MetricSnapshot, Tool
from catalog.outages import CACHE_ERRORS, note_cache_outage

#: Seconds a client or shared cache may reuse a response before revalidating it.
CACHE_MAX_AGE = 60
#: Seconds an anonymous 200 stays in the server's cache (its key holds the data version).
RESPONSE_CACHE_SECONDS = 600
#: Larger bodies are not cached.
RESPONSE_CACHE_MAX_BYTES = 512 * 1024
_KEPT_HEADERS = ("Content-Type", "X-Total-Count", "Link", "Content-Disposition")

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
    """A fingerprint of everything the API serves: one statement, every part an index lookup."""
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


def _timestamp(version: CatalogVersion) -> int | None:
    return int(version.last_modified.timestamp()) if version.last_modified else None


def _etag(version: CatalogVersion, request) -> str:
    renderer = getattr(request, "accepted_media_type", "") or ""
    seed = "\n".join([version.tag, request.get_full_path(), renderer])
    return 'W/"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


class _CachedAnswer(Exception):
    """Raised from ``initial`` on a cache hit; ``handle_exception`` answers with it."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__()
        self.response = response


def _cache_key(etag: str) -> str:
    return "api-response:" + etag.strip('W/"')


def _cached_response(key: str) -> HttpResponse | None:
    try:
        stored = cache.get(key)
    except CACHE_ERRORS as error:
        note_cache_outage("the API response cache", error)
        return None
    if not stored:
        return None
    content, headers = stored
    response = HttpResponse(content, status=200)
    for name, value in headers.items():
        response[name] = value
    return response


def _store(key: str, response) -> None:
    response.render()
    if len(response.content) > RESPONSE_CACHE_MAX_BYTES:
        return
    headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
    try:
        cache.set(key, (response.content, headers), RESPONSE_CACHE_SECONDS)
    except CACHE_ERRORS as error:
        note_cache_outage("the API response cache", error)


class ConditionalGetMixin(APIView):
    """For read-only API views: validators on 200s, 304 when the client is up to date, and
    anonymous answers served from the shared cache while the data version holds."""

    #: The data version read for this GET (None for writes): keys ``by_version``.
    catalog_version: CatalogVersion | None = None

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self._fresh = False
        self._cache_key: str | None = None
        self.catalog_version = None
        if request.method not in ("GET", "HEAD"):
            return
        version = catalog_version()
        self.catalog_version = version
        self._validators = {"ETag": _etag(version, request)}
        if version.last_modified is not None:
            self._validators["Last-Modified"] = http_date(version.last_modified.timestamp())
        # Django's own RFC 9110 evaluation: If-None-Match (weak comparison, ``*``) first, else
        # If-Modified-Since; a 304 answer means the client's copy is current.
        answer = get_conditional_response(
            request, etag=self._validators["ETag"], last_modified=_timestamp(version)
        )
        self._fresh = answer is not None and answer.status_code == 304
        if self._fresh and self.precondition_checked(request, *args, **kwargs):
            raise NotModified(self._cache_headers(request))
        if request.method == "GET" and not request.user.is_authenticated:
            self._cache_key = _cache_key(self._validators["ETag"])
            hit = _cached_response(self._cache_key)
            if hit is not None:
                raise _CachedAnswer(hit)

    def handle_exception(self, exc):
        if isinstance(exc, _CachedAnswer):
            return exc.response
        return super().handle_exception(exc)

    def precondition_checked(self, request, *args, **kwargs) -> bool:
        """Check, without building the body, that this request would get a 200: raise the
        view's own 400/404 if not and return True. The default (False) lets the view run in
        full; its 200 is then turned into the 304."""
        return False

    def _cache_headers(self, request) -> dict[str, str]:
        scope = "private" if request.user.is_authenticated else "public"
        return {**self._validators, "Cache-Control": f"{scope}, max-age={CACHE_MAX_AGE}"}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if not getattr(self, "_validators", None) or response.status_code not in (200, 304):
            return response
        key = getattr(self, "_cache_key", None)
        storable = (
            isinstance(response, Response)
            and not self._fresh
            and getattr(response.accepted_renderer, "format", None) == "json"  # no HTML forms
        )
        if key and response.status_code == 200 and storable:
            _store(key, response)
        if response.status_code == 200 and self._fresh:
            response.status_code = 304
            if response.streaming:  # a streamed CSV: nothing is read or sent
                response.streaming_content = []
            else:
                response.data = None
            for name in ("X-Total-Count", "Link"):
                if name in response:
                    del response[name]
        for name, value in self._cache_headers(request).items():
            response[name] = value
        patch_vary_headers(response, ["Accept"])
        return response
