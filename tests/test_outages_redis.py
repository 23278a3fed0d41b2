"""A Redis outage degrades Strata instead of failing it.

A private ``redis-server`` (the binary on the machine) serves as the cache on a free port; the
test stops it mid-way and starts it again. While it is down the API and the suggest form keep
answering (throttles and the rate limit let requests through, logged once a minute); once it is
back, throttling resumes.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from catalog.models import Suggestion
from catalog.outages import reset_outage_log
from tests.factories import make_category, make_layer

REDIS_SERVER = shutil.which("redis-server")

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="no redis-server binary on PATH")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A throwaway redis-server on 127.0.0.1:<free port>, without persistence."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(REDIS_SERVER), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    cache_settings = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    try:
        with override_settings(CACHES=cache_settings):
            yield server
    finally:
        server.stop()


@pytest.fixture
def tight_api_rates(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "1000/minute")


def outage_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "strata.outages"]


def test_the_api_keeps_answering_while_redis_is_down_and_throttles_again_once_it_is_back(
    db, private_redis, tight_api_rates, caplog
):
    reset_outage_log()
    api = APIClient()
    assert [api.get("/api/v1/layers/").status_code for _ in range(4)] == [200, 200, 200, 429]

    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="strata.outages"):
        statuses = [api.get("/api/v1/layers/").status_code for _ in range(8)]

    assert statuses == [200] * 8
    warnings = outage_warnings(caplog)
    # Once a minute for each cache user (the throttles, the response cache), not per request.
    assert len(warnings) == 2, warnings
    assert "API throttles" in warnings[0]
    assert "API response cache" in warnings[1]

    private_redis.start()  # back, empty (no persistence in this test server)
    assert [api.get("/api/v1/layers/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert api.get("/api/v1/layers/").json()["code"] == "throttled"


def test_an_unknown_api_url_and_a_bad_token_still_answer_json_while_redis_is_down(
    db, private_redis
):
    private_redis.stop()
    api = APIClient()

    assert api.get("/api/v1/nothing-here/").status_code == 404
    api.credentials(HTTP_AUTHORIZATION="Token wrong")
    response = api.get("/api/v1/layers/")
    assert response.status_code == 401
    assert response.json()["status"] == 401


@override_settings(SUGGEST_RATE_LIMIT="2/hour")
def test_suggestions_are_recorded_while_redis_is_down_and_limited_again_once_it_is_back(
    db, client, private_redis, caplog
):
    reset_outage_log()
    category = make_category("agents", layer=make_layer("apps"))

    def suggest(number: int) -> int:
        form = {"repository": f"someone/tool-{number}", "category": category.pk, "reason": ""}
        return client.post("/suggest/", form, REMOTE_ADDR="10.1.1.1").status_code

    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="strata.outages"):
        statuses = [suggest(n) for n in range(4)]

    assert statuses == [302] * 4  # thanked (redirect), none refused, none a 500
    assert Suggestion.objects.count() == 4
    assert len(outage_warnings(caplog)) == 1

    private_redis.start()
    assert [suggest(n) for n in range(10, 13)] == [302, 302, 429]
    assert Suggestion.objects.count() == 6


def test_the_cache_outage_is_logged_again_after_a_minute(db, private_redis, caplog, monkeypatch):
    reset_outage_log()
    private_redis.stop()
    clock = [1000.0]
    monkeypatch.setattr("catalog.outages.time.monotonic", lambda: clock[0])
    api = APIClient()

    with caplog.at_level(logging.WARNING, logger="strata.outages"):
        api.get("/api/v1/layers/")
        clock[0] += 59
        api.get("/api/v1/layers/")
        clock[0] += 2
        api.get("/api/v1/layers/")

    # Logged at 0 s and again after 61 s (not at 59 s) by each cache user the request has: the
    # throttles and the response cache.
    warnings = outage_warnings(caplog)
    assert len(warnings) == 4, warnings
    assert sum("API throttles" in warning for warning in warnings) == 2
