"""pytest fixtures for the fake GitHub: one server per session, a clean state per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .graphql_api import github_schema
from .server import FakeGitHub


@pytest.fixture(scope="session")
def fake_github_server() -> Iterator[FakeGitHub]:
    github_schema()  # build GitHub's schema once, before the first test's timeouts start
    fake = FakeGitHub().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_github(fake_github_server: FakeGitHub) -> Iterator[FakeGitHub]:
    """The running fake GitHub, emptied: no repositories, full budgets, no faults, empty log."""
    fake_github_server.reset()
    yield fake_github_server
    fake_github_server.reset()
