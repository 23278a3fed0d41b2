"""docker-compose runs the Makefile's entry points: `make web`, `make worker`, `make beat`."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z]+):", text, flags=re.MULTILINE))


def test_compose_has_the_five_services_of_a_deployment():
    assert set(_compose()["services"]) == {"postgres", "redis", "web", "worker", "beat"}


def test_each_app_service_runs_its_makefile_target():
    services = _compose()["services"]
    targets = _makefile_targets()
    for role in ("web", "worker", "beat"):
        command = services[role]["command"]
        assert command[:2] == ["make", role], f"{role} runs {command}"
        assert role in targets, f"the Makefile has no `{role}` target"


def test_app_services_share_one_database_and_one_broker():
    services = _compose()["services"]
    environments = [services[role]["environment"] for role in ("web", "worker", "beat")]
    assert all(env["DATABASE_URL"].startswith("postgres://") for env in environments)
    assert all(env["REDIS_URL"].startswith("redis://redis:") for env in environments)
    assert len({(env["DATABASE_URL"], env["REDIS_URL"]) for env in environments}) == 1


def test_the_web_service_listens_beyond_the_container():
    web = _compose()["services"]["web"]
    assert "HOST=0.0.0.0" in web["command"]
    assert any(str(port).endswith(":8000") for port in web["ports"])
