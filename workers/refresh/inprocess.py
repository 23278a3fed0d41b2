"""The refresh pipeline run in one process, batch after batch (``manage.py refresh_metrics``).

Same functions as the Celery tasks, one RefreshRun for the whole run. When GitHub's budget runs
out it either stops cleanly (saying how many tools are left and when the budget resets) or, with
``wait``, sleeps until the reset and goes on — sleeping is fine in a command, never in a worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from catalog.models import RefreshRun
from workers.github import GitHubClient
from workers.refresh.pipeline import rankings_after_write, refresh_claimed
from workers.refresh.runs import RefreshTally, run_finish, run_keep_alive, run_start

# GitHub asking us to slow down (secondary limit) more often than this in a row means stop.
MAX_SLOWDOWNS = 5


@dataclass
class InProcessResult:
    run: RefreshRun
    left: int  # tools not refreshed because the budget ran out
    reset_at: datetime | None


def wait_seconds(seconds: float) -> None:
    """Sleep: a command may wait for GitHub, a worker never does (tests replace this)."""
    time.sleep(seconds)


def refresh_in_process(
    *,
    tool_ids: Sequence[int],
    wait: bool = False,
    client_factory: Callable[[], GitHubClient] = GitHubClient.from_settings,
    on_progress: Callable[[int], None] = lambda done: None,
    on_wait: Callable[[datetime], None] = lambda until: None,
) -> InProcessResult:
    """Refresh ``tool_ids`` in batches of ``GITHUB_BATCH_SIZE``; report progress per batch."""
    run = run_start(kind=RefreshRun.Kind.METRICS, trigger="command", tools_total=len(tool_ids))
    tally = RefreshTally()
    pending = list(tool_ids)
    size = settings.GITHUB_BATCH_SIZE
    slowdowns = 0
    reset_at = None
    refreshed: list[int] = []
    client = client_factory()
    try:
        while pending:
            chunk, rest = pending[:size], pending[size:]
            run_keep_alive(run)  # a long run (waiting for GitHub's reset) is not lost
            outcome = refresh_claimed(tool_ids=chunk, run=run, client=client, rank=False)
            refreshed += outcome.refreshed_ids
            tally.add(outcome.tally, with_deferred=False)
            on_progress(len(chunk) - len(outcome.deferred_ids))
            pending = outcome.deferred_ids + rest
            if not outcome.deferred_ids:
                slowdowns = 0
                continue
            if outcome.retry_after is not None and slowdowns < MAX_SLOWDOWNS:
                slowdowns += 1
                wait_seconds(min(outcome.retry_after * 2 ** (slowdowns - 1), 15 * 60))
                continue
            reset_at = outcome.retry_at
            if not (wait and reset_at):
                break
            on_wait(reset_at)
            wait_seconds(max((reset_at - timezone.now()).total_seconds(), 0) + 1)
            reset_at = None
            client.close()
            client = client_factory()  # a new rate-limit window: start from what GitHub says
    finally:
        client.close()
        # Once for the whole run rather than per batch: re-ranking a layer is per layer.
        rankings_after_write(tool_ids=refreshed, tally=tally)
    tally.deferred = len(pending)
    run_finish(run=run, tally=tally)
    return InProcessResult(run=run, left=len(pending), reset_at=reset_at)
