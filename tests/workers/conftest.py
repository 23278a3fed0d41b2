"""Fixtures for the worker tests; the helpers they use live in ``refresh_helpers``."""

import pytest

from tests.workers.refresh_helpers import use_fake_github


@pytest.fixture
def github(fake_github, settings):
    """The fake GitHub, with the settings pointing at it and one token."""
    return use_fake_github(fake_github, settings)
