"""Fixtures every test package can use."""

from tests.fakegithub.fixtures import fake_github, fake_github_server

__all__ = ["fake_github", "fake_github_server"]
