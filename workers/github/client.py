"""The GitHub client: batched GraphQL for metrics, REST for contributors and the no-token path.

Interface used by the refresh pipeline (``workers.refresh``)::

    client = GitHubClient.from_settings()
    batch = client.fetch_repositories([RepoRef(key=str(tool.id), full_name=..., node_id=...)])
    result, requests = client.fetch_repository_rest(ref)          # without a token
    count = client.fetch_contributor_count("owner/name", etag=tool.contributors_etag)

Transport, retries and rate limits live in ``github_transport`` / ``github_governor``; the
query and its validation in ``github_graphql`` / ``github_parse``; REST parsing in
``github_rest``; the value types in ``github_types``.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from catalog.names import is_full_name
from workers.github import parse as p
from workers.github.governor import TokenPool
from workers.github.graphql import build_query, parse_answer
from workers.github.rest import contributor_count, rest_result
from workers.github.star_history import StarHistoryAnswer, fetch_star_history
from workers.github.transport import MalformedResponse, Transport, message_of
from workers.github.types import (
    BatchResult,
    ContributorCount,
    GitHubError,
    RateLimitExhausted,
    RateLimitState,
    RepoRef,
    RepoResult,
    RepoStatus,
    RequestFailed,
    RetryLater,
)

logger = logging.getLogger(__name__)

NO_TOKEN_WARNING = (
    "GITHUB_TOKENS is not set: GitHub allows only 60 REST requests an hour without a token, so "
    "metrics are refreshed one repository at a time over REST, stalest first. Set GITHUB_TOKENS "
    "(comma-separated personal access tokens) to refresh 50 repositories per GraphQL query."
)


class GitHubClient:
    def __init__(
        self,
        *,
        tokens: Sequence[str] = (),
        api_url: str = "https://api.github.com",
        graphql_url: str = "https://api.github.com/graphql",
        batch_size: int = 50,
        reserve: int = 100,
        timeout: float = 20.0,
        retries: int = 3,
        max_inline_wait: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.batch_size = max(1, min(100, batch_size))  # nodes(ids:) takes at most 100
        self.clock = clock
        self.pool = TokenPool(tokens, reserve=reserve, clock=clock)
        self.has_token = self.pool.tokens != [""]
        self.http = Transport(
            pool=self.pool,
            api_url=api_url,
            graphql_url=graphql_url,
            timeout=timeout,
            retries=retries,
            max_inline_wait=max_inline_wait,
            sleep=sleep,
            jitter=jitter,
            clock=clock,
            transport=transport,
        )
        if not self.has_token:
            logger.warning(NO_TOKEN_WARNING)

    @classmethod
    def from_settings(cls, **overrides: Any) -> GitHubClient:
        options: dict[str, Any] = {
            "tokens": settings.GITHUB_TOKENS,
            "api_url": settings.GITHUB_API_URL,
            "graphql_url": settings.GITHUB_GRAPHQL_URL,
            "batch_size": settings.GITHUB_BATCH_SIZE,
            "reserve": settings.GITHUB_RATE_LIMIT_RESERVE,
            "timeout": settings.GITHUB_TIMEOUT_SECONDS,
            "retries": getattr(settings, "GITHUB_RETRIES", 3),
            "max_inline_wait": getattr(settings, "GITHUB_MAX_INLINE_WAIT_SECONDS", 5),
        }
        return cls(**{**options, **overrides})

    @property
    def requests(self) -> int:
        """HTTP requests this client has sent, retries included."""
        return self.http.requests

    @property
    def rest_points(self) -> int:
        """Core (REST) rate-limit points those requests cost; GraphQL's are in each batch."""
        return self.http.rest_points

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def rate_limit(self, resource: str = "graphql") -> RateLimitState:
        return self.pool.state(resource)

    # --- metrics: batched GraphQL -----------------------------------------------------------------
    def fetch_repositories(self, refs: Sequence[RepoRef]) -> BatchResult:
        """Facts for every ref, ``batch_size`` per query. Raises RateLimitExhausted / RetryLater
        with ``partial`` holding the results so far (refs without a result were not fetched)."""
        if not self.has_token:
            raise GitHubError("GraphQL needs a token; use fetch_repository_rest without one")
        batch = BatchResult()
        started = self.requests
        askable = []
        for ref in refs:
            if ref.node_id or is_full_name(ref.full_name):
                askable.append(ref)
            else:
                error = f"{ref.full_name!r} is not a GitHub owner/name"
                batch.results.append(RepoResult(ref.key, RepoStatus.ERROR, error=error))
        splitter = _Splitter(self, batch)
        try:
            for start in range(0, len(askable), self.batch_size):
                splitter.fetch(askable[start : start + self.batch_size])
            splitter.finish()
        except (RateLimitExhausted, RetryLater) as exc:
            splitter.forget_suspects()
            exc.partial = self._finish(batch, started, "graphql")
            raise
        self._confirm_not_found(batch, askable)
        if splitter.failed is not None:  # the other requests' results are written, not lost
            raise RequestFailed(
                str(splitter.failed), partial=self._finish(batch, started, "graphql")
            )
        return self._finish(batch, started, "graphql")

    def _confirm_not_found(self, batch: BatchResult, refs: Sequence[RepoRef]) -> None:
        """GraphQL's NOT_FOUND does not say whether a repository was deleted, taken down or
        moved; REST does. One ``GET /repos/{owner}/{repo}`` per such repository settles it:
        404 → missing, 451 → blocked (a DMCA takedown), 301 → followed, and the answer under
        the new name is the result (the refresh records the rename). When REST cannot answer
        (its budget, an error), GraphQL's "missing" stands."""
        by_key = {ref.key: ref for ref in refs}
        for index, result in enumerate(batch.results):
            ref = by_key.get(result.key)
            if result.status != RepoStatus.MISSING or ref is None:
                continue
            if not is_full_name(ref.full_name):
                continue
            try:
                confirmed, _requests = self.fetch_repository_rest(ref)
            except GitHubError as exc:
                logger.warning("NOT_FOUND of %s not confirmed over REST: %s", ref.full_name, exc)
                continue
            if confirmed.status == RepoStatus.MISSING:
                note = f"{result.error}; REST confirms: HTTP 404 {confirmed.error}".lstrip("; ")
                batch.results[index] = replace(result, error=note)
            elif confirmed.status == RepoStatus.BLOCKED:
                batch.results[index] = replace(confirmed, error=f"HTTP 451 {confirmed.error}")
            elif confirmed.status == RepoStatus.OK:
                batch.results[index] = confirmed

    def _fetch_chunk(
        self, refs: Sequence[RepoRef], retries: int | None = None
    ) -> tuple[list[RepoResult], int]:
        """One query's results. A failure of the whole request raises :class:`RequestFailed`:
        it says nothing about the repositories, so none of them gets an ERROR (a strike)."""
        query, variables, places = build_query(refs, now=self.clock())
        body = {"query": query, "variables": variables}
        try:
            response, payload, token = self.http.send(
                "POST", self.http.graphql_url, "graphql", json=body, retries=retries
            )
        except MalformedResponse as exc:
            logger.error("GraphQL batch of %d failed: %s", len(refs), exc)
            raise RequestFailed(str(exc)) from exc
        data = payload.get("data") if isinstance(payload, dict) else None
        errors = payload.get("errors") if isinstance(payload, dict) else None
        errors = [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
        if response.status_code != 200 or not isinstance(data, dict):
            reason = "; ".join(p.text(e.get("message"), "message", 300) for e in errors[:3])
            reason = reason or p.text(message_of(payload), "message", 300)
            error = f"GitHub answered HTTP {response.status_code}: {reason or 'no data'}"
            logger.error("GraphQL batch of %d failed: %s", len(refs), error)
            raise RequestFailed(error)
        points = self.pool.observe_graphql(token, data.get("rateLimit"))
        return parse_answer(refs, places, data, errors), points

    def _finish(self, batch: BatchResult, started: int, resource: str) -> BatchResult:
        batch.requests = self.requests - started
        batch.rate_limit = self.pool.state(resource)
        return batch

    # --- REST: one repository (no-token path) and contributors --------------------------------
    def fetch_repository_rest(self, ref: RepoRef) -> tuple[RepoResult, int]:
        """One repository over REST (1 request, 2 after a rename); returns (result, requests)."""
        started = self.requests
        if not is_full_name(ref.full_name):
            error = f"{ref.full_name!r} is not a GitHub owner/name"
            return RepoResult(ref.key, RepoStatus.ERROR, error=error), 0
        try:
            response, payload, _moved = self.http.get(f"/repos/{ref.full_name}")
        except MalformedResponse as exc:
            return RepoResult(ref.key, RepoStatus.ERROR, error=str(exc)), self.requests - started
        result = rest_result(ref, response, payload)
        return result, self.requests - started

    def fetch_contributor_count(self, full_name: str, *, etag: str = "") -> ContributorCount:
        """Contributors (anonymous included) from the ``Link`` header's last page; 304 is free."""
        started, started_points = self.requests, self.http.rest_points
        if not is_full_name(full_name):
            return ContributorCount("missing")
        headers = {"If-None-Match": etag} if etag else {}
        path = f"/repos/{full_name}/contributors?per_page=1&anon=1"
        try:
            response, payload, moved = self.http.get(path, headers)
        except MalformedResponse:
            return ContributorCount(
                "computing", etag=etag, requests=self.requests - started,
                points=self.http.rest_points - started_points,
            )  # fmt: skip
        new_name = self._name_at(moved) if moved else None
        answer = contributor_count(response, payload, etag=etag, new_full_name=new_name)
        spent = {
            "requests": self.requests - started,
            "points": self.http.rest_points - started_points,
        }
        return ContributorCount(**{**answer, **spent})

    def fetch_star_history(
        self, full_name: str, *, etag: str = "", since: date | None = None
    ) -> StarHistoryAnswer:
        """Stars added per day (``workers.github.star_history``); ETag-aware, paged to ``since``."""
        if not is_full_name(full_name):
            return StarHistoryAnswer("missing", error=f"{full_name!r} is not a GitHub owner/name")
        return fetch_star_history(
            self.http, full_name, etag=etag, since=since, name_at=self._name_at
        )

    def _name_at(self, location: str) -> str | None:
        """The current owner/name of the repository a 301 pointed to (one more request)."""
        match = re.search(r"/repositories/(\d+)", urlsplit(location).path)
        if not match:
            return None
        _response, payload, _ = self.http.get(f"/repositories/{match.group(1)}")
        try:
            return p.full_name(payload.get("full_name") if isinstance(payload, dict) else None)
        except p.InvalidValue:
            return None


class _Splitter:
    """Fetch chunks; when GitHub keeps failing (502/504/timeouts) on a chunk, halve it.

    A heavy query can time out on GitHub's side every time; halving finds the repository that
    causes it, which then gets an ERROR result while the others are fetched. When everything
    fails (an outage), it gives up after a few halvings and raises the RetryLater.
    """

    def __init__(self, client: GitHubClient, batch: BatchResult) -> None:
        self.client, self.batch = client, batch
        self.failures = 0  # chunks failed in a row
        self.limit = max(2, client.batch_size.bit_length() + 1)
        self.suspects: list[RepoResult] = []
        self.any_success = False
        self.last_failure: RetryLater | None = None
        self.failed: RequestFailed | None = None  # a whole request failed; the rest go on

    def fetch(self, refs: Sequence[RepoRef], retries: int | None = None) -> None:
        try:
            results, points = self.client._fetch_chunk(refs, retries)
        except RequestFailed as exc:
            self.failed = self.failed or exc
            return
        except RetryLater as exc:
            if not exc.transient:
                raise
            self.failures += 1
            if self.failures > self.limit:
                raise
            if len(refs) == 1:
                self.last_failure = exc
                error = f"GitHub kept failing on this repository: {exc.reason}"
                suspect = RepoResult(refs[0].key, RepoStatus.ERROR, error=error)
                self.suspects.append(suspect)
                self.batch.results.append(suspect)
                return
            logger.warning("Halving a batch of %d after: %s", len(refs), exc.reason)
            half = len(refs) // 2
            self.fetch(refs[:half], retries=0)
            self.fetch(refs[half:], retries=0)
            return
        self.failures = 0
        self.any_success = True
        self.suspects.clear()  # GitHub answers: the ones it failed on were its fault
        self.batch.results += results
        self.batch.points += points

    def finish(self) -> None:
        """GitHub answered nothing at all: an outage, not the repositories' fault."""
        if self.suspects and not self.any_success and self.last_failure is not None:
            raise self.last_failure

    def forget_suspects(self) -> None:
        """Giving up: a repository GitHub failed on during an outage is not to blame."""
        for suspect in self.suspects:
            self.batch.results.remove(suspect)
