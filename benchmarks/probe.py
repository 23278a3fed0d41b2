"""Time a few endpoints against a catalog already built, while working on one of them.

    python -m benchmarks.probe build 100000          # build a synthetic catalog (replaces it)
    python -m benchmarks.probe time api.layers page.home   # cold p50/p95 and SQL queries
    python -m benchmarks.probe time --all

``DATABASE_URL`` names the PostgreSQL database (default: the benchmark's own); the schema is
migrated first. A copy of a built catalog is quicker than a rebuild:
``createdb -h 127.0.0.1 -U postgres -T strata_bench_100k my_copy``. Not part of ``make bench``'s
report: it prints, and writes nothing else.
"""

from __future__ import annotations

import sys

from benchmarks import environment


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("build", "time"):
        raise SystemExit(__doc__)
    url = environment.database_url()
    environment.ensure_database(url)
    environment.setup_django(url)
    from benchmarks import catalog, timing

    if argv[0] == "build":
        scale = int(argv[1].replace("_", "")) if len(argv) > 1 else 100_000
        print(catalog.build_catalog(scale))
        return
    from django.test import Client

    from catalog.models import Tool

    scale = Tool.objects.count()
    wanted = set(argv[1:])
    chosen = [e for e in timing.endpoints(scale) if "--all" in wanted or e.key in wanted]
    if not chosen:
        keys = ", ".join(e.key for e in timing.endpoints(scale))
        raise SystemExit(f"no endpoint chosen; keys: {keys}")
    client = Client(raise_request_exception=True)
    for endpoint in chosen:
        result = timing.time_endpoint(client, endpoint)
        ms, sql = result.slowest_sql
        print(
            f"{scale:>7,} {endpoint.key:<24} {result.status} "
            f"p50 {result.percentile(50):8.1f} ms  p95 {result.percentile(95):8.1f} ms  "
            f"first byte p95 {sorted(result.first_byte_ms)[-1]:7.1f} ms  "
            f"{result.queries:>3} queries  slowest {ms:.1f} ms: {sql[:160]}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
