"""Middleware that must come before Django's own (first in ``MIDDLEWARE``).

``HealthCheckMiddleware`` answers ``/healthz`` and ``/readyz`` before host validation and the
HTTPS redirect, so a load balancer probing an instance over plain HTTP with its own ``Host``
gets the answer. ``OutageMiddleware`` turns a database outage raised by a view into a 503
(JSON under ``/api/``, a page elsewhere) and refuses an API body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` with a 413 before anything reads it (DRF's parsers read the
stream, which Django's own size check does not cover). Under DEBUG, a view's "not found" still
shows the site's 404 page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

from config import health
from config.errors import (
    DATABASE_DOWN_ERRORS,
    is_api,
    page_not_found,
    request_too_big,
    service_unavailable,
)

Handler = Callable[[HttpRequest], HttpResponse]

_HEALTH_VIEWS: dict[str, Handler] = {
    "/healthz": health.healthz,
    "/healthz/": health.healthz,
    "/readyz": health.readyz,
    "/readyz/": health.readyz,
}


class HealthCheckMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = _HEALTH_VIEWS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)


class OutageMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request) and _declared_length(request) > _max_body():
            return request_too_big(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            return service_unavailable(request, exception)
        if isinstance(exception, Http404) and settings.DEBUG and not is_api(request):
            # A view said "not found" (an unknown tool, layer, category): show the site's 404
            # page under DEBUG too, as visitors see it. Unmatched URLs keep Django's debug page.
            return page_not_found(request, exception)
        return None


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _max_body() -> float:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return float("inf") if limit is None else limit
