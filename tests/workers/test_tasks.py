"""The Celery tasks: what they queue, when, and with which arguments. Tasks are called in
this process (``.run``); the Celery calls that would reach the broker are recorded."""

from datetime import UTC, datetime, timedelta

import pytest
from celery.exceptions import Retry

from catalog.models import RefreshRun, Tool
from tests.factories import make_snapshot, make_tool
from tests.workers.refresh_helpers import (
    assert_run,
    seed,
)
from workers import tasks
from workers.refresh.pipeline import refresh_enqueue_due

pytestmark = pytest.mark.django_db


class Queued(list):
    """Records ``apply_async`` calls instead of sending them to a broker."""

    def __call__(self, args=None, kwargs=None, **options):
        self.append({"kwargs": kwargs, **options})


@pytest.fixture
def queued(monkeypatch):
    calls = Queued()
    monkeypatch.setattr(tasks.refresh_batch, "apply_async", calls)
    monkeypatch.setattr(tasks.refresh_contributors_batch, "apply_async", calls)
    return calls


def test_refresh_due_queues_one_batch_per_chunk_once_the_transaction_commits(
    github, settings, queued, django_capture_on_commit_callbacks
):
    settings.GITHUB_BATCH_SIZE = 2
    tools = seed(github, 3)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert tasks.refresh_due.run() == 3
    assert queued == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()

    runs = list(RefreshRun.objects.order_by("pk"))
    assert [call["kwargs"] for call in queued] == [
        {"tool_ids": [tools[0].pk, tools[1].pk], "run_id": runs[0].pk},
        {"tool_ids": [tools[2].pk], "run_id": runs[1].pk},
    ]


def test_a_queued_batch_fills_the_run_created_when_it_was_queued(
    github, queued, django_capture_on_commit_callbacks
):
    tools = seed(github, 2)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.refresh_due.run()
    [call] = queued

    assert tasks.refresh_batch.run(**call["kwargs"]) == 2

    assert RefreshRun.objects.count() == 1
    assert_run(RefreshRun.objects.get(), ok=2)
    assert Tool.objects.get(pk=tools[1].pk).stars == 1001


def test_a_spent_budget_queues_the_rest_as_a_new_task_at_the_reset(github, settings, queued):
    settings.GITHUB_BATCH_SIZE = 2
    settings.GITHUB_RATE_LIMIT_RESERVE = 0
    tools = seed(github, 4)
    reset_at = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)
    github.set_budget(1, reset_at=reset_at, token="test-token")

    assert tasks.refresh_batch.run(tool_ids=[t.pk for t in tools]) == 2

    [call] = queued
    first, follow_up = RefreshRun.objects.order_by("pk")
    assert call["kwargs"] == {"tool_ids": [tools[2].pk, tools[3].pk], "run_id": follow_up.pk}
    assert call["eta"] == reset_at + tasks.RESET_MARGIN
    assert_run(first, status="deferred", ok=2, deferred=2)
    assert (follow_up.status, follow_up.trigger, follow_up.tools_total) == (
        "running",
        "deferred",
        2,
    )
    # claimed for the follow-up: the next hourly schedule does not queue them a second time
    [(_run, ids)] = refresh_enqueue_due(max_age_hours=0)
    assert ids == [tools[0].pk, tools[1].pk]


def test_a_redelivered_follow_up_resumes_its_claims_after_its_worker_died(
    github, settings, queued, monkeypatch
):
    settings.GITHUB_BATCH_SIZE = 2
    settings.GITHUB_RATE_LIMIT_RESERVE = 0
    tools = seed(github, 4)
    github.set_budget(1, token="test-token")
    tasks.refresh_batch.run(tool_ids=[t.pk for t in tools])
    [call] = queued
    github.set_budget(5000, token="test-token")  # the reset came
    die_mid_batch(monkeypatch)

    with pytest.raises(WorkerDied):
        tasks.refresh_batch.run(**call["kwargs"])  # the first delivery's worker dies
    monkeypatch.undo()
    assert tasks.refresh_batch.run(**call["kwargs"]) == 2  # the broker redelivers it

    assert [Tool.objects.get(pk=t.pk).stars for t in tools[2:]] == [1002, 1003]
    assert_run(RefreshRun.objects.get(pk=call["kwargs"]["run_id"]), ok=2)


def test_a_redelivered_refresh_now_resumes_the_dead_workers_claims(github, monkeypatch):
    """Admin "Refresh now" queues tool ids only; the run is tied to the task's id."""
    tools = seed(github, 2)
    kwargs = {"tool_ids": [t.pk for t in tools]}
    die_mid_batch(monkeypatch)
    tasks.refresh_batch.push_request(id="refresh-now-1", retries=0)
    try:
        with pytest.raises(WorkerDied):
            tasks.refresh_batch.run(**kwargs)
        monkeypatch.undo()
        refreshed = tasks.refresh_batch.run(**kwargs)  # same message, delivered again
    finally:
        tasks.refresh_batch.pop_request()

    assert refreshed == 2
    assert [Tool.objects.get(pk=t.pk).stars for t in tools] == [1000, 1001]
    assert_run(RefreshRun.objects.get(), ok=2)


class WorkerDied(BaseException):
    """Stands in for a worker killed mid-batch (its claims are never given back)."""


def die_mid_batch(monkeypatch):
    def dies(**_kwargs):
        raise WorkerDied

    monkeypatch.setattr("workers.refresh.pipeline.tools_release", lambda **_kwargs: None)
    monkeypatch.setattr("workers.refresh.pipeline.refresh_tools", dies)


def test_github_asking_to_slow_down_retries_the_batch_after_its_retry_after(github, monkeypatch):
    tools = seed(github, 2)
    github.inject("secondary_limit", path="/graphql", status=403, retry_after=120)
    retries = []

    def retry(**options):
        retries.append(options)
        return Retry("retrying")

    monkeypatch.setattr(tasks.refresh_batch, "retry", retry)

    with pytest.raises(Retry):
        tasks.refresh_batch.run(tool_ids=[t.pk for t in tools])

    [options] = retries
    first, follow_up = RefreshRun.objects.order_by("pk")
    assert options["kwargs"] == {"tool_ids": [t.pk for t in tools], "run_id": follow_up.pk}
    assert 120 <= options["countdown"] <= 150  # Retry-After, at most +25 % jitter
    assert_run(first, status="deferred", deferred=2)


def test_without_a_broker_deferred_tools_wait_for_the_next_schedule(github, settings, queued):
    settings.GITHUB_RATE_LIMIT_RESERVE = 0
    [tool] = seed(github, 1)
    github.set_budget(0, token="test-token")

    result = tasks.refresh_batch.apply(kwargs={"tool_ids": [tool.pk]})  # eager, in-process

    assert result.get() == 0
    assert queued == []
    assert_run(RefreshRun.objects.get(), status="deferred", deferred=1)


def test_backoff_doubles_per_attempt_and_stops_at_the_cap():
    first = tasks.backoff_seconds(retry_after=60, attempt=0)
    third = tasks.backoff_seconds(retry_after=60, attempt=2)
    late = tasks.backoff_seconds(retry_after=60, attempt=12)

    assert 60 <= first <= 75  # never sooner than GitHub asked, at most +25 %
    assert 180 <= third <= 300  # 60 × 2², ±25 %
    assert tasks.MAX_BACKOFF_SECONDS * 0.75 <= late <= tasks.MAX_BACKOFF_SECONDS
    assert tasks.backoff_seconds(retry_after=3600, attempt=0) >= 3600  # GitHub's word stands


def test_a_batch_of_deleted_tools_does_nothing(github):
    assert tasks.refresh_batch.run(tool_ids=[987654]) == 0
    assert not RefreshRun.objects.exists()
    assert not github.requests


def test_refresh_contributors_queues_the_weekly_batches(
    github, queued, django_capture_on_commit_callbacks
):
    tools = seed(github, 2)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.refresh_contributors.run() == 2

    [call] = queued
    assert call["kwargs"]["tool_ids"] == [tools[0].pk, tools[1].pk]
    assert tasks.refresh_contributors_batch.run(**call["kwargs"]) == 2
    assert Tool.objects.get(pk=tools[0].pk).contributors == 25


def test_recompute_rankings_scores_the_tools(github):
    tool = make_tool(stars=500, forks=20, metrics_as_of=datetime.now(UTC))
    today = datetime.now(UTC).date()
    make_snapshot(tool, today - timedelta(days=30), stars=400)
    make_snapshot(tool, today, stars=500)

    assert tasks.recompute_rankings.run(tool_ids=[tool.pk]) == 1

    tool.refresh_from_db()
    assert tool.rankings_computed_at is not None
    assert tool.stars_gained_30d == 100


@pytest.mark.parametrize(
    "task", [tasks.refresh_batch, tasks.refresh_contributors_batch, tasks.refresh_due]
)
def test_tasks_survive_a_lost_worker_and_cannot_hang_forever(task):
    assert task.acks_late
    assert task.reject_on_worker_lost
    assert 0 < task.soft_time_limit < task.time_limit
