"""A synthetic catalog for the benchmark: N tools with a daily history, written in bulk.

Shaped like the real thing where it matters to a query planner: stars heavy-tailed (Pareto), a
few categories holding most tools (``agents`` about 15%), about 3% archived, 1% hidden, 2% never
measured, a secondary placement on 5%, up to three topics each, and names and descriptions
drawn from the words people search for (``vector``, ``agent``…). Every derived column (gains,
growth, score, ranks) is filled consistently with the history, so the pages show what a
ranked catalog shows without running the ranking (which has its own benchmark).

On PostgreSQL the rows go in with ``COPY`` (100,000 tools and 3.6 million snapshots in well
under two minutes); elsewhere (the test that keeps this module from rotting) with
``bulk_create``. Column values not set here take the model field's default, so a new column
does not break the builder.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection, models, transaction
from psycopg.types.json import Jsonb

from benchmarks.synthetic import (
    CATEGORIES,
    DAYS,
    LANGUAGES,
    LAYERS,
    LICENSES,
    SOURCE,
    TOPICS,
    WORDS,
    random_stars,
    star_history,
)
from catalog.models import Category, Layer, MetricSnapshot, Tool, ToolStatus, Topic

__all__ = ["DAYS", "BuiltCatalog", "build_catalog"]


@dataclass(frozen=True)
class BuiltCatalog:
    tools: int
    snapshots: int
    layers: int
    categories: int
    archived: int
    hidden: int
    seconds: float


def _defaults(model: type[models.Model]) -> dict[str, Any]:
    """Each concrete column's default (what the ORM would insert when a value is not given)."""
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        values[field.attname] = field.get_default()
    return values


def _tool_rows(count: int, categories: list[Category], today: date, seed: int) -> list[dict]:
    rng = random.Random(seed)
    weights = [weight for _, _, weight in CATEGORIES]
    now = datetime.combine(today, time(6), tzinfo=UTC)
    base = _defaults(Tool)
    owners = [f"{rng.choice(WORDS)}-{n}" for n in range(max(1, count // 3))]
    rows = []
    for pk in range(1, count + 1):
        category = rng.choices(categories, weights)[0]
        words = rng.sample(WORDS, 3)
        roll = rng.random()
        archived = roll < 0.03
        measured = roll < 0.98 or archived
        stars = random_stars(rng) if measured else None
        pushed = now - timedelta(days=int(rng.expovariate(1 / 60)))
        row = dict(base)
        row.update(
            id=pk,
            full_name=f"{rng.choice(owners)}/{words[0]}-{words[1]}-{pk}",
            category_id=category.pk,
            short_description=f"{words[0].title()} {words[1]} toolkit for {words[2]} work",
            description=f"An open-source {words[0]} {words[1]} library: {' '.join(words)}.",
            hidden=0.03 <= roll < 0.04,
            archived=archived,
            status=ToolStatus.ARCHIVED if archived else ToolStatus.ACTIVE,
            language=rng.choice(LANGUAGES),
            license_spdx=rng.choice(LICENSES),
            repo_created_at=now - timedelta(days=rng.randint(40, 3000)),
            pushed_at=pushed if measured else None,
            stars=stars,
            forks=None if stars is None else stars // rng.randint(5, 15),
            watchers=None if stars is None else stars // 30,
            open_issues=None if stars is None else rng.randint(0, 500),
            contributors=None if stars is None else 1 + int(stars**0.5 // 2),
            commits_90d=None if stars is None else rng.randint(0, 400),
            added_at=now - timedelta(days=rng.randint(0, 400)),
            updated_at=now,
            metrics_as_of=now if measured else None,
            last_refreshed_at=now if measured else None,
            _growth=rng.expovariate(1 / 0.002),  # daily star growth rate
            _topics=rng.sample(range(len(TOPICS)), rng.randint(0, 3)),
            _secondary=rng.choice(categories).pk if rng.random() < 0.05 else None,
        )
        row["search_document"] = " ".join(
            part
            for part in (
                row["full_name"],
                *row["full_name"].split("/"),
                row["short_description"],
                row["description"],
                " ".join(TOPICS[t] for t in row["_topics"]),
            )
            if part
        )
        rows.append(row)
    return rows


def _history(row: dict, today: date, days: int) -> list[int]:
    """Stars per day, oldest first, ending at today's ``stars``."""
    return star_history(row["stars"], row["_growth"], days)


def _derive(rows: list[dict], layer_of: dict[int, int], today: date, days: int) -> None:
    """Gains, growth, activity, score and ranks, as a ranking run would have left them."""
    now = datetime.combine(today, time(6, 30), tzinfo=UTC)
    for row in rows:
        if row["stars"] is None:
            continue
        series = _history(row, today, days)
        for window, name in ((7, "stars_gained_7d"), (30, "stars_gained_30d")):
            row[name] = series[-1] - series[-1 - window] if days > window else None
        gained = row["stars_gained_30d"] or 0
        before = series[-31] if days > 30 else series[0]
        row["growth_30d"] = round(100 * gained / before, 2) if before else None
        age = (now - row["pushed_at"]).days
        row["activity"] = round(max(0.0, 1 - age / 365), 3)
        row["score"] = round(min(100.0, 8 * (row["stars"] + 1) ** 0.2 + 30 * row["activity"]), 2)
        row["score_version"] = "bench"
        row["rankings_computed_at"] = now
    for key, name in (("category_id", "rank_in_category"), (None, "rank_in_layer")):
        groups: dict[int, list[dict]] = defaultdict(list)
        for row in rows:
            if row["score"] is not None and not row["hidden"] and row["status"] == "active":
                group = row[key] if key else layer_of[row["category_id"]]
                groups[group].append(row)
        for members in groups.values():
            members.sort(key=lambda r: (-r["score"], r["id"]))
            for rank, row in enumerate(members, start=1):
                row[name] = rank


def _snapshot_rows(rows: list[dict], today: date, days: int) -> Iterator[list]:
    """Rows in ``_defaults(MetricSnapshot)`` column order, as lists (3.6M dicts cost seconds)."""
    columns = list(_defaults(MetricSnapshot))
    template = list(_defaults(MetricSnapshot).values())
    at = {name: columns.index(name) for name in columns}
    dates = [today - timedelta(days=days - 1 - offset) for offset in range(days)]
    template[at["source"]] = SOURCE
    for row in rows:
        if row["stars"] is None:
            continue
        values = list(template)
        values[at["tool_id"]] = row["id"]
        for name in ("forks", "watchers", "open_issues", "contributors", "commits_90d"):
            values[at[name]] = row[name]
        values[at["pushed_at"]] = row["pushed_at"]
        for day, stars in zip(dates, _history(row, today, days), strict=True):
            values[at["date"]] = day
            values[at["stars"]] = stars
            yield list(values)


def _clear() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables = [Layer._meta.db_table, Topic._meta.db_table]
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: TRUNCATE
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        return
    for model in (MetricSnapshot, Tool, Category, Layer, Topic):
        model.objects.all().delete()


def _copy(model: type[models.Model], rows: Iterable[Any], columns: list[str]) -> int:
    """Insert ``rows`` (dicts keyed by attname, or lists in ``columns`` order) into
    ``model``'s table: COPY on PostgreSQL, else bulk_create."""
    written = 0
    rows = (row if isinstance(row, list) else [row[c] for c in columns] for row in rows)
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        json_at = [n for n, c in enumerate(columns) if isinstance(fields.get(c), models.JSONField)]
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    for n in json_at:
                        row[n] = Jsonb(row[n])
                    copy.write_row(row)
                    written += 1
        return written
    batch: list[models.Model] = []
    for row in rows:
        batch.append(model(**dict(zip(columns, row, strict=True))))
        written += 1
        if len(batch) == 2000:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)
    return written


def _reset_sequence(model: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )


def build_catalog(tools: int, *, days: int = DAYS, seed: int = 12) -> BuiltCatalog:
    """Replace the catalog in the current database with ``tools`` synthetic tools."""
    import time as clock

    started = clock.perf_counter()
    today = datetime.now(UTC).date()
    with transaction.atomic():
        _clear()
        layers = [
            Layer.objects.create(slug=slug, name=name, position=n)
            for n, (slug, name) in enumerate(LAYERS)
        ]
        categories = [
            Category.objects.create(layer=layers[layer], slug=slug, name=slug.title(), position=n)
            for n, (slug, layer, _) in enumerate(CATEGORIES)
        ]
        topics = Topic.objects.bulk_create([Topic(name=name) for name in TOPICS])
        rows = _tool_rows(tools, categories, today, seed)
        _derive(rows, {c.pk: c.layer_id for c in categories}, today, days)
        columns = ["id", *(_defaults(Tool))]
        _copy(Tool, rows, columns)
        _reset_sequence(Tool)
        through = Tool.topics.through
        topic_rows = (
            {"tool_id": row["id"], "topic_id": topics[t].pk} for row in rows for t in row["_topics"]
        )
        _copy(through, topic_rows, ["tool_id", "topic_id"])
        secondary = Tool.secondary_categories.through
        secondary_rows = (
            {"tool_id": row["id"], "category_id": row["_secondary"]}
            for row in rows
            if row["_secondary"] and row["_secondary"] != row["category_id"]
        )
        _copy(secondary, secondary_rows, ["tool_id", "category_id"])
        snapshots = _copy(
            MetricSnapshot, _snapshot_rows(rows, today, days), [*_defaults(MetricSnapshot)]
        )
    if connection.vendor == "postgresql":
        # What autovacuum would have done to a catalog that has been live for a while: the
        # planner's statistics, and the visibility map that index-only scans rely on.
        # VACUUM cannot run in a transaction (a test builds inside one): ANALYZE alone there.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    from catalog.summary_store import summaries_rebuild

    summaries_rebuild()  # as the ranking's last step leaves a live catalog
    return BuiltCatalog(
        tools=tools,
        snapshots=snapshots,
        layers=len(layers),
        categories=len(categories),
        archived=sum(1 for row in rows if row["archived"]),
        hidden=sum(1 for row in rows if row["hidden"]),
        seconds=clock.perf_counter() - started,
    )
