"""Error responses outside the views: Django's 400/403/404/500 handlers and the 503 for an outage.

Under ``/api/`` every error is JSON in the API's one shape (``api.errors.error_body``); elsewhere
it is an HTML page in the site's style (``config/templates/``). None of them touches the
database, so they still answer while it is down.
"""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from api.errors import json_error

logger = logging.getLogger("strata.errors")

# Connection-level database failures (server down, restarting, unreachable, connection lost):
# answered with a 503 and Retry-After rather than a 500.
DATABASE_DOWN_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)

RETRY_AFTER_SECONDS = 30


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _page(template: str, status: int, headers: dict[str, str] | None = None) -> HttpResponse:
    # No RequestContext: the context processors read the session and the user, which need the
    # database. The templates only use static files and URL names.
    return HttpResponse(render_to_string(template, {}), status=status, headers=headers)


def service_unavailable(request: HttpRequest, error: BaseException) -> HttpResponse:
    """503 with Retry-After when the database is unreachable: JSON under /api/, a page elsewhere."""
    logger.error("Database unavailable for %s %s: %s", request.method, request.path, error)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if is_api(request):
        return json_error(
            503,
            "service_unavailable",
            "The database is unavailable; try again in a minute.",
            headers=headers,
        )
    return _page("503.html", 503, headers)


def request_too_big(request: HttpRequest) -> HttpResponse:
    return json_error(
        413,
        "request_too_large",
        "The request body is larger than this server accepts.",
        parameter="body",
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return request_too_big(request)
    return json_error(400, "bad_request", "The request is malformed or its Host is not served.")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return json_error(403, "permission_denied", "You do not have permission to do this.")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return json_error(
        404,
        "not_found",
        f"No API endpoint at {request.path_info}; see /api/docs/.",
        parameter="path",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN_ERRORS):
        return service_unavailable(request, error)
    if is_api(request):
        return json_error(500, "server_error", "Something went wrong on our side; it is logged.")
    return _page("500.html", 500)
