"""HTTP caching for the read endpoints: ETag, Last-Modified, 304 and Cache-Control.

The catalog only changes when a refresh, a rankings run, an import or a curator writes, and
each of those moves a timestamp on the tools (``updated_at``, ``metrics_as_of``,
``rankings_computed_at``, ``last_refreshed_at``), changes how many tools there are, or leaves
an admin-log entry (taxonomy edits). Two small aggregate queries over those give a version of
the whole catalog; the validator of a response is that version plus the exact URL and the
media type. A matching ``If-None-Match`` (or, without one, ``If-Modified-Since``) is answered
304 only where the response would have been a 200: a 304 never hides a 400 or a 404, and
``If-None-Match: *`` matches only a resource that exists. A view that can check its request
cheaply (``precondition_checked``: validate, look up, raise the same 4xx) is answered 304
before the real work; any other view runs and its 200 becomes the 304.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.db.models import Count, Max
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from rest_framework.views import APIView

from api.errors import NotModified
from catalog.models import Tool

#: Seconds a client or shared cache may reuse a response before revalidating it.
CACHE_MAX_AGE = 60


@dataclass(frozen=True)
class CatalogVersion:
    tag: str
    last_modified: datetime | None


def catalog_version() -> CatalogVersion:
    """A fingerprint of everything the API serves, in two aggregate queries."""
    tools = Tool.objects.aggregate(
        count=Count("id"),
        updated=Max("updated_at"),
        measured=Max("metrics_as_of"),
        ranked=Max("rankings_computed_at"),
        refreshed=Max("last_refreshed_at"),
    )
    log = LogEntry.objects.aggregate(last=Max("id"), at=Max("action_time"))
    parts = [*tools.values(), log["last"]]
    stamps = [v for v in (*tools.values(), log["at"]) if isinstance(v, datetime)]
    return CatalogVersion(tag="|".join(map(str, parts)), last_modified=max(stamps, default=None))


def _timestamp(version: CatalogVersion) -> int | None:
    return int(version.last_modified.timestamp()) if version.last_modified else None


def _etag(version: CatalogVersion, request) -> str:
    renderer = getattr(request, "accepted_media_type", "") or ""
    seed = "\n".join([version.tag, request.get_full_path(), renderer])
    return 'W/"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


class ConditionalGetMixin(APIView):
    """For read-only API views: validators on 200s, 304 when the client is up to date."""

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self._fresh = False
        if request.method not in ("GET", "HEAD"):
            return
        version = catalog_version()
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
        if response.status_code == 200 and self._fresh:
            response.status_code = 304
            response.data = None
            for name in ("X-Total-Count", "Link"):
                if name in response:
                    del response[name]
        for name, value in self._cache_headers(request).items():
            response[name] = value
        patch_vary_headers(response, ["Accept"])
        return response
