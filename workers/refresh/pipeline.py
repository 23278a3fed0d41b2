"""The metrics refresh pipeline: pick the tools due, fetch them from GitHub in batches, write the
day's snapshot and the tools' facts, recompute rankings of what changed, audit it in a RefreshRun.

Celery tasks (``workers.tasks``) and ``manage.py refresh_metrics`` both run these functions; the
tasks add queueing, the command adds a progress bar and waiting. Nothing here sleeps.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from catalog.models import RefreshRun, Tool
from catalog.ranking.writer import recompute_derived
from workers.github import (
    NO_TOKEN_WARNING,
    BatchResult,
    GitHubClient,
    GitHubError,
    RateLimitExhausted,
    RepoRef,
    RetryLater,
)
from workers.locks import tools_claim, tools_release
from workers.refresh.ranks import ranks_after_refresh
from workers.refresh.runs import (
    RefreshTally,
    run_failure_recorded,
    run_finish,
    run_keep_alive,
    run_start,
    runs_start,
    runs_sweep_lost,
    visibility_timeout,
)
from workers.refresh.writes import tools_record_batch_error, tools_write_results

logger = logging.getLogger(__name__)

# Without a token GitHub allows 60 REST requests an hour; one scheduled run takes that much.
NO_TOKEN_TOOLS_PER_RUN = 60


@dataclass
class BatchOutcome:
    """What one batch did, and what is left for later."""

    tally: RefreshTally = field(default_factory=RefreshTally)
    refreshed_ids: list[int] = field(default_factory=list)
    deferred_ids: list[int] = field(default_factory=list)
    retry_at: datetime | None = None  # the budget resets then (RateLimitExhausted)
    retry_after: float | None = None  # GitHub asked us to slow down (RetryLater)
    run: RefreshRun | None = None


def claim_ttl() -> int:
    """A claim lasts as long as the broker waits before handing an unacked batch to another
    worker: past that, the batch may legitimately run elsewhere."""
    return visibility_timeout()


def run_owner(run: RefreshRun) -> str:
    # Stable for the run (a redelivered batch resumes its claims), unique across databases' runs.
    return f"run-{run.pk}-{run.started_at.timestamp():.6f}"


def tools_due(
    *, now: datetime, max_age: timedelta, retry_failing: bool = False, limit: int | None = None
) -> list[int]:
    """Ids of the tools to refresh, stalest first (never refreshed before everything else).

    Tools that failed ``REFRESH_MAX_CONSECUTIVE_FAILURES`` times in a row wait until a curator
    resets their count or a ``retry_failing`` run (weekly by default) tries them again.
    """
    ceiling = settings.REFRESH_MAX_CONSECUTIVE_FAILURES
    failing = Q(consecutive_failures__gte=ceiling)
    tools = Tool.objects.filter(failing if retry_failing else ~failing)
    tools = tools.filter(Q(last_refreshed_at__isnull=True) | Q(last_refreshed_at__lt=now - max_age))
    tools = tools.order_by(F("last_refreshed_at").asc(nulls_first=True), "pk")
    ids = tools.values_list("pk", flat=True)
    return list(ids[:limit] if limit is not None else ids)


def refresh_tools(
    *, tools: Sequence[Tool], client: GitHubClient, now: datetime, rank: bool = True
) -> BatchOutcome:
    """Fetch ``tools`` from GitHub and write the results, then (``rank``) recompute their
    rankings. Tools must have their topics prefetched."""
    by_key = {str(tool.pk): tool for tool in tools}
    refs = [
        RepoRef(key=k, full_name=t.full_name, node_id=t.github_node_id) for k, t in by_key.items()
    ]
    fetched = RefreshTally()
    outcome = BatchOutcome()
    try:
        results, source = _fetch(client, refs, fetched)
    except _Deferred as deferred:
        results, source = deferred.results, deferred.source
        outcome.retry_at, outcome.retry_after = deferred.retry_at, deferred.retry_after
        fetched.errors.append(deferred.reason)
    except GitHubError as exc:
        # A whole request failed (GitHub's fault, or our query's): no tool gets a strike.
        results, source = _partial(exc, fetched), _source(client)
        answered = {result.key for result in results}
        unanswered = [tool for key, tool in by_key.items() if key not in answered]
        tools_record_batch_error(tools=unanswered, error=f"GitHub: {exc}", now=now)
        fetched.failed = len(unanswered)
        fetched.errors.append(f"whole request failed for {len(unanswered)} tools: {exc}")
        if not results:
            outcome.tally = fetched
            return outcome
        by_key = {key: tool for key, tool in by_key.items() if key in answered}
    written, outcome.refreshed_ids = tools_write_results(
        tools=by_key, results=results, now=now, source=source
    )
    answered = {result.key for result in results}
    outcome.deferred_ids = [tool.pk for key, tool in by_key.items() if key not in answered]
    fetched.deferred = len(outcome.deferred_ids)
    fetched.add(written)
    outcome.tally = fetched
    if rank:
        rankings_after_write(tool_ids=outcome.refreshed_ids, tally=outcome.tally)
    return outcome


def rankings_after_write(*, tool_ids: Sequence[int], tally: RefreshTally) -> None:
    """Recompute the rankings of the tools just written. The writes are committed: a failure
    here is said on the run (the next refresh, or ``manage.py recompute_rankings``, brings the
    scores up to date) and never turns the batch into a failure that claims nothing was written.
    """
    if not tool_ids:
        return
    try:
        _, layer_ids = recompute_derived(tool_ids=tool_ids)
        ranks_after_refresh(layer_ids=layer_ids)
    except Exception as exc:
        logger.exception("rankings of %d refreshed tools not recomputed", len(tool_ids))
        tally.errors.append(
            f"metrics written, but rankings not recomputed ({type(exc).__name__}: {exc}); "
            "the next refresh or `manage.py recompute_rankings` recomputes them"
        )


def claims_release(*, tool_ids: Sequence[int], owner: str, tally: RefreshTally, kind: str) -> None:
    """Give the claims back; if the cache is unreachable they expire by themselves, which is
    said on the run — the tools were written all the same."""
    try:
        tools_release(tool_ids=tool_ids, owner=owner, kind=kind)
    except Exception as exc:
        logger.warning("claims of %d tools not released: %s", len(tool_ids), exc)
        tally.errors.append(
            f"claims not released ({type(exc).__name__}: {exc}); they expire in {claim_ttl()} s"
        )


class _Deferred(Exception):
    """GitHub's budget or patience ran out: ``results`` got through, the rest waits."""

    def __init__(self, *, results, source, reason, retry_at=None, retry_after=None):
        super().__init__(reason)
        self.results, self.source, self.reason = results, source, reason
        self.retry_at, self.retry_after = retry_at, retry_after


def _fetch(client: GitHubClient, refs: list[RepoRef], tally: RefreshTally) -> tuple[list, str]:
    """Results for ``refs``: one batched GraphQL call with a token, REST one by one without."""
    source = _source(client)
    results: list = []
    try:
        if client.has_token:
            batch = client.fetch_repositories(refs)
            tally.requests, tally.points = batch.requests, batch.points
            tally.note_rate_limit(batch.rate_limit)
            return batch.results, source
        for ref in refs:  # no token: 60 REST requests an hour, one repository at a time
            points = client.rest_points
            result, requests = client.fetch_repository_rest(ref)
            tally.requests += requests
            tally.points += client.rest_points - points
            results.append(result)
        tally.note_rate_limit(client.rate_limit("core"))
        return results, source
    except RateLimitExhausted as exc:
        results = _partial(exc, tally) or results
        tally.rate_limit_remaining, tally.rate_limit_reset_at = 0, exc.reset_at
        reason = f"rate limit spent; the rest waits for the reset at {exc.reset_at:%H:%M:%S} UTC"
        raise _Deferred(
            results=results, source=source, reason=reason, retry_at=exc.reset_at
        ) from exc
    except RetryLater as exc:
        results = _partial(exc, tally) or results
        reason = f"GitHub asked to slow down ({exc}); retrying in {exc.retry_after:.0f} s"
        raise _Deferred(
            results=results, source=source, reason=reason, retry_after=exc.retry_after
        ) from exc


def _source(client: GitHubClient) -> str:
    return "github-graphql" if client.has_token else "github-rest"


def _partial(exc: GitHubError, tally: RefreshTally) -> list:
    """What a batched fetch got before GitHub stopped it (it is written; the rest waits)."""
    partial: BatchResult | None = getattr(exc, "partial", None)
    if partial is None:
        return []
    tally.requests += partial.requests
    tally.points += partial.points
    tally.note_rate_limit(partial.rate_limit)
    return partial.results


def refresh_batch(
    *, tool_ids: Sequence[int], run_id: int | None = None, trigger: str = "task",
    client: GitHubClient | None = None,
) -> BatchOutcome:  # fmt: skip
    """Refresh one batch as a unit of queued work: claim, fetch, write, audit, release.

    Ids of deleted tools are dropped quietly. Tools another worker is refreshing right now are
    skipped (and said so on the run). ``run_id`` names a run created when the batch was queued,
    so a batch redelivered after its worker died fills the same run instead of a second one.
    """
    run = RefreshRun.objects.filter(pk=run_id).first() if run_id else None
    if run is None:
        if not Tool.objects.filter(pk__in=tool_ids).exists():
            return BatchOutcome()
        run = run_start(kind=RefreshRun.Kind.METRICS, trigger=trigger, tools_total=len(tool_ids))
    else:
        run_keep_alive(run)  # a worker has the batch now (perhaps redelivered): not lost
    with run_failure_recorded(run):
        outcome = refresh_claimed(tool_ids=tool_ids, run=run, client=client)
    run_finish(run=run, tally=outcome.tally)
    outcome.run = run
    return outcome


def refresh_claimed(
    *, tool_ids: Sequence[int], run: RefreshRun, client: GitHubClient | None = None,
    rank: bool = True,
) -> BatchOutcome:  # fmt: skip
    """Claim the tools for ``run``, refresh the ones claimed, give the claims back."""
    owner = run_owner(run)
    claimed = tools_claim(tool_ids=tool_ids, owner=owner, ttl=claim_ttl())
    outcome = BatchOutcome()
    try:
        tools = list(Tool.objects.filter(pk__in=claimed).prefetch_related("topics"))
        if tools:
            with client_or_default(client) as github:
                outcome = refresh_tools(tools=tools, client=github, now=timezone.now(), rank=rank)
                if not github.has_token:
                    outcome.tally.errors.insert(0, NO_TOKEN_WARNING)
    except BaseException:
        # The refresh itself failed: give the claims back if we can, report its error.
        with suppress(Exception):
            tools_release(tool_ids=claimed, owner=owner)
        raise
    claims_release(tool_ids=claimed, owner=owner, tally=outcome.tally, kind="metrics")
    busy = len(set(tool_ids) - set(claimed))
    if busy:
        outcome.tally.errors.append(f"{busy} tools skipped: another worker is refreshing them")
    return outcome


@contextmanager
def client_or_default(client: GitHubClient | None) -> Iterator[GitHubClient]:
    """The caller's client, or one from the settings that is closed afterwards."""
    if client is not None:
        yield client
        return
    with GitHubClient.from_settings() as own:
        yield own


def refresh_enqueue_due(
    *, max_age_hours: float = 5, retry_failing: bool = False, trigger: str = "schedule",
    batch_size: int | None = None,
) -> list[tuple[int, list[int]]]:  # fmt: skip
    """Pick the tools due and split them into batches, each with its run, claimed for it.

    Returns (run id, tool ids) per batch; the caller queues them. Tools still claimed by an
    earlier, unfinished batch are left to it, so a slow backlog is never queued twice.
    """
    runs_sweep_lost()  # also every few minutes on its own (workers.schedules)
    limit = None if settings.GITHUB_TOKENS else NO_TOKEN_TOOLS_PER_RUN
    now = timezone.now()
    due = tools_due(
        now=now, max_age=timedelta(hours=max_age_hours), retry_failing=retry_failing, limit=limit
    )
    size = batch_size or settings.GITHUB_BATCH_SIZE
    chunks = [due[start : start + size] for start in range(0, len(due), size)]
    return batches_claim(chunks=chunks, kind=RefreshRun.Kind.METRICS, trigger=trigger)


#: A pass's claims are kept apart from the other passes' (a tool can be in one of each).
CLAIM_KINDS: dict[str, str] = {
    RefreshRun.Kind.CONTRIBUTORS: "contributors",
    RefreshRun.Kind.STAR_HISTORY: "star-history",
}


def batches_claim(
    *, chunks: Sequence[Sequence[int]], kind: str, trigger: str
) -> list[tuple[int, list[int]]]:
    """A run per chunk, its tools claimed for it: (run id, claimed ids) for the caller to queue
    with ``run_id``, so a copy the broker redelivers after a worker died resumes the same run
    and claims. A chunk whose tools are all claimed elsewhere gets no run; a claim that fails
    (Redis down, the task's time limit) is recorded on its run, and the chunks after it, never
    tried, get none. Nothing is queued then: the chunks claimed before it give their claims
    back (when the cache answers) and lose their runs, so their tools are not held for the
    claims' lifetime by batches that will never run."""
    claim_kind = CLAIM_KINDS.get(kind, "metrics")
    # The runs first, all in one INSERT: a claim's owner is its run.
    runs = runs_start(kind=kind, trigger=trigger, tools_totals=[len(chunk) for chunk in chunks])
    batches: list[tuple[int, list[int]]] = []
    unclaimed: list[int] = []
    tried = 0
    try:
        for run, chunk in zip(runs, chunks, strict=True):
            tried += 1
            with run_failure_recorded(run):
                claimed = tools_claim(
                    tool_ids=chunk, owner=run_owner(run), ttl=claim_ttl(), kind=claim_kind
                )
            if not claimed:
                unclaimed.append(run.pk)
                continue
            if len(claimed) < len(chunk):
                RefreshRun.objects.filter(pk=run.pk).update(tools_total=len(claimed))
            batches.append((run.pk, claimed))
    except BaseException:
        owners = {run.pk: run_owner(run) for run in runs}
        for run_pk, claimed in batches:
            with suppress(Exception):  # the cache is down: the claims expire by themselves
                tools_release(tool_ids=claimed, owner=owners[run_pk], kind=claim_kind)
        unclaimed += [run_pk for run_pk, _ in batches]
        raise
    finally:
        # Runs of chunks wholly claimed elsewhere, or never tried after a failure, did nothing.
        unclaimed += [run.pk for run in runs[tried:]]
        if unclaimed:
            RefreshRun.objects.filter(pk__in=unclaimed).delete()
    return batches
