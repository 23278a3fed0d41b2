"""GitHub requests and rate-limit points for the star-history pass, against the fake GitHub.

    python -m benchmarks.star_history [--tools 1000]

Backfills the star history of ``--tools`` repositories of realistic ages with the real client
(``GitHubClient.fetch_star_history``, the code the refresh pass runs), then runs the weekly pass
a week later: the first page with its ETag, older pages only back to the newest stored week.
Writes its section into BENCHMARKS.md (between the star-history markers) and prints it.

Ages: the catalog is young: 35 % of repositories under a year old, 35 % one to three years,
20 % three to six, 10 % six to twelve (uniform within each band), seeded, so every run asks for
the same weeks. A week later 85 % of the repositories have gained stars (their first page
changed); the rest answer 304, which GitHub does not charge.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from benchmarks.fake_server import IndexedFakeGitHub
from tests.fakegithub.star_history import MAX_PER_PAGE, daily_additions, weeks_json
from tests.fakegithub.state import NOW
from workers.github import GitHubClient

BANDS = ((0.35, 14, 365), (0.35, 365, 3 * 365), (0.20, 3 * 365, 6 * 365), (0.10, 6 * 365, 12 * 365))
GAINED_IN_A_WEEK = 0.85
START, END = "<!-- star-history:start -->", "<!-- star-history:end -->"
TARGET = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


@dataclass(frozen=True)
class Pass:
    requests: int
    points: int
    not_modified: int
    seconds: float


def ages(count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        pick, total = rng.random(), 0.0
        for share, low, high in BANDS:
            total += share
            if pick <= total:
                result.append(rng.randint(low, high))
                break
        else:
            result.append(BANDS[-1][2])
    return result


def _pass(fake: IndexedFakeGitHub, client: GitHubClient, calls: list[dict]) -> tuple[Pass, list]:
    before = len(fake.requests)
    started = time.perf_counter()
    # Concurrent only to spare the benchmark the fake's per-answer latency: what is counted
    # (requests, points, 304s) is the same as in the sequential pass.
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda call: client.fetch_star_history(**call), calls))
    seconds = time.perf_counter() - started
    logged = fake.requests[before:]
    return (
        Pass(
            requests=len(logged),
            points=sum(r.cost for r in logged),
            not_modified=sum(1 for r in logged if r.status == 304),
            seconds=seconds,
        ),
        answers,
    )


def measure(tools: int = 1000, seed: int = 7) -> dict:
    fake = IndexedFakeGitHub().start()
    # One budget big enough for the whole run: the figures are the points spent, not waits.
    fake.set_budget(10**7, limit=10**7, resource="core")
    try:
        repo_ages = ages(tools, seed)
        rng = random.Random(seed + 1)
        for n, age in enumerate(repo_ages):
            stars = max(1, int(rng.paretovariate(1.2) * 40))
            fake.add_repo(f"bench/tool-{n}", stars=stars, created_at=NOW - timedelta(days=age))
        client = GitHubClient(
            tokens=["bench"], api_url=fake.api_url, graphql_url=fake.graphql_url, timeout=10
        )
        names = [f"bench/tool-{n}" for n in range(tools)]
        backfill, answers = _pass(fake, client, [{"full_name": name} for name in names])
        days = sum(
            sum(1 for w in a.weeks for d, _ in w.daily() if d <= NOW.date()) for a in answers
        )
        week_counts = [len(weeks_json(fake.repo(name))) for name in names]
        weeks = sum(week_counts)
        pages = sum(-(-n // MAX_PER_PAGE) for n in week_counts)  # what the backfill must read
        # A week later: most repositories gained stars today (their first page changed).
        for name in names:
            if rng.random() < GAINED_IN_A_WEEK:
                repo = fake.repo(name)
                added = daily_additions(repo)
                added[NOW.date()] = added.get(NOW.date(), 0) + rng.randint(1, 20)
                repo.star_history, repo.stars = added, repo.stars + 1
        weekly_calls = [
            {"full_name": name, "etag": answer.etag, "since": answer.weeks[-1].start}
            for name, answer in zip(names, answers, strict=True)
        ]
        weekly, _ = _pass(fake, client, weekly_calls)
        client.close()
    finally:
        fake.stop()
    return {
        "tools": tools,
        "weeks": weeks,
        "pages": pages,
        "days": days,
        "backfill": backfill,
        "weekly": weekly,
        "per_page": MAX_PER_PAGE,
        "median_age_days": sorted(repo_ages)[len(repo_ages) // 2],
    }


def render(result: dict) -> str:
    backfill, weekly = result["backfill"], result["weekly"]
    tools = result["tools"]
    return "\n".join(
        [
            START,
            "## Star history (GitHub `stargazers/history`)",
            "",
            f"Generated by `python -m benchmarks.star_history` (run by `make bench`): "
            f"{tools:,} repositories of realistic ages (median {result['median_age_days']:,} "
            f"days; see the module), {result['weeks']:,} weeks of history, "
            f"{result['per_page']} weeks a page, against the fake GitHub with the real client.",
            "",
            "| pass | GitHub requests | core points | 304 (free) | per tool | wall time (fake) |",
            "|---|---:|---:|---:|---:|---:|",
            f"| backfill to creation | {backfill.requests:,} | {backfill.points:,} | "
            f"{backfill.not_modified:,} | {backfill.requests / tools:.2f} | "
            f"{backfill.seconds:.1f} s |",
            f"| weekly, a week later | {weekly.requests:,} | {weekly.points:,} | "
            f"{weekly.not_modified:,} | {weekly.requests / tools:.2f} | {weekly.seconds:.1f} s |",
            "",
            f"The backfill stores {result['days']:,} daily points "
            f"({result['days'] / tools:,.0f} a tool). One token's 5,000 core points an hour "
            f"backfill about {5000 * tools // max(backfill.points, 1):,} tools an hour; the "
            f"weekly pass costs {weekly.points:,} points per {tools:,} tools "
            f"({weekly.not_modified:,} unchanged histories answer 304 at no cost).",
            END,
        ]
    )


def write_section(text: str, path: Path = TARGET) -> None:
    """Replace the section between the markers, or append it."""
    current = path.read_text() if path.exists() else ""
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text, current)
    else:
        updated = current.rstrip() + "\n\n" + text + "\n"
    path.write_text(updated)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tools", type=int, default=1000)
    args = parser.parse_args(argv)
    text = render(measure(args.tools))
    write_section(text)
    print(text)


if __name__ == "__main__":
    main()
