"""Per-tool refresh claims, so two workers never refresh the same tool at once.

A claim is a cache key added with ``cache.add`` (atomic "set if absent" on Redis, which every
worker and web process shares). Its value is the claim's owner — the RefreshRun the work belongs
to — so when the broker redelivers a batch whose worker died (``acks_late``), the redelivered
copy carries the same run and takes its tools back at once instead of waiting for the dead
worker's claims to expire. Claims expire by themselves after ``ttl`` seconds in any case.

Without Redis the cache is per process; that is fine because then tasks run in-process (eager).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

_PREFIX = "strata:refresh-claim"


def _key(kind: str, tool_id: int) -> str:
    # The database name keeps two deployments (or test databases) sharing one Redis apart.
    database = settings.DATABASES["default"]["NAME"]
    return f"{_PREFIX}:{database}:{kind}:{tool_id}"


def tools_claim(
    *, tool_ids: Iterable[int], owner: str, ttl: int, kind: str = "metrics"
) -> list[int]:
    """Claim the tools nobody else is refreshing; return the ids now held by ``owner``."""
    claimed = []
    for tool_id in tool_ids:
        key = _key(kind, tool_id)
        if cache.add(key, owner, timeout=ttl) or cache.get(key) == owner:
            claimed.append(tool_id)
    return claimed


def tools_release(*, tool_ids: Iterable[int], owner: str, kind: str = "metrics") -> None:
    """Give back ``owner``'s claims (a claim taken over by someone else is left alone)."""
    keys = [_key(kind, tool_id) for tool_id in tool_ids]
    held = cache.get_many(keys)
    cache.delete_many([key for key, value in held.items() if value == owner])
