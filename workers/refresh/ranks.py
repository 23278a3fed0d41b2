"""Ranks after a refresh: once per layer for many batches, not once per batch.

A batch writes its tools' scores at once (``recompute_derived``); renumbering ranks reads every
tool of the touched layers. Measured at 100,000 tools (PostgreSQL, this 2-core machine): 1.8 s
per batch of 50 tools spread over every layer, so a Celery worker refreshing the whole catalog
spent its time re-reading layers — 14 tools/s, about two hours for the pass, each batch's cost
growing with the catalog.

So inside a worker a batch only asks for its layers' ranks: the first ask for a layer queues
one ``recompute_layer_ranks`` task ``RANKS_DELAY_SECONDS`` later and marks the layer "due" in
the shared cache; asks while it waits join it. The task marks the layer "running" and clears
"due" *before* reading, so a batch that writes while it runs queues the next one: ranks lag
the scores by at most the delay plus one re-rank, and end equal to a fresh computation.

Everywhere else — no broker (eager tasks: ``make run``, the tests), ``refresh_metrics`` and the
refresh loop in a process of their own, ``RANKS_DELAY_SECONDS=0`` — and whenever the cache or
the broker cannot be reached, the ranks are renumbered in place as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import suppress

from celery import current_task
from django.conf import settings
from django.core.cache import cache

from catalog.ranking.writer import recompute_ranks

logger = logging.getLogger(__name__)

#: A "due" mark outlives its task's countdown by this much: a task lost with the broker's
#: data lets the next batch queue another.
DUE_GRACE_SECONDS = 10 * 60
#: A "running" mark expires a minute past the task's hard time limit (6 min, ``workers.tasks``):
#: a worker killed mid-re-rank leaves no mark for longer than the task could have run.
RUNNING_SECONDS = 7 * 60


def _key(state: str, layer_id: int) -> str:
    # The database name keeps two deployments (or test databases) sharing one Redis apart.
    return f"strata:ranks:{settings.DATABASES['default']['NAME']}:{state}:{layer_id}"


def _due_key(layer_id: int) -> str:
    return _key("due", layer_id)


def _running_key(layer_id: int) -> str:
    return _key("running", layer_id)


def _in_worker() -> bool:
    """True inside a task a Celery worker is running (not an eager call, not a command)."""
    task = current_task
    return bool(task) and not task.request.is_eager


def ranks_after_refresh(*, layer_ids: Iterable[int]) -> None:
    """Renumber the ranks of ``layer_ids`` now, or (inside a worker) once soon for all the
    batches that ask before it runs."""
    wanted = sorted(set(layer_ids))
    if not wanted:
        return
    delay = settings.RANKS_DELAY_SECONDS
    if delay <= 0 or not _in_worker():
        recompute_ranks(layer_ids=wanted)
        return
    from workers.tasks import recompute_layer_ranks  # the tasks import the pipeline

    in_place = []
    for layer_id in wanted:
        try:
            if not cache.add(_due_key(layer_id), True, timeout=delay + DUE_GRACE_SECONDS):
                continue  # a re-rank is already queued for this layer
            recompute_layer_ranks.apply_async(kwargs={"layer_id": layer_id}, countdown=delay)
        except Exception as exc:  # the cache or the broker is down: rank here, as before
            logger.warning("ranks of layer %s renumbered in place: %s", layer_id, exc)
            in_place.append(layer_id)
            with suppress(Exception):  # else the next batches would wait on a task never queued
                cache.delete(_due_key(layer_id))
    if in_place:
        recompute_ranks(layer_ids=in_place)


def ranks_due_run(*, layer_id: int) -> int:
    """The queued re-rank of one layer; returns how many tools' ranks changed."""
    try:
        cache.set(_running_key(layer_id), True, timeout=RUNNING_SECONDS)
        cache.delete(_due_key(layer_id))
    except Exception as exc:  # the due mark expires by itself
        logger.warning("ranks of layer %s: cache unreachable (%s)", layer_id, exc)
    try:
        return recompute_ranks(layer_ids=[layer_id])
    finally:
        try:
            cache.delete(_running_key(layer_id))
        except Exception as exc:  # it expires by itself
            logger.warning("ranks of layer %s: running mark kept (%s)", layer_id, exc)


def ranks_pending(*, layer_ids: Iterable[int]) -> bool:
    """Whether a re-rank of any of ``layer_ids`` is queued or running."""
    keys = [key for layer_id in layer_ids for key in (_due_key(layer_id), _running_key(layer_id))]
    return bool(cache.get_many(keys))
