"""Requests per second under gunicorn (3 workers, as ``make web``) with wrk as the load.

Every endpoint is loaded for a few seconds right after the trivial endpoint ``/api/v1/`` on the
same server in the same run, so its throughput can be given as a share of the trivial one's
(the machine's other work weighs on both alike). wrk is Debian's package (``apt-get install
wrk``); without it a small bounded Python load generator (threads, 127.0.0.1 only) stands in.
The RSS of each gunicorn worker is read from /proc after the load.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3
CONNECTIONS = 6
SECONDS = 4


@dataclass(frozen=True)
class Load:
    key: str
    rps: float
    trivial_rps: float
    errors: int

    @property
    def ratio(self) -> float:
        return self.rps / self.trivial_rps if self.trivial_rps else 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen]]:
    port = _free_port()
    binary = Path(sys.executable).parent / "gunicorn"
    command = [str(binary), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(WORKERS), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wrk(url: str) -> tuple[float, int]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*?timeout (\d+)", output)
    return rps, int(bad.group(1) if bad else 0) + int(errors.group(1) if errors else 0)


def _threads(url: str) -> tuple[float, int]:
    """The fallback: CONNECTIONS threads requesting ``url`` for SECONDS, 127.0.0.1 only."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("the load generator only loads 127.0.0.1")
    done, errors = [0], [0]
    lock = threading.Lock()
    ends = time.perf_counter() + SECONDS

    def worker() -> None:
        while time.perf_counter() < ends:
            try:
                with urllib.request.urlopen(url, timeout=30) as answer:
                    answer.read()
                    ok = answer.status < 400
            except OSError:
                ok = False
            with lock:
                done[0] += 1
                errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - started), errors[0]


def measure(url: str) -> tuple[float, int]:
    return _wrk(url) if shutil.which("wrk") else _threads(url)


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "Python threads"


def worker_rss_mb(process: subprocess.Popen) -> list[float]:
    """Resident memory of the gunicorn workers (the master's children), in MB."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        parent = re.search(r"PPid:\s+(\d+)", status)
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        if parent and rss and int(parent.group(1)) == process.pid:
            sizes.append(int(rss.group(1)) / 1024)
    return sizes


def load_all(paths: dict[str, str], env: dict[str, str]) -> tuple[list[Load], list[float]]:
    """Each path loaded right after the trivial endpoint, on one gunicorn."""
    results = []
    with gunicorn(env) as (base, process):
        measure(base + "/api/v1/")  # warm every worker
        for key, path in paths.items():
            trivial, _ = measure(base + "/api/v1/")
            rps, errors = measure(base + path)
            results.append(Load(key=key, rps=rps, trivial_rps=trivial, errors=errors))
            print(f"    load {key:<24} {rps:8.1f} req/s  ({rps / trivial:6.1%} of trivial)")
        rss = worker_rss_mb(process)
    return results, rss
