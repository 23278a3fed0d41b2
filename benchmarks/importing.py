"""Imports measured by ``make bench``: ``manage.py import_catalog`` into an empty PostgreSQL
database — the bundled catalog, and a synthetic catalog of N tools written as import files
(``benchmarks.import_files``) — each timed and its peak RSS taken from ``wait4``'s rusage (the
importing process's own figure, not the benchmark's).

    python -m benchmarks.importing 100000      # one synthetic import, printed

The import prints the seconds of each step (``import_catalog -v2``); they are kept as phases.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.environment import BENCH_ENV

ROOT = Path(__file__).resolve().parent.parent


def _fresh_database(url: str, suffix: str = "_import") -> str:
    """``<name><suffix>``, dropped and created again: the import starts from nothing."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + suffix
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and standard output of one child process."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{text[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, text  # Linux: kB


def _phases(output: str, label: str = "time") -> dict[str, float]:
    """The ``time: reading 1.2 s, tools 3.4 s, …`` line of ``import_catalog -v2`` (``cpu:``:
    the importing process's own CPU seconds in each step)."""
    prefix = f"{label}:"
    line = next((line for line in output.splitlines() if line.strip().startswith(prefix)), "")
    return {
        step.strip(): float(seconds)
        for step, seconds in re.findall(r"([a-z ]+?) ([0-9.]+) s", line.split(":", 1)[-1])
    }


def _import(url: str, paths: list[str]) -> dict:
    database = _fresh_database(url)
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": database}
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    try:
        _run([*manage, "migrate", "--noinput"], env)
        seconds, rss, output = _run(
            [*manage, "import_catalog", "-v2", "--no-progress", *paths], env
        )
    finally:
        _drop_database(database)
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(rss, 1),
        "phases": _phases(output),
        "cpu": _phases(output, "cpu"),
    }


def measure_bundled_import(url: str) -> dict:
    return _import(url, [])


def measure_import(url: str, tools: int) -> dict:
    """A synthetic catalog of ``tools`` tools (36 days of history each) written as import
    files to a temporary folder, then imported into an empty database."""
    from benchmarks.import_files import write_import_files

    with tempfile.TemporaryDirectory(prefix="strata-bench-import-") as folder:
        files = write_import_files(Path(folder), tools)
        result = _import(url, [folder])
    result.update(tools=tools, history_rows=files.history_rows, snapshots=files.snapshots)
    return result


def main(argv: list[str]) -> None:
    from benchmarks import environment

    if len(argv) != 1:
        raise SystemExit(__doc__)
    url = environment.database_url()
    environment.ensure_database(url)
    print(measure_import(url, int(argv[0].replace("_", ""))))


if __name__ == "__main__":
    main(sys.argv[1:])
