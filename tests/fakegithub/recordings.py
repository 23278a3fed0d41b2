"""Real GitHub exchanges, vendored from other projects' test suites (see ATTRIBUTION.md).

The fake answers in the shape these recordings show: same headers, same bodies, with the live
values (ids, counts, rate-limit numbers) filled in from the fake's state.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).resolve().parent / "recorded"

# Hop-by-hop and per-exchange headers the fake recomputes for every answer.
_RECOMPUTED = {
    "content-encoding",
    "content-length",
    "transfer-encoding",
    "etag",
    "last-modified",
    "link",
    "location",
    "retry-after",
    "date",
    "status",
    "connection",
    "keep-alive",
}


@cache
def _load(name: str) -> list[dict[str, Any]]:
    return json.loads((RECORDED / name).read_text())


def exchange(name: str, index: int = 0) -> dict[str, Any]:
    """One recorded exchange, deep-copied so callers may edit it."""
    return copy.deepcopy(_load(name)[index])


def base_headers(name: str, index: int = 0) -> dict[str, str]:
    """The recorded response headers minus the ones the fake recomputes and rate-limit ones."""
    headers = exchange(name, index)["response"]["headers"]
    return {
        key: value
        for key, value in headers.items()
        if key.lower() not in _RECOMPUTED and not key.lower().startswith("x-ratelimit")
    }


def body(name: str, index: int = 0) -> Any:
    return exchange(name, index)["response"]["body"]


# The files the fake uses, by what they show.
REPOSITORY_200 = "get-repository-200.octokit-fixtures.json"
RENAMED_301 = "renamed-repository-301-then-200.octokit-fixtures.json"
NOT_FOUND_404 = "repository-404.octokit-rb.json"
CONTRIBUTORS_PAGES = "contributors-pagination.github3py.json"
STATS_202 = "stats-commit-activity-202.github3py.json"
RATE_LIMIT = "rate-limit-get.github3py-2018.json"
NOT_MODIFIED_304 = "pygithub-lgpl/repository-304-not-modified.pygithub.json"
PRIMARY_LIMIT_403 = "pygithub-lgpl/rate-limit-exhausted-403-remaining-0.pygithub.json"
SECONDARY_LIMIT_403 = "pygithub-lgpl/secondary-rate-limit-403-retry-after.pygithub.json"
GRAPHQL_200 = "pygithub-lgpl/graphql-repository-query.pygithub.json"
