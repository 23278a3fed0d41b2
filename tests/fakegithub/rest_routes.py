"""The fake's REST routes: repositories by name or id, contributors, /rate_limit."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import recordings as rec
from . import rest, star_history
from .rest import Answer
from .state import Budget, FakeRepo, LoggedRequest

if TYPE_CHECKING:
    from .server import FakeGitHub

_REPO_PATH = re.compile(r"/repos/([^/]+)/([^/]+?)(/contributors|/stargazers/history)?/?")
_ID_PATH = re.compile(r"/repositories/(\d+)(/contributors|/stargazers/history)?/?")
TOO_LARGE = (
    "The history or contributor list is too large to list contributors for this "
    "repository via the API."
)


def answer_rest(
    fake: FakeGitHub,
    route: str,
    params: dict[str, str],
    headers: dict[str, str],
    token: str,
    entry: Any,
) -> Answer:
    core = fake.budget(token, "core")
    if route == "/rate_limit":
        return rest.rate_limit_overview(core, fake.budget(token, "graphql"))
    by_name, by_id = _REPO_PATH.fullmatch(route), _ID_PATH.fullmatch(route)
    if core.remaining <= 0:
        return rest.primary_limit(core, "core")
    entry.resource = "core"
    repo, suffix = None, ""
    if by_name:
        label = f"{by_name.group(1)}/{by_name.group(2)}"
        repo, suffix = fake.find(label), by_name.group(3) or ""
        if repo is not None and repo.full_name.lower() != label.lower():
            return _charge(entry, core, _moved(fake, repo, suffix, params, core))
    elif by_id:
        wanted, suffix = int(by_id.group(1)), by_id.group(2) or ""
        repo = next((r for r in fake.repos if r.database_id == wanted), None)
    if repo is None or repo.access == "missing":
        return _charge(entry, core, rest.not_found(core))
    if repo.access == "blocked":
        return _charge(entry, core, rest.blocked(repo, core))
    if repo.access == "forbidden":
        return _charge(entry, core, rest.forbidden("Resource not accessible", core))
    if suffix == "/stargazers/history":
        return _star_history(fake, repo, params, headers, core, entry)
    if suffix:
        return _contributors(fake, repo, params, headers, core, entry)
    payload = rest.repository_json(repo, fake.api_url)
    tag = rest.etag(payload)
    if headers.get("if-none-match") == tag:
        return rest.not_modified(tag, core, "core")
    answer = rest.json_answer(200, payload, rec.REPOSITORY_200, ETag=tag)
    return _charge(entry, core, answer)


def _contributors(fake: FakeGitHub, repo, params, headers, core, entry) -> Answer:
    if repo.contributors_state == "computing":
        return _charge(entry, core, rest.computing(core))
    if repo.contributors_state == "too_large":
        return _charge(entry, core, rest.forbidden(TOO_LARGE, core))
    answer, tag = rest.contributors_page(repo, params, core, fake.api_url)
    if headers.get("if-none-match") == tag:
        return rest.not_modified(tag, core, "core")
    return _charge(entry, core, answer)


def _star_history(fake: FakeGitHub, repo, params, headers, core, entry) -> Answer:
    answer, tag = star_history.history_page(repo, params, core, fake.api_url)
    if headers.get("if-none-match") == tag:
        return rest.not_modified(tag, core, "core")
    return _charge(entry, core, answer)


def _moved(
    fake: FakeGitHub, repo: FakeRepo, suffix: str, params: dict[str, str], core: Budget
) -> Answer:
    base = fake.redirect_base or fake.api_url
    location = f"{base}/repositories/{repo.database_id}{suffix}"
    if params:
        location += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return rest.moved(location, core)


def _charge(entry: LoggedRequest, budget: Budget, answer: Answer) -> Answer:
    budget.remaining -= 1
    entry.cost = 1
    for key, value in rest.rate_headers(budget, "core").items():
        answer.headers[key] = value
    return answer
