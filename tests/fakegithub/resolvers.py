"""GraphQL objects the fake serves, built from its repository table.

graphql-core's default resolver reads dict keys and calls callables with the field's arguments,
so a repository is a dict whose connection fields are small functions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from graphql import GraphQLResolveInfo, get_location

from .graphql_api import typed_error
from .state import FakeRepo


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _count(total: int) -> Callable[..., dict[str, int]]:
    return lambda _info, **_args: {"totalCount": total}


def _by_state(open_total: int, closed_total: int) -> Callable[..., dict[str, int]]:
    def resolve(_info: GraphQLResolveInfo, states: list[str] | None = None, **_args: Any):
        states = states or ["OPEN", "CLOSED", "MERGED"]
        total = (open_total if "OPEN" in states else 0) + (
            closed_total if {"CLOSED", "MERGED"} & set(states) else 0
        )
        return {"totalCount": total}

    return resolve


def _raiser(message: str) -> Callable[..., Any]:
    def resolve(_info: GraphQLResolveInfo, **_args: Any) -> Any:
        raise typed_error("SERVICE_UNAVAILABLE", message)

    return resolve


def repository_object(repo: FakeRepo) -> dict[str, Any]:
    def topics(_info: GraphQLResolveInfo, first: int | None = None, **_args: Any):
        names = repo.topics[: first or 0]
        return {
            "totalCount": len(repo.topics),
            "nodes": [{"topic": {"name": name, "id": f"T_{name}"}} for name in names],
        }

    branch = None
    if repo.default_branch:
        commit = {"__typename": "Commit", "oid": "0" * 40, "history": _count(repo.commits_90d)}
        branch = {"name": repo.default_branch, "prefix": "refs/heads/", "target": commit}
    obj: dict[str, Any] = {
        "__typename": "Repository",
        "id": repo.node_id,
        "databaseId": repo.database_id,
        "name": repo.name,
        "nameWithOwner": repo.full_name,
        "owner": {"__typename": "Organization", "login": repo.owner},
        "url": f"https://github.com/{repo.full_name}",
        "description": repo.description or None,
        "homepageUrl": repo.homepage or None,
        "stargazerCount": repo.stars,
        "forkCount": repo.forks,
        "watchers": _count(repo.watchers),
        "issues": _by_state(repo.open_issues, repo.closed_issues),
        "pullRequests": _by_state(repo.open_prs, repo.closed_prs),
        "pushedAt": iso(repo.pushed_at),
        "createdAt": iso(repo.created_at),
        "isArchived": repo.archived,
        "isDisabled": repo.disabled,
        "isFork": repo.is_fork,
        "isPrivate": False,
        "licenseInfo": {"spdxId": repo.license_spdx, "key": (repo.license_spdx or "").lower()}
        if repo.license_spdx
        else None,
        "primaryLanguage": {"name": repo.language} if repo.language else None,
        "repositoryTopics": topics,
        "releases": _count(repo.releases),
        "latestRelease": {
            "publishedAt": iso(repo.latest_release_at),
            "createdAt": iso(repo.latest_release_at),
            "tagName": "v1.0.0",
        }
        if repo.latest_release_at
        else None,
        "defaultBranchRef": branch,
    }
    for field, message in repo.field_errors.items():
        obj[field] = _raiser(message)
    return obj


def access_error(repo: FakeRepo | None, label: str) -> Exception | None:
    """The error GitHub gives instead of a repository it will not show; None when it will."""
    if repo is None or repo.access == "missing" or repo.graphql_not_found:
        return typed_error(
            "NOT_FOUND", f"Could not resolve to a Repository with the name '{label}'."
        )
    if repo.access == "blocked":
        return typed_error("FORBIDDEN", "Repository access blocked")
    if repo.access == "forbidden":
        return typed_error("FORBIDDEN", "Resource not accessible by integration")
    return None


def node_error(info: GraphQLResolveInfo, index: int, error: Any, global_id: str) -> dict[str, Any]:
    """The error entry for one item of ``nodes(ids:)``: that item is null, the rest answer."""
    message = error.message
    if error.extensions.get("type") == "NOT_FOUND":
        message = f"Could not resolve to a node with the global id of '{global_id}'"
    node = info.field_nodes[0]
    location = get_location(node.loc.source, node.loc.start)
    return {
        "type": error.extensions["type"],
        "path": [info.path.key, index],
        "locations": [{"line": location.line, "column": location.column}],
        "message": message,
    }
