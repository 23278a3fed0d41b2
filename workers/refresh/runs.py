"""RefreshRun bookkeeping: what a refresh did, shown to curators in admin, not only in a log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.template.defaultfilters import pluralize
from django.utils import timezone

from catalog.models import RefreshRun

MAX_ERROR_LINES = 30


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


def run_start(*, kind: str, trigger: str, tools_total: int) -> RefreshRun:
    return RefreshRun.objects.create(kind=kind, trigger=trigger[:32], tools_total=tools_total)


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


def runs_sweep_abandoned(*, older_than: timedelta) -> int:
    """Mark runs still "running" long after any worker could be on them as failed."""
    cutoff = timezone.now() - older_than
    return RefreshRun.objects.filter(
        status=RefreshRun.Status.RUNNING, started_at__lt=cutoff
    ).update(
        status=RefreshRun.Status.FAILED,
        finished_at=timezone.now(),
        error_summary="abandoned: no worker finished this run (worker lost or task dropped)",
    )


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
