"""HTTP to GitHub: tokens, retries, rate limits and redirects, in one place.

:meth:`Transport.send` picks a token from the pool, retries 5xx answers, timeouts and malformed
JSON a few times with short capped backoff, waits out a *short* secondary limit, rotates to
another token when one is spent, and otherwise raises :class:`RateLimitExhausted` (every budget
spent: defer to ``reset_at``) or :class:`RetryLater` (try again in ``retry_after`` seconds). It
never sleeps for a rate-limit reset, and only calls the configured base URLs.

It also counts what REST requests cost (``rest_points``): GitHub charges a ``core`` point for
each answer it reports a rate limit on (``X-RateLimit-Remaining``), except a 304 (a
conditional request that matched: free) and a refusal because the budget is spent. GraphQL
costs are read from its ``rateLimit`` object instead (``TokenPool.observe_graphql``).
"""

from __future__ import annotations

import json as json_module
import logging
from collections.abc import Callable
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from workers.github.governor import TokenPool, backoff
from workers.github.types import GitHubError, RateLimitExhausted, RetryLater

logger = logging.getLogger("workers.github")

TRANSIENT_STATUSES = {500, 502, 503, 504}
SECONDARY_WAIT = (60.0, 15 * 60.0)  # GitHub: wait at least a minute; our cap
MAX_RETRY_AFTER = 60 * 60.0
REDIRECTS = {301, 302, 307, 308}
MAX_BODY_BYTES = 8 * 1024 * 1024  # a batch of 100 repositories is well under 1 MB


class MalformedResponse(GitHubError):
    """GitHub's answer was not the JSON it should be, even after retrying."""


class Transport:
    def __init__(
        self,
        *,
        pool: TokenPool,
        api_url: str,
        graphql_url: str,
        timeout: float,
        retries: int,
        max_inline_wait: float,
        sleep: Callable[[float], None],
        jitter: Callable[[], float],
        clock: Callable[[], datetime],
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.pool = pool
        self.api_url, self.graphql_url = api_url.rstrip("/"), graphql_url.rstrip("/")
        self.timeout, self.retries, self.max_inline_wait = timeout, retries, max_inline_wait
        self.sleep, self.jitter, self.clock = sleep, jitter, clock
        self.requests = 0  # HTTP requests sent, retries included
        self.rest_points = 0  # core rate-limit points those requests cost (see above)
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": "strata-catalog", "X-GitHub-Api-Version": "2022-11-28"},
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[httpx.Response, Any, str]:
        """GET under the API URL, following up to three redirects that stay under it.
        Returns (response, parsed JSON, the first redirect's Location or "")."""
        url, moved = f"{self.api_url}{path}", ""
        for _ in range(4):
            response, payload, _token = self.send("GET", url, "core", headers=headers)
            if response.status_code not in REDIRECTS:
                return response, payload, moved
            location = response.headers.get("location", "")
            if not location.startswith(self.api_url + "/"):
                raise GitHubError(f"refused a redirect outside {self.api_url}: {location[:200]!r}")
            url, moved = location, moved or location
            # An ETag belongs to the old URL: ask the new one for a full answer.
            headers = {k: v for k, v in (headers or {}).items() if k.lower() != "if-none-match"}
        raise GitHubError(f"too many redirects for {path}")

    def send(
        self,
        method: str,
        url: str,
        resource: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        retries: int | None = None,
    ) -> tuple[httpx.Response, Any, str]:
        """One logical request; returns (response, parsed JSON or None, the token used).
        ``retries`` overrides how often a transient failure is retried."""
        retries = self.retries if retries is None else retries
        if not (url == self.graphql_url or url.startswith(self.api_url + "/")):
            raise GitHubError(f"refused to call {url!r}: not under the configured GitHub URLs")
        transient = secondary = 0
        while True:
            token = self.pool.pick(resource)
            if token is None:
                raise RateLimitExhausted(self.pool.earliest_reset(resource))
            request_headers = {"Accept": "application/vnd.github+json", **(headers or {})}
            if token:
                request_headers["Authorization"] = f"bearer {token}"
            self.requests += 1
            try:
                response, body = self._request(method, url, json, request_headers)
            except httpx.TransportError as exc:  # timeouts, refused or reset connections
                transient += 1
                self._transient(transient, f"{type(exc).__name__} calling GitHub", retries)
                continue
            self.pool.observe_headers(token, response.headers, resource)
            status = response.status_code
            payload, parsed = _json(body)
            if status == 200 and _query_timed_out(payload):
                transient += 1
                self._transient(transient, "GitHub's query timed out", retries)
                continue
            if status in TRANSIENT_STATUSES or (status == 200 and not parsed):
                transient += 1
                if status == 200 and transient > retries:
                    raise MalformedResponse("GitHub sent malformed JSON (or an oversized answer)")
                reason = "malformed JSON" if status == 200 else f"GitHub answered HTTP {status}"
                self._transient(transient, reason, retries)
                continue
            if status == 401:
                self.pool.rejected.add(token)
                logger.error("GitHub rejected a token (401 %s)", message_of(payload)[:100])
                if self.pool.pick(resource) is None:
                    raise GitHubError("GitHub rejected the token(s) in GITHUB_TOKENS (401)")
                continue
            limit = rate_limited(status, response.headers, payload)
            if resource == "core" and _charged(status, response.headers, limit):
                self.rest_points += 1
            if limit == "primary":
                reset = self.pool.budget(token, resource).reset_at
                self.pool.spend(token, resource, reset)
                logger.warning("A GitHub token's %s budget is spent until %s", resource, reset)
                continue
            if limit == "secondary":
                secondary += 1
                self._secondary(secondary, response.headers.get("retry-after"), payload)
                continue
            return response, payload, token

    def _request(
        self, method: str, url: str, json: Any, headers: dict[str, str]
    ) -> tuple[httpx.Response, bytes | None]:
        """Send; read at most MAX_BODY_BYTES of the answer (None when it is longer)."""
        with self._http.stream(
            method, url, json=json, headers=headers, timeout=self.timeout
        ) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    return response, None
            return response, bytes(body)

    def _transient(self, attempt: int, reason: str, retries: int) -> None:
        if attempt > retries:
            delay = backoff(attempt - 1, base=15, cap=600, jitter=self.jitter())
            raise RetryLater(delay, reason, transient=True)
        logger.warning("%s; retry %d of %d", reason, attempt, retries)
        self.sleep(backoff(attempt - 1, base=0.5, cap=8, jitter=self.jitter()))

    def _secondary(self, attempt: int, retry_after: str | None, payload: Any) -> None:
        """Wait a short Retry-After in-process (at most twice); a longer one is the caller's."""
        reason = f"secondary rate limit: {message_of(payload)[:200]}".rstrip(": ")
        delay = retry_after_seconds(retry_after, self.clock())
        if delay is None:
            low, cap = SECONDARY_WAIT
            delay = backoff(attempt - 1, base=low, cap=cap, jitter=self.jitter())
        if delay <= self.max_inline_wait and attempt <= 2:
            logger.warning("%s; waiting %.1fs", reason, delay)
            self.sleep(delay)
            return
        raise RetryLater(min(delay, MAX_RETRY_AFTER), reason)


def _charged(status: int, headers: httpx.Headers, limit: str) -> bool:
    """Whether GitHub charged a core point for this answer (see the module's docstring)."""
    return status != 304 and limit != "primary" and "x-ratelimit-remaining" in headers


def _json(body: bytes | None) -> tuple[Any, bool]:
    """(parsed JSON or None, whether it parsed); an empty body parses to None."""
    if body is None:
        return None, False
    if not body:
        return None, True
    try:
        return json_module.loads(body), True
    except ValueError:
        return None, False


def _query_timed_out(payload: Any) -> bool:
    """GraphQL's "Something went wrong … may be the result of a timeout", with no data."""
    if not isinstance(payload, dict) or payload.get("data") is not None:
        return False
    errors = payload.get("errors")
    return isinstance(errors, list) and any(
        isinstance(e, dict) and "something went wrong" in str(e.get("message", "")).lower()
        for e in errors
    )


def message_of(payload: Any) -> str:
    """REST's ``message``, or the first GraphQL error's."""
    if not isinstance(payload, dict):
        return ""
    message = payload.get("message")
    errors = payload.get("errors")
    if message is None and isinstance(errors, list) and errors and isinstance(errors[0], dict):
        message = errors[0].get("message")
    return message if isinstance(message, str) else ""


def rate_limited(status: int, headers: httpx.Headers, payload: Any) -> str:
    """ "primary" (a token's budget is spent), "secondary" (slow down), or "" (neither)."""
    spent = headers.get("x-ratelimit-remaining") == "0"
    if status == 200 and isinstance(payload, dict) and isinstance(payload.get("errors"), list):
        types = {e.get("type") for e in payload["errors"] if isinstance(e, dict)}
        if "RATE_LIMITED" in types:
            return "primary" if spent else "secondary"
        return ""
    if status not in (403, 429):
        return ""
    if "retry-after" in headers:
        return "secondary"
    if spent:
        return "primary"
    message = message_of(payload).lower()
    if "secondary rate limit" in message or "abuse" in message or status == 429:
        return "secondary"
    return ""


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds (it may also be an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    except (TypeError, ValueError):
        return None
