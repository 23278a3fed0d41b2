"""Real Celery workers (subprocesses) on the real Redis broker and the real PostgreSQL test
database refresh tools against the fake GitHub; a worker killed mid-batch is replaced and the
batch completes exactly once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from catalog.models import MetricSnapshot, RefreshRun, Tool
from tests.factories import make_category, make_tool
from tests.workers.refresh_helpers import isolate_cache
from workers.locks import tools_claim
from workers.refresh import pipeline as refresh
from workers.tasks import refresh_batch, refresh_due

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
WAIT_SECONDS = 60

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not settings.REDIS_URL or not settings.IS_POSTGRES,
        reason="needs REDIS_URL and PostgreSQL; CI's second run provides both",
    ),
]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Starts `celery -A config worker` subprocesses on a queue of this test's own; kills them
    all (their whole process group) at the end, whatever happened."""

    def __init__(self, fake_github, tmp_path: Path, cache_prefix: str) -> None:
        self.queue = f"strata-test-{uuid.uuid4().hex[:12]}"
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "SECRET_KEY": "integration-test-key",
            "CELERY_QUEUE": self.queue,
            "CACHE_KEY_PREFIX": cache_prefix,  # the test's own claims, shared with the workers
            "CELERY_TASK_ALWAYS_EAGER": "0",
            # A killed worker's batch goes back to the queue once this many seconds have passed.
            "CELERY_VISIBILITY_TIMEOUT": "4",
            "GITHUB_TOKENS": "integration-token",
            "GITHUB_API_URL": fake_github.api_url,
            "GITHUB_GRAPHQL_URL": fake_github.graphql_url,
            "GITHUB_BATCH_SIZE": "2",
            "LOG_LEVEL": "WARNING",
            "RANKS_DELAY_SECONDS": "1",  # a batch's layers re-ranked a second later
        }

    def start(self) -> subprocess.Popen:
        log = (self.tmp_path / f"worker-{len(self.processes)}.log").open("wb")
        command = [str(CELERY), "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1"]
        command += ["-Q", self.queue, "-n", f"{self.queue}-{len(self.processes)}@%h"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killing it kills the pool too
        )  # fmt: skip
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

    def stop_all(self) -> None:
        for process in self.processes:
            self.kill(process, signal.SIGTERM)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.tmp_path.glob("worker-*.log"))


@pytest.fixture
def workers(transactional_db, fake_github, tmp_path, settings) -> Iterator[Workers]:
    isolate_cache(settings)  # claims left by an earlier, aborted run can never get in the way
    started = Workers(fake_github, tmp_path, settings.CACHES["default"]["KEY_PREFIX"])
    try:
        yield started
    finally:
        started.stop_all()


def wait_until(condition: Callable[[], bool], what: str, workers: Workers) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {WAIT_SECONDS}s waiting for {what}\n{workers.logs()[-4000:]}")


def make_tools(fake_github, count: int) -> list[Tool]:
    category = make_category()
    tools = []
    for index in range(count):
        full_name = f"org/tool-{index}"
        fake_github.add_repo(full_name, stars=1000 + index)
        tools.append(make_tool(full_name, category=category))
    return tools


def runs_finished() -> bool:
    runs = RefreshRun.objects.all()
    return runs.exists() and not runs.filter(status=RefreshRun.Status.RUNNING).exists()


def test_a_worker_refreshes_every_due_tool_from_the_schedule(workers, fake_github):
    tools = make_tools(fake_github, 5)
    workers.start()

    refresh_due.apply_async(queue=workers.queue)

    wait_until(lambda: RefreshRun.objects.count() == 3 and runs_finished(), "3 batches", workers)
    for tool in tools:
        tool.refresh_from_db()
        assert tool.stars == 1000 + int(tool.full_name.rsplit("-", 1)[1])
        assert tool.last_refreshed_at is not None
    assert MetricSnapshot.objects.filter(date=timezone.now().date()).count() == 5
    runs = RefreshRun.objects.order_by("pk")
    assert [run.status for run in runs] == ["finished"] * 3
    assert [run.tools_ok for run in runs] == [2, 2, 1]
    assert sum(run.github_requests for run in runs) == len(fake_github.graphql_requests) == 3


def test_a_batch_whose_worker_is_killed_completes_exactly_once_on_another(workers, fake_github):
    tools = make_tools(fake_github, 6)
    fake_github.latency = (
        1.0  # each GraphQL query of 2 repos takes a second: the kill lands mid-batch
    )
    [(run_id, tool_ids)] = refresh.refresh_enqueue_due(max_age_hours=1, batch_size=6)
    first = workers.start()

    refresh_batch.apply_async(kwargs={"tool_ids": tool_ids, "run_id": run_id}, queue=workers.queue)
    wait_until(lambda: len(fake_github.graphql_requests) >= 1, "the first query", workers)
    workers.kill(first)  # SIGKILL, mid-batch: nothing acknowledged, nothing written
    killed_at = time.monotonic()
    assert not MetricSnapshot.objects.exists()
    assert RefreshRun.objects.get().status == RefreshRun.Status.RUNNING
    fake_github.latency = 0.0
    time.sleep(max(0.0, 5 - (time.monotonic() - killed_at)))  # past the visibility timeout
    workers.start()

    wait_until(runs_finished, "the replacement worker to finish the batch", workers)
    run = RefreshRun.objects.get()
    assert (run.status, run.tools_total, run.tools_ok, run.tools_failed) == ("finished", 6, 6, 0)
    assert run.github_requests == 3  # the replacement's 3 queries; the dead worker's are lost
    today = timezone.now().date()
    for tool in tools:
        assert list(tool.snapshots.values_list("date", flat=True)) == [today]
    assert Tool.objects.filter(last_refreshed_at__isnull=False).count() == 6


def test_a_tool_another_machine_is_refreshing_is_left_alone(workers, fake_github):
    tools = make_tools(fake_github, 3)
    tools_claim(tool_ids=[tools[2].pk], owner="a-worker-on-another-machine", ttl=120)
    workers.start()

    refresh_batch.apply_async(kwargs={"tool_ids": [t.pk for t in tools]}, queue=workers.queue)

    wait_until(runs_finished, "the batch", workers)
    run = RefreshRun.objects.get()
    assert (run.tools_ok, run.tools_total) == (2, 2)
    assert "1 tools skipped: another worker is refreshing them" in run.error_summary
    assert Tool.objects.get(pk=tools[2].pk).last_refreshed_at is None
