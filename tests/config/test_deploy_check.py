"""`manage.py check --deploy --fail-level WARNING` is clean with the production environment the
README documents, and names what is missing without it. Runs in both CI passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]

# The README's production environment (section "Production"), with a throwaway key.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Jq9v-Z2mX8pL4tR7wY1nB6cF0hD5sG_aE3uI9oP2qW8xV4zN7mK1jH6gT0rS5e",
    "ALLOWED_HOSTS": "strata.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://strata.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def deploy_check(**env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", *PRODUCTION}}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_environment_passes_the_deploy_check():
    result = deploy_check(**PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_the_https_variables_the_deploy_check_names_each_gap():
    plain = {k: PRODUCTION[k] for k in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}

    result = deploy_check(**plain)

    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):
        assert f"security.{warning}" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECURE_HSTS_SECONDS", "a year"),
        ("SESSION_COOKIE_SECURE", "sometimes"),
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https"),
        ("API_THROTTLE_ANON", "lots"),
        ("AXES_FAILURE_LIMIT", "0"),
    ],
)
def test_a_malformed_security_variable_stops_start_naming_it(name, value):
    result = deploy_check(**{**PRODUCTION, name: value})

    assert result.returncode != 0
    assert name in result.stderr


def test_production_pages_redirect_to_https_and_send_hsts_and_csp():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "c = Client();"
        "r = c.get('/', HTTP_HOST='strata.example.org');"
        "print(r.status_code, r['Location']);"
        "r = c.get('/favicon.ico', HTTP_HOST='strata.example.org', HTTP_X_FORWARDED_PROTO='https');"
        "print(r['Strict-Transport-Security']);"
        "print(r['Content-Security-Policy']);"
        "r = c.get('/healthz', HTTP_HOST='strata.example.org');"
        "print(r.status_code)"
    )
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environ.update(PRODUCTION, DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )

    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert lines[0] == "301 https://strata.example.org/"
    assert lines[1] == "max-age=31536000; includeSubDomains; preload"
    policy = dict(directive.split(" ", 1) for directive in lines[2].split("; "))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert lines[3] == "200"  # a load balancer's plain-HTTP probe is not redirected
