"""Fixtures every test package can use."""

import pytest

# Helpers with assertions, imported by tests in several packages: rewrite their asserts so a
# failure shows the values (registered here, before any test module imports them).
pytest.register_assert_rewrite("tests.workers.refresh_helpers")

from tests.fakegithub.fixtures import fake_github, fake_github_server  # noqa: E402

__all__ = ["fake_github", "fake_github_server"]
