"""A fake GitHub for tests: a real HTTP server on 127.0.0.1 serving REST and GraphQL.

Use the ``fake_github`` pytest fixture (registered in ``tests/conftest.py``)::

    def test_stars_are_read(fake_github, settings):
        fake_github.add_repo("acme/rocket", stars=1234)
        settings.GITHUB_API_URL = fake_github.api_url
        settings.GITHUB_GRAPHQL_URL = fake_github.graphql_url
        ...
        assert len(fake_github.graphql_requests) == 1

Controls: ``add_repo(full_name, **values)`` / ``add_repos(n)`` / ``update`` / ``rename`` /
``delete`` / ``block`` (DMCA), ``set_budget(remaining, reset_at=…, token=…, resource=…)``,
``inject(kind, path=…, times=…, status=…, retry_after=…, seconds=…, remaining=…)``,
``latency`` (seconds per answer), ``tokens`` (accepted tokens, None = any), and the log
``requests`` / ``graphql_requests`` / ``rest_requests`` / ``points_used``.
"""

from .server import FakeGitHub
from .state import Budget, FakeRepo, Fault, LoggedRequest

__all__ = ["Budget", "FakeGitHub", "FakeRepo", "Fault", "LoggedRequest"]
