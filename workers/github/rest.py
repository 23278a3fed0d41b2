"""REST answers turned into typed values: one repository, and the contributor count."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from workers.github import parse as p
from workers.github.transport import message_of
from workers.github.types import RepoFacts, RepoRef, RepoResult, RepoStatus


def rest_facts(body: Any) -> RepoFacts:
    """Facts from ``GET /repos/{owner}/{repo}``. REST's ``open_issues_count`` includes pull
    requests and it has no release or commit counts, so those stay None (not measured)."""
    if not isinstance(body, dict):
        raise p.InvalidValue("repository is not an object")
    topics = body.get("topics")
    return RepoFacts(
        github_id=p.count(body.get("id"), "id"),
        node_id=p.text(body.get("node_id"), "node_id", p.NODE_ID_CHARS),
        full_name=p.full_name(body.get("full_name"), "full_name"),
        description=p.text(body.get("description"), "description", p.DESCRIPTION_CHARS),
        homepage=p.homepage(body.get("homepage"), "homepage"),
        stars=p.count(body.get("stargazers_count"), "stargazers_count"),
        forks=p.count(body.get("forks_count"), "forks_count"),
        # REST's "watchers" are stargazers; the people watching are "subscribers".
        watchers=p.count(body.get("subscribers_count"), "subscribers_count"),
        open_issues=None,
        open_pull_requests=None,
        pushed_at=p.moment(body.get("pushed_at"), "pushed_at"),
        created_at=p.moment(body.get("created_at"), "created_at"),
        archived=p.flag(body.get("archived"), "archived"),
        disabled=p.flag(body.get("disabled", False), "disabled"),
        is_fork=p.flag(body.get("fork"), "fork"),
        license_spdx=p.text(p.dig(body, "license", "spdx_id"), "license", p.SHORT_CHARS),
        language=p.text(body.get("language"), "language", p.SHORT_CHARS),
        topics=p.topics(
            [{"topic": {"name": t}} for t in topics] if isinstance(topics, list) else topics,
            "topics",
        ),
        release_count=None,
        last_release_at=None,
        commits_90d=None,
    )


TOO_LARGE = "too large"


def contributor_count(
    response: httpx.Response, payload: Any, *, etag: str, new_full_name: str | None
) -> dict[str, Any]:
    """The fields of a ContributorCount for one ``/contributors?per_page=1&anon=1`` answer."""
    status = response.status_code
    answer: dict[str, Any] = {
        "status": "moved" if new_full_name else "ok",
        "etag": p.text(response.headers.get("etag"), "ETag", 200) or etag,
        "new_full_name": new_full_name,
    }
    if status == 304:
        return {**answer, "status": "moved" if new_full_name else "not_modified", "etag": etag}
    if status == 204:  # an empty repository
        return {**answer, "count": 0}
    if status == 200 and isinstance(payload, list):
        last = response.links.get("last", {}).get("url", "")
        pages = _page(last) if last else None
        if last and pages is None:
            return {**answer, "status": "computing", "etag": etag}
        return {**answer, "count": pages if pages is not None else len(payload)}
    if status == 202:
        return {**answer, "status": "computing", "etag": etag}
    message = payload.get("message", "") if isinstance(payload, dict) else ""
    if status == 403 and TOO_LARGE in str(message).lower():
        return {**answer, "status": "too_large", "is_lower_bound": True, "etag": etag}
    if status == 404:
        return {**answer, "status": "missing", "etag": ""}
    if status == 451:
        return {**answer, "status": "blocked", "etag": ""}
    # Anything else (a 200 that is not a list, an unexpected status): ask again next time.
    return {**answer, "status": "computing", "etag": etag}


def _page(url: str) -> int | None:
    values = parse_qs(urlsplit(url).query).get("page") or []
    if values and values[0].isdigit() and 0 < int(values[0]) <= p.MAX_COUNT:
        return int(values[0])
    return None


def rest_result(ref: RepoRef, response: httpx.Response, payload: Any) -> RepoResult:
    status = response.status_code
    if status == 200:
        try:
            return RepoResult(ref.key, RepoStatus.OK, facts=rest_facts(payload))
        except p.InvalidValue as exc:
            return RepoResult(
                ref.key, RepoStatus.ERROR, error=f"malformed answer from GitHub: {exc}"
            )
    message = p.text(message_of(payload), "message", 300)
    if status == 404:
        return RepoResult(ref.key, RepoStatus.MISSING, error=message or "Not Found")
    if status == 451:
        return RepoResult(ref.key, RepoStatus.BLOCKED, error=message or "blocked for legal reasons")
    if status == 403:
        return RepoResult(ref.key, RepoStatus.FORBIDDEN, error=message or "Forbidden")
    return RepoResult(ref.key, RepoStatus.ERROR, error=f"GitHub answered HTTP {status}: {message}")
