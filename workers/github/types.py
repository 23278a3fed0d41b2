"""The values the GitHub client hands back; import them from ``workers.github``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal


@dataclass(frozen=True)
class RepoRef:
    """What we ask for. ``key`` is echoed back (use ``str(tool.id)``)."""

    key: str
    full_name: str
    node_id: str = ""  # GraphQL node id when known: looked up by id, which survives renames


@dataclass(frozen=True)
class RepoFacts:
    """Validated, typed facts about one repository; strings capped, counts >= 0.

    None means "not measured by this path" (the REST fallback cannot see pull requests,
    releases or commits) or "not reported this time" (GitHub answered with an error on that
    field, partial data): the caller keeps whatever it had stored. "" is a real empty value.
    """

    github_id: int
    node_id: str
    full_name: str
    description: str | None
    homepage: str | None
    stars: int
    forks: int
    watchers: int | None
    open_issues: int | None
    open_pull_requests: int | None
    pushed_at: datetime | None
    created_at: datetime | None
    archived: bool
    disabled: bool
    is_fork: bool
    license_spdx: str | None
    language: str | None
    topics: tuple[str, ...] | None
    release_count: int | None
    last_release_at: datetime | None
    commits_90d: int | None


class RepoStatus(StrEnum):
    OK = "ok"
    MISSING = "missing"  # deleted, or made private
    BLOCKED = "blocked"  # DMCA / legal takedown (REST 451)
    FORBIDDEN = "forbidden"
    ERROR = "error"  # GitHub's answer for this repository was unusable; see ``error``


@dataclass(frozen=True)
class RepoResult:
    key: str
    status: RepoStatus
    facts: RepoFacts | None = None
    error: str = ""  # for OK: a note when GitHub sent partial data (some fields left None)


@dataclass
class RateLimitState:
    limit: int | None = None
    remaining: int | None = None
    reset_at: datetime | None = None
    used: int | None = None


@dataclass
class BatchResult:
    results: list[RepoResult] = field(default_factory=list)
    requests: int = 0
    points: int = 0
    rate_limit: RateLimitState = field(default_factory=RateLimitState)


@dataclass(frozen=True)
class ContributorCount:
    """The contributor count from REST.

    status: ok (count set), not_modified (304: keep the stored count; etag unchanged),
    computing (202: try again later), too_large (403: GitHub will not list them; count None,
    is_lower_bound True — keep the stored count and flag it), missing (404), blocked (451),
    moved (301: ``new_full_name`` is the new name; count/etag hold the answer from there).
    """

    status: Literal["ok", "not_modified", "computing", "too_large", "missing", "blocked", "moved"]
    count: int | None = None
    etag: str = ""
    new_full_name: str | None = None
    is_lower_bound: bool = False
    requests: int = 0
    points: int = 0  # core rate-limit points the requests cost (a 304 is free)


class GitHubError(Exception):
    """GitHub could not be used (bad credentials, an unexpected answer)."""


class RequestFailed(GitHubError):
    """A whole GraphQL request failed (an HTTP error, no ``data``, JSON still malformed after
    the retries): GitHub's or our query's fault, not the repositories'. ``partial`` holds the
    results of the other requests of the batch; refs without a result were not answered."""

    def __init__(self, message: str, partial: BatchResult | None = None):
        super().__init__(message)
        self.partial = partial


class RateLimitExhausted(GitHubError):
    """Every token's budget is spent: stop, and go on after ``reset_at``. Never sleep for it."""

    def __init__(self, reset_at: datetime, partial: BatchResult | None = None):
        super().__init__(f"GitHub rate limit spent until {reset_at.isoformat()}")
        self.reset_at = reset_at
        self.partial = partial


class RetryLater(GitHubError):
    """A secondary limit, RATE_LIMITED, or a transient failure that outlasted the retries.

    ``retry_after`` is the delay (seconds) to wait before trying again, already backed off
    and jittered; ``partial`` holds what was fetched before it happened; ``transient`` is True
    for 5xx answers and timeouts (GitHub failing), False for limits (GitHub pushing back).
    """

    def __init__(
        self,
        retry_after: float,
        reason: str = "",
        partial: BatchResult | None = None,
        *,
        transient: bool = False,
    ):
        super().__init__(f"GitHub asks to retry in {retry_after:.0f}s: {reason}".rstrip(": "))
        self.retry_after = retry_after
        self.reason = reason
        self.partial = partial
        self.transient = transient
