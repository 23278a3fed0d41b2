"""The benchmark's environment: a PostgreSQL database of its own (created if missing) and
settings a load test can run under (production mode, throttles out of the way)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/strata_bench"
BENCH_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-not-a-secret-benchmark-only-not-a-secret",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "API_THROTTLE_ANON": "100000000/minute",
    "API_THROTTLE_USER": "100000000/minute",
    "LOG_LEVEL": "ERROR",
}


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"DATABASE_URL={url!r}: the API benchmark needs PostgreSQL")
    return url


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it is missing (connecting to the server's ``postgres`` database)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    """Environment first (settings read it once), then Django, then the schema."""
    os.environ.update(BENCH_ENV, DATABASE_URL=url)
    os.environ.pop("REDIS_URL", None)  # per-process cache: what is measured is Strata, not Redis
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
