"""What the admin log says about an object, oldest entry first."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType


def log_messages(obj) -> list[str]:
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    )
    return [entry.get_change_message() for entry in entries.order_by("pk")]
