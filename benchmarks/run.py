"""`make bench`: the catalog at 1,000, 10,000 and 100,000 tools, and the refresh pass.

    make bench                                  # all three scales, ~20 minutes on 2 cores
    BENCH_SCALES=1000,10000 make bench          # fewer
    BENCH_REFRESH=0 make bench                  # skip the refresh pass (about 2 minutes)
    BENCH_WORKER=0 make bench                   # skip the Celery worker's RSS (needs Redis)

For each scale: build a synthetic catalog in PostgreSQL (``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/strata_bench``, created if missing; its catalog is
replaced), time every endpoint and page in-process (``benchmarks.timing``), then load the API
under gunicorn next to the trivial endpoint (``benchmarks.load``). The refresh pass runs in a
process of its own on SQLite (``benchmarks.refresh``). Imports (``benchmarks.importing``): the
bundled catalog, and a synthetic catalog at 100,000 tools (or the largest scale asked for)
written as import files, each into an empty database. The Celery worker's RSS
(``benchmarks.worker``): a real worker with Redis refreshing a catalog of
``BENCH_WORKER_TOOLS`` tools (default: the largest scale), sampled until done or for
``BENCH_WORKER_SECONDS`` (default 300). Results: BENCHMARKS.md and benchmarks/results.json
(``benchmarks.report``).
Not a test: never part of CI's pass/fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import environment, importing, load, report, timing

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCALES = (1_000, 10_000, 100_000)


def scales_from_env() -> list[int]:
    raw = os.environ.get("BENCH_SCALES", "")
    if not raw.strip():
        return list(DEFAULT_SCALES)
    try:
        scales = sorted({int(part.replace("_", "")) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise SystemExit(f"BENCH_SCALES={raw!r}: a comma list of tool counts") from None
    if not scales or min(scales) < 100:
        raise SystemExit(f"BENCH_SCALES={raw!r}: each scale is at least 100 tools")
    return scales


def run_refresh() -> dict | None:
    if os.environ.get("BENCH_REFRESH", "1") == "0":
        return None
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "refresh.json"
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        subprocess.run(
            [sys.executable, "-m", "benchmarks.refresh", str(out)], cwd=ROOT, env=env, check=True
        )
        return json.loads(out.read_text())


def run_worker(tools: int, url: str) -> dict | None:
    """The worker benchmark in a process of its own (its own settings: broker, fake GitHub)."""
    if os.environ.get("BENCH_WORKER", "1") == "0":
        return None
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "worker.json"
        env = {**os.environ, "DATABASE_URL": url}
        command = [sys.executable, "-m", "benchmarks.worker", str(tools), str(out)]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())


def main() -> None:
    started = time.perf_counter()
    scales = scales_from_env()
    url = environment.database_url()
    refresh = run_refresh()  # before Django is set up here: it configures its own settings
    environment.ensure_database(url)
    print("importing the bundled catalog…", flush=True)
    imported = importing.measure_bundled_import(url)
    print(f"  {imported}", flush=True)
    import_scale = 100_000 if 100_000 in scales else scales[-1]
    print(f"importing {import_scale:,} synthetic tools…", flush=True)
    synthetic = importing.measure_import(url, import_scale)
    print(f"  {synthetic}", flush=True)
    worker_tools = min(int(os.environ.get("BENCH_WORKER_TOOLS", "100000")), scales[-1])
    print(f"a Celery worker refreshing {worker_tools:,} tools…", flush=True)
    worker = run_worker(worker_tools, url)
    print(f"  {worker}", flush=True)
    environment.setup_django(url)
    from django.db import connection

    from benchmarks import catalog  # its models need Django set up

    timings, loads, builds, rss = {}, {}, {}, {}
    slowest: dict = {}
    for scale in scales:
        print(f"building {scale:,} tools…", flush=True)
        builds[scale] = catalog.build_catalog(scale)
        print(f"  {builds[scale]}", flush=True)
        timings[scale] = timing.time_all(scale)
        api_paths = {t.endpoint.key: t.endpoint.url for t in timings[scale] if t.status == 200}
        api_paths = {k: v for k, v in api_paths.items() if k.startswith("api.") and "csv" not in k}
        api_paths.pop("api.root")
        connection.close()  # gunicorn's workers open their own
        loads[scale], rss[scale] = load.load_all(
            api_paths, {**environment.BENCH_ENV, "DATABASE_URL": url}
        )
        if scale == scales[-1]:
            worst = max(timings[scale], key=lambda t: t.slowest_sql[0])
            ms, sql = worst.slowest_sql
            slowest = {
                "endpoint": worst.endpoint.url,
                "ms": round(ms, 2),
                "sql": sql,
                "plan": timing.explain(sql),
            }
    flat = report.metrics(timings, loads, builds, rss)
    flat.update(report.refresh_metrics(refresh))
    flat.update(report.import_metrics("bundled", imported))
    flat.update(report.import_metrics(str(import_scale), synthetic))
    flat.update(report.worker_metrics(worker))
    from benchmarks import refresh as refresh_module

    section = (
        refresh_module.render(refresh["rows"], refresh["seconds"])
        if refresh
        else "## Refresh pass\n\nNot run (`BENCH_REFRESH=0`)."
    )
    seconds = time.perf_counter() - started
    text = report.render(
        scales=scales,
        flat=flat,
        timings=timings,
        slowest=slowest,
        refresh_section=section,
        load_tool=load.tool(),
        seconds=seconds,
    )
    meta = {
        "scales": scales,
        "seconds": round(seconds),
        "cpus": os.cpu_count(),
        "load": load.tool(),
    }
    report.write(flat, meta, slowest, text)
    print(text)
    from benchmarks import star_history  # its own section of BENCHMARKS.md, after the rest

    star_history.main([])


if __name__ == "__main__":
    main()
