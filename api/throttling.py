"""The API's throttles, failing open when the cache is down, and a limit on failed tokens.

``AnonRateThrottle`` and ``UserRateThrottle`` count requests in the cache (Redis in
production). When the cache cannot be reached the request is let through and the outage is
logged at most once a minute (``catalog.outages``): a short window without throttling is better
than every API request failing.

``ThrottledTokenAuthentication`` is DRF's token authentication with a limit on *failed* attempts
per client address (``API_THROTTLE_TOKEN_FAILURES``): past it, every token from that address is
refused with a 429 until the window ends, so keys cannot be guessed at speed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import throttling
from rest_framework.request import Request

from catalog.outages import CACHE_ERRORS, note_cache_outage

if TYPE_CHECKING:  # rest_framework.views imports the authentication settings: no cycle
    from rest_framework.views import APIView


class FailOpenAnonRateThrottle(throttling.AnonRateThrottle):
    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            note_cache_outage("the API throttles", error)
            return True


class FailOpenUserRateThrottle(throttling.UserRateThrottle):
    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            note_cache_outage("the API throttles", error)
            return True
