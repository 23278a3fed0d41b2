"""Curator writes on tools: curated fields, placement, flags, deprecation, refresh failures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from catalog.models import Category, Tool
from catalog.services.common import (
    CurationError,
    changed_message,
    chunks,
    layers_of,
    layers_rerank,
    log_changes,
    queue_refresh,
)


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
        log_changes(user, [(tool, changed_message(changed))])
    if "hidden" in changed:
        layers_rerank(layer_ids=layers_of(category_ids=[tool.category_id]))
    return tool


def tools_move_to_category(*, tools: Iterable[Tool], category: Category, user=None) -> int:
    """Make ``category`` the primary category of ``tools``; ranks on both sides are renumbered."""
    moving = [tool for tool in _tools(tools) if tool.category_id != category.pk]
    if not moving:
        return 0
    old_ids = {tool.category_id for tool in moving}
    old_categories = list(Category.objects.select_related("layer").filter(pk__in=old_ids))
    old_names = {old.pk: str(old) for old in old_categories}
    ids = [tool.pk for tool in moving]
    with transaction.atomic():
        placements = Tool.secondary_categories.through.objects
        for chunk in chunks(ids):
            Tool.objects.filter(pk__in=chunk).update(category=category, updated_at=timezone.now())
            # A primary placement is not also a secondary one.
            placements.filter(tool_id__in=chunk, category=category).delete()
        log_changes(
            user,
            [
                (tool, f"Moved to category “{category}” (was “{old_names[tool.category_id]}”).")
                for tool in moving
            ],
        )
        for tool in moving:
            tool.category = category
    layers_rerank(layer_ids={old.layer_id for old in old_categories} | {category.layer_id})
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
        for chunk in chunks([t.pk for t in changing]):
            Tool.objects.filter(pk__in=chunk).update(
                deprecated=True, replaced_by=replaced_by, updated_at=timezone.now()
            )
        log_changes(user, [(tool, message) for tool in changing])
    for tool in changing:
        tool.deprecated, tool.replaced_by = True, replaced_by
    return len(changing)


def tools_reset_refresh_failures(*, tools: Iterable[Tool], user=None) -> int:
    """Forget the failure streak so the schedule refreshes these tools again."""
    failing = [tool for tool in _tools(tools) if tool.consecutive_failures]
    if not failing:
        return 0
    with transaction.atomic():
        for chunk in chunks([t.pk for t in failing]):
            Tool.objects.filter(pk__in=chunk).update(consecutive_failures=0)
        log_changes(
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
        queue_refresh([tool.pk for tool in tools])  # may refuse: then nothing is logged
        log_changes(user, [(tool, "Queued a metrics refresh.") for tool in tools])
    return len(tools)


def _set_flag(*, tools: Iterable[Tool], field: str, value: bool, user) -> int:
    changing = [tool for tool in _tools(tools) if getattr(tool, field) != value]
    if not changing:
        return 0
    with transaction.atomic():
        for chunk in chunks([t.pk for t in changing]):
            Tool.objects.filter(pk__in=chunk).update(**{field: value, "updated_at": timezone.now()})
        log_changes(user, [(tool, changed_message([field])) for tool in changing])
    for tool in changing:
        setattr(tool, field, value)
    if field == "hidden":
        layers_rerank(layer_ids=layers_of(category_ids={tool.category_id for tool in changing}))
    return len(changing)


#: What the bulk writes read of each tool: a selection of 100k tools stays small in memory.
_BULK_FIELDS = (
    "pk",
    "full_name",
    "category_id",
    "featured",
    "hidden",
    "deprecated",
    "replaced_by_id",
    "consecutive_failures",
)


def _tools(tools: Iterable[Tool]) -> list[Tool]:
    if isinstance(tools, models.QuerySet):
        return list(tools.select_related(None).only(*_BULK_FIELDS).order_by("pk"))
    return list(tools)


def _check_replacement(*, replaced_by: Tool | None, tools: list[Tool]) -> None:
    if replaced_by is None:
        return
    if not isinstance(replaced_by, Tool) or replaced_by.pk is None:
        raise CurationError("replaced_by", "must be a tool in the catalog")
    if any(tool.pk == replaced_by.pk for tool in tools):
        raise CurationError("replaced_by", f"{replaced_by} cannot replace itself")
