"""Shared pieces of the refresh scenario tests: a client on the fake GitHub, seeded tools, and
the checks every scenario makes (nothing lost, one snapshot per tool per day, honest counts)."""

from __future__ import annotations

import copy
import uuid
from datetime import timedelta

from django.utils import timezone

from catalog.models import MetricSnapshot, RefreshRun, Tool
from tests.factories import make_category, make_snapshot, make_tool
from workers.github import GitHubClient

METRICS = (
    "stars", "forks", "watchers", "open_issues", "open_pull_requests", "contributors",
    "commits_90d", "release_count",
)  # fmt: skip
STORED = dict(
    stars=50, forks=5, watchers=4, open_issues=3, open_pull_requests=2, contributors=7,
    commits_90d=6, release_count=1,
)  # fmt: skip
TOKEN = "test-token"


def isolate_cache(settings) -> None:
    """A cache namespace of the test's own (Redis when REDIS_URL is set): claims one test
    takes never block the next test, which may reuse the same tool ids."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    if caches["default"]["BACKEND"].endswith("LocMemCache"):
        caches["default"]["LOCATION"] = caches["default"]["KEY_PREFIX"]
    settings.CACHES = caches


def use_fake_github(fake, settings):
    """Point the settings at the fake GitHub with one token; returns the fake."""
    isolate_cache(settings)
    settings.GITHUB_API_URL = fake.api_url
    settings.GITHUB_GRAPHQL_URL = fake.graphql_url
    settings.GITHUB_TOKENS = [TOKEN]
    settings.GITHUB_TIMEOUT_SECONDS = 1
    return fake


class Sleeps(list):
    """Stands in for ``time.sleep``: records how long the client would have waited."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(**overrides) -> GitHubClient:
    overrides.setdefault("sleep", Sleeps())
    overrides.setdefault("jitter", lambda: 0.5)
    return GitHubClient.from_settings(**overrides)


def seed(fake, count: int, *, owner: str = "org", by_id: bool = False, **repo_values) -> list[Tool]:
    """``count`` repositories on the fake and the tools that track them, each with stored
    metrics and yesterday's snapshot (the history a failure must not lose)."""
    category = make_category()
    yesterday = timezone.now().date() - timedelta(days=1)
    tools = []
    for index in range(count):
        repo = fake.add_repo(f"{owner}/tool-{index}", stars=1000 + index, **repo_values)
        node_id = repo.node_id if by_id else ""
        tool = make_tool(repo.full_name, category=category, github_node_id=node_id, **STORED)
        make_snapshot(tool, yesterday, stars=STORED["stars"], forks=STORED["forks"])
        tools.append(tool)
    return tools


class Ledger:
    """What was stored before a refresh, to prove afterwards that nothing was lost."""

    def __init__(self) -> None:
        self.metrics = {tool.pk: _metrics(tool) for tool in Tool.objects.all()}
        self.snapshots = set(_snapshot_rows())

    def assert_nothing_lost(self) -> None:
        for tool in Tool.objects.all():
            for name, before in self.metrics.get(tool.pk, {}).items():
                after = getattr(tool, name)
                assert before is None or after is not None, f"{tool}: {name} went NULL"
                assert before in (None, 0) or after != 0, f"{tool}: {name} was zeroed"
        today = timezone.now().date()
        rows = set(_snapshot_rows())
        earlier = {row for row in self.snapshots if row[1] != today}
        assert earlier <= rows, "an earlier day's snapshot was changed or deleted"
        days = [(tool_id, day) for tool_id, day, *_ in rows]
        assert len(days) == len(set(days)), "two snapshots for one tool on one day"


def _metrics(tool: Tool) -> dict:
    return {name: getattr(tool, name) for name in METRICS}


def _snapshot_rows():
    return MetricSnapshot.objects.values_list("tool_id", "date", "stars", "forks", "contributors")


def assert_run(run: RefreshRun, *, status: str = "finished", **counts: int) -> None:
    """The run's counts are exactly ``counts`` (others zero) and add up to its total."""
    run.refresh_from_db()
    names = ("ok", "not_modified", "failed", "renamed", "missing", "deferred")
    actual = {name: getattr(run, f"tools_{name}") for name in names}
    expected = {name: counts.get(name, 0) for name in names}
    assert actual == expected, run.error_summary
    parts = ("ok", "not_modified", "failed", "missing", "deferred")
    assert run.tools_total == sum(actual[name] for name in parts)
    assert run.status == status
    assert run.finished_at is not None
