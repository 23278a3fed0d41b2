"""Refresh claims: a tool claimed by one run is left alone by another, its own run takes it
back (a redelivered batch), and a released claim can be taken again — on Redis (one pipelined
round trip per batch) as on the per-process cache."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.workers.refresh_helpers import isolate_cache
from workers.locks import _key, tools_claim, tools_release


@pytest.fixture(autouse=True)
def own_cache(settings):
    isolate_cache(settings)


def test_a_second_run_gets_only_the_tools_nobody_holds():
    first = tools_claim(tool_ids=[1, 2, 3], owner="run-1", ttl=60)
    second = tools_claim(tool_ids=[3, 4, 5], owner="run-2", ttl=60)

    assert first == [1, 2, 3]
    assert second == [4, 5]


def test_a_redelivered_batch_takes_its_own_claims_back():
    tools_claim(tool_ids=[7, 8], owner="run-1", ttl=60)

    assert tools_claim(tool_ids=[8, 7, 9], owner="run-1", ttl=60) == [8, 7, 9]


def test_released_claims_can_be_taken_and_others_claims_are_kept():
    tools_claim(tool_ids=[1, 2], owner="run-1", ttl=60)
    tools_claim(tool_ids=[3], owner="run-2", ttl=60)

    tools_release(tool_ids=[1, 2, 3], owner="run-1")

    assert tools_claim(tool_ids=[1, 2, 3], owner="run-3", ttl=60) == [1, 2]
    assert cache.get(_key("metrics", 3)) == "run-2"  # read back as Django's cache wrote it


def test_claims_of_other_passes_are_kept_apart():
    tools_claim(tool_ids=[1], owner="run-1", ttl=60, kind="metrics")

    assert tools_claim(tool_ids=[1], owner="run-2", ttl=60, kind="contributors") == [1]


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL; CI's second run has it")
def test_on_redis_a_batch_is_claimed_in_one_go_and_expires_after_its_ttl(monkeypatch):
    from django.core.cache.backends.redis import RedisCache

    def one_by_one(*args, **kwargs):
        raise AssertionError("claims taken key by key (a round trip each)")

    monkeypatch.setattr(RedisCache, "add", one_by_one)

    assert tools_claim(tool_ids=range(1, 501), owner="run-1", ttl=60) == list(range(1, 501))

    redis = cache._cache.get_client()  # Django's cache has no TTL query; Redis does
    assert 0 < redis.ttl(cache.make_and_validate_key(_key("metrics", 1))) <= 60
