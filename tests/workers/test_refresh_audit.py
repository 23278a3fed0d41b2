"""The refresh audit tells the truth: a run counts what was written even when a later step
(ranking, giving the claims back) fails, and a run whose queued batch vanished is closed as
lost by the next sweep, minutes later, with the reason."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from catalog.models import RefreshRun, Tool
from tests.workers.refresh_helpers import assert_run, make_client, seed
from workers import tasks
from workers.refresh.contributors import refresh_contributors_batch
from workers.refresh.pipeline import refresh_batch, refresh_enqueue_due

pytestmark = pytest.mark.django_db


def refresh(tools, **options):
    return refresh_batch(tool_ids=[tool.pk for tool in tools], client=make_client(), **options)


def fails_with(error: BaseException):
    def fail(**_kwargs):
        raise error

    return fail


def test_a_ranking_failure_after_the_write_leaves_the_run_finished_with_what_was_written(
    github, monkeypatch
):
    tools = seed(github, 2)
    monkeypatch.setattr(
        "workers.refresh.pipeline.recompute_derived",
        fails_with(OperationalError("deadlock detected")),
    )

    outcome = refresh(tools)

    assert_run(outcome.run, ok=2)
    assert "metrics written, but rankings not recomputed" in outcome.run.error_summary
    assert "deadlock detected" in outcome.run.error_summary
    assert [Tool.objects.get(pk=t.pk).stars for t in tools] == [1000, 1001]


def test_claims_that_cannot_be_given_back_leave_the_run_finished_with_what_was_written(
    github, monkeypatch
):
    tools = seed(github, 2)
    monkeypatch.setattr(
        "workers.refresh.pipeline.tools_release",
        fails_with(ConnectionError("Error 111 connecting to redis")),
    )

    outcome = refresh(tools)

    assert_run(outcome.run, ok=2)
    assert "claims not released (ConnectionError" in outcome.run.error_summary
    assert "they expire in 7200 s" in outcome.run.error_summary
    assert Tool.objects.filter(last_refreshed_at__isnull=False).count() == 2


def test_the_task_counts_what_was_written_when_ranking_fails(github, monkeypatch):
    tools = seed(github, 3)
    monkeypatch.setattr(
        "workers.refresh.pipeline.recompute_derived", fails_with(RuntimeError("boom"))
    )

    assert tasks.refresh_batch.run(tool_ids=[t.pk for t in tools]) == 3

    assert_run(RefreshRun.objects.get(), ok=3)


@pytest.fixture
def with_broker(settings):
    """Tasks go through a broker (the cache is then shared by every worker)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return settings


def queued_minutes_ago(run_id: int, minutes: float) -> None:
    started = timezone.now() - timedelta(minutes=minutes)
    RefreshRun.objects.filter(pk=run_id).update(started_at=started)


def test_runs_whose_batches_vanished_with_a_restarted_redis_are_closed_as_lost(github, with_broker):
    seed(github, 3)
    github_batches = refresh_enqueue_due(max_age_hours=5, batch_size=1)
    [first, second, third] = [run_id for run_id, _ in github_batches]
    for run_id in (first, second, third):
        queued_minutes_ago(run_id, 3)
    cache.clear()  # Redis restarted without its data: the queued batches are gone

    assert tasks.refresh_sweep_lost.run() == 3

    for run_id in (first, second, third):
        run = RefreshRun.objects.get(pk=run_id)
        assert run.status == "lost"
        assert run.finished_at is not None
        assert run.error_summary.startswith("lost: its batch is no longer queued")
        assert "Redis restarted without its data" in run.error_summary
    # The tools are due again and queued afresh; those runs are alive and not touched.
    just_queued = refresh_enqueue_due(max_age_hours=5, batch_size=1)
    assert len(just_queued) == 3
    assert set(RefreshRun.objects.filter(status="running").values_list("pk", flat=True)) == {
        run_id for run_id, _ in just_queued
    }


def test_a_run_just_queued_or_still_marked_queued_is_left_running(github, with_broker):
    seed(github, 1)
    [(marked, _)] = refresh_enqueue_due(max_age_hours=5)
    queued_minutes_ago(marked, 30)
    unmarked_but_new = RefreshRun.objects.create(kind="metrics", trigger="schedule")

    assert tasks.refresh_sweep_lost.run() == 0

    assert RefreshRun.objects.get(pk=marked).status == "running"
    assert RefreshRun.objects.get(pk=unmarked_but_new.pk).status == "running"


def test_a_batch_closed_as_lost_that_still_arrives_writes_its_true_outcome(github, with_broker):
    tools = seed(github, 2)
    [(run_id, tool_ids)] = refresh_enqueue_due(max_age_hours=5)
    queued_minutes_ago(run_id, 3)
    cache.clear()
    tasks.refresh_sweep_lost.run()
    assert RefreshRun.objects.get(pk=run_id).status == "lost"

    refresh_batch(tool_ids=tool_ids, run_id=run_id, client=make_client())

    assert_run(RefreshRun.objects.get(pk=run_id), ok=2)
    assert [Tool.objects.get(pk=t.pk).stars for t in tools] == [1000, 1001]


def test_the_marks_last_as_long_as_the_brokers_visibility_timeout(github, with_broker):
    seed(github, 1)
    with_broker.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 1}
    [(run_id, _)] = refresh_enqueue_due(max_age_hours=5)
    queued_minutes_ago(run_id, 3)
    time.sleep(1.2)  # no worker took the batch up again within the visibility timeout

    assert tasks.refresh_sweep_lost.run() == 1
    lost = RefreshRun.objects.get(pk=run_id)
    assert (lost.status, lost.get_status_display()) == (
        "lost",
        "Lost (its queued batch vanished; see the error)",
    )
    assert lost.error_summary.startswith("lost: ")


def test_a_contributors_run_keeps_its_counts_when_ranking_fails(github, monkeypatch):
    tools = seed(github, 2, contributors=321)
    monkeypatch.setattr(
        "workers.refresh.pipeline.recompute_derived",
        fails_with(OperationalError("deadlock detected")),
    )

    outcome = refresh_contributors_batch(tool_ids=[t.pk for t in tools], client=make_client())

    assert_run(outcome.run, ok=2)
    assert "rankings not recomputed" in outcome.run.error_summary
    assert [Tool.objects.get(pk=t.pk).contributors for t in tools] == [321, 321]
