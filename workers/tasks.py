"""Celery tasks: each takes ids, calls one function, and decides only about queueing.

Every task is ``acks_late`` with ``reject_on_worker_lost`` (settings): a batch whose worker dies
goes back to the queue and another worker finishes it. The time limits are explicit: a batch is
one GraphQL query (or 100 REST requests for contributors) plus a few bulk writes — seconds,
with the client's own retries at most a few minutes. Past the soft limit something hangs; the
hard limit frees the worker slot well before Redis's visibility timeout (2 h) would hand the
same batch to a second worker.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from catalog.models import RefreshRun, Tool
from workers.github import backoff
from workers.refresh import contributors, history
from workers.refresh import pipeline as refresh
from workers.refresh.runs import run_start, runs_sweep_lost

logger = logging.getLogger(__name__)

BATCH_LIMITS = {"soft_time_limit": 5 * 60, "time_limit": 6 * 60}
PERIODIC_LIMITS = {"soft_time_limit": 2 * 60, "time_limit": 3 * 60}  # a few queries, then queueing
MAX_BACKOFF_SECONDS = 30 * 60
RESET_MARGIN = timedelta(seconds=5)  # GitHub's clocks and ours differ a little


@shared_task(acks_late=True, reject_on_worker_lost=True, **PERIODIC_LIMITS)
def refresh_due(max_age_hours: float = 5, retry_failing: bool = False) -> int:
    batches = refresh.refresh_enqueue_due(max_age_hours=max_age_hours, retry_failing=retry_failing)
    for run_id, tool_ids in batches:
        _enqueue_on_commit(refresh_batch, tool_ids=tool_ids, run_id=run_id)
    return sum(len(tool_ids) for _, tool_ids in batches)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8, **BATCH_LIMITS)
def refresh_batch(self, tool_ids: list[int], run_id: int | None = None) -> int:
    run_id = run_id or _delivery_run(self, kind=RefreshRun.Kind.METRICS, tool_ids=tool_ids)
    outcome = refresh.refresh_batch(tool_ids=tool_ids, run_id=run_id)
    _continue_later(self, outcome)
    return len(outcome.refreshed_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, **PERIODIC_LIMITS)
def refresh_contributors(max_age_days: float = 7) -> int:
    batches = contributors.refresh_contributors_enqueue_due(max_age_days=max_age_days)
    for run_id, tool_ids in batches:
        _enqueue_on_commit(refresh_contributors_batch, tool_ids=tool_ids, run_id=run_id)
    return sum(len(tool_ids) for _, tool_ids in batches)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8, **BATCH_LIMITS)
def refresh_contributors_batch(self, tool_ids: list[int], run_id: int | None = None) -> int:
    run_id = run_id or _delivery_run(self, kind=RefreshRun.Kind.CONTRIBUTORS, tool_ids=tool_ids)
    outcome = contributors.refresh_contributors_batch(tool_ids=tool_ids, run_id=run_id)
    _continue_later(self, outcome)
    return outcome.tally.ok


@shared_task(acks_late=True, reject_on_worker_lost=True, **PERIODIC_LIMITS)
def refresh_star_history(max_age_days: float = 7) -> int:
    batches = history.refresh_history_enqueue_due(max_age_days=max_age_days)
    for run_id, tool_ids in batches:
        _enqueue_on_commit(refresh_star_history_batch, tool_ids=tool_ids, run_id=run_id)
    return sum(len(tool_ids) for _, tool_ids in batches)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=8, **BATCH_LIMITS)
def refresh_star_history_batch(self, tool_ids: list[int], run_id: int | None = None) -> int:
    # A backfill of 50 tools is a few hundred requests of a few KB: within BATCH_LIMITS.
    run_id = run_id or _delivery_run(self, kind=RefreshRun.Kind.STAR_HISTORY, tool_ids=tool_ids)
    outcome = history.refresh_history_batch(tool_ids=tool_ids, run_id=run_id)
    _continue_later(self, outcome)
    return outcome.tally.ok


@shared_task(**PERIODIC_LIMITS)
def refresh_sweep_lost() -> int:
    # Not acks_late: a sweep lost with its message is simply done by the next one.
    return runs_sweep_lost()


@shared_task(
    acks_late=True, reject_on_worker_lost=True, soft_time_limit=10 * 60, time_limit=11 * 60
)
def recompute_integrity() -> int:
    # One pass over every tool's daily series (lockstep compares them all): minutes at most.
    from catalog.services.integrity import integrity_recompute

    return integrity_recompute()


@shared_task(
    acks_late=True, reject_on_worker_lost=True, soft_time_limit=10 * 60, time_limit=11 * 60
)
def recompute_rankings(tool_ids: list[int] | None = None) -> int:
    # Whole-catalog recomputes are bulk SQL over every tool: minutes at most, hence 10.
    from catalog.ranking.writer import recompute_rankings as recompute

    return recompute(tool_ids=tool_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=5 * 60, time_limit=6 * 60)
def recompute_layer_ranks(layer_id: int) -> int:
    # One layer's ranks for every batch that asked since it was queued (workers.refresh.ranks):
    # one read of the layer's tools and one bulk write, seconds at 100k tools.
    from workers.refresh.ranks import ranks_due_run

    return ranks_due_run(layer_id=layer_id)


def _enqueue_on_commit(task, **kwargs) -> None:
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs))


def _continue_later(task, outcome: refresh.BatchOutcome) -> None:
    """Queue what GitHub's limits left over: at the budget's reset, or after a backoff."""
    if not outcome.deferred_ids:
        return
    if task.request.is_eager:  # no broker: the next schedule or command picks them up
        logger.warning("%d tools deferred; no broker to queue them on", len(outcome.deferred_ids))
        return
    # The follow-up gets its run and claims now, like a scheduled batch: the next schedule
    # leaves these tools to it, and a redelivered copy resumes its claims.
    kind = outcome.run.kind if outcome.run is not None else RefreshRun.Kind.METRICS
    batches = refresh.batches_claim(chunks=[outcome.deferred_ids], kind=kind, trigger="deferred")
    if not batches:  # another batch holds them all now
        return
    [(run_id, tool_ids)] = batches
    kwargs = {"tool_ids": tool_ids, "run_id": run_id}
    if outcome.retry_at is not None:  # budget spent: a fresh task at the reset, not a retry
        task.apply_async(kwargs=kwargs, eta=outcome.retry_at + RESET_MARGIN)
        return
    countdown = backoff_seconds(retry_after=outcome.retry_after or 60, attempt=task.request.retries)
    raise task.retry(kwargs=kwargs, countdown=countdown)


def _delivery_run(task, *, kind: str, tool_ids: list[int]) -> int | None:
    """The run of a batch queued without one (admin "Refresh now", an approved suggestion).

    Made on the first delivery and remembered under the task's id, which a copy the broker
    redelivers after a worker died shares: that copy fills the same run and takes back the
    dead worker's claims instead of finding its tools "busy" and dropping them.
    """
    if task.request.is_eager or not task.request.id:
        return None
    database = settings.DATABASES["default"]["NAME"]
    key = f"strata:delivery-run:{database}:{task.request.id}:{task.request.retries or 0}"
    run_id = cache.get(key)
    if run_id is not None:
        return run_id
    if not Tool.objects.filter(pk__in=tool_ids).exists():
        return None
    run = run_start(kind=kind, trigger="task", tools_total=len(tool_ids))
    ttl = refresh.claim_ttl() + 60 * 60  # longer than any copy of the message can live
    if cache.add(key, run.pk, timeout=ttl):
        return run.pk
    run.delete()  # a copy delivered at the same moment made it first
    return cache.get(key)


def backoff_seconds(*, retry_after: float, attempt: int) -> float:
    """GitHub's Retry-After, doubled per attempt up to a cap, with jitter so workers spread
    out, and never sooner than GitHub asked."""
    return backoff(
        attempt,
        base=retry_after,
        cap=MAX_BACKOFF_SECONDS,
        jitter=random.random(),
        floor=retry_after,
    )
