"""Star-integrity writes: recompute every tool's evidence (and its lifecycle label, from the
same pass over the daily series), and a curator clearing a review.

The arithmetic is ``catalog.integrity`` (pure); this module reads the snapshots, feeds it and
stores the outcome on ``Tool.integrity_*``. See docs/integrity.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from catalog import integrity as rules
from catalog.integrity import Observation, Signal
from catalog.lifecycle import lifecycle
from catalog.models import MetricSnapshot, Tool, ToolStatus
from catalog.ranking.scoring import SCORE_VERSION
from catalog.ranking.writer import recompute_rankings
from catalog.services.common import CurationError, chunks, log_changes

HISTORY = MetricSnapshot.STAR_HISTORY_SOURCE
CLEARED = "cleared"
FIELDS = ["integrity_status", "integrity_signals", "lifecycle"]


def _evidence(signals: list[Signal]) -> dict[str, Any]:
    return {
        "version": rules.INTEGRITY_VERSION,
        "above": sorted(s.name for s in signals if s.above),
        "signals": {s.name: {"above": s.above, **s.evidence} for s in signals},
    }


def _status(tool: Tool, evidence: dict[str, Any]) -> str:
    """needs-review when a signal is above its threshold; a curator's clearing holds while
    the same signals are the ones above."""
    if not evidence["above"]:
        return ""
    previous = (tool.integrity_signals or {}).get("above")
    if tool.integrity_status == CLEARED and previous == evidence["above"]:
        return CLEARED
    return rules.NEEDS_REVIEW


def integrity_recompute(*, now: datetime | None = None) -> int:
    """Recompute the evidence and lifecycle label of every active or archived tool (lockstep
    and the category medians need them all); returns how many tools changed."""
    now = now or timezone.now()
    tools = {
        tool.pk: tool
        for tool in Tool.objects.filter(status__in=[ToolStatus.ACTIVE, ToolStatus.ARCHIVED]).only(
            "pk",
            "category_id",
            "integrity_status",
            "integrity_signals",
            "lifecycle",
            "archived",
            "status",
            "repo_created_at",
            "pushed_at",
            "score_version",
        )
    }
    series: dict[int, list[tuple[date, int | None]]] = defaultdict(list)
    observed: dict[int, list[Observation]] = defaultdict(list)
    reconstructed: dict[int, list[tuple[date, int]]] = defaultdict(list)
    rows = (
        MetricSnapshot.objects.filter(tool__status__in=[ToolStatus.ACTIVE, ToolStatus.ARCHIVED])
        .order_by("tool_id", "date")
        .values_list(
            "tool_id", "date", "stars", "source", "forks", "watchers", "open_issues", "contributors"
        )
    )
    for tool_id, day, stars, source, forks, watchers, issues, contributors in rows.iterator(
        chunk_size=5000
    ):
        if tool_id not in tools:
            continue
        series[tool_id].append((day, stars))
        if source == HISTORY and stars is not None:
            reconstructed[tool_id].append((day, stars))
        elif source != HISTORY:
            observed[tool_id].append(Observation(day, stars, forks, watchers, issues, contributors))
    own: dict[int, list[Signal]] = {}
    spikes: dict[int, set[date]] = {}
    engagement: dict[int, dict[str, float]] = {}
    for tool_id in tools:
        # GitHub's history when the tool has it (observed days hold totals that may include
        # stars since deleted: those are the vanished signal's), else what refreshes saw.
        history = reconstructed[tool_id] or [
            (o.day, o.stars) for o in observed[tool_id] if o.stars is not None
        ]
        additions = rules.daily_additions(history)
        known = [(d, s) for d, s in series[tool_id] if s is not None]
        own[tool_id] = [
            rules.burst(additions),
            rules.vanished(reconstructed[tool_id], observed[tool_id]),
        ]
        spikes[tool_id] = rules.spike_days(additions)
        end = known[-1][0] if known else now.date()
        engagement[tool_id] = rules.engagement_per_star(observed[tool_id], end=end)
    by_category: dict[int, list[dict[str, float]]] = defaultdict(list)
    for tool_id, tool in tools.items():
        by_category[tool.category_id].append(engagement[tool_id])
    medians = {cat: rules.category_medians(values) for cat, values in by_category.items()}
    lockstep = rules.lockstep(spikes)
    changed, rescore = [], []
    for tool_id, tool in tools.items():
        signals = [
            *own[tool_id],
            rules.flat_engagement(engagement[tool_id], medians[tool.category_id]),
            lockstep[tool_id],
        ]
        evidence = _evidence(signals)
        status = _status(tool, evidence)
        stage = lifecycle(
            [(d, s) for d, s in series[tool_id] if s is not None],
            today=now.date(),
            created=tool.repo_created_at.date() if tool.repo_created_at else None,
            pushed=tool.pushed_at.date() if tool.pushed_at else None,
            archived=tool.archived or tool.status == ToolStatus.ARCHIVED,
        )
        if (status, evidence, stage) != (
            tool.integrity_status, tool.integrity_signals, tool.lifecycle
        ):  # fmt: skip
            before = rules.burst_discount(tool.integrity_status, tool.integrity_signals)
            tool.integrity_status, tool.integrity_signals = status, evidence
            tool.lifecycle = stage
            changed.append(tool)
            if rules.burst_discount(status, evidence) != before:
                rescore.append(tool_id)
        elif tool.score_version != SCORE_VERSION and rules.burst_discount(status, evidence):
            rescore.append(tool_id)  # scored before the formula that leaves its burst out
        tool.integrity_checked_at = now
    with transaction.atomic():
        Tool.objects.bulk_update(changed, FIELDS, batch_size=500)
        for ids in chunks(list(tools)):
            Tool.objects.filter(pk__in=ids).update(integrity_checked_at=now)
    # Gains, trending and the score leave out a flagged burst (docs/score.md): follow it.
    recompute_rankings(tool_ids=rescore)
    return len(changed)


def tools_clear_integrity_review(*, tools: Iterable[Tool], note: str, user=None) -> int:
    """A curator looked and explains why the evidence is fine: the review is cleared with the
    note (kept on the tool and in the admin log). Refused without a note."""
    note = note.strip()
    if not note:
        raise CurationError("note", "Say why the evidence is fine: a note is required.")
    pending = [tool for tool in tools if tool.integrity_status == rules.NEEDS_REVIEW]
    if not pending:
        return 0
    with transaction.atomic():
        Tool.objects.filter(pk__in=[t.pk for t in pending]).update(
            integrity_status=CLEARED, integrity_note=note, updated_at=timezone.now()
        )
        log_changes(user, [(tool, f"Star-integrity review cleared: {note}") for tool in pending])
    discounted = [
        tool.pk
        for tool in pending
        if rules.burst_discount(tool.integrity_status, tool.integrity_signals)
    ]
    for tool in pending:
        tool.integrity_status, tool.integrity_note = CLEARED, note
    # A cleared burst counts in full again (docs/score.md): its gains and score follow.
    recompute_rankings(tool_ids=discounted)
    return len(pending)
