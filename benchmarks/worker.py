"""The Celery worker's memory while it refreshes a catalog: a real ``celery -A config worker``
(prefork, 2 processes, as ``make worker`` runs it) with Redis as the broker, refreshing every
tool of a PostgreSQL catalog against the fake GitHub, its RSS sampled from ``/proc`` twice a
second (the main process and each pool process; the figure is the largest process, and the
sum).

    python -m benchmarks.worker 100000 [OUT.json]

The catalog has that many tools and the schedule asks for every one of them; the RSS is sampled
until all are refreshed or for ``BENCH_WORKER_SECONDS`` (default 300) — the memory of a worker
that renumbers a 100k-tool catalog's layers after each batch shows within minutes, while the
whole pass is bounded by re-ranking, not memory (the result says how many were refreshed and
the rate, so the time of the full pass is an extrapolation said as such).

Runs in a process of its own (its settings point at its own database ``<bench>_worker``, a
Redis database and a queue of its own, and the fake). Needs Redis: ``BENCH_REDIS_URL``,
default ``redis://127.0.0.1:6379/15``. The refresh is what the schedule starts: the due tools
split into batches of 50, each batch a task (one GraphQL query, bulk writes, the rankings of
what it refreshed). Not a test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUEUE = "strata-bench-worker"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"
LATENCY = 0.02  # seconds the fake waits per answer (the refresh bench uses 0.1 for wall time)
DEFAULT_SECONDS = 300


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(child) for child in text.split()]


def _configure(url: str, redis: str, github: str) -> dict[str, str]:
    from benchmarks.environment import BENCH_ENV

    env = {
        **BENCH_ENV,
        "DATABASE_URL": url,
        "REDIS_URL": redis,
        "CELERY_QUEUE": QUEUE,
        "GITHUB_TOKENS": "bench-token",
        "GITHUB_API_URL": github,
        "GITHUB_GRAPHQL_URL": f"{github}/graphql",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def measure_worker(url: str, tools: int) -> dict:
    """Seed ``tools`` tools in a fresh ``<url>_worker`` database, refresh them all through a
    worker, and return its peak RSS and the time the refresh took."""
    from benchmarks.importing import _drop_database, _fresh_database
    from benchmarks.refresh import fake_github

    redis = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    database = _fresh_database(url, "_worker")
    try:
        with fake_github(tools, latency=LATENCY) as github:
            env = _configure(database, redis, github)
            return _refresh(tools, {**os.environ, **env})
    finally:
        from django.db import connections

        connections.close_all()
        _drop_database(database)


def _refresh(tools: int, env: dict[str, str]) -> dict:
    from benchmarks.refresh import seed
    from catalog.models import Tool
    from workers import tasks

    seed(tools, first=0)
    import redis as redis_client

    broker = redis_client.Redis.from_url(env["REDIS_URL"])
    broker.delete(QUEUE)  # nothing left from a past run: its queue, its claims and rank marks
    database = env["DATABASE_URL"].rsplit("/", 1)[1]
    for pattern in (f"*refresh-claim:{database}:*", f"*ranks:{database}:*"):
        for key in broker.scan_iter(match=pattern, count=1000):
            broker.delete(key)
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=2"]
    command += ["--loglevel=WARNING", "-Q", QUEUE, "--without-gossip", "--without-mingle"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    peak, peak_sum, samples = 0.0, 0.0, 0
    budget = float(os.environ.get("BENCH_WORKER_SECONDS", DEFAULT_SECONDS))
    try:
        started = time.perf_counter()
        tasks.refresh_due.delay(max_age_hours=0)
        left = tools
        while left and time.perf_counter() - started < budget:
            pids = [worker.pid, *_children(worker.pid)]
            sizes = [_rss_mb(pid) for pid in pids]
            peak, peak_sum = max(peak, *sizes), max(peak_sum, sum(sizes))
            samples += 1
            time.sleep(0.5)
            left = Tool.objects.filter(last_refreshed_at__isnull=True).count()
        seconds = time.perf_counter() - started
    finally:
        redis_client.Redis.from_url(env["REDIS_URL"]).delete(QUEUE)  # what is left unasked
        worker.send_signal(signal.SIGTERM)  # warm shutdown: the tasks in hand finish first
        try:
            worker.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    return {
        "tools": tools,
        "refreshed": tools - left,
        "seconds": round(seconds, 1),
        "rss_mb": round(peak, 1),
        "rss_sum_mb": round(peak_sum, 1),
        "samples": samples,
        "tools_per_second": round((tools - left) / seconds, 2) if seconds else 0.0,
    }


def main(argv: list[str]) -> None:
    from benchmarks import environment

    if not 1 <= len(argv) <= 2:
        raise SystemExit(__doc__)
    url = environment.database_url()
    environment.ensure_database(url)
    result = measure_worker(url, int(argv[0].replace("_", "")))
    print(result, flush=True)
    if len(argv) == 2:
        Path(argv[1]).write_text(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
