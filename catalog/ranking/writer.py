"""Writes the derived ranking fields: reads tools and snapshots in bulk, computes them with
``catalog.ranking.derive`` and saves them in bulk — a fixed number of queries per chunk of tools,
whatever the number of tools.

The writes use ``fast_update`` (django-fast-update: one ``UPDATE … FROM (VALUES …)`` per
batch) rather than Django's ``bulk_update``, whose ``CASE WHEN`` statements cost about 4 ms of
Python per tool — minutes at 100k tools.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import F, Field, Max, Q
from django.utils import timezone
from fast_update.fast import fast_update

from catalog.concurrency import retry_conflicts, tools_lock
from catalog.integrity import burst_discount
from catalog.models import Layer, MetricSnapshot, Tool, ToolStatus
from catalog.ranking import derive as rankings
from catalog.ranking.derive import Derived, ScoreBreakdown, ToolFacts
from catalog.summary_store import summaries_rebuild

#: Tools read, computed and written per round trip; bounds memory at 100k tools.
CHUNK_SIZE = 1000
#: The oldest snapshot a gain window can use, counted back from the window end ...
WINDOW_LOOKBACK = timedelta(days=math.ceil(max(rankings.WINDOWS) * rankings.MAX_STRETCH))
#: ... and the oldest the score's momentum can fall back on when the windows cannot be
#: measured (read only for those tools, in a second query per chunk).
TREND_LOOKBACK = timedelta(days=rankings.MOMENTUM_MAX_SPAN)

_FACT_FIELDS = (
    "id",
    "category_id",
    "stars",
    "contributors",
    "commits_90d",
    "pushed_at",
    "archived",
    "metrics_as_of",
    "integrity_status",
    "integrity_signals",
)
DERIVED_FIELDS = (
    "stars_gained_7d",
    "stars_gained_30d",
    "stars_gained_90d",
    "growth_30d",
    "activity",
    "score",
    "score_version",
    "score_provisional",
    "gains_window_end",
    "rankings_computed_at",
)

RANK_FIELDS = ("rank_in_category", "rank_in_layer")
#: A tool's new ranks: id, rank in its category, rank in its layer (None: not ranked).
RankRow = tuple[int, int | None, int | None]
#: A listed tool as the ranks see it: id, category id, layer id, score, stars.
RankEntry = tuple[int, int, int, float | None, int | None]


class FactsOf(Protocol):
    """What the rankings read of a tool: a ``Tool`` loaded with ``_FACT_FIELDS``, or a row of
    ``_fact_rows`` (the same names as plain values, no model instance)."""

    @property
    def id(self) -> int: ...
    @property
    def stars(self) -> int | None: ...
    @property
    def contributors(self) -> int | None: ...
    @property
    def commits_90d(self) -> int | None: ...
    @property
    def pushed_at(self) -> datetime | None: ...
    @property
    def archived(self) -> bool: ...
    @property
    def metrics_as_of(self) -> datetime | None: ...
    @property
    def integrity_status(self) -> str: ...
    @property
    def integrity_signals(self) -> Any: ...


def _facts(tool: FactsOf, series: list[tuple[date, int | None]]) -> ToolFacts:
    return ToolFacts(
        series=tuple(series),
        stars=tool.stars,
        contributors=tool.contributors,
        commits_90d=tool.commits_90d,
        pushed_at=tool.pushed_at,
        archived=tool.archived,
        metrics_as_of=tool.metrics_as_of,
        discount=burst_discount(tool.integrity_status, tool.integrity_signals),
    )


Series = dict[int, list[tuple[date, int | None]]]


def _series_by_tool(
    tools: Sequence[FactsOf], *, lookback: timedelta, before: date | None = None
) -> tuple[Series, date | None]:
    """One query: the star snapshots of ``tools`` within ``lookback`` of their latest metrics
    (and before ``before``, to read further back). Returns them and the first day read.
    """
    snapshots = MetricSnapshot.objects.filter(
        tool_id__in=[tool.id for tool in tools], stars__isnull=False
    )
    if before is not None:
        snapshots = snapshots.filter(date__lt=before)
    as_of = [tool.metrics_as_of for tool in tools]
    measured = [moment for moment in as_of if moment is not None]
    since = None
    if measured and len(measured) == len(as_of):
        # Windows end at the latest observation, never before metrics_as_of.
        since = min(measured).date() - lookback
        snapshots = snapshots.filter(date__gte=since)
    series: Series = defaultdict(list)
    if connection.vendor == "postgresql":
        series.update(_snapshot_series([tool.id for tool in tools], since=since, before=before))
        return series, since
    for tool_id, day, stars in snapshots.order_by().values_list("tool_id", "date", "stars"):
        series[tool_id].append((day, stars))
    return series, since


def _snapshot_series(
    tool_ids: list[int], *, since: date | None, before: date | None
) -> Iterator[tuple[int, list[tuple[date, int | None]]]]:
    """PostgreSQL: the query ``_series_by_tool`` builds, with the ids as one array parameter,
    each tool's snapshots as one row of two arrays, paired with ``zip`` (in no particular
    order, as the rows come: ``StarHistory`` sorts them). A chunk is ~36,000 snapshots: the
    driver parses the arrays in C and Python makes no tuple per snapshot row, half the CPU
    time of a row per snapshot; the ORM's per-row work and a 1,000-placeholder ``IN`` cost
    more than the query itself."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT tool_id, array_agg({quote('date')}), array_agg(stars) "
        f"FROM {quote(MetricSnapshot._meta.db_table)} "
        "WHERE tool_id = ANY(%s) AND stars IS NOT NULL"
    )
    params: list[Any] = [tool_ids]
    if before is not None:
        sql += f" AND {quote('date')} < %s"
        params.append(before)
    if since is not None:
        sql += f" AND {quote('date')} >= %s"
        params.append(since)
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY tool_id", params)
        for tool_id, days, stars in cursor.fetchall():
            yield tool_id, list(zip(days, stars, strict=True))


def catalog_as_of() -> date | None:
    """The catalog's "as of": the day of its newest observation (None: nothing measured)."""
    newest = Tool.objects.aggregate(newest=Max("metrics_as_of"))["newest"]
    return newest.date() if newest is not None else None


def _derive_chunk(chunk: Sequence[FactsOf], anchor: date | None) -> dict[int, Derived]:
    """Derive every tool of ``chunk`` from one or two snapshot queries."""
    series, since = _series_by_tool(chunk, lookback=WINDOW_LOOKBACK)
    derived = {
        tool.id: rankings.derive(_facts(tool, series[tool.id]), catalog_as_of=anchor)
        for tool in chunk
    }
    untrended = [t for t in chunk if t.stars is not None and derived[t.id].momentum is None]
    if untrended and since is not None:
        older, _ = _series_by_tool(untrended, lookback=TREND_LOOKBACK, before=since)
        for tool in untrended:
            if older[tool.id]:
                facts = _facts(tool, older[tool.id] + series[tool.id])
                derived[tool.id] = rankings.derive(facts, catalog_as_of=anchor)
    return derived


def _derived_values(derived: Derived, now: datetime) -> tuple[Any, ...]:
    """The values of ``DERIVED_FIELDS`` for ``derived``, in that order, as the database takes
    them (ints, floats, a string, a bool, a date and a datetime: nothing to prepare)."""
    return (
        _round(derived.damped_gains[7]),
        _round(derived.damped_gains[30]),
        _round(derived.damped_gains[90]),
        derived.growth_30d,
        derived.activity,
        derived.score,
        rankings.SCORE_VERSION,
        derived.breakdown.provisional,
        derived.window_end,
        now,
    )


_SCORE_AT = DERIVED_FIELDS.index("score")


def _apply(tool: Tool, derived: Derived, now: datetime) -> None:
    for name, value in zip(DERIVED_FIELDS, _derived_values(derived, now), strict=True):
        setattr(tool, name, value)


def _write(tools: list[Tool], fields: tuple[str, ...]) -> None:
    """Save ``fields`` of ``tools``, their rows locked in id order first (see
    ``catalog.concurrency``: concurrent refresh batches then never deadlock on them)."""
    if tools:
        with transaction.atomic():
            tools_lock(tool.pk for tool in tools)
            if connection.vendor == "postgresql":
                _copy_update(_prepared(tools, fields), fields)
            else:
                fast_update(
                    Tool.objects.all(), tools, fields, batch_size=CHUNK_SIZE, unfiltered=True
                )


def _prepared(tools: list[Tool], fields: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
    """Each tool's id and ``fields``' values as the database takes them."""
    columns = [_concrete(name) for name in fields]
    for tool in tools:
        yield (
            tool.pk,
            *(f.get_db_prep_save(getattr(tool, f.attname), connection) for f in columns),
        )


def _write_ranks(changed: list[RankRow]) -> None:
    """Save the ranks of ``changed`` (id, rank in category, rank in layer), rows locked in id
    order first, as ``_write`` does. On PostgreSQL the rows go as they are: no ``Tool`` is
    built for each of up to every tool of the catalog."""
    if not changed:
        return
    with transaction.atomic():
        tools_lock(row[0] for row in changed)
        if connection.vendor == "postgresql":
            _copy_update(changed, RANK_FIELDS)
        else:
            tools = [Tool(id=i, rank_in_category=c, rank_in_layer=layer) for i, c, layer in changed]
            fast_update(
                Tool.objects.all(), tools, RANK_FIELDS, batch_size=CHUNK_SIZE, unfiltered=True
            )


def _copy_update(rows: Iterable[tuple[Any, ...]], fields: tuple[str, ...]) -> None:
    """PostgreSQL: ``COPY`` the new values (each row: the tool's id, then ``fields``' values
    ready for the database) into a temporary table and write them with one ``UPDATE … FROM``
    (plain values sent as they are, rather than an ``UPDATE … FROM (VALUES …)`` of 11,000
    placeholders per chunk that the driver has to parse)."""
    quote = connection.ops.quote_name
    columns = [_concrete(name) for name in fields]
    names = ", ".join(quote(field.column) for field in columns)
    table, staged = quote(Tool._meta.db_table), quote("ranking_write")
    assignments = ", ".join(f"{quote(f.column)} = w.{quote(f.column)}" for f in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staged} ON COMMIT DROP AS "
            f"SELECT id, {names} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {staged} (id, {names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"UPDATE {table} t SET {assignments} FROM {staged} w WHERE t.id = w.id")
        cursor.execute(f"DROP TABLE {staged}")


def _concrete(name: str) -> Field:
    field = Tool._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _round(value: float | None) -> int | None:
    return None if value is None else round(value)


def recompute_rankings(*, tool_ids: Iterable[int] | None = None) -> int:
    """Recompute the derived ranking fields of ``tool_ids`` (default: every tool), then the
    ranks in their layers and categories. Returns the number of tools recomputed.
    """
    updated, layer_ids = recompute_derived(tool_ids=tool_ids)
    if updated:
        recompute_ranks(layer_ids=None if tool_ids is None else layer_ids)
    return updated


def recompute_derived(*, tool_ids: Iterable[int] | None = None) -> tuple[int, set[int]]:
    """The first half of ``recompute_rankings``: each tool's score, gains and flags, without
    renumbering ranks. Returns the number of tools recomputed and the layers whose ranks are
    now due (``recompute_ranks``) — a worker defers those to one re-rank per layer for many
    batches (``workers.ranks``)."""
    tools = Tool.objects.all()
    anchor = catalog_as_of()
    if tool_ids is not None:
        wanted = sorted(set(tool_ids))
        if not wanted:
            return 0, set()
        # A refresh that moves the catalog's as-of forward makes other tools' gains stale.
        if anchor is not None:
            cut = anchor - timedelta(days=rankings.CURRENT_DAYS)
            stale = tools.filter(gains_window_end__lt=cut).filter(
                Q(score_provisional=False, score__isnull=False)
                | Q(stars_gained_7d__isnull=False)
                | Q(stars_gained_30d__isnull=False)
                | Q(stars_gained_90d__isnull=False)
            )
            wanted = sorted(set(wanted) | set(stale.values_list("id", flat=True)))
    else:
        wanted = _all_tool_ids()
    now = timezone.now()
    layer_ids: set[int] = set()
    updated = 0
    for start in range(0, len(wanted), CHUNK_SIZE):
        chunk = _chunk(wanted[start : start + CHUNK_SIZE])
        derived = _derive_chunk(chunk, anchor)
        for tool in chunk:
            _apply(tool, derived[tool.id], now)
            layer_ids.add(tool.category.layer_id)
        retry_conflicts(partial(_write, chunk, DERIVED_FIELDS))
        updated += len(chunk)
    return updated, layer_ids


def recompute_all_in_one_write() -> int:
    """``recompute_rankings()`` for a caller that rewrites the whole catalog in one transaction
    of its own (a large import): every tool's derived fields and ranks are computed first and
    written together, so each tool row is updated once rather than twice (half the dead rows,
    and the import's index builds then read a smaller table). The layers are locked as
    ``recompute_ranks`` locks them. PostgreSQL; elsewhere it is ``recompute_rankings()``.
    Returns the number of tools recomputed."""
    if connection.vendor != "postgresql":
        return recompute_rankings()
    with transaction.atomic():
        list(Layer.objects.order_by("id").select_for_update().values_list("id", flat=True))
        anchor, now = catalog_as_of(), timezone.now()
        wanted = _all_tool_ids()
        rows: list[tuple[Any, ...]] = []
        listed: list[RankEntry] = []
        for start in range(0, len(wanted), CHUNK_SIZE):
            chunk = _fact_rows(wanted[start : start + CHUNK_SIZE])
            derived = _derive_chunk(chunk, anchor)
            for tool in chunk:
                values = _derived_values(derived[tool.id], now)
                rows.append((tool.id, *values))
                if not tool.hidden and tool.status == ToolStatus.ACTIVE:
                    score = values[_SCORE_AT]
                    layer = tool.category__layer_id
                    listed.append((tool.id, tool.category_id, layer, score, tool.stars))
        in_category, in_layer = _positions(listed)
        tools_lock(wanted)
        _copy_update(
            ((*row, in_category.get(row[0]), in_layer.get(row[0])) for row in rows),
            DERIVED_FIELDS + RANK_FIELDS,
        )
        summaries_rebuild()
    return len(rows)


def _all_tool_ids() -> list[int]:
    """Every tool's id; tools measured at about the same time next to each other, so each
    chunk's snapshot query reads a narrow range of dates."""
    ordering = (F("metrics_as_of").asc(nulls_first=True), "id")
    return list(Tool.objects.order_by(*ordering).values_list("id", flat=True))


def _chunk(ids: list[int]) -> list[Tool]:
    """The tools of ``ids`` with the facts their rankings are derived from."""
    fields = (*_FACT_FIELDS, "category__layer_id")
    return list(Tool.objects.filter(id__in=ids).only(*fields).select_related("category"))


def _fact_rows(ids: list[int]) -> list[Any]:
    """The tools of ``ids`` as named rows (``FactsOf``, and ``hidden``, ``status`` and
    ``category__layer_id``): what a whole-catalog pass reads, without building a ``Tool`` and its
    ``Category`` per row (about half of the pass's time besides the arithmetic)."""
    fields = (*_FACT_FIELDS, "hidden", "status", "category__layer_id")
    return list(Tool.objects.filter(id__in=ids).values_list(*fields, named=True))


def recompute_ranks(*, layer_ids: Iterable[int] | None = None) -> int:
    """Number listed tools 1, 2, … by score within their category and their layer.

    Only listed tools (not hidden, status active) with a score are ranked; every other tool's
    ranks are NULL. Returns the number of tools whose ranks changed. A deadlock or serialization
    failure is retried from the start (``catalog.concurrency``).
    """
    wanted = None if layer_ids is None else sorted(set(layer_ids))
    return retry_conflicts(lambda: _recompute_ranks(layer_ids=wanted))


def _recompute_ranks(*, layer_ids: list[int] | None) -> int:
    tools, layers = Tool.objects.all(), Layer.objects.order_by("id")
    if layer_ids is not None:
        tools = tools.filter(category__layer_id__in=layer_ids)
        layers = layers.filter(id__in=layer_ids)
    with transaction.atomic():
        # Two refreshes finishing together must not number the same layer from stale reads:
        # lock its row (in id order, so no deadlock) until the ranks are written. PostgreSQL
        # only; SQLite serialises writers anyway.
        list(layers.select_for_update().values_list("id", flat=True))
        rows: list[Any] = list(
            tools.values_list(
                "id",
                "category_id",
                "category__layer_id",
                "score",
                "stars",
                "hidden",
                "status",
                "rank_in_category",
                "rank_in_layer",
                named=True,
            )
        )
        changed = _rank_changes(rows)
        _write_ranks(changed)
        summaries_rebuild(layer_ids=layer_ids)  # under the same layer locks, same transaction
    return len(changed)


def _rank_changes(rows: list) -> list[RankRow]:
    """The tools whose ranks differ from the ones stored: id, rank in category, rank in layer."""
    in_category, in_layer = _positions(
        (row.id, row.category_id, row.category__layer_id, row.score, row.stars)
        for row in rows
        if not row.hidden and row.status == ToolStatus.ACTIVE
    )
    changed = []
    for row in rows:
        new = (in_category.get(row.id), in_layer.get(row.id))
        if (row.rank_in_category, row.rank_in_layer) != new:
            changed.append((row.id, *new))
    return changed


def _positions(listed: Iterable[RankEntry]) -> tuple[dict[int, int], dict[int, int]]:
    """The ranks of the listed tools in their category and in their layer, by id."""
    entries = list(listed)
    in_category = rankings.rank_positions(
        (tool_id, category, score, stars) for tool_id, category, _, score, stars in entries
    )
    in_layer = rankings.rank_positions(
        (tool_id, layer, score, stars) for tool_id, _, layer, score, stars in entries
    )
    return in_category, in_layer


def tool_derived(tool: Tool, *, anchor: date | None = None) -> Derived:
    """Everything the rankings derive for ``tool``, computed now from its snapshots, against
    the catalog's as-of ``anchor`` (default: read from the catalog)."""
    snapshots = tool.snapshots.filter(stars__isnull=False)
    if tool.metrics_as_of is not None:
        snapshots = snapshots.filter(date__gte=tool.metrics_as_of.date() - TREND_LOOKBACK)
    series = list(snapshots.order_by().values_list("date", "stars"))
    if anchor is None:
        anchor = catalog_as_of()
    return rankings.derive(_facts(tool, series), catalog_as_of=anchor)


def tool_score_breakdown(tool: Tool) -> ScoreBreakdown:
    """The score of ``tool`` with each component's value, weight and contribution."""
    return tool_derived(tool).breakdown
