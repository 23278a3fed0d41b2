"""Curator review of suggestions from visitors: approve (add or link the tool) or reject."""

from __future__ import annotations

from django.contrib.admin.models import ADDITION
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Category, Suggestion, Tool
from catalog.names import is_full_name
from catalog.services.common import CurationError, log_changes, queue_refresh


def suggestion_approve(*, suggestion: Suggestion, reviewer) -> Tool:
    """Add the suggested tool (or link the one already listed) and queue its first refresh."""
    full_name = suggestion.full_name.strip().strip("/")
    if not is_full_name(full_name):
        raise CurationError("full_name", f"“{full_name}” is not a GitHub owner/name")
    with transaction.atomic():
        _claim_pending(suggestion)
        existing = _existing_tool(full_name)
        created = existing is None
        tool = existing or _create_suggested_tool(full_name=full_name, category=suggestion.category)
        now = timezone.now()
        Suggestion.objects.filter(pk=suggestion.pk).update(
            status=Suggestion.Status.APPROVED, reviewed_by=reviewer, reviewed_at=now, tool=tool
        )
        suggestion.status, suggestion.reviewed_by = Suggestion.Status.APPROVED, reviewer
        suggestion.reviewed_at, suggestion.tool = now, tool
        entries = [(suggestion, f"Approved; {'added' if created else 'linked'} tool {tool}.")]
        log_changes(reviewer, entries)
        if created:
            log_changes(
                reviewer, [(tool, f"Added from suggestion #{suggestion.pk}.")], flag=ADDITION
            )
            queue_refresh([tool.pk])
    if created:
        from catalog.ranking.writer import recompute_rankings

        recompute_rankings(tool_ids=[tool.pk])
    return tool


def suggestion_reject(*, suggestion: Suggestion, reviewer, reason: str) -> None:
    """Reject a pending suggestion, keeping the reason the visitor will be told."""
    reason = (reason or "").strip()
    if not reason:
        raise CurationError("reason", "a rejection needs a reason")
    with transaction.atomic():
        _claim_pending(suggestion)
        now = timezone.now()
        Suggestion.objects.filter(pk=suggestion.pk).update(
            status=Suggestion.Status.REJECTED,
            rejection_reason=reason,
            reviewed_by=reviewer,
            reviewed_at=now,
        )
        suggestion.status, suggestion.rejection_reason = Suggestion.Status.REJECTED, reason
        suggestion.reviewed_by, suggestion.reviewed_at = reviewer, now
        log_changes(reviewer, [(suggestion, f"Rejected: {reason}")])


def _claim_pending(suggestion: Suggestion) -> None:
    """Lock the suggestion row; two curators never review the same suggestion twice."""
    current = Suggestion.objects.select_for_update().filter(pk=suggestion.pk).first()
    if current is None or current.status != Suggestion.Status.PENDING:
        state = "gone" if current is None else current.get_status_display().lower()
        raise CurationError("status", f"suggestion {suggestion.full_name} is already {state}")


def _existing_tool(full_name: str) -> Tool | None:
    found = Tool.objects.by_name(full_name)
    return found[0] if found else None


def _create_suggested_tool(*, full_name: str, category: Category) -> Tool:
    tool = Tool(full_name=full_name, category=category, source="suggestion")
    tool.search_document = tool.compose_search_document([])
    try:
        with transaction.atomic():
            tool.save()
    except IntegrityError:  # added by someone else a moment ago
        tool = Tool.objects.by_full_name(full_name).get()
    return tool
