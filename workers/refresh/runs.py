"""RefreshRun bookkeeping: what a refresh did, shown to curators in admin, not only in a log."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.template.defaultfilters import pluralize
from django.utils import timezone

from catalog.models import RefreshRun
from catalog.outages import CACHE_ERRORS

logger = logging.getLogger(__name__)

MAX_ERROR_LINES = 30
#: Rows per INSERT when runs are started together: 17 columns each stays well under
#: PostgreSQL's 65,535 parameters per statement. On SQLite Django applies its own, lower
#: limit (999 parameters: 58 runs per INSERT).
RUNS_PER_INSERT = 2000
#: A run younger than this is never judged lost (its batch is being queued right now).
LOST_GRACE = timedelta(minutes=2)
LOST_PREFIX = "lost: "
LOST_MESSAGE_GONE = (
    LOST_PREFIX + "its batch is no longer queued nor being worked on (Redis restarted without "
    "its data, or no worker took it up within the broker's visibility timeout); its tools are "
    "refreshed again when next due"
)
LOST_TIMED_OUT = (
    LOST_PREFIX + "no worker finished it within the broker's visibility timeout (worker lost "
    "or task dropped); its tools are refreshed again when next due"
)


@dataclass
class RefreshTally:
    """Counts of one refresh. ``renamed`` is a subset of ``ok``; the rest add up to the total."""

    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    renamed: int = 0
    missing: int = 0
    deferred: int = 0
    requests: int = 0
    points: int = 0
    rate_limit_remaining: int | None = None
    rate_limit_reset_at: datetime | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.ok + self.not_modified + self.failed + self.missing + self.deferred

    def add(self, other: RefreshTally, *, with_deferred: bool = True) -> None:
        for name in ("ok", "not_modified", "failed", "renamed", "missing", "requests", "points"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if with_deferred:
            self.deferred += other.deferred
        if other.rate_limit_remaining is not None:
            self.rate_limit_remaining = other.rate_limit_remaining
            self.rate_limit_reset_at = other.rate_limit_reset_at
        self.errors += other.errors

    def note_rate_limit(self, state) -> None:
        """Keep the latest ``RateLimitState`` GitHub reported (None fields mean "not reported")."""
        if state is not None and state.remaining is not None:
            self.rate_limit_remaining = state.remaining
            self.rate_limit_reset_at = state.reset_at


def visibility_timeout() -> int:
    """Seconds before the broker hands an unacknowledged batch to another worker."""
    return int(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 7200))


def _alive_key(run_id: int) -> str:
    database = settings.DATABASES["default"]["NAME"]
    return f"strata:run-queued:{database}:{run_id}"


def run_start(*, kind: str, trigger: str, tools_total: int) -> RefreshRun:
    [run] = runs_start(kind=kind, trigger=trigger, tools_totals=[tools_total])
    return run


def runs_start(*, kind: str, trigger: str, tools_totals: Sequence[int]) -> list[RefreshRun]:
    """A run per batch, in order, each counting its batch's tools: one INSERT (PostgreSQL and
    SQLite return the new ids) and one cache round trip for the queued marks, however many
    batches a schedule queues (2,000 at 100k tools)."""
    runs = [RefreshRun(kind=kind, trigger=trigger[:32], tools_total=t) for t in tools_totals]
    if connections[RefreshRun.objects.db].features.can_return_rows_from_bulk_insert:
        RefreshRun.objects.bulk_create(runs, batch_size=RUNS_PER_INSERT)
    else:  # SQLite before 3.35 gives no ids back from a bulk INSERT; each batch needs its id
        for run in runs:
            run.save()
    runs_keep_alive(runs)
    return runs


def run_keep_alive(run: RefreshRun) -> None:
    runs_keep_alive([run])


def runs_keep_alive(runs: Sequence[RefreshRun]) -> None:
    """Note in the broker's Redis that each run's batch is queued or being worked on, for as
    long as the broker itself keeps an unacknowledged message. A Redis restarted without its
    data loses these marks together with the queued messages: that is how ``runs_sweep_lost``
    knows."""
    if not runs:
        return
    try:
        cache.set_many({_alive_key(run.pk): 1 for run in runs}, timeout=visibility_timeout())
    except CACHE_ERRORS as exc:  # the runs' messages are at risk too; the sweep will tell
        logger.warning(
            "refresh runs #%s to #%s: cannot mark them queued: %s", runs[0].pk, runs[-1].pk, exc
        )


def run_finish(*, run: RefreshRun, tally: RefreshTally, status: str | None = None) -> RefreshRun:
    """Write the tally onto the run (assignments, so a redelivered batch never double-counts)."""
    if status is None:
        status = RefreshRun.Status.DEFERRED if tally.deferred else RefreshRun.Status.FINISHED
    run.status = status
    run.finished_at = timezone.now()
    run.tools_total = tally.total
    run.tools_ok = tally.ok
    run.tools_not_modified = tally.not_modified
    run.tools_failed = tally.failed
    run.tools_renamed = tally.renamed
    run.tools_missing = tally.missing
    run.tools_deferred = tally.deferred
    run.github_requests = tally.requests
    run.rate_limit_points = tally.points
    run.rate_limit_remaining = tally.rate_limit_remaining
    run.rate_limit_reset_at = tally.rate_limit_reset_at
    run.error_summary = error_summary(tally.errors)
    run.save()
    with suppress(*CACHE_ERRORS):  # the mark expires by itself; the run is finished either way
        cache.delete(_alive_key(run.pk))
    return run


@contextmanager
def run_failure_recorded(run: RefreshRun) -> Iterator[None]:
    """A refresh that crashes (a bug, the database, the task's time limit) says so on its run
    before the error goes on up, so a curator sees it in admin, not only in a log."""
    try:
        yield
    except BaseException as exc:
        RefreshRun.objects.filter(pk=run.pk).update(
            status=RefreshRun.Status.FAILED,
            finished_at=timezone.now(),
            error_summary=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise


def error_summary(errors: list[str]) -> str:
    lines = errors[:MAX_ERROR_LINES]
    if len(errors) > MAX_ERROR_LINES:
        lines.append(f"… and {len(errors) - MAX_ERROR_LINES} more")
    return "\n".join(lines)


def runs_sweep_lost(*, now: datetime | None = None) -> int:
    """Close the runs no worker can still finish, marked lost with the reason; return how many.

    With a broker, a run is lost when its "queued" mark (``run_keep_alive``) is gone from Redis:
    Redis restarted without its data, so the queued batch is gone with it; or the broker's
    visibility timeout passed without a worker taking the batch up again. Either way it is
    found by the next sweep (every few minutes), not hours later. Without a broker (tasks run
    in-process, the cache is per process) a run is lost once it is older than the visibility
    timeout. A batch that still finishes later writes its true outcome over the mark.
    """
    now = now or timezone.now()
    running = RefreshRun.objects.filter(status=RefreshRun.Status.RUNNING)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        timed_out = running.filter(started_at__lt=now - timedelta(seconds=visibility_timeout()))
        return _close_lost(timed_out, now=now, reason=LOST_TIMED_OUT)
    candidates = list(running.filter(started_at__lt=now - LOST_GRACE).values_list("pk", flat=True))
    if not candidates:
        return 0
    try:
        marked = cache.get_many([_alive_key(pk) for pk in candidates])
    except CACHE_ERRORS as exc:  # cannot tell now; the next sweep will
        logger.warning("lost runs not swept: the cache is unreachable: %s", exc)
        return 0
    gone = [pk for pk in candidates if _alive_key(pk) not in marked]
    return _close_lost(running.filter(pk__in=gone), now=now, reason=LOST_MESSAGE_GONE)


def _close_lost(runs, *, now: datetime, reason: str) -> int:
    count = runs.update(status=RefreshRun.Status.LOST, finished_at=now, error_summary=reason)
    if count:
        logger.warning("%d refresh runs closed as %s", count, reason)
    return count


def run_summary(run: RefreshRun) -> str:
    """One paragraph a person can read: the same numbers the run records."""
    text = (
        f"{run.get_kind_display()} refresh #{run.pk}: {run.tools_total} tools — "
        f"{run.tools_ok} ok ({run.tools_renamed} renamed), {run.tools_not_modified} not modified, "
        f"{run.tools_failed} failed, {run.tools_missing} missing or blocked, "
        f"{run.tools_deferred} deferred. "
        f"GitHub: {run.github_requests} request{pluralize(run.github_requests)}, "
        f"{run.rate_limit_points} rate-limit point{pluralize(run.rate_limit_points)}"
    )
    if run.rate_limit_remaining is not None:
        text += f", {run.rate_limit_remaining} left"
        if run.rate_limit_reset_at:
            text += f" (resets {run.rate_limit_reset_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC)"
    return text + "."
