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
stored as 0. Pure functions: no database access here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from catalog.importing.files import Row
from catalog.models import MetricSnapshot

SOURCE_PRECEDENCE = ("best-of-ml-python", "llama-police", "awesome-local-llms")

METRIC_FIELDS = MetricSnapshot.METRIC_FIELDS

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

Value = int | datetime | None


@dataclass(frozen=True, slots=True)
class Observation:
    """What one source reported for one tool on one date."""

    source: str
    values: dict[str, Value]
    latest: bool = False  # from metrics_snapshot: outranks every history source on its date

    @property
    def rank(self) -> tuple[int, int, str]:
        known = (
            SOURCE_PRECEDENCE.index(self.source)
            if self.source in SOURCE_PRECEDENCE
            else len(SOURCE_PRECEDENCE)
        )
        return (0 if self.latest else 1, known, self.source)


@dataclass(frozen=True)
class LatestFacts:
    """Facts about a tool that only the snapshot file carries."""

    as_of: datetime
    license_spdx: str
    repo_created_at: datetime | None


@dataclass
class ToolMetrics:
    """Everything the metric files say about one tool."""

    observations: dict[date, list[Observation]] = field(default_factory=lambda: defaultdict(list))
    facts: LatestFacts | None = None


def history_observation(row: Row, default_source: str) -> tuple[str, date, Observation]:
    full_name = row.full_name()
    day = row.required_day("date")
    source = row.text("source", max_length=64) or default_source
    values: dict[str, Value] = {name: row.count(col) for name, col in HISTORY_COLUMNS.items()}
    values["pushed_at"] = row.moment(PUSHED_COLUMN)
    return full_name, day, Observation(source, values)


def snapshot_observation(
    row: Row, default_source: str
) -> tuple[str, date, Observation, LatestFacts]:
    full_name = row.full_name()
    as_of = row.required_moment("as_of")
    source = row.text("source", max_length=64) or default_source
    values: dict[str, Value] = {name: row.count(col) for name, col in SNAPSHOT_COLUMNS.items()}
    values["pushed_at"] = row.moment(PUSHED_COLUMN)
    license_spdx = row.text("license", max_length=64)
    facts = LatestFacts(
        as_of=as_of,
        license_spdx="" if license_spdx == "None" else license_spdx,
        repo_created_at=row.moment("created_at"),
    )
    return full_name, as_of.date(), Observation(source, values, latest=True), facts


def observations_merge(observations: Iterable[Observation]) -> tuple[dict[str, Value], str]:
    """One day's values, field by field in precedence order, and who contributed them."""
    merged: dict[str, Value] = dict.fromkeys(METRIC_FIELDS)
    contributors: list[str] = []
    for observation in sorted(observations, key=lambda o: o.rank):
        gave = False
        for name, value in observation.values.items():
            if value is not None and merged[name] is None:
                merged[name] = value
                gave = True
        if gave and observation.source not in contributors:
            contributors.append(observation.source)
    return merged, ";".join(contributors)
