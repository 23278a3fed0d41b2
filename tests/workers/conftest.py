"""Fixtures for the worker tests: ``github`` (the fake GitHub wired into the settings) and
``isolated_cache`` live in ``refresh_helpers`` with the scenario checks they serve."""

import pytest

pytest.register_assert_rewrite("tests.workers.refresh_helpers")

from tests.workers.refresh_helpers import github, isolated_cache  # noqa: E402, F401
