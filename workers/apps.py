from typing import Any

from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "workers"
    verbose_name = "Refresh workers"

    def ready(self) -> None:
        from catalog.services.common import refresh_requested

        refresh_requested.connect(_queue_refresh_batch, dispatch_uid="workers.refresh_batch")


def _queue_refresh_batch(sender: object, *, tool_ids: list[int], **kwargs: Any) -> None:
    """A curator asked for these tools to be refreshed: queue one batch."""
    from workers.tasks import refresh_batch

    refresh_batch.delay(tool_ids=tool_ids)
