"""Server time of every endpoint and page, in-process with Django's test Client.

Before each timed request Strata's response cache and the values each process keeps per data
version (``catalog.data_version``: list counts, summaries, the landscape's cards) are
cleared, so these are cold figures — what the first request after a write costs, which during
a refresh is most requests, since every batch moves the data version; ten more requests
without clearing anything give the cost of a repeated question. Each request is timed
from the call to the last byte of the body (for a streamed response, the
time to the first chunk is kept as well); the SQL queries of one more request are counted with
``CaptureQueriesContext``, which also keeps each query's time so the slowest one can be
explained. Nothing is cached between requests except what Strata caches itself.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

#: Requests per endpoint: at least MIN_SAMPLES, then more until MAX_SAMPLES or BUDGET seconds.
MIN_SAMPLES, MAX_SAMPLES, BUDGET = 8, 40, 5.0
#: Then the same request repeated without clearing the cache (what a repeated question costs).
CACHED_SAMPLES = 10


@dataclass(frozen=True)
class Endpoint:
    key: str  # results key: api.rankings, page.home…
    label: str  # what BENCHMARKS.md shows
    url: str
    kind: str = "api"  # api | search | page | csv


@dataclass
class Timing:
    endpoint: Endpoint
    status: int
    samples_ms: list[float]
    first_byte_ms: list[float]
    queries: int
    bytes: int
    slowest_sql: tuple[float, str] = (0.0, "")
    cached_ms: list[float] = field(default_factory=list)  # repeated: the response cache's hits
    extra: dict = field(default_factory=dict)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples_ms)
        if len(ordered) == 1:
            return ordered[0]
        return statistics.quantiles(ordered, n=100, method="inclusive")[int(p) - 1]


def endpoints(scale: int) -> list[Endpoint]:
    """What the issue measures, with URLs valid for this catalog."""
    from catalog.models import Tool

    top = Tool.objects.filter(hidden=False, stars__isnull=False).order_by("-stars", "id").first()
    owner, name = top.full_name.split("/") if top else ("none", "none")
    pages = max(1, -(-Tool.objects.filter(hidden=False, status="active").count() // 50))
    deep = min(500, pages)
    deepest = min(pages, _page_cap())
    return [
        Endpoint("api.root", "`/api/v1/` (trivial)", "/api/v1/"),
        Endpoint("api.layers", "`/api/v1/layers/`", "/api/v1/layers/"),
        Endpoint("api.tools", "`/api/v1/tools/`", "/api/v1/tools/"),
        Endpoint(
            "api.tools_layer_stars",
            "`/api/v1/tools/?layer=…&ordering=-stars`",
            "/api/v1/tools/?layer=application-development&ordering=-stars",
        ),
        Endpoint(
            "api.tools_search", "`/api/v1/tools/?q=vector`", "/api/v1/tools/?q=vector", "search"
        ),
        Endpoint(
            "api.tools_deep_page",
            f"`/api/v1/tools/?page={deep}` (page 500, or the last)",
            f"/api/v1/tools/?page={deep}",
        ),
        Endpoint(
            "api.tools_deepest_page",
            f"`/api/v1/tools/?page={deepest}` (the deepest served, or the last)",
            f"/api/v1/tools/?page={deepest}",
        ),
        Endpoint("api.rankings", "`/api/v1/rankings/`", "/api/v1/rankings/"),
        Endpoint(
            "api.rankings_filtered",
            "`/api/v1/rankings/?by=gained_30d&category=agents&limit=10`",
            "/api/v1/rankings/?by=gained_30d&category=agents&limit=10",
        ),
        Endpoint("api.trending", "`/api/v1/trending/`", "/api/v1/trending/"),
        Endpoint("api.stats", "`/api/v1/stats/`", "/api/v1/stats/"),
        Endpoint(
            "api.tool_detail", "`/api/v1/tools/<owner>/<name>/`", f"/api/v1/tools/{owner}/{name}/"
        ),
        Endpoint(
            "api.autocomplete",
            "`/api/v1/tools/autocomplete/?q=vec`",
            "/api/v1/tools/autocomplete/?q=vec",
            "search",
        ),
        Endpoint(
            "api.csv_category",
            "`/api/v1/tools/?category=agents&format=csv`",
            "/api/v1/tools/?category=agents&format=csv",
            "csv",
        ),
        Endpoint("page.home", "home `/`", "/", "page"),
        Endpoint("page.search", "`/search/?q=agent`", "/search/?q=agent", "search"),
        Endpoint("page.stats", "`/stats/`", "/stats/", "page"),
        Endpoint("page.trending", "`/trending/`", "/trending/", "page"),
        Endpoint("page.layer", "`/layers/<slug>/`", "/layers/application-development/", "page"),
        Endpoint("page.category", "`/categories/agents/`", "/categories/agents/", "page"),
        Endpoint("page.tool", "`/tools/<owner>/<name>/`", f"/tools/{owner}/{name}/", "page"),
    ]


def _page_cap() -> int:
    try:
        from api.pagination import MAX_OFFSET
    except ImportError:  # before the cap existed
        return 10**9
    return MAX_OFFSET // 50 + 1


def _get(client, url: str) -> tuple[int, float, float, int]:
    started = time.perf_counter()
    response = client.get(url)
    if getattr(response, "streaming", False):
        chunks = iter(response.streaming_content)
        first = next(chunks, b"")
        first_at = time.perf_counter()
        size = len(first) + sum(len(chunk) for chunk in chunks)
    else:
        size = len(response.content)
        first_at = None
    ended = time.perf_counter()
    total = (ended - started) * 1000
    first_ms = (first_at - started) * 1000 if first_at else total
    return response.status_code, total, first_ms, size


class _QueryRecorder:
    """Every SQL statement a request runs, with its time (what CaptureQueriesContext keeps;
    Django's own log is reset at each request's start, so it is recorded here instead)."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.queries.append((elapsed, _text(context["cursor"], sql, params)))


def _text(cursor, sql: str, params) -> str:
    """The statement with its parameters inlined, as the database ran it."""
    from django.db import connection

    try:
        return connection.ops.last_executed_query(cursor, sql, params)
    except Exception:
        return sql


def _forget() -> None:
    """As after a write: nothing cached, nothing kept for the data version (not timed)."""
    from django.core.cache import cache

    cache.clear()
    try:
        from catalog.data_version import forget_memo
    except ImportError:  # before the memo existed
        return
    forget_memo()


def time_endpoint(client, endpoint: Endpoint) -> Timing:
    from django.db import connection

    _get(client, endpoint.url)  # warm: imports, template loading, the planner's statistics
    _forget()  # count the queries of a full answer, not of a cache hit
    recorder = _QueryRecorder()
    with connection.execute_wrapper(recorder):
        status, _, _, size = _get(client, endpoint.url)
    slowest = max(recorder.queries, default=(0.0, ""))
    samples, firsts = [], []
    budget_ends = time.perf_counter() + BUDGET
    while len(samples) < MIN_SAMPLES or (
        len(samples) < MAX_SAMPLES and time.perf_counter() < budget_ends
    ):
        _forget()  # cold: as the first request after a write
        _, total, first, _ = _get(client, endpoint.url)
        samples.append(total)
        firsts.append(first)
    cached = [_get(client, endpoint.url)[1] for _ in range(CACHED_SAMPLES)]
    return Timing(
        endpoint=endpoint,
        status=status,
        samples_ms=samples,
        first_byte_ms=firsts,
        queries=len(recorder.queries),
        bytes=size,
        slowest_sql=slowest,
        cached_ms=cached,
    )


def time_all(scale: int) -> list[Timing]:
    from django.test import Client

    client = Client(raise_request_exception=False)  # a broken page is a 500 in the table
    results = []
    for endpoint in endpoints(scale):
        timing = time_endpoint(client, endpoint)
        results.append(timing)
        print(
            f"  {scale:>7,} {endpoint.key:<24} {timing.status} "
            f"p50 {timing.percentile(50):8.1f} ms  p95 {timing.percentile(95):8.1f} ms  "
            f"{timing.queries:>3} queries",
            flush=True,
        )
    return results


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured query, in a transaction rolled back after."""
    from django.db import connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
    except Exception as error:  # a captured query is not always re-runnable as text
        return f"(could not explain: {error})"
    return plan
