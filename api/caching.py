"""HTTP caching: ETag, Last-Modified, 304 and Cache-Control.

Validators are the catalog's data version (``catalog.data_version.catalog_version``: one
statement of index lookups that moves on every write through the services, the refresh, the
ranking, the importer and admin; its docstring lists what it sees and what it does not).
Clients revalidate within ``CACHE_MAX_AGE``; a write outside those paths gives them a 304 for
stale data until the next refresh moves the version.

Anonymous JSON 200s (not the browsable API's pages, not streamed CSV) are also kept in the shared
cache (``django.core.cache``: Redis with ``REDIS_URL``, else per process) under the same key
as the ETag — version, full path with query, media type — for ``RESPONSE_CACHE_SECONDS``: a
repeated question costs the version lookup and one cache read, and a write moves the version,
so a stale answer is never served from it. The throttles still count every request. A cache
that is down is skipped (logged once a minute, ``catalog.outages``).

The validator of a response is that version plus the exact URL and the media type. A matching
``If-None-Match`` (or, without one, ``If-Modified-Since``) is answered 304 only where the
response would have been a 200: a 304 never hides a 400 or a 404, and ``If-None-Match: *``
matches only a resource that exists. A view that can check its request cheaply
(``precondition_checked``: validate, look up, raise the same 4xx) is answered 304 before the
real work; any other view runs and its 200 becomes the 304.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import NotModified
from catalog.data_version import (  # noqa: F401  (the API's names for them)
    MEMO_ENTRIES,
    CatalogVersion,
    by_version,
    catalog_version,
    forget_memo,
)
from catalog.outages import CACHE_ERRORS, note_cache_outage

#: Seconds a client or shared cache may reuse a response before revalidating it.
CACHE_MAX_AGE = 60
#: Seconds an anonymous 200 stays in the server's cache (its key holds the data version).
RESPONSE_CACHE_SECONDS = 600
#: Larger bodies are not cached.
RESPONSE_CACHE_MAX_BYTES = 512 * 1024
_KEPT_HEADERS = ("Content-Type", "X-Total-Count", "Link", "Content-Disposition")


def _timestamp(version: CatalogVersion) -> int | None:
    return int(version.last_modified.timestamp()) if version.last_modified else None


def _etag(version: CatalogVersion, request) -> str:
    renderer = getattr(request, "accepted_media_type", "") or ""
    seed = "\n".join([version.tag, request.get_full_path(), renderer])
    return 'W/"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


class _CachedAnswer(Exception):
    """Raised from ``initial`` on a cache hit; ``handle_exception`` answers with it."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__()
        self.response = response


def _cache_key(etag: str) -> str:
    return "api-response:" + etag.strip('W/"')


def _cached_response(key: str) -> HttpResponse | None:
    try:
        stored = cache.get(key)
    except CACHE_ERRORS as error:
        note_cache_outage("the API response cache", error)
        return None
    if not stored:
        return None
    content, headers = stored
    response = HttpResponse(content, status=200)
    for name, value in headers.items():
        response[name] = value
    return response


def _store(key: str, response) -> None:
    response.render()
    if len(response.content) > RESPONSE_CACHE_MAX_BYTES:
        return
    headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
    try:
        cache.set(key, (response.content, headers), RESPONSE_CACHE_SECONDS)
    except CACHE_ERRORS as error:
        note_cache_outage("the API response cache", error)


class ConditionalGetMixin(APIView):
    """For read-only API views: validators on 200s, 304 when the client is up to date, and
    anonymous answers served from the shared cache while the data version holds."""

    #: The data version read for this GET (None for writes): keys ``by_version``.
    catalog_version: CatalogVersion | None = None

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self._fresh = False
        self._cache_key: str | None = None
        self.catalog_version = None
        if request.method not in ("GET", "HEAD"):
            return
        version = catalog_version()
        self.catalog_version = version
        self._validators = {"ETag": _etag(version, request)}
        if version.last_modified is not None:
            self._validators["Last-Modified"] = http_date(version.last_modified.timestamp())
        # Django's own RFC 9110 evaluation: If-None-Match (weak comparison, ``*``) first, else
        # If-Modified-Since; a 304 answer means the client's copy is current.
        answer = get_conditional_response(
            request, etag=self._validators["ETag"], last_modified=_timestamp(version)
        )
        self._fresh = answer is not None and answer.status_code == 304
        if self._fresh and self.precondition_checked(request, *args, **kwargs):
            raise NotModified(self._cache_headers(request))
        if request.method == "GET" and not request.user.is_authenticated:
            self._cache_key = _cache_key(self._validators["ETag"])
            hit = _cached_response(self._cache_key)
            if hit is not None:
                raise _CachedAnswer(hit)

    def handle_exception(self, exc):
        if isinstance(exc, _CachedAnswer):
            return exc.response
        return super().handle_exception(exc)

    def precondition_checked(self, request, *args, **kwargs) -> bool:
        """Check, without building the body, that this request would get a 200: raise the
        view's own 400/404 if not and return True. The default (False) lets the view run in
        full; its 200 is then turned into the 304."""
        return False

    def _cache_headers(self, request) -> dict[str, str]:
        scope = "private" if request.user.is_authenticated else "public"
        return {**self._validators, "Cache-Control": f"{scope}, max-age={CACHE_MAX_AGE}"}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if not getattr(self, "_validators", None) or response.status_code not in (200, 304):
            return response
        key = getattr(self, "_cache_key", None)
        storable = (
            isinstance(response, Response)
            and not self._fresh
            and getattr(response.accepted_renderer, "format", None) == "json"  # no HTML forms
        )
        if key and response.status_code == 200 and storable:
            _store(key, response)
        if response.status_code == 200 and self._fresh:
            response.status_code = 304
            if response.streaming:  # a streamed CSV: nothing is read or sent
                response.streaming_content = []
            else:
                response.data = None
            for name in ("X-Total-Count", "Link"):
                if name in response:
                    del response[name]
        for name, value in self._cache_headers(request).items():
            response[name] = value
        patch_vary_headers(response, ["Accept"])
        return response
