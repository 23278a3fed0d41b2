"""One GraphQL query for many repositories, and its answer turned into results.

Repositories we know by node id are looked up with ``nodes(ids:)`` (an id survives renames and
transfers); the others by ``repository(owner:, name:)`` under aliases ``r0``, ``r1``, …
Values travel as GraphQL variables, never pasted into the query text.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from workers.github import parse as p
from workers.github.types import RepoFacts, RepoRef, RepoResult, RepoStatus

COMMIT_WINDOW = timedelta(days=90)

REPOSITORY_FIELDS = """
fragment RepositoryFields on Repository {
  databaseId
  id
  nameWithOwner
  description
  homepageUrl
  stargazerCount
  forkCount
  watchers { totalCount }
  issues(states: OPEN) { totalCount }
  pullRequests(states: OPEN) { totalCount }
  pushedAt
  createdAt
  isArchived
  isDisabled
  isFork
  licenseInfo { spdxId }
  primaryLanguage { name }
  repositoryTopics(first: 20) { nodes { topic { name } } }
  releases { totalCount }
  latestRelease { publishedAt createdAt }
  defaultBranchRef { target { ... on Commit { history(since: $since) { totalCount } } } }
}
"""


def build_query(refs: Sequence[RepoRef], *, now: datetime) -> tuple[str, dict[str, Any], dict]:
    """The query text, its variables, and where each ref's answer will be (alias or index)."""
    since = (now - COMMIT_WINDOW).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    declarations = ["$since: GitTimestamp!"]
    variables: dict[str, Any] = {"since": since}
    selections = ["rateLimit { cost remaining resetAt limit used }"]
    places: dict[str, tuple[str, int | None]] = {}
    ids = [ref for ref in refs if ref.node_id]
    for index, ref in enumerate(ref for ref in refs if not ref.node_id):
        owner, _, name = ref.full_name.partition("/")
        declarations += [f"$o{index}: String!", f"$n{index}: String!"]
        variables[f"o{index}"], variables[f"n{index}"] = owner, name
        selections.append(
            f"r{index}: repository(owner: $o{index}, name: $n{index}) {{ ...RepositoryFields }}"
        )
        places[ref.key] = (f"r{index}", None)
    if ids:
        declarations.append("$ids: [ID!]!")
        variables["ids"] = [ref.node_id for ref in ids]
        selections.append("byId: nodes(ids: $ids) { ... on Repository { ...RepositoryFields } }")
        places.update({ref.key: ("byId", index) for index, ref in enumerate(ids)})
    body = "\n  ".join(selections)
    query = f"query Repositories({', '.join(declarations)}) {{\n  {body}\n}}\n{REPOSITORY_FIELDS}"
    return query, variables, places


def parse_answer(
    refs: Sequence[RepoRef], places: dict, data: dict[str, Any], errors: list[Any]
) -> list[RepoResult]:
    """One result per ref; a per-repository error or a malformed value never fails the batch."""
    by_place: dict[tuple[str, int | None], list[dict[str, Any]]] = {}
    for error in errors:
        path = error.get("path") if isinstance(error, dict) else None
        if isinstance(path, list) and path and isinstance(path[0], str):
            index = path[1] if path[0] == "byId" and len(path) > 1 else None
            by_place.setdefault((path[0], index if isinstance(index, int) else None), []).append(
                error
            )
    results = []
    for ref in refs:
        alias, index = places[ref.key]
        answer = data.get(alias)
        if index is not None:
            answer = answer[index] if isinstance(answer, list) and index < len(answer) else None
        results.append(_result(ref, answer, by_place.get((alias, index), [])))
    return results


def _result(ref: RepoRef, answer: Any, errors: list[dict[str, Any]]) -> RepoResult:
    messages = "; ".join(p.text(e.get("message"), "message", 300) for e in errors)
    if answer is None:
        kinds = {e.get("type") for e in errors}
        if "NOT_FOUND" in kinds:
            return RepoResult(ref.key, RepoStatus.MISSING, error=messages)
        if "FORBIDDEN" in kinds:
            blocked = "blocked" in messages.lower()
            status = RepoStatus.BLOCKED if blocked else RepoStatus.FORBIDDEN
            return RepoResult(ref.key, status, error=messages)
        return RepoResult(ref.key, RepoStatus.ERROR, error=messages or "GitHub sent no data")
    try:
        facts = repository_facts(answer, unreported=_fields_in_error(errors))
    except p.InvalidValue as exc:
        return RepoResult(ref.key, RepoStatus.ERROR, error=f"malformed answer from GitHub: {exc}")
    note = f"partial data from GitHub: {messages}" if messages else ""
    return RepoResult(ref.key, RepoStatus.OK, facts=facts, error=note)


def _fields_in_error(errors: list[dict[str, Any]]) -> set[str]:
    """The repository's fields GitHub answered with an error (``path`` after the alias, or
    after ``byId`` and the index): they come back null, which is "not reported", not empty."""
    fields = set()
    for error in errors:
        path = error.get("path")
        if not isinstance(path, list):
            continue
        rest = path[2:] if path[:1] == ["byId"] else path[1:]
        if rest and isinstance(rest[0], str):
            fields.add(rest[0])
    return fields


def repository_facts(answer: Any, *, unreported: Collection[str] = ()) -> RepoFacts:
    """Facts from one repository's answer; fields in ``unreported`` (GitHub errors) are None."""
    if not isinstance(answer, dict):
        raise p.InvalidValue("repository is not an object")

    def unless_failed(field: str, value: Any) -> Any:
        return None if field in unreported else value

    history = p.dig(answer, "defaultBranchRef", "target", "history", "totalCount")
    latest = answer.get("latestRelease")
    return RepoFacts(
        github_id=p.count(answer.get("databaseId"), "databaseId"),
        node_id=p.text(answer.get("id"), "id", p.NODE_ID_CHARS),
        full_name=p.full_name(answer.get("nameWithOwner")),
        description=unless_failed(
            "description", p.text(answer.get("description"), "description", p.DESCRIPTION_CHARS)
        ),
        homepage=unless_failed("homepageUrl", p.homepage(answer.get("homepageUrl"))),
        stars=p.count(answer.get("stargazerCount"), "stargazerCount"),
        forks=p.count(answer.get("forkCount"), "forkCount"),
        watchers=_count(answer, "watchers", unreported),
        open_issues=_count(answer, "issues", unreported),
        open_pull_requests=_count(answer, "pullRequests", unreported),
        pushed_at=p.moment(answer.get("pushedAt"), "pushedAt"),
        created_at=p.moment(answer.get("createdAt"), "createdAt"),
        archived=p.flag(answer.get("isArchived"), "isArchived"),
        disabled=p.flag(answer.get("isDisabled"), "isDisabled"),
        is_fork=p.flag(answer.get("isFork"), "isFork"),
        license_spdx=unless_failed(
            "licenseInfo",
            p.text(p.dig(answer, "licenseInfo", "spdxId"), "licenseInfo", p.SHORT_CHARS),
        ),
        language=unless_failed(
            "primaryLanguage",
            p.text(p.dig(answer, "primaryLanguage", "name"), "language", p.SHORT_CHARS),
        ),
        topics=unless_failed(
            "repositoryTopics", p.topics(p.dig(answer, "repositoryTopics", "nodes"))
        ),
        release_count=_count(answer, "releases", unreported),
        last_release_at=p.moment(
            p.dig(latest, "publishedAt") or p.dig(latest, "createdAt"), "latestRelease"
        ),
        commits_90d=p.optional_count(history, "history"),
    )


def _count(answer: dict[str, Any], field: str, unreported: Collection[str]) -> int | None:
    """``field { totalCount }``, or None when GitHub answered that field with an error."""
    if field in unreported:
        return None
    return p.count(p.dig(answer, field, "totalCount"), field)
