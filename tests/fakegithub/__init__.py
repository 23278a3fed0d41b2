"""A fake GitHub for tests: a real HTTP server on 127.0.0.1 serving REST and GraphQL.

Use the ``fake_github`` pytest fixture (registered in ``tests/conftest.py``; one server per
session, emptied before and after every test)::

    def test_stars_are_read(fake_github, settings):
        fake_github.add_repo("acme/rocket", stars=1234)
        settings.GITHUB_TOKENS = ["test-token"]
        settings.GITHUB_API_URL = fake_github.api_url
        settings.GITHUB_GRAPHQL_URL = fake_github.graphql_url
        ...
        assert len(fake_github.graphql_requests) == 1

URLs: ``api_url`` / ``graphql_url`` (github.com layout), ``enterprise_api_url`` (``/api/v3``) /
``enterprise_graphql_url`` (``/api/graphql``), both served.

Repositories (:class:`FakeRepo`, every field settable): ``add_repo(full_name, **values)``,
``add_repos(n, owner="org", **values)`` (``org/tool-0`` …), ``repo(name)``,
``update(name, **values)``, ``rename(old, new)`` (GraphQL answers the new nameWithOwner, REST
301s the old name), ``delete(name)`` (NOT_FOUND / 404), ``block(name)`` (DMCA: FORBIDDEN
"Repository access blocked" / 451), ``access="forbidden"``, ``archived``, ``disabled``,
``contributors`` / ``contributors_state`` ("computing" → 202, "too_large" → 403),
``field_errors`` (partial data), ``corrupt`` (garbage values), ``query_times_out`` (502),
``star_history`` (date → stars added that day, for ``/stargazers/history``; unset: synthesised
from ``created_at`` and ``stars``, see ``star_history.py``).

Rate limits: ``set_budget(remaining, limit=5000, reset_at=…, token=None|"t"|"", resource=
"graphql"|"core")`` (``token=None``: every token), ``budget(token, resource)``, ``tokens`` (the
accepted tokens; None = any). GraphQL costs GitHub's documented points; REST costs 1, a 304 0.

Faults for the next matching request(s): ``inject(kind, path="/graphql", times=1, after=0,
status=…, retry_after=…, seconds=…, remaining=…)`` with kind "status" (502/504…), "timeout"
(answer after ``seconds``), "malformed_json", "secondary_limit" (403/429 + Retry-After),
"rate_limited" (GraphQL 200 RATE_LIMITED), "query_timeout" (GraphQL "Something went wrong").
``latency`` adds seconds to every answer.

Log: ``requests`` (:class:`LoggedRequest`: method, path, lower-cased headers, token, status,
resource, cost, query, variables, fault), ``graphql_requests``, ``rest_requests``,
``points_used``.
"""

from .server import FakeGitHub
from .state import Budget, FakeRepo, Fault, LoggedRequest

__all__ = ["Budget", "FakeGitHub", "FakeRepo", "Fault", "LoggedRequest"]
