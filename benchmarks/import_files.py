"""A synthetic catalog written as import files, in the importer's own format (the four files
``manage.py import_catalog`` reads, the history gzipped like the bundled one).

    python -m benchmarks.import_files 100000 /tmp/catalog-100k

Same shape as ``benchmarks.catalog`` (heavy-tailed stars, uneven categories, ~2% never
measured, 36 days of history per measured tool, a secondary category on 5%), plus what an
import has to merge: a former name on 1% of tools (their oldest days recorded under it) and a
second source on the last week of 3% of tools. The history is grouped by tool, as an export
is; no Django needed.
"""

from __future__ import annotations

import csv
import gzip
import random
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.synthetic import CATEGORIES, DAYS, LAYERS, LICENSES, SOURCE, WORDS, random_stars
from benchmarks.synthetic import star_history as series

HISTORY_HEADER = (
    "full_name", "date", "source", "star_count", "fork_count", "watchers_count",
    "open_issue_count", "contributor_count", "commits_90d", "release_count",
    "last_commit_pushed_at",
)  # fmt: skip
SNAPSHOT_HEADER = (
    "full_name", "as_of", "source", "star_count", "fork_count", "open_issue_count",
    "contributor_count", "license", "created_at", "last_commit_pushed_at",
)  # fmt: skip
TOOLS_HEADER = (
    "full_name", "layer", "category", "source", "source_label", "also_listed_in",
    "former_names", "placement", "secondary_categories",
)  # fmt: skip
SECOND_SOURCE = "best-of-ml-python"


@dataclass(frozen=True)
class ImportFiles:
    folder: Path
    tools: int
    history_rows: int
    snapshots: int  # distinct (tool, day) pairs with a value: what the import will store


def write_import_files(
    folder: Path, tools: int, *, days: int = DAYS, seed: int = 12, today: date | None = None
) -> ImportFiles:
    """taxonomy.csv, ai_tools.csv, metrics_history.csv.gz and metrics_snapshot.csv in
    ``folder`` for ``tools`` synthetic tools."""
    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    folder.mkdir(parents=True, exist_ok=True)
    layer_of = {slug: LAYERS[layer][0] for slug, layer, _ in CATEGORIES}
    with (folder / "taxonomy.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("layer_slug", "layer_name", "category_slug", "category_name"))
        for layer, name in LAYERS:
            for slug, _, _ in (c for c in CATEGORIES if layer_of[c[0]] == layer):
                writer.writerow((layer, name, slug, slug.replace("-", " ").capitalize()))
    slugs = [slug for slug, _, _ in CATEGORIES]
    weights = [weight for _, _, weight in CATEGORIES]
    owners = [f"{rng.choice(WORDS)}-{n}" for n in range(max(1, tools // 3))]
    dates = [(today - timedelta(days=days - 1 - n)).isoformat() for n in range(days)]
    history_rows = snapshots = 0
    with (
        (folder / "ai_tools.csv").open("w", newline="") as tools_out,
        (folder / "metrics_snapshot.csv").open("w", newline="") as latest_out,
        gzip.open(folder / "metrics_history.csv.gz", "wt", newline="", compresslevel=1) as out,
    ):
        tool_rows, latest, history = map(csv.writer, (tools_out, latest_out, out))
        tool_rows.writerow(TOOLS_HEADER)
        latest.writerow(SNAPSHOT_HEADER)
        history.writerow(HISTORY_HEADER)
        for n in range(1, tools + 1):
            category = rng.choices(slugs, weights)[0]
            words = rng.sample(WORDS, 3)
            full_name = f"{rng.choice(owners)}/{words[0]}-{words[1]}-{n}"
            former = f"{full_name.split('/')[0]}/old-{n}" if rng.random() < 0.01 else ""
            secondary = rng.choice(slugs) if rng.random() < 0.05 else ""
            tool_rows.writerow((
                full_name, layer_of[category], category, "synthetic", f"list/{words[2]}", "",
                former, rng.choice(("reviewed", "")), "" if secondary == category else secondary,
            ))  # fmt: skip
            if rng.random() < 0.02:
                continue  # never measured
            stars = random_stars(rng)
            forks, watchers = stars // rng.randint(5, 15), stars // 30
            issues, contributors = rng.randint(0, 500), 1 + int(stars**0.5 // 2)
            commits, releases = rng.randint(0, 400), rng.randint(0, 80)
            pushed = (today - timedelta(days=int(rng.expovariate(1 / 60)))).isoformat()
            second = rng.random() < 0.03
            growth = rng.expovariate(1 / 0.002)
            stars_by_day = zip(dates, series(stars, growth, days), strict=True)
            for index, (day, count) in enumerate(stars_by_day):
                name = former if former and index < days // 2 else full_name
                history.writerow((
                    name, day, SOURCE, count, forks, watchers, issues, contributors, commits,
                    releases, pushed,
                ))  # fmt: skip
                history_rows += 1
                if second and index >= days - 7:
                    history.writerow((
                        full_name, day, SECOND_SOURCE, count + 1, "", "", "", "", "", "", "",
                    ))  # fmt: skip
                    history_rows += 1
            snapshots += days
            created = (today - timedelta(days=rng.randint(40, 3000))).isoformat()
            latest.writerow((
                full_name, dates[-1], SOURCE, stars, forks, issues, contributors,
                rng.choice(LICENSES), created, pushed,
            ))  # fmt: skip
    return ImportFiles(folder, tools, history_rows, snapshots)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(write_import_files(Path(sys.argv[2]), int(sys.argv[1].replace("_", ""))))
