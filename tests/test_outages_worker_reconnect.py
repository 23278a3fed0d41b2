"""A Celery worker survives a Redis restart: it reconnects and answers again.

A private ``redis-server`` is the broker of a real ``celery worker`` process; the test stops
Redis, starts it again on the same port, and waits for the same worker to answer a ping.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

from tests.test_outages_redis import REDIS_SERVER, PrivateRedis

PROJECT_DIR = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="no redis-server binary on PATH")


def ping(broker_url: str, hostname: str, timeout: float) -> bool:
    client = Celery(broker=broker_url)
    try:
        answers = client.control.ping(destination=[hostname], timeout=timeout)
    except Exception:  # the broker itself is unreachable
        return False
    finally:
        client.close()
    return any(hostname in answer for answer in answers)


def wait_for_ping(broker_url: str, hostname: str, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if ping(broker_url, hostname, timeout=1.0):
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[tuple[PrivateRedis, str]]:
    redis = PrivateRedis(tmp_path)
    redis.start()
    hostname = f"reconnect-{uuid.uuid4().hex[:8]}@localhost"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(REDIS_URL=redis.url, CELERY_QUEUE=f"reconnect-{uuid.uuid4().hex[:8]}")
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--hostname", hostname, "--loglevel=INFO", "--without-gossip", "--without-mingle"],
        cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield redis, hostname
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        redis.stop()


def test_a_worker_reconnects_after_redis_restarts(worker, tmp_path):
    redis, hostname = worker
    assert wait_for_ping(redis.url, hostname, within=60), (tmp_path / "worker.log").read_text()

    redis.stop()
    time.sleep(3)  # the worker notices the lost connection
    assert not ping(redis.url, hostname, timeout=0.5)
    redis.start()

    log = (tmp_path / "worker.log").read_text
    assert wait_for_ping(redis.url, hostname, within=60), log()
