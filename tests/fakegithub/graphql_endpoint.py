"""The fake's ``POST /graphql``: validate, charge the cost, execute over the repository table."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import graphql_api, rest
from . import recordings as rec
from .resolvers import access_error, node_error, repository_object
from .rest import Answer
from .state import FakeRepo, LoggedRequest

if TYPE_CHECKING:
    from .server import FakeGitHub


def limited_message(token: str) -> str:
    return f"API rate limit exceeded for user ID {zlib.crc32(token.encode()) % 10_000_000}."


def answer_graphql(fake: FakeGitHub, body: bytes, token: str, entry: LoggedRequest) -> Answer:
    if not token:
        payload = {
            "message": "This endpoint requires you to be authenticated.",
            "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
        }
        return rest.json_answer(401, payload, rec.GRAPHQL_200)
    try:
        request = json.loads(body)
        entry.query = str(request["query"])
        variables = request.get("variables") or {}
    except (ValueError, KeyError, TypeError):
        payload = {
            "message": "Problems parsing JSON",
            "documentation_url": "https://docs.github.com/graphql",
        }
        return rest.json_answer(400, payload, rec.GRAPHQL_200)
    entry.variables = variables
    budget = fake.budget(token, "graphql")
    prepared = graphql_api.prepare(entry.query, variables)
    if isinstance(prepared, list):
        headers = rest.rate_headers(budget, "graphql")
        return rest.json_answer(200, {"errors": prepared}, rec.GRAPHQL_200, **headers)
    if budget.remaining < prepared.cost:
        payload = {"errors": [{"type": "RATE_LIMITED", "message": limited_message(token)}]}
        headers = {**rest.rate_headers(budget, "graphql"), "X-RateLimit-Remaining": "0"}
        return rest.json_answer(200, payload, rec.GRAPHQL_200, **headers)
    budget.remaining -= prepared.cost
    entry.resource, entry.cost = "graphql", prepared.cost
    rate_limit = {
        "cost": prepared.cost,
        "limit": budget.limit,
        "remaining": budget.remaining,
        "used": budget.used,
        "nodeCount": prepared.node_requests,
        "resetAt": datetime.fromtimestamp(budget.reset_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    touched: list[FakeRepo] = []
    answer = graphql_api.run(prepared, variables, _root(fake, rate_limit, touched))
    if any(repo.query_times_out for repo in touched):
        # GitHub gives up on a query that runs too long: a 502 for the whole query.
        text = b"<html><body><h1>502 Server Error</h1></body></html>"
        return Answer(502, text, {"Content-Type": "text/html"})
    _corrupt(fake, answer.get("data"))
    headers = rest.rate_headers(budget, "graphql")
    return rest.json_answer(200, answer, rec.GRAPHQL_200, **headers)


def _root(fake: FakeGitHub, rate_limit: dict[str, Any], touched: list) -> dict[str, Any]:
    def repository(_info, owner: str, name: str, followRenames: bool = True, **_):
        label = f"{owner}/{name}"
        repo = fake.find(label)
        if repo is not None and not followRenames and repo.full_name.lower() != label.lower():
            repo = None
        error = access_error(repo, label)
        if error is not None:
            raise error
        touched.append(repo)
        return repository_object(repo)

    def node(info, global_id: str, index: int = 0, sink: list | None = None):
        repo = next((r for r in fake.repos if r.node_id == global_id), None)
        error = access_error(repo, global_id)
        if error is None:
            touched.append(repo)
            return repository_object(repo)
        if sink is None:
            raise error
        sink.append(node_error(info, index, error, global_id))
        return None

    def nodes(info, ids: list[str], **_):
        sink = info.context["errors"]
        return [node(info, gid, i, sink) for i, gid in enumerate(ids)]

    return {
        "repository": repository,
        "node": lambda info, id, **_: node(info, id),
        "nodes": nodes,
        "rateLimit": lambda _info, **_: rate_limit,
    }


def _corrupt(fake: FakeGitHub, data: Any) -> None:
    """Write each repository's ``corrupt`` values over its answer: GitHub sending garbage."""
    if not isinstance(data, dict):
        return
    items = [v for v in data.values() if isinstance(v, dict)]
    items += [i for v in data.values() if isinstance(v, list) for i in v if isinstance(i, dict)]
    for item in items:
        repo = next((r for r in fake.repos if r.node_id == item.get("id")), None)
        if repo is not None and repo.corrupt:
            item.update(repo.corrupt)
