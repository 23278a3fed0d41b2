"""The test suite's fake GitHub, in a process of its own for the benchmark.

    python -m benchmarks.fake_server --repos 10000 --latency 0.1

prints its base URL on the first line of stdout and serves until stdin closes. Running it apart
keeps its own CPU time (parsing, validating and costing every GraphQL query with graphql-core)
out of the process being measured. Its name lookups are indexed and its "corrupt this answer"
scenario hook is off — the test fake scans its list of repositories for both, which is fine for
a dozen and would make the fake, not Strata, the bottleneck at 10,000. What it answers, and
what it charges, is unchanged.
"""

from __future__ import annotations

import argparse
import sys

from tests.fakegithub import FakeGitHub, graphql_endpoint
from tests.fakegithub.state import FakeRepo


class IndexedFakeGitHub(FakeGitHub):
    def reset(self) -> None:
        super().reset()
        self._by_name: dict[str, FakeRepo] = {}

    def add_repo(self, full_name: str, **values) -> FakeRepo:
        repo = super().add_repo(full_name, **values)
        self._by_name[full_name.lower()] = repo
        return repo

    def find(self, full_name: str) -> FakeRepo | None:
        return self._by_name.get(full_name.lower()) or super().find(full_name)


def _no_corruption(fake, data) -> None:
    """The benchmark's repositories are never corrupt: skip the per-answer scan for them."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added per answer")
    options = parser.parse_args()
    graphql_endpoint._corrupt = _no_corruption
    fake = IndexedFakeGitHub().start()
    for index in range(options.repos):
        fake.add_repo(f"org/tool-{index}", stars=1000 + index, contributors=5 + index % 300)
    fake.latency = options.latency
    print(fake.base_url, flush=True)
    sys.stdin.read()  # serve until the benchmark closes our stdin
    fake.stop()


if __name__ == "__main__":
    main()
