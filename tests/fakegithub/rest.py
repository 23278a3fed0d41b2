"""REST answers in the shape of the real recordings (status, headers, bodies)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from . import recordings as rec
from .resolvers import iso
from .state import Budget, FakeRepo

JSON = "application/json; charset=utf-8"


@dataclass
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def json_answer(status: int, payload: Any, recording: str, **headers: str) -> Answer:
    merged = {**rec.base_headers(recording), "Content-Type": JSON, **headers}
    return Answer(status, json.dumps(payload).encode(), merged)


def rate_headers(budget: Budget, resource: str) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(budget.limit),
        "X-RateLimit-Remaining": str(max(0, budget.remaining)),
        "X-RateLimit-Reset": str(budget.reset_at),
        "X-RateLimit-Used": str(budget.used),
        "X-RateLimit-Resource": resource,
    }


def etag(*parts: Any) -> str:
    return 'W/"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:40] + '"'


def _rewrite(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _rewrite(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, old, new) for v in value]
    return value


def repository_json(repo: FakeRepo, api_base: str) -> dict[str, Any]:
    """The recorded repository object with this repository's values."""
    template = rec.body(rec.REPOSITORY_200)
    body = _rewrite(template, template["full_name"], repo.full_name)
    body = _rewrite(body, "https://api.github.com", api_base)
    body.update(
        id=repo.database_id,
        node_id=repo.node_id,
        name=repo.name,
        full_name=repo.full_name,
        description=repo.description or None,
        homepage=repo.homepage or None,
        fork=repo.is_fork,
        created_at=iso(repo.created_at),
        pushed_at=iso(repo.pushed_at),
        updated_at=iso(repo.pushed_at),
        stargazers_count=repo.stars,
        watchers_count=repo.stars,  # REST's "watchers" are stargazers; subscribers are watchers
        watchers=repo.stars,
        subscribers_count=repo.watchers,
        forks_count=repo.forks,
        forks=repo.forks,
        open_issues_count=repo.open_issues + repo.open_prs,  # REST counts PRs as issues
        open_issues=repo.open_issues + repo.open_prs,
        archived=repo.archived,
        disabled=repo.disabled,
        language=repo.language,
        topics=list(repo.topics),
        default_branch=repo.default_branch or "main",
        license={"key": repo.license_spdx.lower(), "spdx_id": repo.license_spdx}
        if repo.license_spdx
        else None,
    )
    body["owner"]["login"] = repo.owner
    return body


def moved(location: str, budget: Budget) -> Answer:
    payload = rec.body(rec.RENAMED_301)
    payload["url"] = location
    return json_answer(
        301, payload, rec.RENAMED_301, Location=location, **rate_headers(budget, "core")
    )


def not_found(budget: Budget) -> Answer:
    payload = rec.body(rec.NOT_FOUND_404)
    return json_answer(404, payload, rec.NOT_FOUND_404, **rate_headers(budget, "core"))


def blocked(repo: FakeRepo, budget: Budget) -> Answer:
    # Not in the recordings: the shape GitHub documents for a repository blocked for legal reasons.
    payload = {
        "message": "Repository access blocked",
        "block": {
            "reason": "dmca",
            "created_at": "2024-01-01T00:00:00Z",
            "html_url": f"https://github.com/github/dmca/blob/master/{repo.name}.md",
        },
    }
    return json_answer(451, payload, rec.NOT_FOUND_404, **rate_headers(budget, "core"))


def forbidden(message: str, budget: Budget) -> Answer:
    payload = {"message": message, "documentation_url": "https://docs.github.com/rest"}
    return json_answer(403, payload, rec.NOT_FOUND_404, **rate_headers(budget, "core"))


def not_modified(tag: str, budget: Budget, resource: str) -> Answer:
    headers = {**rec.base_headers(rec.NOT_MODIFIED_304), "ETag": tag}
    headers.pop("content-type", None)
    return Answer(304, b"", {**headers, **rate_headers(budget, resource)})


def computing(budget: Budget) -> Answer:
    return json_answer(
        202, rec.body(rec.STATS_202, 1), rec.STATS_202, **rate_headers(budget, "core")
    )


def primary_limit(budget: Budget, resource: str) -> Answer:
    payload = rec.body(rec.PRIMARY_LIMIT_403, 1)
    payload["message"] = payload["message"].rsplit(" ", 1)[0] + " 127.0.0.1"
    return json_answer(403, payload, rec.PRIMARY_LIMIT_403, **rate_headers(budget, resource))


def secondary_limit(status: int, retry_after: int | None) -> Answer:
    payload = rec.body(rec.SECONDARY_LIMIT_403, 1)
    extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return json_answer(status, payload, rec.SECONDARY_LIMIT_403, **extra)


def rate_limit_overview(core: Budget, graphql: Budget) -> Answer:
    def entry(budget: Budget) -> dict[str, int]:
        return {
            "limit": budget.limit,
            "remaining": budget.remaining,
            "reset": budget.reset_at,
            "used": budget.used,
        }

    payload = rec.body(rec.RATE_LIMIT)
    payload["resources"]["core"] = entry(core)
    payload["resources"]["graphql"] = entry(graphql)
    payload["rate"] = entry(core)
    return json_answer(200, payload, rec.RATE_LIMIT, **rate_headers(core, "core"))


def contributors_page(
    repo: FakeRepo, params: dict[str, str], budget: Budget, link_base: str
) -> tuple[Answer, str]:
    """One page of ``/contributors`` with the recorded Link header shape; also its ETag."""
    per_page = min(100, max(1, int(params.get("per_page") or 30)))
    page = max(1, int(params.get("page") or 1))
    anon = params.get("anon", "")
    total = repo.contributors
    last = max(1, -(-total // per_page))
    template = rec.body(rec.CONTRIBUTORS_PAGES, 1)[0]
    first_index = (page - 1) * per_page
    items = []
    for index in range(first_index, min(total, first_index + per_page)):
        item = dict(template, login=f"contributor-{index + 1}", id=index + 1)
        item["contributions"] = max(1, 1000 - index)
        items.append(item)
    tag = etag(repo.database_id, total, page, per_page, anon)

    def url(number: int) -> str:
        query = f"per_page={per_page}" + (f"&anon={anon}" if anon else "") + f"&page={number}"
        return f"<{link_base}/repositories/{repo.database_id}/contributors?{query}>"

    links = []
    if page > 1:
        links.append(f'{url(page - 1)}; rel="prev"')
    if page < last:
        links += [f'{url(page + 1)}; rel="next"', f'{url(last)}; rel="last"']
    if page > 1:
        links.append(f'{url(1)}; rel="first"')
    headers = {"ETag": tag, **rate_headers(budget, "core")}
    if links:
        headers["Link"] = ", ".join(links)
    if not items and page == 1:
        return Answer(204, b"", {**rec.base_headers(rec.CONTRIBUTORS_PAGES), **headers}), tag
    return json_answer(200, items, rec.CONTRIBUTORS_PAGES, **headers), tag
