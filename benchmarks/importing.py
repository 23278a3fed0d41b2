"""Import of the bundled catalog (``manage.py import_catalog``) into an empty PostgreSQL
database: wall time and the importing process's peak RSS (from ``wait4``'s rusage, so the
figure is that process's own, not the benchmark's)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.environment import BENCH_ENV

ROOT = Path(__file__).resolve().parent.parent


def _fresh_database(url: str) -> str:
    """``<name>_import``, dropped and created again: the import starts from nothing."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_import"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode})")
    return time.perf_counter() - started, usage.ru_maxrss / 1024  # Linux: kB


def measure_bundled_import(url: str) -> dict[str, float]:
    database = _fresh_database(url)
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": database}
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    _run([*manage, "migrate", "--noinput"], env)
    seconds, rss = _run([*manage, "import_catalog"], env)
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(rss, 1)}
