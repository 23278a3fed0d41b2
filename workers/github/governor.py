"""The rate-limit governor: what each token has left, which token to use next, how long to wait.

It reads GitHub's ``X-RateLimit-*`` headers and GraphQL's ``rateLimit`` object (both untrusted:
a value that does not parse is ignored), keeps a reserve unspent, and rotates to the token with
the most budget left. It never sleeps; callers decide whether to wait or to defer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from workers.github.types import RateLimitState

UNKNOWN_RESET = timedelta(hours=1)  # GitHub's window, when no reset time was ever reported


@dataclass
class Budget:
    limit: int | None = None
    remaining: int | None = None
    reset_at: datetime | None = None
    used: int | None = None


def backoff(attempt: int, *, base: float, cap: float, jitter: float, floor: float = 0.0) -> float:
    """The one backoff: ``base * 2**attempt`` with ±25 % jitter (``jitter`` in [0, 1)), capped
    at ``cap``, and never below ``floor`` (e.g. what GitHub's Retry-After asked for)."""
    return max(floor, min(cap, base * 2**attempt * (0.75 + 0.5 * jitter)))


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= 10**11 else None  # epoch seconds fit too


def _epoch(value: Any) -> datetime | None:
    seconds = _int(value)
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


class TokenPool:
    """Budgets per (token, resource); resource is "graphql" or "core" (REST)."""

    def __init__(
        self, tokens: Sequence[str], *, reserve: int, clock: Callable[[], datetime]
    ) -> None:
        self.tokens = list(dict.fromkeys(t.strip() for t in tokens if t.strip())) or [""]
        self.reserve = reserve
        self.clock = clock
        self.rejected: set[str] = set()
        self._budgets: dict[tuple[str, str], Budget] = {}

    def budget(self, token: str, resource: str) -> Budget:
        budget = self._budgets.setdefault((token, resource), Budget())
        if budget.reset_at is not None and budget.reset_at <= self.clock():
            budget.remaining = budget.used = None  # a new window has started
            budget.reset_at = None
        return budget

    def has_budget(self, token: str, resource: str) -> bool:
        budget = self.budget(token, resource)
        if budget.remaining is None:
            return True
        # The reserve never exceeds a tenth of the limit, so 60 unauthenticated calls stay usable.
        reserve = self.reserve if budget.limit is None else min(self.reserve, budget.limit // 10)
        return budget.remaining > reserve

    def pick(self, resource: str) -> str | None:
        """The usable token with the most budget left (unknown counts as full); None if spent."""
        usable = [t for t in self.tokens if t not in self.rejected and self.has_budget(t, resource)]
        if not usable:
            return None

        def left(token: str) -> int:
            remaining = self.budget(token, resource).remaining
            return 10**9 if remaining is None else remaining

        return max(usable, key=left)

    def observe_headers(self, token: str, headers: Mapping[str, str], resource: str) -> None:
        remaining = _int(headers.get("x-ratelimit-remaining"))
        if remaining is None:
            return
        kind = headers.get("x-ratelimit-resource", resource)
        budget = self.budget(token, kind if kind in {"core", "graphql"} else resource)
        budget.remaining = remaining
        budget.limit = _int(headers.get("x-ratelimit-limit")) or budget.limit
        budget.used = _int(headers.get("x-ratelimit-used"))
        budget.reset_at = _epoch(headers.get("x-ratelimit-reset")) or budget.reset_at

    def observe_graphql(self, token: str, rate_limit: Any) -> int:
        """Record a GraphQL ``rateLimit`` object; the query's cost (0 when absent)."""
        if not isinstance(rate_limit, dict):
            return 0
        budget = self.budget(token, "graphql")
        remaining = _int(rate_limit.get("remaining"))
        if remaining is not None:
            budget.remaining = remaining
        budget.limit = _int(rate_limit.get("limit")) or budget.limit
        budget.used = _int(rate_limit.get("used")) if "used" in rate_limit else budget.used
        budget.reset_at = _iso(rate_limit.get("resetAt")) or budget.reset_at
        return _int(rate_limit.get("cost")) or 0

    def spend(self, token: str, resource: str, reset_at: datetime | None = None) -> None:
        budget = self.budget(token, resource)
        budget.remaining = 0
        budget.reset_at = reset_at or budget.reset_at or self.clock() + UNKNOWN_RESET

    def earliest_reset(self, resource: str) -> datetime:
        resets = [self.budget(t, resource).reset_at for t in self.tokens if t not in self.rejected]
        known = [r for r in resets if r is not None]
        return min(known) if known else self.clock() + UNKNOWN_RESET

    def state(self, resource: str) -> RateLimitState:
        """The pool's total budget for a resource (the one token's, with one token)."""
        budgets = [self.budget(t, resource) for t in self.tokens if t not in self.rejected]

        def total(values: list[int | None]) -> int | None:
            known = [v for v in values if v is not None]
            return sum(known) if known else None

        resets = [b.reset_at for b in budgets if b.reset_at is not None]
        return RateLimitState(
            limit=total([b.limit for b in budgets]),
            remaining=total([b.remaining for b in budgets]),
            reset_at=min(resets) if resets else None,
            used=total([b.used for b in budgets]),
        )
