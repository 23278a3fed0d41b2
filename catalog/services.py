"""Curator writes: the one implementation behind Django admin actions and the API's staff writes.

Every function takes keyword arguments only, changes only what actually differs, records each
change in Django's admin log (``LogEntry``) when given a user, and returns what it changed.
Bad input raises :class:`CurationError` naming the field, before anything is written.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from catalog.models import Category, FormerName, Suggestion, Tool

logger = logging.getLogger(__name__)

FULL_NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")


class CurationError(ValueError):
    """A curator write that cannot be done; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- Tools ----------------------------------------------------------------------------------


def tool_update_curated(*, tool: Tool, fields: Mapping[str, Any], user=None) -> Tool:
    """Set curated fields (``Tool.CURATED_FIELDS``) on one tool, validated like the admin form."""
    unknown = sorted(set(fields) - set(Tool.CURATED_FIELDS))
    if unknown:
        allowed = ", ".join(Tool.CURATED_FIELDS)
        raise CurationError(unknown[0], f"is not a curated field (allowed: {allowed})")
    if "replaced_by" in fields:
        _check_replacement(replaced_by=fields["replaced_by"], tools=[tool])
    changed = [name for name, value in fields.items() if getattr(tool, name) != value]
    if not changed:
        return tool
    for name in changed:
        setattr(tool, name, fields[name])
    try:
        tool.clean_fields(exclude=[f.name for f in Tool._meta.fields if f.name not in changed])
    except ValidationError as exc:
        tool.refresh_from_db(fields=changed)
        name, messages = next(iter(exc.message_dict.items()))
        raise CurationError(name, " ".join(messages)) from None
    update_fields = [*changed, "updated_at"]
    if {"display_name", "short_description"} & set(changed):
        tool.search_document = tool.compose_search_document()
        update_fields.append("search_document")
    with transaction.atomic():
        tool.save(update_fields=update_fields)
        _log(user, [(tool, _changed_message(changed))])
    if "hidden" in changed:
        tools_rerank(tool_ids=[tool.pk])
    return tool


def tools_move_to_category(*, tools: Iterable[Tool], category: Category, user=None) -> int:
    """Make ``category`` the primary category of ``tools``; rankings of both sides are redone."""
    moving = [tool for tool in _tools(tools) if tool.category_id != category.pk]
    if not moving:
        return 0
    old_ids = {tool.category_id for tool in moving}
    old_categories = list(Category.objects.select_related("layer").filter(pk__in=old_ids))
    old_names = {old.pk: str(old) for old in old_categories}
    ids = [tool.pk for tool in moving]
    with transaction.atomic():
        placements = Tool.secondary_categories.through.objects
        for chunk in _chunks(ids):
            Tool.objects.filter(pk__in=chunk).update(category=category, updated_at=timezone.now())
            # A primary placement is not also a secondary one.
            placements.filter(tool_id__in=chunk, category=category).delete()
        _log(
            user,
            [
                (tool, f"Moved to category “{category}” (was “{old_names[tool.category_id]}”).")
                for tool in moving
            ],
        )
        for tool in moving:
            tool.category = category
    old_layers = {old.layer_id for old in old_categories} - {category.layer_id}
    tools_rerank(tool_ids=ids, also_layer_ids=old_layers)
    return len(moving)


def tools_set_featured(*, tools: Iterable[Tool], featured: bool, user=None) -> int:
    return _set_flag(tools=tools, field="featured", value=featured, user=user)


def tools_set_hidden(*, tools: Iterable[Tool], hidden: bool, user=None) -> int:
    """Hide tools from the public pages and API (or show them again); ranks are recomputed."""
    return _set_flag(tools=tools, field="hidden", value=hidden, user=user)


def tools_mark_deprecated(
    *, tools: Iterable[Tool], replaced_by: Tool | None = None, user=None
) -> int:
    """Mark tools deprecated, optionally pointing at the tool that replaces them."""
    tools = _tools(tools)
    _check_replacement(replaced_by=replaced_by, tools=tools)
    replacement_id = replaced_by.pk if replaced_by else None
    changing = [t for t in tools if not t.deprecated or t.replaced_by_id != replacement_id]
    if not changing:
        return 0
    message = "Marked deprecated" + (f", replaced by {replaced_by}." if replaced_by else ".")
    with transaction.atomic():
        for chunk in _chunks([t.pk for t in changing]):
            Tool.objects.filter(pk__in=chunk).update(
                deprecated=True, replaced_by=replaced_by, updated_at=timezone.now()
            )
        _log(user, [(tool, message) for tool in changing])
    for tool in changing:
        tool.deprecated, tool.replaced_by = True, replaced_by
    return len(changing)


def tools_reset_refresh_failures(*, tools: Iterable[Tool], user=None) -> int:
    """Forget the failure streak so the schedule refreshes these tools again."""
    failing = [tool for tool in _tools(tools) if tool.consecutive_failures]
    if not failing:
        return 0
    with transaction.atomic():
        for chunk in _chunks([t.pk for t in failing]):
            Tool.objects.filter(pk__in=chunk).update(consecutive_failures=0)
        _log(
            user,
            [
                (t, f"Reset refresh failures (was {t.consecutive_failures} in a row).")
                for t in failing
            ],
        )
    for tool in failing:
        tool.consecutive_failures = 0
    return len(failing)


def tools_queue_refresh(*, tools: Iterable[Tool], user=None) -> int:
    """Queue a metrics refresh of ``tools`` now (after the transaction commits)."""
    tools = _tools(tools)
    if tools:
        _log(user, [(tool, "Queued a metrics refresh.") for tool in tools])
        _queue_refresh([tool.pk for tool in tools])
    return len(tools)


def _set_flag(*, tools: Iterable[Tool], field: str, value: bool, user) -> int:
    changing = [tool for tool in _tools(tools) if getattr(tool, field) != value]
    if not changing:
        return 0
    with transaction.atomic():
        for chunk in _chunks([t.pk for t in changing]):
            Tool.objects.filter(pk__in=chunk).update(**{field: value, "updated_at": timezone.now()})
        _log(user, [(tool, _changed_message([field])) for tool in changing])
    for tool in changing:
        setattr(tool, field, value)
    if field == "hidden":
        tools_rerank(tool_ids=[tool.pk for tool in changing])
    return len(changing)


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    """Keep ``IN (...)`` lists short: SQLite caps the number of query parameters."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _tools(tools: Iterable[Tool]) -> list[Tool]:
    if isinstance(tools, models.QuerySet):
        return list(tools.select_related("category__layer").order_by("pk"))
    return list(tools)


def _check_replacement(*, replaced_by: Tool | None, tools: list[Tool]) -> None:
    if replaced_by is None:
        return
    if not isinstance(replaced_by, Tool) or replaced_by.pk is None:
        raise CurationError("replaced_by", "must be a tool in the catalog")
    if any(tool.pk == replaced_by.pk for tool in tools):
        raise CurationError("replaced_by", f"{replaced_by} cannot replace itself")


# --- Suggestions ----------------------------------------------------------------------------


def suggestion_approve(*, suggestion: Suggestion, reviewer) -> Tool:
    """Add the suggested tool (or link the one already listed) and queue its first refresh."""
    full_name = suggestion.full_name.strip().strip("/")
    if not FULL_NAME_RE.match(full_name):
        raise CurationError("full_name", f"“{full_name}” is not a GitHub owner/name")
    with transaction.atomic():
        _claim_pending(suggestion)
        tool = _existing_tool(full_name)
        created = tool is None
        if created:
            tool = _create_suggested_tool(full_name=full_name, category=suggestion.category)
        now = timezone.now()
        Suggestion.objects.filter(pk=suggestion.pk).update(
            status=Suggestion.Status.APPROVED, reviewed_by=reviewer, reviewed_at=now, tool=tool
        )
        suggestion.status, suggestion.reviewed_by = Suggestion.Status.APPROVED, reviewer
        suggestion.reviewed_at, suggestion.tool = now, tool
        entries = [(suggestion, f"Approved; {'added' if created else 'linked'} tool {tool}.")]
        _log(reviewer, entries)
        if created:
            _log(reviewer, [(tool, f"Added from suggestion #{suggestion.pk}.")], flag=ADDITION)
            _queue_refresh([tool.pk])
    if created:
        tools_rerank(tool_ids=[tool.pk])
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
        _log(reviewer, [(suggestion, f"Rejected: {reason}")])


def _claim_pending(suggestion: Suggestion) -> None:
    """Lock the suggestion row; two curators never review the same suggestion twice."""
    current = Suggestion.objects.select_for_update().filter(pk=suggestion.pk).first()
    if current is None or current.status != Suggestion.Status.PENDING:
        state = "gone" if current is None else current.get_status_display().lower()
        raise CurationError("status", f"suggestion {suggestion.full_name} is already {state}")


def _existing_tool(full_name: str) -> Tool | None:
    tool = Tool.objects.by_full_name(full_name).first()
    if tool is None:
        former = FormerName.objects.filter(full_name__iexact=full_name).first()
        tool = former.tool if former else None
    return tool


def _create_suggested_tool(*, full_name: str, category: Category) -> Tool:
    tool = Tool(full_name=full_name, category=category, source="suggestion")
    tool.search_document = tool.compose_search_document([])
    try:
        with transaction.atomic():
            tool.save()
    except IntegrityError:  # added by someone else a moment ago
        tool = Tool.objects.by_full_name(full_name).get()
    return tool


# --- Shared helpers -------------------------------------------------------------------------


def _queue_refresh(tool_ids: list[int]) -> None:
    """After commit, queue ``refresh_batch`` for the tools. A broker that is down only logs:
    the change is saved, and the schedule refreshes never-refreshed tools first anyway."""

    def enqueue() -> None:
        try:
            from workers.tasks import refresh_batch
        except ModuleNotFoundError as exc:  # the refresh pipeline is not installed
            if exc.name != "workers.tasks":
                raise
            logger.warning("workers.tasks is missing; tools %s wait for the schedule", tool_ids)
            return
        for chunk in _chunks(tool_ids, settings.GITHUB_BATCH_SIZE):
            refresh_batch.delay(tool_ids=chunk)

    transaction.on_commit(enqueue, robust=True)


def tools_rerank(*, tool_ids: list[int], also_layer_ids: Iterable[int] = ()) -> None:
    """Recompute the rankings of ``tool_ids`` and the ranks around them.

    ``recompute_rankings`` re-ranks the layers the tools are in now; a tool that left a layer
    names it in ``also_layer_ids`` so the tools it left behind move up.
    """
    from catalog.ranking_updates import recompute_rankings, recompute_ranks

    if tool_ids:
        recompute_rankings(tool_ids=tool_ids)
    if also_layer_ids:
        recompute_ranks(layer_ids=set(also_layer_ids))


def _changed_message(fields: Iterable[str]) -> list[dict]:
    names = [str(Tool._meta.get_field(name).verbose_name).capitalize() for name in fields]
    return [{"changed": {"fields": names}}]


def _log(user, entries: list[tuple[models.Model, str | list]], flag: int = CHANGE) -> None:
    """Write one admin-log row per object (bulk), as the admin does for its own edits."""
    if getattr(user, "pk", None) is None or not entries:
        return
    content_type = ContentType.objects.get_for_model(entries[0][0], for_concrete_model=False)
    LogEntry.objects.bulk_create(
        LogEntry(
            user_id=user.pk,
            content_type_id=content_type.pk,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=flag,
            change_message=message if isinstance(message, str) else json.dumps(message),
        )
        for obj, message in entries
    )
