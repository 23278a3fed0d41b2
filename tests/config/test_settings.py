"""Settings read the environment and refuse malformed values, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list, env_url

PROJECT_DIR = Path(__file__).resolve().parents[2]


def start_django(**env: str) -> subprocess.CompletedProcess:
    """Start Django the way manage.py does, with the given environment."""
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environ.update({"SECRET_KEY": "x" * 50, **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://root@localhost/strata"),
        ("DATABASE_URL", "not a url"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("GITHUB_API_URL", "ftp://github.example.com"),
        ("GITHUB_BATCH_SIZE", "fifty"),
        ("GITHUB_RATE_LIMIT_RESERVE", "-5"),
    ],
)
def test_malformed_env_value_stops_start_naming_the_variable(name, value):
    result = start_django(**{name: value})

    assert result.returncode != 0
    assert name in result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = start_django(SECRET_KEY="", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_mode_starts_without_secret_key():
    result = start_django(SECRET_KEY="", DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_env_helpers_parse_valid_values():
    environ = {"A": "yes", "B": "42", "C": " a, b ,,c ", "D": "https://ghe.example.com/api/v3/"}

    assert env_bool("A", False, environ) is True
    assert env_int("B", 0, environ) == 42
    assert env_list("C", [], environ) == ["a", "b", "c"]
    assert env_url("D", "", environ) == "https://ghe.example.com/api/v3"
    assert env_int("MISSING", 7, environ) == 7


def test_env_int_message_names_variable():
    with pytest.raises(ImproperlyConfiguredEnv, match="GITHUB_BATCH_SIZE"):
        env_int("GITHUB_BATCH_SIZE", 50, {"GITHUB_BATCH_SIZE": "1.5"})
