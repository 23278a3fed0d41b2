"""The weekly contributors pass: GraphQL has no contributor count, so this is one REST request per
repository, sent with the stored ETag (a 304 costs no rate limit and keeps the stored value).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from catalog.models import MetricSnapshot, RefreshRun, Tool, ToolStatus
from workers.github import GitHubClient, GitHubError, RateLimitExhausted, RetryLater
from workers.refresh.per_tool import per_tool_batch
from workers.refresh.pipeline import (
    BatchOutcome,
    batches_claim,
)
from workers.refresh.runs import (
    RefreshTally,
    run_finish,
    run_start,
)
from workers.refresh.writes import tool_rename

logger = logging.getLogger(__name__)

CONTRIBUTORS_BATCH_SIZE = 100
NO_TOKEN_SKIP = (
    "contributor counts skipped: GITHUB_TOKENS is not set, and GitHub's 60 REST requests an "
    "hour without a token go to the metrics refresh. Set GITHUB_TOKENS to count contributors."
)
# GitHub's contributors API lists at most this many for a repository ("too large" past it):
# when it refuses to count, the repository has at least this many, a lower bound.
CONTRIBUTORS_LISTED_CAP = 500
# GitHub answers 202 while it computes; ask again a little later rather than in a loop.
COMPUTING_RETRY_SECONDS = 120


def contributors_due(*, now: datetime, max_age: timedelta, limit: int | None = None) -> list[int]:
    """Tools whose contributor count is older than ``max_age``, stalest first."""
    tools = Tool.objects.filter(status__in=[ToolStatus.ACTIVE, ToolStatus.ARCHIVED])
    stale = Q(contributors_refreshed_at__isnull=True) | Q(
        contributors_refreshed_at__lt=now - max_age
    )
    tools = tools.filter(stale).order_by(F("contributors_refreshed_at").asc(nulls_first=True), "pk")
    ids = tools.values_list("pk", flat=True)
    return list(ids[:limit] if limit is not None else ids)


def refresh_contributors_batch(
    *, tool_ids: Sequence[int], run_id: int | None = None, trigger: str = "task",
    client: GitHubClient | None = None,
) -> BatchOutcome:  # fmt: skip
    # Contributors feed the score: the changed tools' score and ranks follow the new count.
    return per_tool_batch(
        work=refresh_contributors_of, run_kind=RefreshRun.Kind.CONTRIBUTORS,
        claim_kind="contributors", tool_ids=tool_ids, run_id=run_id, trigger=trigger,
        client=client,
    )  # fmt: skip


def refresh_contributors_of(
    *, tools: Sequence[Tool], client: GitHubClient, now: datetime
) -> BatchOutcome:
    outcome = BatchOutcome()
    tally = outcome.tally
    # What GitHub was asked and charged, counted on the client: also the pages of a tool
    # that a spent budget cut short.
    requests, points = client.requests, client.rest_points
    for index, tool in enumerate(tools):
        try:
            count = client.fetch_contributor_count(tool.full_name, etag=tool.contributors_etag)
        except RateLimitExhausted as exc:
            outcome.retry_at = tally.rate_limit_reset_at = exc.reset_at
            tally.rate_limit_remaining = 0
            tally.errors.append(f"rate limit spent; the rest waits for {exc.reset_at:%H:%M} UTC")
            outcome.deferred_ids += [t.pk for t in tools[index:]]
            break
        except RetryLater as exc:
            outcome.retry_after = exc.retry_after
            tally.errors.append(f"GitHub asked to slow down ({exc})")
            outcome.deferred_ids += [t.pk for t in tools[index:]]
            break
        except GitHubError as exc:
            tally.failed += 1
            tally.errors.append(f"{tool.full_name}: contributors: {exc}")
            continue
        _apply_count(tool, count, now=now, outcome=outcome)
    tally.deferred = len(outcome.deferred_ids)
    tally.requests += client.requests - requests
    tally.points += client.rest_points - points
    tally.note_rate_limit(client.rate_limit("core"))
    return outcome


def _apply_count(tool: Tool, count, *, now: datetime, outcome: BatchOutcome) -> None:
    tally = outcome.tally
    if count.status == "not_modified":
        tally.not_modified += 1
        Tool.objects.filter(pk=tool.pk).update(contributors_refreshed_at=now)
        return
    if count.status == "computing":
        outcome.deferred_ids.append(tool.pk)
        outcome.retry_after = max(outcome.retry_after or 0, COMPUTING_RETRY_SECONDS)
        return
    if count.status == "too_large":  # GitHub will not count them: at least the cap, flagged
        tally.ok += 1
        at_least = max(tool.contributors or 0, CONTRIBUTORS_LISTED_CAP)
        with transaction.atomic():
            Tool.objects.filter(pk=tool.pk).update(
                contributors=at_least, contributors_is_lower_bound=True,
                contributors_refreshed_at=now, updated_at=now,
            )  # fmt: skip
            MetricSnapshot.objects.update_or_create(
                tool=tool, date=now.date(), defaults={"contributors": at_least}
            )
        outcome.refreshed_ids.append(tool.pk)
        return
    if count.status in ("missing", "blocked"):
        tally.missing += 1
        tally.errors.append(f"{tool.full_name}: contributors: repository {count.status}")
        return
    if count.count is None:
        tally.failed += 1
        tally.errors.append(f"{tool.full_name}: contributors: GitHub gave no count")
        return
    with transaction.atomic():
        if count.status == "moved" and count.new_full_name:
            tally.renamed += tool_rename(tool=tool, new_full_name=count.new_full_name, tally=tally)
        Tool.objects.filter(pk=tool.pk).update(
            contributors=count.count,
            contributors_is_lower_bound=count.is_lower_bound,
            contributors_etag=count.etag[:200],
            contributors_refreshed_at=now,
            updated_at=now,  # API validators and caches see the new count
        )
        MetricSnapshot.objects.update_or_create(
            tool=tool, date=now.date(), defaults={"contributors": count.count}
        )
    outcome.refreshed_ids.append(tool.pk)
    tally.ok += 1


def refresh_contributors_enqueue_due(
    *, max_age_days: float = 7, trigger: str = "schedule"
) -> list[tuple[int, list[int]]]:
    """Batches (run id, tool ids) of tools whose contributor count is due, claimed for their run.

    Without a token the pass is skipped (and a run says so): GitHub's 60 requests an hour go to
    the metrics, which the hourly schedule uses in full.
    """
    if not settings.GITHUB_TOKENS:
        logger.warning(NO_TOKEN_SKIP)
        run = run_start(kind=RefreshRun.Kind.CONTRIBUTORS, trigger=trigger, tools_total=0)
        run_finish(run=run, tally=RefreshTally(errors=[NO_TOKEN_SKIP]))
        return []
    due = contributors_due(now=timezone.now(), max_age=timedelta(days=max_age_days))
    size = CONTRIBUTORS_BATCH_SIZE
    chunks = [due[start : start + size] for start in range(0, len(due), size)]
    return batches_claim(chunks=chunks, kind=RefreshRun.Kind.CONTRIBUTORS, trigger=trigger)
