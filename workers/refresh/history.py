"""The star-history pass: daily star counts back to each repository's creation.

GitHub's ``stargazers/history`` gives the stars added per day (``workers.github.star_history``).
The count on day D is reconstructed backwards from the total we observed on the anchor day A
(the tool's latest metrics): ``stars(D) = stars(A) - (stars added after D, up to A)``. Those days
are stored as snapshots with ``source = MetricSnapshot.STAR_HISTORY_SOURCE`` (stars only). A day
a refresh observed (any other source) is never overwritten, and an observation later replaces a
reconstructed day (the metrics refresh upserts its snapshot).

A tool without history is backfilled in full; after that the pass asks for the first page only
with its ETag (a 304 is free) and reads older pages only back to the newest week it holds.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from catalog.models import MetricSnapshot, RefreshRun, Tool, ToolStatus
from workers.github import GitHubClient, GitHubError, RateLimitExhausted, RetryLater
from workers.github.star_history import StarHistoryAnswer
from workers.refresh.per_tool import per_tool_batch
from workers.refresh.pipeline import (
    CLAIM_KINDS,
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

SOURCE = MetricSnapshot.STAR_HISTORY_SOURCE
HISTORY_BATCH_SIZE = 50  # a backfill is one request per 30 weeks of a repository's life
CLAIM_KIND = CLAIM_KINDS[RefreshRun.Kind.STAR_HISTORY]
NO_TOKEN_SKIP = (
    "star history skipped: GITHUB_TOKENS is not set, and GitHub's 60 REST requests an hour "
    "without a token go to the metrics refresh. Set GITHUB_TOKENS to backfill star history."
)
COMPUTING_RETRY_SECONDS = 120


def daily_counts(
    additions: Mapping[date, int], *, anchor_day: date, anchor_stars: int, first: date, last: date
) -> list[tuple[date, int]]:
    """Cumulative stars for every day from ``first`` to ``last``, anchored on the total seen on
    ``anchor_day``: counts before it subtract the stars added since, counts after it add them.
    A count is never below 0 (stars added and since removed make the history run ahead of the
    total; ``catalog.integrity`` reads that as vanished stars)."""
    if last < first:
        return []
    counts: dict[date, int] = {}
    running = anchor_stars
    day = anchor_day
    while day > first:  # backwards from the anchor
        if day <= last:
            counts[day] = running
        running -= additions.get(day, 0)
        day -= timedelta(days=1)
    if day == first:
        counts[first] = running
    running = anchor_stars
    day = anchor_day
    while day < last:  # forwards from the anchor
        day += timedelta(days=1)
        running += additions.get(day, 0)
        if day >= first:
            counts[day] = running
    return [(d, max(0, counts[d])) for d in sorted(counts) if first <= d <= last]


def history_due(*, now: datetime, max_age: timedelta, limit: int | None = None) -> list[int]:
    """Tools without history first, then those not asked for ``max_age``, stalest first."""
    tools = Tool.objects.filter(status__in=[ToolStatus.ACTIVE, ToolStatus.ARCHIVED])
    stale = Q(star_history_synced_at__isnull=True) | Q(star_history_synced_at__lt=now - max_age)
    tools = tools.filter(stale).order_by(F("star_history_synced_at").asc(nulls_first=True), "pk")
    ids = tools.values_list("pk", flat=True)
    return list(ids[:limit] if limit is not None else ids)


def refresh_history_enqueue_due(
    *, max_age_days: float = 7, trigger: str = "schedule"
) -> list[tuple[int, list[int]]]:
    """Batches (run id, tool ids) due for the pass, claimed for their run."""
    if not settings.GITHUB_TOKENS:
        logger.warning(NO_TOKEN_SKIP)
        run = run_start(kind=RefreshRun.Kind.STAR_HISTORY, trigger=trigger, tools_total=0)
        run_finish(run=run, tally=RefreshTally(errors=[NO_TOKEN_SKIP]))
        return []
    due = history_due(now=timezone.now(), max_age=timedelta(days=max_age_days))
    size = HISTORY_BATCH_SIZE
    chunks = [due[start : start + size] for start in range(0, len(due), size)]
    return batches_claim(chunks=chunks, kind=RefreshRun.Kind.STAR_HISTORY, trigger=trigger)


def refresh_history_batch(
    *, tool_ids: Sequence[int], run_id: int | None = None, trigger: str = "task",
    client: GitHubClient | None = None,
) -> BatchOutcome:  # fmt: skip
    """Read and store the star history of ``tool_ids``; then their rankings follow."""
    return per_tool_batch(
        work=refresh_history_of, run_kind=RefreshRun.Kind.STAR_HISTORY, claim_kind=CLAIM_KIND,
        tool_ids=tool_ids, run_id=run_id, trigger=trigger, client=client,
    )  # fmt: skip


def refresh_history_of(
    *, tools: Sequence[Tool], client: GitHubClient, now: datetime
) -> BatchOutcome:
    outcome = BatchOutcome()
    tally = outcome.tally
    # What GitHub was asked and charged, counted on the client: also the pages of a tool
    # that a spent budget cut short.
    requests, points = client.requests, client.rest_points
    for index, tool in enumerate(tools):
        since = _since(tool)
        try:
            answer = client.fetch_star_history(
                tool.full_name, etag=tool.star_history_etag if since else "", since=since
            )
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
            tally.errors.append(f"{tool.full_name}: star history: {exc}")
            continue
        _apply(tool, answer, since=since, now=now, outcome=outcome)
    tally.deferred = len(outcome.deferred_ids)
    tally.requests += client.requests - requests
    tally.points += client.rest_points - points
    tally.note_rate_limit(client.rate_limit("core"))
    return outcome


def _since(tool: Tool) -> date | None:
    """The newest stored day when only recent weeks are needed; None for a full backfill
    (no history yet, or the anchor lies before the stored history's end)."""
    through = tool.star_history_through
    if through is None or tool.metrics_as_of is None or tool.metrics_as_of.date() < through:
        return None
    return through


def _apply(
    tool: Tool, answer: StarHistoryAnswer, *, since: date | None, now: datetime,
    outcome: BatchOutcome,
) -> None:  # fmt: skip
    tally = outcome.tally
    if answer.new_full_name and answer.status in ("ok", "not_modified"):
        # GitHub redirected (301): renamed or transferred, recorded as a metrics refresh does.
        tally.renamed += tool_rename(tool=tool, new_full_name=answer.new_full_name, tally=tally)
    if answer.status == "not_modified":
        tally.not_modified += 1
        Tool.objects.filter(pk=tool.pk).update(star_history_synced_at=now)
        return
    if answer.status == "computing":
        outcome.deferred_ids.append(tool.pk)
        outcome.retry_after = max(outcome.retry_after or 0, COMPUTING_RETRY_SECONDS)
        return
    if answer.status in ("missing", "blocked"):
        tally.missing += 1
        tally.errors.append(f"{tool.full_name}: star history: repository {answer.status}")
        return
    if answer.status != "ok":
        tally.failed += 1
        tally.errors.append(f"{tool.full_name}: star history: {answer.error or answer.status}")
        return
    today = now.date()
    additions = {day: n for week in answer.weeks for day, n in week.daily() if day <= today and n}
    starts = [tool.repo_created_at.date()] if tool.repo_created_at else []
    first = since if since is not None else min([*starts, *additions], default=today)
    last = min(today, max((w.start + timedelta(days=6) for w in answer.weeks), default=today))
    if tool.stars is not None and tool.metrics_as_of is not None:
        anchor_day, anchor_stars = tool.metrics_as_of.date(), tool.stars
    else:  # never refreshed: the history's own total is all we know
        anchor_day, anchor_stars = today, sum(additions.values())
    counts = daily_counts(
        additions, anchor_day=anchor_day, anchor_stars=anchor_stars, first=first, last=last
    )
    with transaction.atomic():
        written = history_write(tool_id=tool.pk, counts=counts)
        Tool.objects.filter(pk=tool.pk).update(
            star_history_etag=answer.etag[:200],
            star_history_through=last,
            star_history_synced_at=now,
        )
    tally.ok += 1
    if written:
        outcome.refreshed_ids.append(tool.pk)


def history_write(*, tool_id: int, counts: Iterable[tuple[date, int]]) -> int:
    """Store reconstructed days; a day some refresh observed is left as it is. Returns the
    number of rows created or changed."""
    counts = list(counts)
    if not counts:
        return 0
    existing = {
        row.date: row
        for row in MetricSnapshot.objects.filter(
            tool_id=tool_id, date__gte=counts[0][0], date__lte=counts[-1][0]
        ).only("date", "stars", "source")
    }
    new, changed = [], []
    for day, stars in counts:
        row = existing.get(day)
        if row is None:
            new.append(MetricSnapshot(tool_id=tool_id, date=day, stars=stars, source=SOURCE))
        elif row.source == SOURCE and row.stars != stars:
            row.stars = stars
            changed.append(row)
    # A refresh writing the same day meanwhile wins: its row is kept (ignore_conflicts).
    MetricSnapshot.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    MetricSnapshot.objects.bulk_update(changed, ["stars"], batch_size=1000)
    return len(new) + len(changed)
