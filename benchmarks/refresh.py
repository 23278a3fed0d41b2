"""The refresh pass of `make bench`: what a metrics refresh costs.

Run by ``benchmarks.run`` as ``python -m benchmarks.refresh OUT.json`` in a process of its own
(it needs its own settings: a throwaway SQLite database); ``benchmarks.report`` renders it.

Strata's pipeline (the one `manage.py refresh_metrics` and the workers run) refreshes 1,000 and
then 10,000 tools against the test suite's fake GitHub — a real HTTP server in its own process,
answering every request 100 ms late — on a throwaway SQLite database under var/. In the same
run, against the same fake, the per-repository REST approach most peers use (repository +
contributors + commits, one repository at a time) refreshes a sample as the baseline.

Not a test: figures depend on the machine. Takes a few minutes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = ROOT / "var" / "bench.sqlite3"
LATENCY = 0.1
SMALL, LARGE, SAMPLE = 1_000, 10_000, 100
WARM_UP = 50
TOKEN = "bench-token"


@contextmanager
def fake_github(repos: int, *, latency: float = LATENCY):
    """The fake GitHub in a subprocess; yields its base URL."""
    command = [sys.executable, "-m", "benchmarks.fake_server", "--repos", str(repos)]
    command += ["--latency", str(latency)]
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        url = process.stdout.readline().decode().strip()
        if not url.startswith("http://"):
            raise RuntimeError("the fake GitHub did not start")
        yield url
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def configure(url: str) -> None:
    """Settings come from the environment: set it before Django reads it."""
    DATABASE.parent.mkdir(exist_ok=True)
    for path in DATABASE.parent.glob(DATABASE.name + "*"):
        path.unlink()
    os.environ.update(
        DATABASE_URL=f"sqlite:///{DATABASE}",
        SECRET_KEY="benchmark-only",
        GITHUB_TOKENS=TOKEN,
        GITHUB_API_URL=url,
        GITHUB_GRAPHQL_URL=f"{url}/graphql",
        LOG_LEVEL="ERROR",
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(count: int, *, first: int, layer_count: int = 8) -> list[int]:
    """``count`` tools for org/tool-{first}… spread over layers and categories, as a catalog is."""
    from catalog.models import Category, Layer, Tool

    categories = []
    for n in range(layer_count):
        layer, _ = Layer.objects.get_or_create(slug=f"layer-{n}", defaults={"name": f"L{n}"})
        for m in range(5):
            slug = f"category-{n}-{m}"
            category, _ = Category.objects.get_or_create(
                slug=slug, defaults={"layer": layer, "name": slug}
            )
            categories.append(category)
    tools = []
    for index in range(first, first + count):
        tool = Tool(full_name=f"org/tool-{index}", category=categories[index % len(categories)])
        tool.search_document = tool.compose_search_document([])
        tools.append(tool)
    Tool.objects.bulk_create(tools, batch_size=1000)
    names = [f"org/tool-{index}" for index in range(first, first + count)]
    return list(Tool.objects.filter(full_name__in=names).values_list("pk", flat=True))


def warm_up(tool_ids: list[int]) -> None:
    """Two untimed passes over other tools (by name, then by node id): the fake validates each
    distinct query text against GitHub's schema once, and the first topics get created."""
    from workers.refresh.inprocess import refresh_in_process

    for _ in range(2):
        refresh_in_process(tool_ids=tool_ids)


def graphql_points_used(url: str) -> int:
    import httpx

    answer = httpx.get(f"{url}/rate_limit", headers={"Authorization": f"bearer {TOKEN}"})
    return int(answer.json()["resources"]["graphql"]["used"])


def measure_pipeline(label: str, tool_ids: list[int], url: str) -> dict:
    from workers.refresh.inprocess import refresh_in_process

    used = graphql_points_used(url)
    started = time.perf_counter()
    result = refresh_in_process(tool_ids=tool_ids)
    wall = time.perf_counter() - started
    run = result.run
    assert run.tools_ok == len(tool_ids), run.error_summary
    charged = graphql_points_used(url) - used
    assert charged == run.rate_limit_points, (charged, run.rate_limit_points)
    per_k = 1000 / len(tool_ids)
    return {
        "label": label,
        "tools": len(tool_ids),
        "wall": wall,
        "requests": run.github_requests,
        "points": run.rate_limit_points,
        "requests_per_k": run.github_requests * per_k,
        "points_per_k": run.rate_limit_points * per_k,
        "wall_per_k": wall * per_k,
    }


def measure_peer_baseline(url: str, sample: int) -> dict:
    """One repository at a time over REST: the repository, its contributors, its recent
    commits — three requests each, as djangopackages / landscape-style updaters do."""
    import httpx

    headers = {"Authorization": f"bearer {TOKEN}", "Accept": "application/vnd.github+json"}
    core_used = _core_used(url, headers)
    requests = 0
    started = time.perf_counter()
    with httpx.Client(base_url=url, headers=headers, timeout=20) as client:
        for index in range(sample):
            repo = f"/repos/org/tool-{index}"
            for path in (repo, f"{repo}/contributors?per_page=1&anon=1",
                         f"{repo}/commits?per_page=1&since=2026-08-31T00:00:00Z"):  # fmt: skip
                client.get(path)
                requests += 1
    wall = time.perf_counter() - started
    points = _core_used(url, headers) - core_used
    per_k = 1000 / sample
    return {
        "label": f"Per-repository REST baseline (sample of {sample}, scaled to 1,000)",
        "tools": sample,
        "wall": wall,
        "requests": requests,
        "points": points,
        "requests_per_k": requests * per_k,
        "points_per_k": points * per_k,
        "wall_per_k": wall * per_k,
    }


def _core_used(url: str, headers: dict) -> int:
    import httpx

    answer = httpx.get(f"{url}/rate_limit", headers=headers)
    return int(answer.json()["resources"]["core"]["used"])


def measure_contributors(tool_ids: list[int]) -> list[dict]:
    """The weekly contributors pass on a sample: first week, then a week with nothing new."""
    from workers.refresh.contributors import refresh_contributors_batch

    rows = []
    for label in ("Contributors pass, first week", "Contributors pass, unchanged (ETag 304s)"):
        started = time.perf_counter()
        outcome = refresh_contributors_batch(tool_ids=tool_ids, trigger="benchmark")
        wall = time.perf_counter() - started
        run = outcome.run
        per_k = 1000 / len(tool_ids)
        core_points = run.github_requests - run.tools_not_modified  # a 304 costs nothing
        rows.append({
            "label": f"{label} (sample of {len(tool_ids)}, scaled)",
            "tools": len(tool_ids), "wall": wall, "requests": run.github_requests,
            "points": core_points, "requests_per_k": run.github_requests * per_k,
            "points_per_k": core_points * per_k, "wall_per_k": wall * per_k,
        })  # fmt: skip
    return rows


def render(rows: list[dict], total_seconds: float) -> str:
    """The refresh section of BENCHMARKS.md."""
    lines = [
        "## Refresh pass (SQLite, fake GitHub)",
        "",
        f"The refresh pass took {total_seconds:.0f} s, on SQLite. Every request to the fake "
        "GitHub (the test suite's, run as a separate process) is "
        f"answered {LATENCY * 1000:.0f} ms late. Rate-limit points are what the fake charged, "
        "computed with GitHub's documented method (GraphQL: connections requested / 100, at "
        "least 1 per query; REST: 1 per request, 0 for a 304).",
        "",
        "| pass | tools | wall time | GitHub requests | rate-limit points "
        "| requests / 1,000 tools | points / 1,000 tools | wall time / 1,000 tools |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['tools']:,} | {row['wall']:.1f} s | {row['requests']:,} "
            f"| {row['points']:,} | {row['requests_per_k']:,.0f} | {row['points_per_k']:,.0f} "
            f"| {row['wall_per_k']:.1f} s |"
        )
    small = next(r for r in rows if r["tools"] == SMALL)
    baseline = next(r for r in rows if r["label"].startswith("Per-repository"))
    fewer = baseline["requests_per_k"] / small["requests_per_k"]
    lines += [
        "",
        f"Targets: at most 25 GitHub requests per 1,000 tools for the metrics pass — measured "
        f"**{small['requests_per_k']:.0f}** ({fewer:.0f}× "
        f"fewer than the baseline's {baseline['requests_per_k']:,.0f}); 1,000 tools in at most "
        f"10 s — measured **{small['wall']:.1f} s** "
        f"(the baseline would need {baseline['wall_per_k']:.0f} s).",
        "",
        "Notes:",
        "- The metrics pass is `refresh_in_process`, the code `manage.py refresh_metrics` and "
        "the Celery `refresh_batch` task run: one GraphQL query per 50 repositories, then bulk "
        "writes (tools, today's snapshot upsert, topics); the command recomputes the rankings "
        "of what it refreshed once at the end (its time is included), a worker after each batch.",
        "- The first passes look repositories up by owner/name; the steady-state pass by the "
        "GraphQL node id stored on the first pass (what every later refresh does). Two untimed "
        f"passes over {WARM_UP} other tools run first: the fake validates each distinct query "
        "text against GitHub's schema once (about a second), which is the fake's cost, not ours.",
        "- The baseline is measured on a sample and scaled to 1,000 (it is linear: one "
        "repository after another). The fake has no commits listing, so its third request is "
        "answered 404 — the same request, latency and rate-limit point as a real one.",
        "- With one token (5,000 points an hour) the metrics pass could refresh about "
        f"{5000 / max(small['points_per_k'], 0.001) * 1000:,.0f} tools an hour by points; the "
        "peers' approach about "
        f"{5000 / max(baseline['points_per_k'], 0.001) * 1000:,.0f}.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    started = time.perf_counter()
    with fake_github(SMALL + LARGE + WARM_UP) as url:
        configure(url)
        small_ids = seed(SMALL, first=0)
        large_ids = seed(LARGE, first=SMALL)
        warm_up(seed(WARM_UP, first=SMALL + LARGE))
        print(f"fake GitHub at {url}; {SMALL + LARGE:,} tools seeded", flush=True)
        rows = [measure_pipeline("Metrics pass, first refresh", small_ids, url)]
        print(rows[-1], flush=True)
        rows.append(measure_pipeline("Metrics pass, steady state (by node id)", small_ids, url))
        print(rows[-1], flush=True)
        rows.append(measure_pipeline("Metrics pass, first refresh", large_ids, url))
        print(rows[-1], flush=True)
        rows += measure_contributors(small_ids[:SAMPLE])
        rows.append(measure_peer_baseline(url, SAMPLE))
        print(rows[-1], flush=True)
    out = {"rows": rows, "seconds": time.perf_counter() - started}
    Path(sys.argv[1]).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
