"""What every curator write shares: the error it raises, the admin log it writes, the work it
queues after commit, and the re-ranking a placement change needs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.dispatch import Signal

from catalog.models import Category, Tool

logger = logging.getLogger(__name__)

# Sent (after commit) with ``tool_ids`` when a curator asks for a refresh. The refresh
# pipeline lives in ``workers``, which depends on ``catalog``, never the other way round: it
# connects a receiver that queues the batch (``workers.apps``).
refresh_requested = Signal()

# Without a broker a queued refresh runs inside the web request: one GraphQL query's worth.
EAGER_REFRESH_LIMIT = 50


class CurationError(ValueError):
    """A curator write that cannot be done; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    """Keep ``IN (...)`` lists short: SQLite caps the number of query parameters."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def queue_refresh(tool_ids: list[int]) -> None:
    """After commit, ask the refresh pipeline (``refresh_requested``) to refresh the tools.
    A broker that is down only logs: the change is saved, and the schedule refreshes
    never-refreshed tools first anyway.

    Without a broker (``CELERY_TASK_ALWAYS_EAGER``, e.g. ``make run``) the "queued" refresh
    runs inside this request, so more than one batch is refused: the command is for that.
    """
    size = settings.GITHUB_BATCH_SIZE
    if settings.CELERY_TASK_ALWAYS_EAGER and len(tool_ids) > EAGER_REFRESH_LIMIT:
        raise CurationError(
            "tools",
            "without a task broker a refresh runs inside this request, so at most "
            f"{EAGER_REFRESH_LIMIT} tools at a time ({len(tool_ids)} selected); run "
            "`manage.py refresh_metrics` to refresh more",
        )

    def enqueue() -> None:
        answers = []
        for chunk in chunks(tool_ids, size):
            answers = refresh_requested.send(sender=Tool, tool_ids=chunk)
        if not answers:  # no refresh pipeline installed (the workers app listens)
            logger.warning("nothing refreshes tools %s; they wait for the schedule", tool_ids)

    transaction.on_commit(enqueue, robust=True)


def layers_rerank(*, layer_ids: Iterable[int]) -> None:
    """Renumber ``rank_in_category`` and ``rank_in_layer`` in these layers.

    Moving, hiding or showing a tool changes who is ranked where, not anyone's score, so the
    ranks are renumbered from the stored scores: no snapshot is read, whatever the selection.
    """
    from catalog.ranking.writer import recompute_ranks

    layer_ids = set(layer_ids) - {None}
    if layer_ids:
        recompute_ranks(layer_ids=layer_ids)


def layers_of(*, category_ids: Iterable[int]) -> set[int]:
    return set(Category.objects.filter(pk__in=set(category_ids)).values_list("layer_id", flat=True))


def changed_message(fields: Iterable[str]) -> list[dict]:
    names = [
        str(getattr(Tool._meta.get_field(name), "verbose_name", name)).capitalize()
        for name in fields
    ]
    return [{"changed": {"fields": names}}]


def log_changes(
    user, entries: Sequence[tuple[models.Model, str | list]], flag: int = CHANGE
) -> None:
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
