"""Metrics in a catalog import: reading history and snapshot rows, and merging sources.

Several sources may report the same tool on the same date. They are merged into one
``MetricSnapshot`` **field by field**: each field takes the first non-empty value in this
order, and ``MetricSnapshot.source`` lists (``;``-separated, in that order) the sources
that gave at least one value.

1. the tool's row in ``metrics_snapshot`` for its ``as_of`` date — the catalog's own
   statement of the tool's latest values, so the newest snapshot and the tool's
   "latest metrics" always show the same numbers;
2. ``best-of-ml-python`` — reads the GitHub API directly: exact counts and push date;
3. ``llama-police`` — a one-off extract of the GitHub API;
4. ``awesome-local-llms`` — numbers read from a rendered README table; its push date is
   only approximate (table date minus "time since last commit");
5. any other source name, alphabetically (a user's own catalog).

An empty cell is "not reported": it never hides another source's value and is never
stored as 0.

Each row becomes an :data:`Observation`, a plain tuple (a history has millions of rows: tuples
of ints pickle and compare fast, objects would not): ``(key, day, source, line, latest,
values, facts)`` — the tool's key (``catalog.importing.index``), the date as an ordinal, the
source's number in :class:`Sources`, the row's line (or record) number, whether it comes from
the snapshot file, the values in ``METRIC_FIELDS`` order (``pushed_at`` as microseconds since
the epoch) and, from the snapshot file only, :data:`Facts`. A history row is read by a fast
path that checks each cell the way :class:`~catalog.importing.files.Row` does and falls back
to ``Row`` itself for anything unusual, so an error names file, line and field the same way.
No database access here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter

from catalog.importing.files import Row, Table
from catalog.models import MetricSnapshot

SOURCE_PRECEDENCE = ("best-of-ml-python", "llama-police", "awesome-local-llms")

METRIC_FIELDS = MetricSnapshot.METRIC_FIELDS
COUNT_FIELDS = MetricSnapshot.COUNT_FIELDS

# MetricSnapshot field -> column in metrics_history. ``commits_90d`` is read only from a
# column of that exact name (what ``export_catalog`` writes, from GitHub): no public source's
# "recent commits" window is known to be 90 days, so their columns are not read as it.
HISTORY_COLUMNS = {
    "stars": "star_count",
    "forks": "fork_count",
    "watchers": "watchers_count",
    "open_issues": "open_issue_count",
    "contributors": "contributor_count",
    "commits_90d": "commits_90d",
    "release_count": "release_count",
}
SNAPSHOT_COLUMNS = {
    "stars": "star_count",
    "forks": "fork_count",
    "open_issues": "open_issue_count",
    "contributors": "contributor_count",
}
PUSHED_COLUMN = "last_commit_pushed_at"

HISTORY_REQUIRED = ("full_name", "date")
SNAPSHOT_REQUIRED = ("full_name", "as_of")

UNKNOWN = "in ai_tools or the catalog"
LARGEST = 2**31 - 1  # what Row.count accepts
CACHE = 100_000  # distinct cells remembered per column (dates and names repeat)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)

Values = tuple[int | None, ...]  # METRIC_FIELDS order; pushed_at in microseconds
Facts = tuple[int, str, int | None]  # as_of (microseconds), licence, repo created (microseconds)
Observation = tuple[int, int, int, int, bool, Values, Facts | None]
Merged = tuple[Values, str]  # one day's values and the sources that gave them


class Sources:
    """Source names by number (an observation carries the number, not the string)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._ids: dict[str, int] = {}

    def id(self, name: str) -> int:
        number = self._ids.get(name)
        if number is None:
            number = self._ids[name] = len(self.names)
            self.names.append(name)
        return number

    def rank(self, observation: Observation) -> tuple[int, int, str]:
        name = self.names[observation[2]]
        known = (
            SOURCE_PRECEDENCE.index(name) if name in SOURCE_PRECEDENCE else len(SOURCE_PRECEDENCE)
        )
        return (0 if observation[4] else 1, known, name)


def microseconds(moment: datetime | None) -> int | None:
    return None if moment is None else (moment - EPOCH) // MICROSECOND


def moment_of(value: int | None) -> datetime | None:
    return None if value is None else EPOCH + value * MICROSECOND


Resolve = Callable[[str], int | None]  # a full_name -> the tool's key, None: no such tool


def history_observations(
    table: Table, resolve: Resolve, sources: Sources, default_source: str
) -> Iterator[Observation]:
    """The rows of a history file as observations, checked cell by cell."""
    at = {name: index for index, name in enumerate(table.header)}
    name_at, date_at, source_at = at["full_name"], at["date"], at.get("source")
    count_at = [(at.get(HISTORY_COLUMNS[f]), HISTORY_COLUMNS[f]) for f in COUNT_FIELDS]
    # Count cells repeat (a tool's forks, watchers, … from day to day; small numbers across
    # tools): one read is remembered (``known``, a cell as written -> its count, checked), and
    # a row whose every count cell is known is read with one C-level lookup of each. A row
    # with any other cell (a new number, an empty or bad cell) is read cell by cell.
    counts_of = (
        itemgetter(*(index for index, _ in count_at))
        if len(count_at) > 1 and all(index is not None for index, _ in count_at)
        else None
    )
    known: dict[str, int] = {}
    pushed_at = at.get(PUSHED_COLUMN)
    keys: dict[str, int] = {}
    days: dict[str, int] = {}
    source_ids: dict[str, int] = {}
    pushes: dict[str, int | None] = {}
    for number, cells in table:
        cell = cells[name_at]
        key = keys.get(cell)
        if key is None:
            key = resolve(table.row(number, cells).full_name())
            if key is not None:
                _remember(keys, cell, key)
        cell = cells[date_at]
        day = days.get(cell)
        if day is None:
            day = table.row(number, cells).required_day("date").toordinal()
            _remember(days, cell, day)
        cell = cells[source_at] if source_at is not None else ""
        source = source_ids.get(cell)
        if source is None:
            text = table.row(number, cells).text("source", max_length=64)
            source = sources.id(text or default_source)
            _remember(source_ids, cell, source)
        counts: list[int | None] | None = None
        if counts_of is not None:
            counts = list(map(known.get, counts_of(cells)))
            if None in counts:
                counts = None
        if counts is None:
            counts = _counts(table, number, cells, count_at, known)
        cell = cells[pushed_at] if pushed_at is not None else ""
        if not cell:
            counts.append(None)
        else:
            pushed = pushes.get(cell, -1)
            if pushed == -1:
                pushed = microseconds(table.row(number, cells).moment(PUSHED_COLUMN))
                _remember(pushes, cell, pushed)
            counts.append(pushed)
        if key is None:  # every cell checked first, as for any row
            row = table.row(number, cells)
            raise row.error("full_name", f'no tool "{row.text("full_name")}" {UNKNOWN}')
        yield (key, day, source, number, False, tuple(counts), None)


def _counts(
    table: Table,
    number: int,
    cells: list[str],
    count_at: list[tuple[int | None, str]],
    known: dict[str, int],
) -> list[int | None]:
    """A history row's counts cell by cell (an empty cell is None, a bad one an error, as
    ``Row.count`` says), each count read remembered in ``known``."""
    values: list[int | None] = []
    for index, column in count_at:
        cell = cells[index] if index is not None else ""
        if not cell:
            values.append(None)
            continue
        try:
            count: int | None = int(cell)
        except ValueError:
            count = None
        if count is None or not 0 <= count <= LARGEST:  # Row says what is wrong, or reads it
            count = table.row(number, cells).count(column)
        if count is not None:
            _remember(known, cell, count)
        values.append(count)
    return values


def snapshot_observation(
    row: Row, number: int, resolve: Resolve, sources: Sources, default_source: str
) -> Observation:
    """A row of the snapshot file: the tool's latest values, and facts only it carries."""
    full_name = row.full_name()
    as_of = row.required_moment("as_of")
    source = sources.id(row.text("source", max_length=64) or default_source)
    values = [
        row.count(SNAPSHOT_COLUMNS[f]) if f in SNAPSHOT_COLUMNS else None for f in COUNT_FIELDS
    ]
    pushed = microseconds(row.moment(PUSHED_COLUMN))
    license_spdx = row.text("license", max_length=64)
    facts: Facts = (
        (as_of - EPOCH) // MICROSECOND,
        "" if license_spdx == "None" else license_spdx,
        microseconds(row.moment("created_at")),
    )
    key = resolve(full_name)
    if key is None:
        raise row.error("full_name", f'no tool "{full_name}" {UNKNOWN}')
    return (key, as_of.date().toordinal(), source, number, True, (*values, pushed), facts)


def _remember(cache: dict, cell: str, value: object) -> None:
    if len(cache) >= CACHE:
        cache.clear()
    cache[cell] = value


def reported(observation: Observation, sources: Sources) -> Merged | None:
    """One source's values on a day it alone reported; None when it reported nothing."""
    values = observation[5]
    if values.count(None) == len(values):  # (not ``any(…)``: counted in C, no generator)
        return None
    return values, sources.names[observation[2]]


def day_merge(observations: list[Observation], sources: Sources) -> Merged | None:
    """One day's values, field by field in precedence order, and who contributed them;
    None when no source reported anything that day."""
    if len(observations) == 1:
        return reported(observations[0], sources)
    merged: list[int | None] = [None] * len(METRIC_FIELDS)
    contributors: list[str] = []
    for observation in sorted(observations, key=sources.rank):
        gave = False
        for index, value in enumerate(observation[5]):
            if value is not None and merged[index] is None:
                merged[index] = value
                gave = True
        name = sources.names[observation[2]]
        if gave and name not in contributors:
            contributors.append(name)
    return (tuple(merged), ";".join(contributors)) if contributors else None


def day_of(ordinal: int) -> date:
    return date.fromordinal(ordinal)
