"""Per-tool refresh claims, so two workers never refresh the same tool at once.

A claim is a cache key added with ``cache.add`` (atomic "set if absent" on Redis, which every
worker and web process shares). Its value is the claim's owner — the RefreshRun the work belongs
to — so when the broker redelivers a batch whose worker died (``acks_late``), the redelivered
copy carries the same run and takes its tools back at once instead of waiting for the dead
worker's claims to expire. Claims expire by themselves after ``ttl`` seconds in any case.

Without Redis the cache is per process; that is fine because then tasks run in-process (eager).

On Redis a batch's claims are one round trip (``SET NX EX`` for each key, pipelined): the
schedule claims every due tool before it queues the batches, and one ``cache.add`` per tool
took 111 s for a 100,000-tool catalog (profiled) — past the scheduling task's time limit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

_PREFIX = "strata:refresh-claim"


def _key(kind: str, tool_id: int) -> str:
    # The database name keeps two deployments (or test databases) sharing one Redis apart.
    database = settings.DATABASES["default"]["NAME"]
    return f"{_PREFIX}:{database}:{kind}:{tool_id}"


def tools_claim(
    *, tool_ids: Iterable[int], owner: str, ttl: int, kind: str = "metrics"
) -> list[int]:
    """Claim the tools nobody else is refreshing; return the ids now held by ``owner``."""
    wanted = list(tool_ids)
    keys = [_key(kind, tool_id) for tool_id in wanted]
    added = _add_many(keys, owner, ttl=ttl)
    # A key already there may be ours: a redelivered batch takes its own claims back.
    held = cache.get_many([key for key, ok in zip(keys, added, strict=True) if not ok])
    return [
        tool_id
        for tool_id, key, ok in zip(wanted, keys, added, strict=True)
        if ok or held.get(key) == owner
    ]


def _add_many(keys: list[str], value: str, *, ttl: int) -> list[bool]:
    """``cache.add`` of each key: on Redis in one pipelined round trip, written as Django's
    Redis cache writes (its key format and serializer), so ``cache.get`` reads them back."""
    redis = caches["default"]  # ``cache`` is a proxy: isinstance needs the backend itself
    if not isinstance(redis, RedisCache) or not keys:
        return [cache.add(key, value, timeout=ttl) for key in keys]
    client = redis._cache  # type: ignore[attr-defined]  # Django's Redis client
    payload = client._serializer.dumps(value)
    pipeline = client.get_client(write=True).pipeline(transaction=False)
    for key in keys:
        pipeline.set(redis.make_and_validate_key(key), payload, nx=True, ex=ttl)
    return [bool(result) for result in pipeline.execute()]


def tools_release(*, tool_ids: Iterable[int], owner: str, kind: str = "metrics") -> None:
    """Give back ``owner``'s claims (a claim taken over by someone else is left alone)."""
    keys = [_key(kind, tool_id) for tool_id in tool_ids]
    held = cache.get_many(keys)
    cache.delete_many([key for key, value in held.items() if value == owner])
