"""docker-compose.yml: Redis keeps queued work across a restart; health checks use /readyz."""

from __future__ import annotations

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_redis_writes_an_append_only_file_to_a_named_volume():
    redis = services()["redis"]
    command = redis["command"]

    assert command[command.index("--appendonly") + 1] == "yes"
    volume = next(v for v in redis["volumes"] if v.endswith(":/data"))
    assert volume.split(":")[0] in yaml.safe_load(COMPOSE.read_text())["volumes"]


def test_the_web_health_check_asks_readyz():
    test = " ".join(services()["web"]["healthcheck"]["test"])

    assert "http://127.0.0.1:8000/readyz" in test


def test_workers_and_beat_start_once_web_is_ready():
    for name in ("worker", "beat"):
        assert services()[name]["depends_on"]["web"]["condition"] == "service_healthy"
