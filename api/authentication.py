"""Token authentication with a limit on failed attempts.

``ThrottledTokenAuthentication`` is DRF's token authentication (``Authorization: Token <key>``)
with a limit on *failed* attempts per client address (``API_THROTTLE_TOKEN_FAILURES``, counted
in the cache): past it, every token from that address is refused with a 429 and
``Retry-After`` until the window ends, so keys cannot be guessed at speed. While the cache is
down the limit is not applied (logged once a minute, ``catalog.outages``).

This module must not import ``rest_framework.views``: DRF imports the authentication classes
while ``rest_framework.views`` is loading.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, throttling
from rest_framework.authentication import TokenAuthentication
from rest_framework.request import Request

from catalog.outages import CACHE_ERRORS, note_cache_outage


class _TokenFailures(throttling.SimpleRateThrottle):
    """Counts failed token attempts per client address (rate ``token_failures``)."""

    scope = "token_failures"

    @property
    def limit(self) -> tuple[int, int] | None:
        """(failures allowed, window in seconds), or None when the rate is switched off."""
        count, seconds = self.parse_rate(self.rate)
        return None if count is None or seconds is None else (count, seconds)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def refused(self, request: Request) -> bool:
        """True when this address has used up its failed attempts for the window."""
        if self.limit is None:
            return False
        try:
            failures = self.cache.get(self.get_cache_key(request, None), 0)
        except CACHE_ERRORS as error:
            note_cache_outage("the failed-token limit", error)
            return False
        return isinstance(failures, int) and failures >= self.limit[0]

    def record(self, request: Request) -> None:
        if self.limit is None:
            return
        key, window = self.get_cache_key(request, None), self.limit[1]
        try:
            if not self.cache.add(key, 1, timeout=window):
                try:
                    self.cache.incr(key)
                except ValueError:  # expired between add() and incr()
                    self.cache.add(key, 1, timeout=window)
        except CACHE_ERRORS as error:
            note_cache_outage("the failed-token limit", error)


class ThrottledTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, refused with a 429 after too many wrong keys."""

    def authenticate(self, request: Request) -> Any:
        failures = _TokenFailures()
        header = request.headers.get("authorization", "")
        if header.split(" ", 1)[0].lower() == self.keyword.lower() and failures.refused(request):
            window = failures.limit[1] if failures.limit else 0
            raise exceptions.Throttled(
                wait=window,
                detail=(
                    "Too many failed token attempts from your address; token authentication "
                    f"is refused for up to {window} seconds."
                ),
            )
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            failures.record(request)
            raise
