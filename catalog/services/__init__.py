"""Curator writes: the one implementation behind Django admin actions and the API's staff writes.

Every function takes keyword arguments only, changes only what actually differs, records each
change in Django's admin log (``LogEntry``) when given a user, and returns what it changed.
Bad input raises :class:`CurationError` naming the field (``.field``, ``.message``) before
anything is written.
"""

from catalog.services.common import CurationError, layers_of, layers_rerank
from catalog.services.suggestions import suggestion_approve, suggestion_reject
from catalog.services.tools import (
    tool_update_curated,
    tools_mark_deprecated,
    tools_move_to_category,
    tools_queue_refresh,
    tools_reset_refresh_failures,
    tools_set_featured,
    tools_set_hidden,
)

__all__ = [
    "CurationError",
    "layers_of",
    "layers_rerank",
    "suggestion_approve",
    "suggestion_reject",
    "tool_update_curated",
    "tools_mark_deprecated",
    "tools_move_to_category",
    "tools_queue_refresh",
    "tools_reset_refresh_failures",
    "tools_set_featured",
    "tools_set_hidden",
]
